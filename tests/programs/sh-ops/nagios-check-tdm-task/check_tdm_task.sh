#!/bin/sh
# check_tdm_task.sh - Nagios/Icinga plugin: is the last DATAMIMIC generation OK?
#
#   check_tdm_task.sh [-H URL] [-p PROJECT] [-t TASK_ID] [-k TOKENFILE] [-w N] [-c N]
#
# Looks at the task status and greps the (base64 encoded) task log for ERROR lines.
# -w / -c: number of ERROR lines for WARNING / CRITICAL (default 1 / 5).
# Exit codes follow the plugin API: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
set -u

URL=${DATAMIMIC_URL:-https://tdm.acme-corp.com}
PROJECT=${PROJECT_ID:-}
TASK=${TASK_ID:-}
TOKENFILE=/etc/icinga2/secrets/tdm.token
WARN=1
CRIT=5

unknown() { echo "UNKNOWN - $*"; exit 3; }

while getopts "H:p:t:k:w:c:" opt; do
  case $opt in
    H) URL=$OPTARG ;;
    p) PROJECT=$OPTARG ;;
    t) TASK=$OPTARG ;;
    k) TOKENFILE=$OPTARG ;;
    w) WARN=$OPTARG ;;
    c) CRIT=$OPTARG ;;
    *) unknown "bad option, see header of $0" ;;
  esac
done

[ -n "$PROJECT" ] || unknown "no project (-p)"
[ -n "$TASK" ] || unknown "no task id (-t)"
if [ -r "$TOKENFILE" ]; then
  TOKEN=$(cat "$TOKENFILE")
fi
[ -n "${TOKEN:-}" ] || unknown "no token ($TOKENFILE or \$TOKEN)"

base="$URL/api/v1/$PROJECT/task/$TASK"

get() {
  curl -sS --max-time 20 -H "Authorization: Bearer $TOKEN" "$@"
}

meta=$(get -H 'accept: application/json' "$base") || unknown "task endpoint not reachable"
if ! echo "$meta" | jq -e '.task_count >= 1' >/dev/null 2>&1; then
  unknown "task $TASK not found: $(echo "$meta" | jq -r '.detail // "no detail"' 2>/dev/null)"
fi
status=$(echo "$meta" | jq -r '.result[0].status')
dm_status=$(echo "$meta" | jq -r '.result[0].datamimic_status')
name=$(echo "$meta" | jq -r '.result[0].name')

case $status in
  SUCCESS) ;;
  PENDING | STARTED | RETRY) echo "OK - task $name is $status"; exit 0 ;;
  *) echo "CRITICAL - task $name is $status (datamimic: $dm_status)"; exit 2 ;;
esac

# log comes base64 encoded, so multi-line stack traces survive the proxy
log=$(get -H 'accept: text/plain' "$base/log?encode=true" | base64 -d) ||
  unknown "could not read task log"
lines=$(printf '%s\n' "$log" | grep -c . || true)
errors=$(printf '%s\n' "$log" | grep -c 'ERROR' || true)

perf="| log_lines=$lines errors=$errors;$WARN;$CRIT"
if [ "$errors" -ge "$CRIT" ]; then
  echo "CRITICAL - task $name $status but $errors ERROR lines in log $perf"
  exit 2
elif [ "$errors" -ge "$WARN" ]; then
  echo "WARNING - task $name $status with $errors ERROR lines in log $perf"
  exit 1
fi
echo "OK - task $name $status, $lines log lines, no errors $perf"
exit 0
