#!/usr/bin/env bash
# Trigger a generation, wait for it, keep the log and every artifact under out/<task>/.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../lib/dm.sh
. "$here/lib/dm.sh"

count=${COUNT:-100}
body=$(jq -n --argjson count "$count" \
  '{task_type: "standard", custom_property_file: {name: "runtime.properties", data: {count: $count}}}')

task=$(dm_json "/$PROJECT_ID/generate" -X POST -H 'Content-Type: application/json' -d "$body" | jq -r '.task_id')
[ -n "$task" ] && [ "$task" != null ] || dm_die "no task id"
dm_log "task $task"

for _ in $(seq 1 30); do
  status=$(dm_task_status "$task")
  case "$status" in
    SUCCESS) break ;;
    FAILURE|REVOKED) dm_die "task $task ended $status" ;;
    *) sleep 2 ;;
  esac
done
[ "$status" = SUCCESS ] || dm_die "task $task still $status"

out="out/$task"
mkdir -p "$out"
dm_curl "/$PROJECT_ID/task/$task/log?encode=false" -H 'accept: text/plain' -o "$out/task.log"
dm_json "/$PROJECT_ID/task/$task/artifacts" >"$out/artifacts.json"
jq -r '.[].name' "$out/artifacts.json" | while read -r artifact; do
  dm_curl "/$PROJECT_ID/task/$task/artifact/download/$artifact" -o "$out/$artifact"
done
dm_log "collected $(jq length "$out/artifacts.json") artifact(s) into $out"
