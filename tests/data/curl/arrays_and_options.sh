#!/usr/bin/env bash
set -euo pipefail
common=(-sS --fail -H "Accept: application/json" -H "User-Agent: deploy-script/1.0")
auth=(-u "${API_USER}:${API_PASSWORD}")
curl "${common[@]}" "${auth[@]}" https://jenkins.example.com/api/json
curl "${common[@]}" -X POST "https://jenkins.example.com/job/${JOB}/buildWithParameters" --data-urlencode "BRANCH=${BRANCH}"
opts="-s -L"
# shellcheck disable=SC2086
curl $opts https://get.example.sh/install.sh | sh
declare -A urls=([prod]=https://prod.example.com [staging]=https://staging.example.com)
for env in "${!urls[@]}"; do
  curl -s "${urls[$env]}/api/v1/health" || echo "$env down"
done
