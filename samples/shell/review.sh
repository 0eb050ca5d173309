#!/bin/bash
# Calls and reads that the migrator reports instead of rewriting.
DM="https://acme.datamimic.io/api/v1"

count=$(curl -s "$DM/$PROJECT_ID/task/$TASK_ID" | jq '.task_count')
curl -s -X POST "$DM/$PROJECT_ID/generate" -d '{"task_type": "standard"}' | jq -r '.task_id'
curl -s "$DM/$PROJECT_ID/files" | jq -s 'length'
curl -s "$DM/$PROJECT_ID/files" | jq -r "$FILTER"
curl -s "$DM/$PROJECT_ID/files" | jq -r '.files[] | select(.extension == "csv") | .name'
out=$(curl -s -X DELETE "$DM/$PROJECT_ID/files/a.csv")
if echo "$out" | grep -q "File deleted successfully"; then echo ok; fi

# Not rewritten at all: the method is only known at run time, a v1 path with no
# v2 form, a call left alone on purpose, a body read from a file.
curl -s -X "$METHOD" "https://acme.datamimic.io/api/v1/$PROJECT_ID/files"
curl -s "https://acme.datamimic.io/api/v1/$PROJECT_ID/file/read/data.csv"
curl -s "https://acme.datamimic.io/api/v1/$PROJECT_ID/files" # datamimic-migrate: ignore
curl -s -X PUT "https://acme.datamimic.io/api/v1/$PROJECT_ID/files/rename" -d @rename.json
