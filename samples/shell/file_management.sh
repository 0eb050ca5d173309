#!/bin/bash
# The guide's "File Management Script Migration" (v1), with its quoting fixed.
PROJECT_ID="your-project-id"
TOKEN="your-token"
BASE_URL="https://your-datamimic-instance.com/api/v1"

# Upload file
curl -X 'POST' \
  "${BASE_URL}/${PROJECT_ID}/files" \
  -H "Authorization: Bearer ${TOKEN}" \
  -F 'file=@data.csv'

# List files
curl -X 'GET' \
  "${BASE_URL}/${PROJECT_ID}/files" \
  -H "Authorization: Bearer ${TOKEN}" | jq -r '.files[].name'

# Download file
curl -X 'GET' \
  "${BASE_URL}/${PROJECT_ID}/files/data.csv" \
  -H "Authorization: Bearer ${TOKEN}" \
  -o downloaded_data.csv
