#!/usr/bin/env bash
# rotate-descriptor.sh - roll out a new datamimic.xml to the TDM project.
#
# The live descriptor is downloaded to $BACKUP_DIR, renamed to datamimic.prev.xml
# in the project, and the new one is uploaded. If the upload fails the rename is
# rolled back. With -k the previous descriptor stays in the project, otherwise it
# is deleted at the end.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
readonly SCRIPT_DIR
# shellcheck source=tdm.conf
source "$SCRIPT_DIR/tdm.conf"

readonly API=$TDM_BASE/api/v1/$TDM_PROJECT
readonly FILES=$API/files
readonly REMOTE_NAME=datamimic.xml
readonly PREV_NAME=datamimic.prev.xml
AUTH=(-H "Authorization: Bearer $TDM_TOKEN")

usage() {
  cat <<EOF >&2
usage: ${0##*/} [-f LOCAL_XML] [-b BACKUP_DIR] [-k]
  -f  new descriptor to upload (default: release/datamimic.xml)
  -b  where to keep the backup of the live one (default: $BACKUP_DIR)
  -k  keep $PREV_NAME in the project after the rollout
EOF
  exit 2
}

log() { echo ">> $*" >&2; }

LOCAL=$SCRIPT_DIR/release/datamimic.xml
KEEP_PREV=false
while getopts ":f:b:kh" opt; do
  case $opt in
    f) LOCAL=$OPTARG ;;
    b) BACKUP_DIR=$OPTARG ;;
    k) KEEP_PREV=true ;;
    *) usage ;;
  esac
done
[[ -r $LOCAL ]] || { log "cannot read $LOCAL"; exit 1; }

rename_remote() {
  local from=$1 to=$2
  jq -n --arg old "$from" --arg new "$to" '{old_name: $old, new_name: $new}' |
    curl -sS --fail -X PUT "${AUTH[@]}" -H 'Content-Type: application/json' \
      -d @- "$FILES/rename" | jq -r '.message'
}

renamed=false
rollback() {
  if $renamed; then
    log "rolling back: $PREV_NAME -> $REMOTE_NAME"
    rename_remote "$PREV_NAME" "$REMOTE_NAME" >&2 || log "ROLLBACK FAILED, fix the project by hand"
  fi
}
trap rollback ERR

# 1. backup of the live descriptor
mkdir -p "$BACKUP_DIR"
curl -sS --fail "${AUTH[@]}" -o "$BACKUP_DIR/$REMOTE_NAME.bak" "$FILES/$REMOTE_NAME"
echo "backup: $REMOTE_NAME ($(wc -c <"$BACKUP_DIR/$REMOTE_NAME.bak") bytes) -> $BACKUP_DIR/"

# 2. move it aside in the project
echo "rename: $(rename_remote "$REMOTE_NAME" "$PREV_NAME")"
renamed=true

# 3. upload the new one under the live name
resp=$(mktemp)
trap 'rm -f "$resp"' EXIT
code=$(curl -sS -X POST "${AUTH[@]}" -F "file=@$LOCAL;filename=$REMOTE_NAME" \
  -o "$resp" -w '%{http_code}' "$FILES")
if [[ $code != 200 && $code != 201 ]]; then
  log "upload failed with HTTP $code: $(jq -r '.detail // .' "$resp")"
  false # trips the ERR trap -> rollback
fi
echo "upload: $(jq -r '.message' "$resp") at $(jq -r '.location' "$resp")"

# 4. make sure the project sees both names
if ! curl -sS --fail "${AUTH[@]}" "$FILES" |
  jq -e --arg a "$REMOTE_NAME" --arg b "$PREV_NAME" \
    '[.files[].name] | index($a) != null and index($b) != null' >/dev/null; then
  log "file list does not show $REMOTE_NAME and $PREV_NAME"
  false
fi
renamed=false # from here on the rollout counts as done

# 5. drop the old descriptor unless asked to keep it
if $KEEP_PREV; then
  echo "kept: $PREV_NAME"
else
  msg=$(curl -sS --fail -X DELETE "${AUTH[@]}" "$FILES/$PREV_NAME" | jq -r '.message')
  echo "delete: $PREV_NAME: $msg"
fi
echo "rollout of $REMOTE_NAME done"
