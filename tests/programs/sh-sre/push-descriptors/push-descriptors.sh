#!/usr/bin/env bash
# push-descriptors.sh -- upload everything under descriptors/ to the TDM project.
#
# v1 has no upsert: POST /files gives 409 if the name exists, PUT /files gives
# 404 if it doesn't.  So: try create, fall back to update on 409.
#
#   ./push-descriptors.sh [DIR]          (default: ./descriptors)
#
# Appends to push.log so the deploy job can archive what was pushed.

set -euo pipefail

SRC_DIR=${1:-descriptors}
export TDM_BASE="${DATAMIMIC_URL:-https://tdm.acme-corp.com}/api/v1/${PROJECT_ID:-demo-project}"
export TDM_TOKEN="${DATAMIMIC_TOKEN:?set DATAMIMIC_TOKEN}"

push_one() {
  local f=$1 name code
  name=$(basename "$f")
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$TDM_BASE/files" \
           -H "Authorization: Bearer $TDM_TOKEN" \
           -F "file=@$f")
  case $code in
    200|201) echo "created  $name"; return 0 ;;
    409) ;;   # exists -> update below
    *) echo "FAILED   $name (create: HTTP $code)"; return 1 ;;
  esac
  code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$TDM_BASE/files" \
           -H "Authorization: Bearer $TDM_TOKEN" \
           -F "file=@$f")
  if [[ $code == 200 ]]; then
    echo "updated  $name"
  else
    echo "FAILED   $name (update: HTTP $code)"; return 1
  fi
}
export -f push_one

echo "# push from $SRC_DIR" >> push.log

# one file at a time on purpose: parallel PUTs on the same project tripped
# the 409/404 race on the old instance
find "$SRC_DIR" -maxdepth 1 -type f ! -name '.*' -print0 \
  | sort -z \
  | xargs -0 -n1 bash -c 'push_one "$1"' _ \
  | tee -a push.log

# verify: every local file must now be in the listing
remote=$(curl -fsS "$TDM_BASE/files" -H "Authorization: Bearer $TDM_TOKEN" -H 'accept: application/json')
missing=$(find "$SRC_DIR" -maxdepth 1 -type f ! -name '.*' -exec basename {} \; | sort \
  | jq -R -s --argjson remote "$remote" '
      split("\n") | map(select(length > 0))
      | map(select(. as $n | $remote.files | map(.name) | index($n) | not))')

echo "remote now has $(jq '.files | length' <<<"$remote") file(s): $(jq -r '[.files[].name] | join(", ")' <<<"$remote")"
if jq -e 'length > 0' <<<"$missing" >/dev/null; then
  echo "MISSING after push: $(jq -r 'join(" ")' <<<"$missing")" | tee -a push.log
  exit 1
fi
echo "push ok" | tee -a push.log
