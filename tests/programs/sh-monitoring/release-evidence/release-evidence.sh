#!/usr/bin/env bash
# Collect the evidence the change board asks for before a release:
#   - error rate and p95 latency of the last hour from Prometheus
#   - the release notes file from the Gitea repository
#   - the last CI tasks of the repository
# Writes evidence/<tag>/ and exits non-zero when the error budget is burnt.
set -euo pipefail

tag=${1:?usage: release-evidence.sh TAG}
prom=${PROM_URL:-http://prometheus.monitoring.svc:9090}
gitea=${GITEA_URL:-https://git.example.org}
repo=${GITEA_REPO:-platform/checkout}
out="evidence/$tag"
mkdir -p "$out"

promq() {
  curl -fsS --get "$prom/api/v1/query" --data-urlencode "query=$1" \
    | jq -er '.data.result[0].value[1] // "0"'
}

errors=$(promq 'sum(rate(http_requests_total{job="checkout",code=~"5.."}[1h])) / sum(rate(http_requests_total{job="checkout"}[1h]))')
p95=$(promq 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="checkout"}[1h])))')
printf 'error_rate\t%s\np95_seconds\t%s\n' "$errors" "$p95" >"$out/slo.tsv"

curl -fsS "$prom/api/v1/targets?state=active" \
  | jq -r '.data.activeTargets[] | select(.labels.job == "checkout") | [.labels.instance, .health] | @tsv' \
  >"$out/targets.tsv"

gitea_api=(-fsS -H "Authorization: token ${GITEA_TOKEN}" -H 'accept: application/json')
curl "${gitea_api[@]}" "$gitea/api/v1/repos/$repo/raw/RELEASE_NOTES.md?ref=$tag" -o "$out/RELEASE_NOTES.md"
curl "${gitea_api[@]}" "$gitea/api/v1/repos/$repo/actions/tasks?limit=20" \
  | jq -r '.workflow_runs[] | [.id, .name, .status, .head_sha[0:8]] | @tsv' >"$out/ci-tasks.tsv"

if awk -v e="$errors" 'BEGIN { exit !(e > 0.001) }'; then
  echo "error budget burnt: $errors > 0.1%" >&2
  exit 1
fi
echo "evidence for $tag in $out"
