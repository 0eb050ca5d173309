#!/bin/bash
# A workflow in the style of "Using Project Access Token": every v1 operation once.
DATAMIMIC_URL=${DATAMIMIC_URL:-https://acme.datamimic.io}
PROJECT_ID="$1"
TOKEN="$2"
AUTH="Authorization: Bearer $TOKEN"

upload() {
  local file="$1"
  curl -sS -XPOST "$DATAMIMIC_URL/api/v1/$PROJECT_ID/files" -H "$AUTH" -F "file=@$file" | jq -r .location
}

update_model() {
  curl -sS -X PUT "$DATAMIMIC_URL/api/v1/$PROJECT_ID/files" -H "$AUTH" \
    -F 'file=@models/datamimic.xml;type=application/xml' -o /dev/null
}

upload data/customers.csv
update_model

count=$(curl -s "$DATAMIMIC_URL/api/v1/$PROJECT_ID/files" -H "$AUTH" | jq '.files | length')
echo "$count files"
first=$(curl -s "$DATAMIMIC_URL/api/v1/$PROJECT_ID/files" -H "$AUTH" | jq -r '.files[0].name')

curl -s --request PUT --url "$DATAMIMIC_URL/api/v1/$PROJECT_ID/files/rename" \
  -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{"old_name": "'"$first"'", "new_name": "renamed.csv"}' -o /dev/null

curl -s -X DELETE "$DATAMIMIC_URL/api/v1/$PROJECT_ID/files/renamed.csv" -H "$AUTH" -o /dev/null

curl -s -X POST "$DATAMIMIC_URL/api/v1/$PROJECT_ID/generate" \
  -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{"task_type": "standard"}' -o /dev/null
task_id="$TASK_ID"

for attempt in 1 2 3; do
  state=$(curl -s "$DATAMIMIC_URL/api/v1/$PROJECT_ID/task/$task_id" -H "$AUTH" | jq -r '.result[0].status')
  [ "$state" = "SUCCESS" ] && break
  sleep 5
done

curl -s "$DATAMIMIC_URL/api/v1/$PROJECT_ID/task/$task_id/artifacts" -H "$AUTH" | jq -r '.[].name'
curl -s "$DATAMIMIC_URL/api/v1/$PROJECT_ID/task/$task_id/artifacts/download" -H "$AUTH" -o artifacts.zip
curl -s "$DATAMIMIC_URL/api/v1/$PROJECT_ID/task/$task_id/artifact/download/customers.json" -H "$AUTH" -o customers.json
curl -s "$DATAMIMIC_URL/api/v1/$PROJECT_ID/info" -H "$AUTH" | jq -r .name
curl -s -X PUT "$DATAMIMIC_URL/api/v1/$PROJECT_ID/git?branch_name=main" -H "$AUTH"

curl -s -X POST "$DATAMIMIC_URL/api/v1/$PROJECT_ID/generate/advanced" \
  -H "$AUTH" \
  -H 'Content-Type: application/json' \
  -d '{
  "envs": "stage",
  "crontab": "0 0 * * *",
  "queue": "default",
  "infinite": false
}'
