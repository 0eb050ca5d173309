#!/bin/sh
# inventory.sh -- what is in a TDM project right now?
#
# Weekly "drift" check: we diff inventory.csv against last week's copy in the
# sre-reports bucket (done by the caller, not here).
#
#   PROJECT_ID=... ./inventory.sh            -> table on stdout, inventory.csv
#
# POSIX sh + curl + jq + column.  No bashisms, this also runs on the alpine
# toolbox image.

set -eu

: "${DATAMIMIC_TOKEN:?}"
url=${DATAMIMIC_URL:-https://tdm.acme-corp.com}
proj=${PROJECT_ID:-demo-project}
auth="Authorization: Bearer $DATAMIMIC_TOKEN"

listing=$(mktemp)
trap 'rm -f "$listing"' EXIT

curl -fsS -H "$auth" -H 'accept: application/json' \
    "$url/api/v1/$proj/files" > "$listing"

echo "project $proj: $(jq '.files | length' "$listing") files"
jq -e 'any(.files[]; .name == "datamimic.xml")' "$listing" >/dev/null \
    || echo "WARNING: $proj has no datamimic.xml" >&2
echo

# per-extension counts:  csv 1 / sql 1 / xml 1
jq -r '.files
       | group_by(.extension)
       | map({ext: (.[0].extension // "none"), n: length})
       | .[] | "\(.ext)\t\(.n)"' "$listing" \
  | (printf 'EXT\tCOUNT\n'; cat) | column -t
echo

# size of every top-level file.  Nested ones (script/report.sql) 404 on the
# v1 read endpoint -- the slash isn't accepted in {filename} -- so they are
# listed as "nested" instead of being fetched.
jq -r '.files[] | select(.name | contains("/") | not) | .name' "$listing" \
  | xargs -I{} sh -c '
        n=$(curl -fsS -H "$2" "$1/files/{}" | wc -c)
        printf "%s\t%s\n" "{}" "$n"
    ' _ "$url/api/v1/$proj" "$auth" \
  > sizes.tsv

jq -r --rawfile sizes sizes.tsv '
    ($sizes | split("\n") | map(select(length > 0) | split("\t") | {(.[0]): (.[1] | tonumber)}) | add) as $sz
    | ["NAME", "EXT", "BYTES"],
      (.files[] | [.name, .extension, ($sz[.name] // "nested" | tostring)])
    | @tsv' "$listing" | column -t

# machine-readable copy for the drift diff
jq -r --rawfile sizes sizes.tsv '
    ($sizes | split("\n") | map(select(length > 0) | split("\t") | {(.[0]): (.[1] | tonumber)}) | add) as $sz
    | .files[] | [.name, .extension, .uri, ($sz[.name] // "")] | @csv' "$listing" > inventory.csv
rm -f sizes.tsv

echo
echo "wrote inventory.csv ($(wc -l < inventory.csv | tr -d ' ') rows)"
