#!/usr/bin/env bash
# tdm artifacts [-d DIR] [TASK_ID] - list a task's artifacts, optionally download them
set -euo pipefail
source "$TDM_HOME/lib/common.sh"
source "$TDM_HOME/lib/dm.sh"

dest=
while getopts "d:" opt; do
  case $opt in
    d) dest=$OPTARG ;;
    *) die "usage: tdm artifacts [-d DIR] [TASK_ID]" ;;
  esac
done
shift $((OPTIND - 1))
id=${1:-$TDM_TASK_ID}
[[ -n $id ]] || die "no task id"

status=$(dm_task_status "$id")
[[ $status == SUCCESS ]] || die "task $id is $status, artifacts not ready"

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
dm_api GET "/task/$id/artifacts" -o "$tmp"

echo "artifacts of $id: $(jq 'length' "$tmp")"
while IFS=$'\t' read -r name type size; do
  printf '  %-18s %-5s %6d\n' "$name" "$type" "$size"
  if [[ -n $dest ]]; then
    mkdir -p "$dest"
    dm_api GET "/task/$id/artifact/download/$name" -o "$dest/$name"
    log "saved $name"
  fi
done < <(jq -r '.[] | [.name, .type, .size] | @tsv' "$tmp")
