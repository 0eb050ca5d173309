#!/usr/bin/env bash
# artifact-backup.sh -- keep a copy of TDM generation output in blobby.
#
#   artifact-backup.sh fetch [TASK_ID]   pull zip + manifest from DATAMIMIC into $STAGING_DIR
#   artifact-backup.sh ship              upload $STAGING_DIR/* to blobby bucket
#   artifact-backup.sh prune             drop all but the newest $OBJ_KEEP backups in blobby
#
# fetch runs on the TDM side (has the DATAMIMIC token), ship/prune run on the
# backup host (has the blobby token) -- hence separate subcommands.

set -euo pipefail
cd "$(dirname "$0")"
source ./backup.conf

dm_base="${DM_HOST}/api/v1/${DM_PROJECT}"
obj_base="${OBJ_HOST}/api/v1/${OBJ_BUCKET}"

fetch() {
  local task=${1:-${TASK_ID:?need a task id}}
  local auth="Authorization: Bearer ${DATAMIMIC_TOKEN:?}"
  mkdir -p "$STAGING_DIR"

  local status
  status=$(curl -fsS -H "$auth" "${dm_base}/task/${task}" | jq -r '.result[0].status')
  if [[ $status != SUCCESS ]]; then
    echo "fetch: task $task is $status, nothing to back up" >&2
    return 1
  fi

  # manifest first: ship refuses to upload a zip without one
  curl -fsS -H "$auth" "${dm_base}/task/${task}/artifacts" \
    | jq --arg task "$task" --arg project "$DM_PROJECT" \
        '{task: $task, project: $project, files: map({name, size}), total_bytes: (map(.size) | add)}' \
    > "$STAGING_DIR/${task}.manifest.json"

  curl -fsS -H "$auth" -o "$STAGING_DIR/${task}.zip" "${dm_base}/task/${task}/artifacts/download"

  jq -r '"fetched \(.files | length) artifacts (\(.total_bytes) bytes) for task \(.task[0:8])"' \
    "$STAGING_DIR/${task}.manifest.json"
  ls "$STAGING_DIR" | sed 's/^/  staged: /'
}

ship() {
  local auth="Authorization: Bearer ${BLOBBY_TOKEN:?}"
  local m
  for m in "$STAGING_DIR"/*.manifest.json; do
    [[ -e $m ]] || { echo "ship: nothing staged"; return 0; }
    local task zip
    task=$(jq -r .task "$m")
    zip="$STAGING_DIR/${task}.zip"
    [[ -f $zip ]] || { echo "ship: $zip missing" >&2; return 1; }
    curl -fsS -X POST "${obj_base}/files" \
      -H "$auth" \
      -F "key=tdm/${DM_PROJECT}/${task}.zip" \
      -F "file=@${zip}" \
      -F "meta=<${m}" | jq -r '"shipped \(.key) etag=\(.etag)"'
    rm -f "$zip" "$m"
  done
}

prune() {
  local auth="Authorization: Bearer ${BLOBBY_TOKEN:?}"
  curl -fsS -H "$auth" "${obj_base}/files?prefix=tdm/${DM_PROJECT}/" \
    | jq -r --argjson keep "$OBJ_KEEP" '.objects | sort_by(.created) | reverse | .[$keep:][] | .key' \
    | while read -r key; do
        curl -fsS -X DELETE -H "$auth" "${obj_base}/files/$(jq -rn --arg k "$key" '$k|@uri')" >/dev/null
        echo "pruned $key"
      done
}

cmd=${1:-}; shift || true
case $cmd in
  fetch) fetch "$@" ;;
  ship)  ship ;;
  prune) prune ;;
  *) sed -n '3,6p' "$0" >&2; exit 2 ;;
esac
