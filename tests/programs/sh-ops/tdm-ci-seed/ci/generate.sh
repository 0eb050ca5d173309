#!/usr/bin/env bash
# ci/generate.sh - job "tdm:generate": start the generation and wait for SUCCESS.
# Writes the task id to $STATE_DIR/task_id for the verify job.
source "$(dirname "$0")/common.sh"

MAX_WAIT=${TDM_MAX_POLLS:-40}

step "starting generation"
body=$(jq -n \
  --arg ref "${CI_COMMIT_REF_NAME:-local}" \
  --argjson count "${TDM_COUNT:-200}" \
  '{task_type: "standard",
    custom_property_file: {name: "ci.properties", data: {count: $count, git_ref: $ref}}}')

task_id=$(tdm_curl -X POST -H 'Content-Type: application/json' -d "$body" \
  "$API/generate" | jq -r '.task_id')
[[ $task_id != null ]] || fail "no task_id returned"
echo "$task_id" >"$STATE_DIR/task_id"
echo "task: $task_id"

polls=0
until jq -e '.result[0].status == "SUCCESS"' <(tdm_curl "$API/task/$task_id") >/dev/null; do
  polls=$((polls + 1))
  ((polls < MAX_WAIT)) || fail "task $task_id not finished after $polls polls"
  sleep 1
done
echo "task $task_id finished: SUCCESS"
