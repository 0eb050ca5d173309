#!/bin/sh
# tdm-healthcheck.sh -- cron probe for the DATAMIMIC TDM instance.
#
# crontab on ops-cron-01:
#   */10 * * * * . /etc/sre/tdm.env; /opt/sre/bin/tdm-healthcheck.sh >> /var/log/sre/tdm-health.log 2>&1
#
# Prints exactly ONE line so the log stays greppable.  Exit codes follow the
# nagios convention (0 OK, 1 WARN, 2 CRIT) so the same script can be wired
# into check_by_ssh later without changes.
#
# Needs: curl, jq.  POSIX sh only (runs under dash on the cron box).

set -u

TDM_URL=${DATAMIMIC_URL:-https://tdm.acme-corp.com}
TDM_PROJECT=${PROJECT_ID:-demo-project}
TDM_TOKEN=${DATAMIMIC_TOKEN:?DATAMIMIC_TOKEN is not set (source /etc/sre/tdm.env)}
# last generation task started by the nightly job; empty = skip the task check
TDM_TASK=${TASK_ID:-}

API="$TDM_URL/api/v1/$TDM_PROJECT"

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# get PATH OUTFILE -> prints the HTTP status (000 when curl itself failed)
get() {
    curl -sS -o "$2" -w '%{http_code}' --max-time 10 \
        -H "Authorization: Bearer $TDM_TOKEN" \
        -H 'accept: application/json' \
        "$API$1" 2>/dev/null || echo 000
}

state=OK
rc=0
problems=""

crit() { state=CRIT; rc=2; problems="$problems $1"; }
warn() {
    if [ "$rc" -lt 1 ]; then state=WARN; rc=1; fi
    problems="$problems $1"
}

# 1. project reachable + token valid
code=$(get /info "$tmp/info.json")
if [ "$code" = 200 ]; then
    project=$(jq -r '.name // .identifier // "?"' "$tmp/info.json")
else
    project="?"
    crit "info=$code"
fi

# 2. project still has its descriptor (someone deleted datamimic.xml once...)
code=$(get /files "$tmp/files.json")
if [ "$code" = 200 ]; then
    nfiles=$(jq '.files | length' "$tmp/files.json")
    nxml=$(jq '[.files[] | select(.extension == "xml")] | length' "$tmp/files.json")
    [ "$nxml" -ge 1 ] || crit "no-xml-descriptor"
else
    nfiles="?"
    crit "files=$code"
fi

# 3. last nightly task
if [ -n "$TDM_TASK" ]; then
    code=$(get "/task/$TDM_TASK" "$tmp/task.json")
    if [ "$code" = 200 ]; then
        task_state=$(jq -r '.result[0].status // "UNKNOWN"' "$tmp/task.json")
    else
        task_state="HTTP$code"
    fi
    case $task_state in
        SUCCESS) ;;
        PENDING|STARTED|RETRY|RECEIVED) warn "task=$task_state" ;;
        *) crit "task=$task_state" ;;
    esac
else
    task_state=skipped
fi

printf '%s tdm project=%s files=%s task=%s%s\n' \
    "$state" "$project" "$nfiles" "$task_state" "${problems:+ (${problems# })}"
exit "$rc"
