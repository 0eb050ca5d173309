#!/bin/bash
curl -s -w '\n%{http_code} %{time_total}s\n' https://api.example.com/v1/timing
curl -s -o /dev/null -D headers.txt https://www.example.com/
curl -sL --compressed https://news.example.com/feed.xml | xmllint --format -
curl -s https://api.example.com/v1/report.csv | column -t -s,
curl -fsSL https://example.com/key.gpg | gpg --dearmor -o /usr/share/keyrings/example.gpg
curl -s --write-out '%{json}' https://api.example.com/v1/meta -o /dev/null | jq '.response_code'
curl -s -r 0-1023 https://files.example.com/big.iso -o head.bin
curl --limit-rate 100K -C - -O https://files.example.com/big.iso
curl -s "https://api.example.com/v1/unicode/caf%C3%A9?name=ü" > café.json
