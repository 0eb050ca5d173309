#!/bin/bash
# The v1 base lives in variables; whether it can change depends on every use.
API="https://demo.datamimic.io/api/v1"
echo "Talking to $API"
curl -s "$API/$PROJECT/files" | jq -r '.files[].name'

LEGACY="https://legacy.datamimic.io/api/v1"
curl -s "$LEGACY/$PROJECT/files" | jq -r '.files[].name'
curl -s "$LEGACY/$PROJECT/file/read/data.csv"
