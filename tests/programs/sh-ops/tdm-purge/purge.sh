#!/bin/sh
# purge.sh - delete files from the DATAMIMIC project by extension and/or name prefix.
# Without -f it only prints what it would delete.
#
#   purge.sh [-f] [-e EXT] [-x PREFIX] [-p PROJECT]
#
# Typical: purge.sh -f -e csv   (drop the old fixtures before the reseed job uploads new ones)
set -eu

. "${TDM_ENV:-$(dirname "$0")/tdm.env}"

usage() {
  echo "usage: $0 [-f] [-e EXT] [-x PREFIX] [-p PROJECT]" >&2
  echo "  at least one of -e / -x is required" >&2
  exit 2
}

FORCE=0
EXT=
PREFIX=
while getopts "fe:x:p:h" opt; do
  case $opt in
    f) FORCE=1 ;;
    e) EXT=$OPTARG ;;
    x) PREFIX=$OPTARG ;;
    p) PROJECT=$OPTARG ;;
    *) usage ;;
  esac
done
[ -n "$EXT$PREFIX" ] || usage
[ -n "$TDM_TOKEN" ] || { echo "DATAMIMIC_TOKEN not set" >&2; exit 1; }

BASE=$TDM_URL/api/v1/$PROJECT
auth="Authorization: Bearer $TDM_TOKEN"

listing=$(mktemp)
trap 'rm -f "$listing" "$listing.sel"' EXIT INT TERM

curl -sS --fail -H "$auth" -H 'accept: application/json' -o "$listing" "$BASE/files"

jq -r --arg ext "$EXT" --arg pre "$PREFIX" '
  .files[]
  | select($ext == "" or .extension == $ext)
  | select($pre == "" or (.name | startswith($pre)))
  | .name' "$listing" >"$listing.sel"

total=$(jq '.files | length' "$listing")
matched=$(wc -l <"$listing.sel" | tr -d ' ')
echo "project $PROJECT: $matched of $total files match (ext='$EXT' prefix='$PREFIX')"

deleted=0
failed=0
while IFS= read -r name; do
  case " $PROTECTED " in
    *" $name "*)
      echo "  keep    $name (protected)"
      continue
      ;;
  esac
  if [ "$FORCE" -ne 1 ]; then
    echo "  would delete $name"
    continue
  fi
  code=$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE -H "$auth" "$BASE/files/$name")
  if [ "$code" = 200 ]; then
    echo "  deleted $name"
    deleted=$((deleted + 1))
  else
    echo "  FAILED  $name (HTTP $code)"
    failed=$((failed + 1))
  fi
done <"$listing.sel"

[ "$FORCE" -eq 1 ] || echo "dry run, use -f to delete"
echo "deleted=$deleted failed=$failed"
[ "$failed" -eq 0 ]
