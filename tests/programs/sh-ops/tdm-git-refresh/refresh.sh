#!/usr/bin/env bash
# refresh.sh - pull the model repo branch into the DATAMIMIC project, then run a
# generation on it and wait for the result. Used by the "refresh test data" job
# after a model MR is merged.
#
#   ./refresh.sh [-b BRANCH] [-e ENV] [-c COUNT] [-G]
#       -G  only update from git, do not generate
set -euo pipefail

source ./refresh.conf

: "${TOKEN:?TOKEN not set}"
API=$URL/api/v1/$PROJECT

usage() {
  grep '^#  ' "$0" | sed 's/^# //' >&2
  exit 2
}

err() { echo "refresh: $*" >&2; }

api() {
  local method=$1 path=$2
  shift 2
  curl -sS --fail --retry 3 -X "$method" \
    -H "Authorization: Bearer $TOKEN" -H 'accept: application/json' \
    "$@" "$API$path"
}

urlencode() { jq -rn --arg v "$1" '$v | @uri'; }

branch=$DEFAULT_BRANCH
env_name=$DEFAULT_ENV
count=$DEFAULT_COUNT
generate=1
while getopts ":b:e:c:Gh" opt; do
  case $opt in
    b) branch=$OPTARG ;;
    e) env_name=$OPTARG ;;
    c) count=$OPTARG ;;
    G) generate=0 ;;
    :) err "-$OPTARG needs a value"; usage ;;
    *) usage ;;
  esac
done

[[ $count =~ ^[0-9]+$ ]] || { err "count must be a number"; exit 2; }

# 1. pull the branch
msg=$(api PUT "/git?branch_name=$(urlencode "$branch")" | jq -r '.message')
echo "git: $msg"

# 2. what does the project look like now
info=$(api GET /info)
printf 'project: %s [%s], remote: %s\n' \
  "$(jq -r .name <<<"$info")" "$(jq -r .type <<<"$info")" "$(jq -r '.remote_url // "n/a"' <<<"$info")"
nfiles=$(api GET /files | jq '.files | length')
echo "files after pull: $nfiles"

((generate)) || exit 0

# 3. generate with the env's runtime properties
body=$(jq -n --arg env "$env_name" --argjson count "$count" '{
  task_type: "standard",
  custom_property_file: {
    name: "runtime.properties",
    data: {count: $count, env: $env}
  }
}')
task=$(api POST /generate -H 'Content-Type: application/json' -d "$body" | jq -r '.task_id')
echo "generation started: $task (env=$env_name count=$count)"

# 4. poll
tries=0
while :; do
  r=$(api GET "/task/$task")
  status=$(jq -r '.result[0].status' <<<"$r")
  [[ $status == SUCCESS ]] && break
  if [[ $status == FAILURE || $status == REVOKED ]]; then
    err "task $task: $status"
    api GET "/task/$task/log?encode=false" >&2 || true
    exit 1
  fi
  if ((++tries >= POLL_MAX)); then
    err "task $task still $status after $tries polls"
    exit 1
  fi
  sleep "$POLL_EVERY"
done
echo "task $task: $status (datamimic_status $(jq -r '.result[0].datamimic_status' <<<"$r"))"

# 5. keep the last lines of the log in the job output
echo "--- task log (tail) ---"
api GET "/task/$task/log?encode=false" -H 'accept: text/plain' | tail -n 5
