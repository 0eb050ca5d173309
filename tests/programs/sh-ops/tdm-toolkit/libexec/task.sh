#!/usr/bin/env bash
# tdm task [TASK_ID] - show a task's metadata and its log
set -euo pipefail
source "$TDM_HOME/lib/common.sh"
source "$TDM_HOME/lib/dm.sh"

id=${1:-$TDM_TASK_ID}
[[ -n $id ]] || die "usage: tdm task TASK_ID (or set TDM_TASK_ID)"

meta=$(dm_task "$id")
if ! jq -e '.task_count > 0' >/dev/null <<<"$meta"; then
  die "task $id not found in $TDM_PROJECT"
fi

jq -r '.result[0] |
  "task:     \(.name)",
  "status:   \(.status) (datamimic: \(.datamimic_status))",
  "queued:   \(.date_queued)",
  "finished: \(.date_done // "-")"' <<<"$meta"

echo "log:"
dm_api GET "/task/$id/log?encode=false" -H 'accept: text/plain' | sed 's/^/  | /'
