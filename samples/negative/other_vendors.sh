#!/bin/bash
# Other services whose URLs look like DATAMIMIC v1: none may change.
curl -s "https://objects.example.net/api/v1/$BUCKET/files" | jq -r '.files[].name'
curl -s -X POST "https://ci.example.com/api/v1/$JOB/task/$RUN" -d '{}'
curl -s "https://api.datamin.io/v1/$PROJECT/files"
curl -s -X POST "https://etl.example.org/api/ingestion/file/sync/start"
curl -s "https://gateway.example.com/api/1/rest/public/apim/apis"
BASE_URL="https://storage.example.com/api/v1"
curl -s "$BASE_URL/$PROJECT_ID/files" -o list.json
