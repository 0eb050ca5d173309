#!/bin/bash
# A v1 path in a comment is not a call: curl https://api.example.com/api/v1/abc/files
cat <<'DOC'
curl https://docs.example.com/api/v1/abc/files is documentation, not a call
DOC
echo "curl https://api.example.com/api/v1/abc/info"
printf '%s\n' "see https://wiki.example.com/api/v1/abc/files"
URL="https://api.example.com/v1/items"; curl -s "$URL"
readonly BASE=https://api.example.com/v1
curl -s "$BASE/items/1"; curl -s "$BASE/items/2"
export API_URL=https://partner.example.com/api/v1
curl -s "${API_URL}/orders?status=open" \
  | jq -c '.orders[]' \
  | while read -r order; do echo "$order"; done
alias get='curl -s'
declare -r KEY=abc
curl -s "https://maps.example.com/api/v1/geocode?address=1600+Amphitheatre&key=$KEY"
