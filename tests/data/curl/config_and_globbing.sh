#!/bin/bash
curl -K ./curlrc https://api.example.com/v1/ping
curl --config - <<'CFG'
url = "https://api.example.com/v1/from-config"
header = "Accept: application/json"
silent
CFG
curl -O 'https://archive.example.org/logs/app-[01-12].log.gz'
curl 'https://images.example.org/{small,medium,large}/logo.png' -o '#1-logo.png'
curl https://mirror-a.example.org/file https://mirror-b.example.org/file
curl -s https://first.example.com/api/v1/a --next -X POST https://second.example.com/api/v1/b
curl --url-query 'page=3' --url-query "user=$USER" https://api.example.com/v1/list
curl -H @headers.txt https://api.example.com/v1/with-header-file
curl -b cookies.txt -c cookies.txt https://shop.example.com/cart
curl --cookie 'session=abc; theme=dark' https://shop.example.com/account
