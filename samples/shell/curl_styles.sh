#!/bin/sh
# The ways people write curl, each calling DATAMIMIC v1.
HOST=https://datamimic.acme.internal
P=proj-42

# Unquoted words, a concatenated word, combined short flags.
curl -sSL $HOST/api/v1/$P/files | jq -r '.files[] | .name'
curl -sSL "$HOST"'/api/v1/'"$P"'/info'

# Method from the data flags, and --json.
curl "$HOST/api/v1/$P/generate" --json '{"task_type": "standard"}'
curl -s -G "$HOST/api/v1/$P/task/t-1/log" --data-urlencode 'encode=true'

# An array of options spliced in.
opts=(-s -H "Authorization: Bearer $TOKEN")
curl "${opts[@]}" "$HOST/api/v1/$P/task/t-1/artifact/download/report.csv" -o report.csv

# Double-quoted body with escaped quotes and expansions.
curl -X PUT "$HOST/api/v1/$P/files/rename" -d "{\"old_name\": \"$OLD\", \"new_name\": \"$NEW\"}"

# A literal URL with the project id written out.
curl -X DELETE 'https://api.datamimic.io/api/v1/4f1c2d/files/old%20data.csv'
