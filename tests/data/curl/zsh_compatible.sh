#!/bin/bash
# Syntax bash shares with zsh scripts.
local_url=${1:-https://api.example.com/v1/default}
curl -s ${local_url}
[[ -n ${TOKEN-} ]] && curl -s -H "Authorization: Bearer ${TOKEN}" https://api.example.com/v1/private
curl -s "https://api.example.com/v1/items?ids=$(IFS=,; echo "${ids[*]}")"
typeset -a hosts=(a.example.com b.example.com)
for h in $hosts; do curl -s "https://$h/api/v1/ping"; done
curl -s https://api.example.com/v1/$(date +%Y)/$(date +%m)/report
