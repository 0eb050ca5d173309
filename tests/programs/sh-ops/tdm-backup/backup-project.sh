#!/usr/bin/env bash
# backup-project.sh - download every file of the DATAMIMIC project into a local
# folder, write a sha256 manifest and (with -z) pack it as a tarball.
# Runs nightly on backup01 before the model repo sync.
#
# usage: backup-project.sh [-o DIR] [-z] [-q]
set -euo pipefail

cd "$(dirname "$0")"
source ./backup.conf

usage() {
  echo "usage: $0 [-o DIR] [-z] [-q]" >&2
  echo "  -o DIR  backup root (default $BACKUP_ROOT)" >&2
  echo "  -z      also write a .tar.gz of the backup" >&2
  echo "  -q      quiet, only print the summary" >&2
  exit 2
}

log() { [[ $QUIET == 1 ]] || echo "$*" >&2; }

dm_api() {
  local method=$1 path=$2
  shift 2
  curl -sS -X "$method" -H "Authorization: Bearer $TOKEN" "$@" "$BASE$path"
}

TAR=0
QUIET=0
while getopts "o:zqh" opt; do
  case $opt in
    o) BACKUP_ROOT=$OPTARG ;;
    z) TAR=1 ;;
    q) QUIET=1 ;;
    *) usage ;;
  esac
done

[[ -n $TOKEN ]] || { echo "no token" >&2; exit 1; }

dest=$BACKUP_ROOT/current
rm -rf "$dest"
mkdir -p "$dest"
listing=$(mktemp)
trap 'rm -f "$listing"' EXIT

code=$(dm_api GET /files -o "$listing" -w '%{http_code}')
if [[ $code != 200 ]]; then
  echo "listing files failed: HTTP $code $(cat "$listing")" >&2
  exit 1
fi
log "$(jq '.files | length' "$listing") files in project"

saved=0 skipped=0
while IFS=$'\t' read -r f ext; do
  mkdir -p "$dest/$(dirname "$f")"
  code=$(dm_api GET "/files/$f" -o "$dest/$f" -w '%{http_code}')
  if [[ $code != 200 ]]; then
    # files in sub folders (script/...) are not served by the v1 read endpoint for us
    log "WARN: $f not downloaded (HTTP $code)"
    rm -f "$dest/$f"
    skipped=$((skipped + 1))
    continue
  fi
  log "saved $f [$ext]"
  saved=$((saved + 1))
done < <(jq -r '.files[] | [.name, .extension] | @tsv' "$listing")

# manifest: sha256 + size + name, sorted so diffs between nights are readable
(
  cd "$dest"
  find . -type f ! -name MANIFEST -printf '%P\n' | sort | while read -r f; do
    printf '%s  %6d  %s\n' "$(sha256sum "$f" | cut -c1-12)" "$(wc -c <"$f")" "$f"
  done
) >"$dest/MANIFEST"

cat "$dest/MANIFEST"
if ((TAR)); then
  tar -czf "$BACKUP_ROOT/backup.tar.gz" -C "$dest" .
  echo "tarball: $BACKUP_ROOT/backup.tar.gz"
fi
echo "backup done: $saved saved, $skipped skipped"
