#!/bin/bash
curl -s -X POST https://hooks.example.com/api/v1/notify --data-binary @- <<EOT
{"text": "deploy of $VERSION finished", "channel": "#releases"}
EOT

curl -s -X PUT "https://config.example.net/api/v1/keys/app" -H 'Content-Type: text/plain' --data-binary @- <<'RAW'
raw $text with no expansion
and a second line
RAW

while read -r id; do
  curl -s "https://inventory.example.com/api/v1/hosts/$id" | jq -r '.name'
done <<HOSTS
web-1
web-2
HOSTS

jq -n --arg v "$VERSION" '{version: $v}' | curl -s -d @- https://releases.example.com/api/v1/versions
curl -s https://status.example.com/api/v1/summary <<< "ignored stdin"
