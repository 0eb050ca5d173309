#!/bin/bash
# generate.sh - start a DATAMIMIC generation, wait until the task is done and
# download every artifact it produced.
#
#   ./generate.sh [-c COUNT] [-o OUTDIR] [-k]
#
# TOKEN must hold the project access token (CI: masked variable TDM_TOKEN -> TOKEN).
set -euo pipefail

. "$(dirname "$0")/datamimic.env"

: "${TOKEN:?export TOKEN with the project access token}"

API=$DATAMIMIC_BASE/api/v1/$DATAMIMIC_PROJECT

usage() {
  echo "usage: $0 [-c COUNT] [-o OUTDIR] [-k]" >&2
  echo "  -c COUNT   number of customers to generate (default 100)" >&2
  echo "  -o OUTDIR  where to store the artifacts (default: temp dir)" >&2
  echo "  -k         keep the output folder" >&2
  exit 2
}

log() { printf '%s\n' "$*" >&2; }

COUNT=100
OUTDIR=
KEEP=0
while getopts "c:o:kh" opt; do
  case "$opt" in
    c) COUNT=$OPTARG ;;
    o) OUTDIR=$OPTARG ;;
    k) KEEP=1 ;;
    *) usage ;;
  esac
done

tmp=$(mktemp)
if [[ -z $OUTDIR ]]; then
  OUTDIR=$(mktemp -d)
  [[ $KEEP -eq 1 ]] || trap 'rm -f "$tmp"; rm -rf "$OUTDIR"' EXIT
else
  mkdir -p "$OUTDIR"
  trap 'rm -f "$tmp"' EXIT
fi

curl_opts=(-sS --fail --retry 3 -H "Authorization: Bearer $TOKEN" -H "accept: application/json")

# --- start the generation -------------------------------------------------
curl "${curl_opts[@]}" -X POST -H "Content-Type: application/json" \
  -o "$tmp" "$API/generate" -d @- <<EOF
{
  "task_type": "standard",
  "custom_property_file": {
    "name": "runtime.properties",
    "data": {
      "count": $COUNT,
      "feature_premium": false
    }
  }
}
EOF
TASK_ID=$(jq -r '.task_id' "$tmp")
[[ -n $TASK_ID && $TASK_ID != null ]] || { log "no task_id in response"; cat "$tmp" >&2; exit 1; }
echo "task started: $TASK_ID (count=$COUNT)"

TASK_API=$API/task/$TASK_ID

# --- wait for it ----------------------------------------------------------
status=PENDING
for ((i = 1; i <= MAX_POLLS; i++)); do
  curl "${curl_opts[@]}" -o "$tmp" "$TASK_API"
  status=$(jq -r '.result[0].status // "UNKNOWN"' "$tmp")
  log "poll $i: $status"
  case $status in
    SUCCESS) break ;;
    FAILURE | REVOKED)
      log "task $TASK_ID ended with $status, log follows:"
      curl "${curl_opts[@]}" -H "accept: text/plain" "$TASK_API/log?encode=false" >&2
      exit 1
      ;;
  esac
  sleep "$POLL_INTERVAL"
done
if [[ $status != SUCCESS ]]; then
  log "gave up after $MAX_POLLS polls (last status $status)"
  exit 1
fi
echo "task $(jq -r '.result[0].name' "$tmp"): $status"

# --- fetch the artifacts --------------------------------------------------
n=0
while read -r name size; do
  curl "${curl_opts[@]}" -o "$OUTDIR/$name" "$TASK_API/artifact/download/$name"
  got=$(wc -c < "$OUTDIR/$name")
  if [[ $got -ne $size ]]; then
    log "WARN: $name is $got bytes, server said $size"
  fi
  printf '  %-16s %6d bytes\n' "$name" "$got"
  n=$((n + 1))
done < <(curl "${curl_opts[@]}" "$TASK_API/artifacts" | jq -r '.[] | "\(.name) \(.size)"')

echo "$n artifacts downloaded"
if [[ $KEEP -eq 1 ]]; then
  echo "kept in $OUTDIR"
fi
