#!/usr/bin/env bash
# ci/upload-fixtures.sh - job "tdm:fixtures": push fixtures/*.csv into the project.
# New files are created; files that already exist (409) are updated instead.
source "$(dirname "$0")/common.sh"

step "uploading fixtures from $FIXTURE_DIR"
resp=$(mktemp)
trap 'rm -f "$resp"' EXIT

n=0
for f in "$FIXTURE_DIR"/*.csv; do
  [[ -e $f ]] || fail "no fixtures in $FIXTURE_DIR"
  name=${f##*/}
  code=$(curl -sS -o "$resp" -w '%{http_code}' \
    -H "Authorization: Bearer $TDM_TOKEN" -F "file=@$f" "$API/files")
  case $code in
    200 | 201)
      echo "created  $name -> $(jq -r .location "$resp")"
      ;;
    409)
      tdm_curl -X PUT -F "file=@$f" -o "$resp" "$API/files"
      echo "updated  $name -> $(jq -r .location "$resp")"
      ;;
    *)
      fail "upload of $name failed: HTTP $code $(cat "$resp")"
      ;;
  esac
  n=$((n + 1))
done
echo "$n fixtures uploaded"
