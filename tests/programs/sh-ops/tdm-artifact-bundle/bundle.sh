#!/bin/sh
# bundle.sh - grab the artifact bundle (zip) of a finished DATAMIMIC task and,
# in a separate step, push bundles to the artifact vault.
#
#   bundle.sh fetch [TASK_ID]   download artifacts.zip of the task into $OUT_DIR
#   bundle.sh push FILE         upload a bundle to the vault bucket
#   bundle.sh ls                list what is in the vault bucket
#
# Plain POSIX sh: this runs in the alpine cron container (no bash there).
set -eu

CONF=${BUNDLE_CONF:-$(dirname "$0")/bundle.conf}
# shellcheck source=bundle.conf
. "$CONF"

log() { echo "bundle: $*" >&2; }
die() { log "$*"; exit 1; }

tmpdir=$(mktemp -d)
trap 'rm -rf "$tmpdir"' EXIT INT TERM

# tdm_get PATH OUTFILE - GET below the project, body to OUTFILE, prints HTTP status
tdm_get() {
  curl -sS --retry 3 -o "$2" -w '%{http_code}' \
    -H "Authorization: Bearer $TDM_TOKEN" \
    "$TDM_URL/api/v1/$TDM_PROJECT$1"
}

do_fetch() {
  task=${1:-$TDM_TASK_ID}
  [ -n "$task" ] || die "no task id (argument or TASK_ID)"
  [ -n "$TDM_TOKEN" ] || die "DATAMIMIC_TOKEN not set"

  code=$(tdm_get "/task/$task" "$tmpdir/task.json")
  [ "$code" = 200 ] || die "task lookup failed: HTTP $code"
  if ! jq -e '.result[0].status == "SUCCESS"' "$tmpdir/task.json" >/dev/null; then
    die "task $task is $(jq -r '.result[0].status' "$tmpdir/task.json"), not bundling"
  fi

  code=$(tdm_get "/task/$task/artifacts" "$tmpdir/artifacts.json")
  [ "$code" = 200 ] || die "artifact list failed: HTTP $code"
  expected=$(jq 'length' "$tmpdir/artifacts.json")

  mkdir -p "$OUT_DIR"
  zip=$OUT_DIR/artifacts-$task.zip
  code=$(tdm_get "/task/$task/artifacts/download" "$zip")
  case $code in
    200) ;;
    404) die "task $task has no artifacts" ;;
    *) die "download failed: HTTP $code" ;;
  esac

  # cheap sanity check instead of unzip (not in the image): zip magic + size
  magic=$(head -c 2 "$zip")
  [ "$magic" = PK ] || die "$zip is not a zip file"
  size=$(wc -c <"$zip" | tr -d ' ')

  echo "task $task: $(basename "$zip") ($size bytes), $expected artifacts:"
  jq -r '.[] | "  \(.name)\t\(.size)"' "$tmpdir/artifacts.json"
}

# --- artifact vault (not datamimic) -------------------------------------
vault() {
  curl -sS --fail -H "X-Vault-Key: $VAULT_KEY" "$@"
}

do_push() {
  file=${1:?usage: bundle.sh push FILE}
  [ -f "$file" ] || die "no such file: $file"
  vault -X POST -F "file=@$file" "$VAULT_URL/api/v1/$VAULT_BUCKET/files" |
    jq -r '"pushed \(.key) (\(.size) bytes)"'
}

do_ls() {
  vault "$VAULT_URL/api/v1/$VAULT_BUCKET/files?prefix=artifacts-" |
    jq -r '.objects[] | "\(.key)\t\(.size)"'
}

cmd=${1:-fetch}
[ $# -gt 0 ] && shift
case $cmd in
  fetch) do_fetch "$@" ;;
  push) do_push "$@" ;;
  ls) do_ls ;;
  *) die "unknown command: $cmd (fetch|push|ls)" ;;
esac
