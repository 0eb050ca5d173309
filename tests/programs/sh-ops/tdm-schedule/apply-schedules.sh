#!/usr/bin/env bash
# apply-schedules.sh - (re)create the scheduled DATAMIMIC generations listed in
# schedules.tsv (env <TAB> crontab <TAB> queue <TAB> infinite).
#
# usage: apply-schedules.sh [-f FILE] [-n]
set -euo pipefail

. "$(dirname "$0")/datamimic.env"

TDM_API="$DATAMIMIC_BASE_URL/api/v1/$DATAMIMIC_PROJECT"
CURL=(curl -sS --fail --retry 3 -H "Authorization: Bearer ${DATAMIMIC_TOKEN:?}" -H "accept: application/json")

usage() {
  echo "usage: ${0##*/} [-f FILE] [-n]" >&2
  exit 2
}

file=$(dirname "$0")/schedules.tsv
dry=false
while getopts "f:nh" o; do
  case $o in
    f) file=$OPTARG ;;
    n) dry=true ;;
    *) usage ;;
  esac
done

# refuse to run against the wrong project (happened once with a copy-pasted id)
info=$(mktemp)
trap 'rm -f "$info"' EXIT
"${CURL[@]}" -o "$info" "$TDM_API/info"
if ! jq -e --arg n "$DATAMIMIC_PROJECT_NAME" '.name == $n' "$info" >/dev/null; then
  echo "project $DATAMIMIC_PROJECT is '$(jq -r .name "$info")', expected '$DATAMIMIC_PROJECT_NAME'" >&2
  exit 1
fi
echo "project: $(jq -r .name "$info") ($DATAMIMIC_PROJECT)"

ok=0
while IFS=$'\t' read -r env crontab queue infinite; do
  [[ -z $env || $env == \#* ]] && continue

  read -ra fields <<<"$crontab"
  if ((${#fields[@]} != 5)); then
    echo "skip $env: bad crontab '$crontab'" >&2
    continue
  fi

  if $dry; then
    printf '%-6s %-14s queue=%s (dry run)\n' "$env" "$crontab" "$queue"
    continue
  fi

  job=$("${CURL[@]}" -X POST -H "Content-Type: application/json" \
    "$TDM_API/generate/advanced" -d @- <<JSON | jq -r '.job_id'
{"envs": "$env", "crontab": "$crontab", "queue": "$queue", "infinite": $infinite}
JSON
  )
  printf '%-6s %-14s queue=%-9s -> %s\n' "$env" "$crontab" "$queue" "$job"
  ok=$((ok + 1))
done <"$file"

echo "$ok schedules applied"
