#!/usr/bin/env bash
# Pull the generated fixtures our integration tests load:
#   - a TSV manifest of the project's files (name, extension, uri)
#   - every CSV file of the project into testdata/
#   - the artifacts of the reference task, after checking it succeeded
# Usage: pull-fixtures.sh [extension]   (default: csv)
set -euo pipefail

ext=${1:-csv}
api="${DATAMIMIC_URL}/api/v1"
project="${PROJECT_ID}"
opts=(-sS --fail --retry 2 -H "Authorization: Bearer ${DATAMIMIC_TOKEN}")
json_opts=("${opts[@]}" -H 'accept: application/json')

mkdir -p testdata/artifacts

curl "${json_opts[@]}" "$api/$project/files" \
  | jq -r '.files[] | [.name, .extension, .uri] | @tsv' > testdata/manifest.tsv
printf '%s file(s) in %s\n' "$(wc -l < testdata/manifest.tsv)" "$project"

# Only the files with the wanted extension (column 2), fetched in parallel.
awk -F'\t' -v ext="$ext" '$2 == ext { print $1 }' testdata/manifest.tsv \
  | xargs -r -P 4 -I{} curl "${opts[@]}" -o "testdata/{}" "$api/$project/files/{}"

# The reference task must have succeeded, or the fixtures are stale.
curl "${json_opts[@]}" "$api/$project/task/${TASK_ID}" > testdata/task.json
if ! jq -e --arg id "$TASK_ID" '.result[] | select(.task_id == $id) | .status == "SUCCESS"' testdata/task.json >/dev/null; then
  echo "reference task $TASK_ID did not succeed:" >&2
  jq . testdata/task.json >&2
  exit 1
fi

curl "${json_opts[@]}" "$api/$project/task/${TASK_ID}/artifacts" \
  | jq -r --arg ext json '.[] | select(.type == $ext) | .name' \
  | while read -r name; do
      curl "${opts[@]}" "$api/$project/task/${TASK_ID}/artifact/download/${name}" -o "testdata/artifacts/${name}"
      jq -e 'type == "array"' "testdata/artifacts/${name}" >/dev/null || { echo "bad artifact ${name}" >&2; exit 1; }
    done

ls -1 testdata testdata/artifacts
