#!/bin/bash
curl -u admin https://admin.example.com/api/v1/settings
curl --user "svc:$(cat /run/secrets/password)" https://admin.example.com/api/v1/users
curl --digest -u "$U:$P" https://legacy.example.com/protected
curl --oauth2-bearer "$TOKEN" https://api.example.com/v1/oauth
curl --cacert ca.pem --cert client.pem --key client.key https://mtls.example.com/api/v1/secure
curl -k https://self-signed.example.local/api/v1/ping
curl --resolve api.example.com:443:10.0.0.5 https://api.example.com/v1/pinned
curl --proxy socks5h://localhost:1080 https://api.example.com/v1/socks
curl -H "PRIVATE-TOKEN: $GITLAB_TOKEN" "https://gitlab.example.com/api/v4/projects?search=migrate"
curl -H 'X-Api-Key: demo' http://[::1]:8080/api/v1/local
curl --aws-sigv4 "aws:amz:eu-west-1:execute-api" -u "$AK:$SK" https://abc.execute-api.eu-west-1.amazonaws.com/api/v1/items
