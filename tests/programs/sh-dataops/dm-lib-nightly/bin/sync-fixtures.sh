#!/usr/bin/env bash
# Keep the project's descriptor files in step with fixtures/ in this repository:
# files missing remotely are created, files present in both are updated.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../lib/dm.sh
. "$here/lib/dm.sh"

fixtures=${FIXTURES:-fixtures}
mkdir -p "$fixtures"
[ -e "$fixtures/orders.csv" ] || printf 'id,customer_id,total\n1,1,9.90\n' >"$fixtures/orders.csv"

remote=$(dm_json "/$PROJECT_ID/files" | jq -r '.files[].name')
dm_log "remote has $(wc -l <<<"$remote" | tr -d ' ') file(s)"

for f in "$fixtures"/*; do
  name=$(basename "$f")
  if grep -qxF "$name" <<<"$remote"; then
    dm_log "update $name"
    dm_curl "/$PROJECT_ID/files" -X PUT -F "file=@$f" | jq -r '.message'
  else
    dm_log "create $name"
    loc=$(dm_curl "/$PROJECT_ID/files" -X POST -F "file=@$f" | jq -r '.location')
    echo "$name -> $loc" >>sync.log
  fi
done
