#!/usr/bin/env bash
# sync-templates.sh - push the local DATAMIMIC model folder into the TDM project.
#
# Files that already exist in the project are updated (PUT), new ones are
# created (POST). Nothing is deleted server side, use purge.sh for that.
# Runbook: OPS-TDM-114
set -euo pipefail

cd "$(dirname "$0")"
source ./tdm.conf

usage() {
  cat >&2 <<USAGE
usage: $(basename "$0") [-d DIR] [-p PROJECT] [-n]
  -d DIR      folder to upload (default: $SYNC_DIR)
  -p PROJECT  DATAMIMIC project id (default: $PROJECT)
  -n          dry run, only print what would be done
USAGE
  exit 2
}

log() { echo "[sync] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

dm_api() {
  local method=$1 path=$2
  shift 2
  curl -sS --fail -X "$method" -H "Authorization: Bearer $TOKEN" "$@" "$API$path"
}

wanted() {
  local ext=${1##*.} e
  for e in $SYNC_EXT; do
    [[ $ext == "$e" ]] && return 0
  done
  return 1
}

DRY_RUN=0
while getopts ":d:p:nh" opt; do
  case $opt in
    d) SYNC_DIR=$OPTARG ;;
    p) PROJECT=$OPTARG ;;
    n) DRY_RUN=1 ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))

API=$TDM_URL/api/v1/$PROJECT
[[ -d $SYNC_DIR ]] || die "no such folder: $SYNC_DIR"

# what is in the project right now
declare -A remote=()
while read -r name; do
  remote[$name]=1
done < <(dm_api GET /files | jq -r '.files[].name')
log "project $PROJECT has ${#remote[@]} files"

created=0 updated=0 skipped=0
for f in "$SYNC_DIR"/*; do
  [[ -f $f ]] || continue
  name=$(basename "$f")
  if ! wanted "$name"; then
    log "skip $name (extension not synced)"
    skipped=$((skipped + 1))
    continue
  fi

  if [[ -n ${remote[$name]:-} ]]; then action=update; else action=create; fi
  if ((DRY_RUN)); then
    echo "would $action $name"
    continue
  fi

  if [[ $action == update ]]; then
    loc=$(dm_api PUT /files -F "file=@$f" | jq -r '.location')
    updated=$((updated + 1))
  else
    loc=$(dm_api POST /files -F "file=@$f" | jq -r '.location')
    created=$((created + 1))
  fi
  echo "$action $name -> $loc"
done

echo "sync done: $created created, $updated updated, $skipped skipped"
