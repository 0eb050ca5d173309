#!/bin/bash
curl -s https://api.github.com/repos/example/tool/releases/latest | jq -r '.assets[] | select(.name | endswith(".tar.gz")) | .browser_download_url'
count=$(curl -s "https://api.example.com/v1/projects/$P/files" | jq '.files | length')
resp=$(curl -s https://metrics.example.com/api/v1/query --data-urlencode 'query=up{job="api"}')
echo "$resp" | jq -r '.data.result[] | "\(.metric.instance) \(.value[1])"'
jq -r '.status' <<< "$(curl -s https://ci.example.com/api/v1/builds/42)"
curl -s https://prometheus.example.com/api/v1/targets | jq '[.data.activeTargets[] | select(.health != "up")] | length'
curl -sG https://loki.example.com/loki/api/v1/query_range --data-urlencode 'query={app="web"}' --data-urlencode "start=$(date -d '1 hour ago' +%s)000000000"
