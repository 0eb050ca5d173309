#!/usr/bin/env bash
# Every way bash quotes a URL.
curl https://api.example.com/v1/users
curl 'https://api.example.com/v1/users?page=2&per_page=50'
curl "https://api.example.com/v1/users/${USER_ID}"
curl "https://api.example.com/v1/users/$USER_ID/avatar"
curl https://api.example.com/v1/"$RESOURCE"/items
curl $'https://api.example.com/v1/search?q=tab\there'
curl "https://api.example.com/v1/search?q=$(printf %s "$TERM" | jq -sRr @uri)"
curl https://api.example.com/v1/a\ b
curl "https://api.example.com/"'v1'"/mixed"
curl --url "https://api.example.com/v1/by-url" -o /dev/null
curl "https://api.example.com/v1/users/${USER_ID:-me}/settings"
curl "https://api.example.com/v1/${ENDPOINT#/}"
curl `echo https://api.example.com/v1/backticks`
