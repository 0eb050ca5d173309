#!/bin/bash
# DATAMIMIC and another service's v1 API in one script: only DATAMIMIC's calls change.
STORE="https://objects.example.net/api/v1"
DATAMIMIC="https://acme.datamimic.io/api/v1"

curl -s "$STORE/$BUCKET/files" | jq -r '.files[].name'
curl -s "$DATAMIMIC/$PROJECT_ID/files" | jq -r '.files[].name'
curl -s -X PUT "$STORE/$BUCKET/files" -F 'file=@report.csv'
