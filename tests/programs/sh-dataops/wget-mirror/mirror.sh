#!/bin/sh
# Mirror a DATAMIMIC project's files and the last task's artifacts into ./mirror.
# Runs in the busybox-based backup container: no curl there, only wget and jq.
set -eu

API="${DATAMIMIC_URL%/}/api/v1/${PROJECT}"
AUTH="Authorization: Bearer ${DATAMIMIC_TOKEN}"
DEST="${DEST:-mirror}"

fetch() {
	# fetch URL OUTFILE
	wget -q --header="$AUTH" -O "$2" "$1" || { echo "mirror: GET $1 failed" >&2; exit 2; }
}

mkdir -p "$DEST/files" "$DEST/task"

fetch "$API/info" "$DEST/project.json"
name=$(jq -r '.name' "$DEST/project.json")
echo "mirroring project $name ($PROJECT)"

fetch "$API/files" "$DEST/files.json"
# Scripts under script/ are versioned in git already; mirror the top-level files only.
jq -r '.files[] | select(.name | contains("/") | not) | .name' "$DEST/files.json" > "$DEST/files.txt"
while IFS= read -r f; do
	wget -q --header="$AUTH" -O "$DEST/files/$f" "$API/files/$f"
done < "$DEST/files.txt"

if [ -n "${TASK_ID:-}" ]; then
	wget -q --header "$AUTH" --header "accept: application/json" \
		-O "$DEST/task/meta.json" "$API/task/$TASK_ID"
	jq -r '.result[] | "\(.task_id) \(.status) \(.date_done)"' "$DEST/task/meta.json"
	wget -q --header="$AUTH" -O "$DEST/task/artifacts.zip" \
		"$API/task/$TASK_ID/artifacts/download"
fi

echo "$(wc -l < "$DEST/files.txt") files mirrored to $DEST"
