#!/bin/bash
until curl -sf http://localhost:8080/healthz >/dev/null; do
  sleep 1
done
if curl -sf "https://api.example.com/v1/users/$ID" -o user.json; then
  echo ok
elif [[ $? -eq 22 ]]; then
  echo "not found"
else
  exit 1
fi
case "$1" in
  prod) curl -s https://prod.example.com/api/v1/deploy -X POST ;;
  *) curl -s https://staging.example.com/api/v1/deploy -X POST ;;
esac
for i in $(seq 1 3); do curl -s "https://api.example.com/v1/pages/$i" & done; wait
{ curl -s https://a.example.com/api/v1/x; curl -s https://b.example.com/api/v1/y; } > both.json
(cd /tmp && curl -sO https://downloads.example.com/tool.zip)
curl -s https://api.example.com/v1/me && echo yes || echo no
