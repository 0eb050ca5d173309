#!/bin/bash
# Already on v2: nothing to do.
curl -s "https://acme.datamimic.io/api/v2/projects/$PROJECT_ID/files_uri" \
  -H "Authorization: Bearer $TOKEN" | jq -r '.current_project_files_uri[] | sub("^[^/]*/"; "")'
curl -s "https://acme.datamimic.io/api/v2/projects/$PROJECT_ID/tasks/$TASK_ID/logs?encode=false"
