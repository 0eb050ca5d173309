#!/bin/bash
curl -s -X POST https://api.example.com/v1/orders -H 'Content-Type: application/json' -d '{
  "customer": {"id": 42, "name": "O'"'"'Brien"},
  "lines": [{"sku": "A-1", "qty": 2}, {"sku": "B-7", "qty": 1}],
  "note": "ship \"today\""
}'
curl -s -X POST https://api.example.com/v1/events -d "{\"type\": \"deploy\", \"sha\": \"${GIT_SHA}\", \"at\": $(date +%s)}"
body=$(cat <<JSON
{"name": "$NAME", "files": ["a.csv", "b.csv"]}
JSON
)
curl -s -X PUT https://api.example.com/v1/datasets/$ID --data "$body"
curl -s -X POST https://api.example.com/v1/bulk --data-binary @payload.ndjson -H 'Content-Type: application/x-ndjson'
curl -s https://graphql.example.com/graphql -H 'Content-Type: application/json' --data '{"query":"{ viewer { login } }"}'
