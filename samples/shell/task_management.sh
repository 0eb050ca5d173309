#!/usr/bin/env bash
# The guide's "Task Management Script Migration" (v1): the response is captured, then read.
set -euo pipefail
PROJECT_ID="your-project-id"
TASK_ID="your-task-id"
TOKEN="your-token"
DATAMIMIC_API="https://tdm.example.com/api/v1"

# Get task info
task=$(curl -s -X 'GET' \
  "${DATAMIMIC_API}/${PROJECT_ID}/task/${TASK_ID}" \
  -H "Authorization: Bearer ${TOKEN}")
status=$(echo "$task" | jq -r '.result[0].status')
name=$(jq -r '.result[0] | .name' <<< "$task")
echo "task $name: $status"

# Get task logs
curl -s -X 'GET' \
  "${DATAMIMIC_API}/${PROJECT_ID}/task/${TASK_ID}/log?encode=false" \
  -H "Authorization: Bearer ${TOKEN}"

# Logs without encode: v2 would base64-encode them
curl -s "${DATAMIMIC_API}/${PROJECT_ID}/task/${TASK_ID}/log" -H "Authorization: Bearer ${TOKEN}" > task.log
