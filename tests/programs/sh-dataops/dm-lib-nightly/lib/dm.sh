# shellcheck shell=bash
# Shared helpers for the DATAMIMIC test-data jobs. Source this file; do not run it.
#
#   DM_BASE   base of the external API (default: $DATAMIMIC_URL/api/v1)
#   TOKEN     project access token
#   PROJECT_ID

: "${DATAMIMIC_URL:?set DATAMIMIC_URL}"
: "${TOKEN:?set TOKEN (project access token)}"
: "${PROJECT_ID:?set PROJECT_ID}"
DM_BASE="${DM_BASE:-$DATAMIMIC_URL/api/v1}"

dm_log() { printf '[dm %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
dm_die() { dm_log "ERROR: $*"; exit 1; }

# dm_curl PATH [curl args...]: PATH is relative to the API base, e.g. "/$PROJECT_ID/info".
dm_curl() { curl -fsS -H "Authorization: Bearer $TOKEN" "$DM_BASE$1" "${@:2}"; }

# dm_json PATH [curl args...]: like dm_curl, but asks for JSON and checks that it is JSON.
dm_json() {
  local out
  out=$(dm_curl "$1" -H 'accept: application/json' "${@:2}") || return
  jq -e . >/dev/null <<<"$out" || dm_die "not JSON from $1: ${out:0:200}"
  printf '%s\n' "$out"
}

# dm_task_status TASK: the datamimic status of a task ("" when unknown).
dm_task_status() {
  dm_json "/$PROJECT_ID/task/$1" | jq -r '.result[0].datamimic_status // empty'
}
