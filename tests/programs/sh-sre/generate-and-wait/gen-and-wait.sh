#!/usr/bin/env bash
# gen-and-wait.sh -- kick off a DATAMIMIC generation, wait for it, grab the zip.
#
# Used by the "refresh test data" button in Rundeck (job: tdm/refresh-stage).
#
#   gen-and-wait.sh [ROW_COUNT] [PREMIUM=true|false]
#
# Env: DATAMIMIC_URL, DATAMIMIC_TOKEN, PROJECT_ID (Rundeck injects them from
# the key store).  Leaves artifacts-<task>.zip + task-<task>.log in $OUT_DIR.

set -euo pipefail

ROWS=${1:-100}
PREMIUM=${2:-false}
POLL_MAX=${POLL_MAX:-30}
OUT_DIR=${OUT_DIR:-.}

: "${DATAMIMIC_TOKEN:?}"
api_root="${DATAMIMIC_URL:-https://tdm.acme-corp.com}/api/v1/${PROJECT_ID:-demo-project}"

log() { printf '[gen] %s\n' "$*"; }
die() { printf '[gen] ERROR: %s\n' "$*" >&2; exit 1; }

dm() {
  # dm METHOD PATH [extra curl args...]
  local method=$1 path=$2; shift 2
  curl -sS --fail-with-body -X "$method" \
    -H "Authorization: Bearer ${DATAMIMIC_TOKEN}" \
    -H 'accept: application/json' \
    "$@" "${api_root}${path}"
}

# --- request body --------------------------------------------------------
# built with jq so ROWS/PREMIUM are typed properly (count must be a number,
# the UI chokes on "100").
body=$(jq -n \
  --arg name runtime.properties \
  --argjson count "$ROWS" \
  --argjson premium "$PREMIUM" \
  '{task_type: "standard",
    custom_property_file: {name: $name, data: {count: $count, feature_premium: $premium}}}')

log "requesting generation: rows=${ROWS} premium=${PREMIUM}"
resp=$(dm POST /generate -H 'Content-Type: application/json' -d "$body") \
  || die "generate failed: ${resp:-no response}"
task_id=$(jq -er '.task_id' <<<"$resp") || die "no task_id in: $resp"
log "task ${task_id}"

# --- wait ---------------------------------------------------------------
status=UNKNOWN
for ((i = 1; i <= POLL_MAX; i++)); do
  status=$(dm GET "/task/${task_id}" | jq -r '.result[0].status // "UNKNOWN"')
  case "$status" in
    SUCCESS|FAILURE|REVOKED) break ;;
  esac
  log "poll ${i}/${POLL_MAX}: ${status}"
  sleep 0.2
done
log "final status: ${status}"

# logs are useful either way, grab them before bailing
dm GET "/task/${task_id}/log?encode=false" -H 'accept: text/plain' \
  | tee "${OUT_DIR}/task-${task_id}.log" \
  | sed 's/^/[gen]   | /'

[[ "$status" == SUCCESS ]] || die "task ${task_id} ended ${status}"

zip="${OUT_DIR}/artifacts-${task_id}.zip"
dm GET "/task/${task_id}/artifacts/download" -o "$zip"
log "saved $(basename "$zip") ($(wc -c <"$zip" | tr -d ' ') bytes)"
