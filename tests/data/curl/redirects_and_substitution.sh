#!/bin/bash
diff <(curl -s https://a.example.com/api/v1/config) <(curl -s https://b.example.com/api/v1/config)
curl -s https://api.example.com/v1/items > >(tee items.json | jq length)
curl -s -d @<(jq -n '{a: 1}') https://api.example.com/v1/process-sub
exec 3< <(curl -sN https://stream.example.com/api/v1/events)
curl -s https://api.example.com/v1/in < request.json >> responses.log 2>&1
curl -s https://api.example.com/v1/noclobber >| out.json
curl -s -H $'X-Trace: a\tb' https://api.example.com/v1/ansi-c
curl -s "$(cat url.txt)"
curl -s -X POST -H 'Content-Type: application/json' -d "{\"when\": \"$(date -Iseconds)\", \"who\": \"${USER}\"}" https://audit.example.com/api/v1/events
