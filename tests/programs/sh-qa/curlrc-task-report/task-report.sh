#!/usr/bin/env bash
# QA: write a Markdown report of a generation task (status, timings, log tail, artifacts)
# for the merge request. Token never on the command line: it goes through a private -K file.
set -euo pipefail

task=${1:-${TASK_ID:?usage: task-report.sh TASK_ID}}
base=${DATAMIMIC_URL:-http://datamimic.qa.internal}/api/v1/${PROJECT_ID:-demo-project}
report=${REPORT:-task-report.md}

auth=$(mktemp)
trap 'rm -f "$auth"' EXIT
chmod 600 "$auth"
printf 'header = "Authorization: Bearer %s"\n' "$TOKEN" >"$auth"

dm() { curl -K ci/datamimic.curlrc -K "$auth" "$@"; }

dm -K ci/project-info.curlrc
project=$(jq -r '.name' project-info.json)

meta=$(dm --url "$base/task/$task")
status=$(jq -r '.result[0].status' <<<"$meta")
started=$(jq -r '.result[0].date_started' <<<"$meta")
done_at=$(jq -r '.result[0].date_done' <<<"$meta")

log_tail=$(curl -K ci/datamimic.curlrc -K "$auth" -H 'accept: text/plain' \
  --url "$base/task/$task/log" --url-query encode=false | tail -n 20)

artifacts=$(dm --url "$base/task/$task/artifacts" | jq -r '.[] | "| \(.name) | \(.type) | \(.size) |"')

{
  echo "## Test data for $project"
  echo
  echo "Task \`$task\`: **$status** (started $started, done $done_at)"
  echo
  echo "| artifact | type | bytes |"
  echo "|---|---|---|"
  echo "$artifacts"
  echo
  echo '```'
  echo "$log_tail"
  echo '```'
} >"$report"

[ "$status" = SUCCESS ] || { echo "task $task is $status" >&2; exit 1; }
echo "report written to $report"
