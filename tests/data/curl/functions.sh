#!/bin/bash
api() {
  local method=$1 path=$2
  shift 2
  curl -sS -X "$method" "https://registry.example.com/api/v1${path}" -H "Authorization: Bearer $REGISTRY_TOKEN" "$@"
}

function upload {
  curl -sS -F "file=@$1" -F "name=$(basename "$1")" https://uploads.example.com/api/v1/files
}

api GET /repositories | jq '.repositories[]'
api DELETE "/repositories/$REPO/tags/$TAG"
upload ./dist/app.tar.gz
status=$(curl -s -o /dev/null -w '%{http_code}' https://www.example.com/)
[ "$status" = 200 ] || exit 1
