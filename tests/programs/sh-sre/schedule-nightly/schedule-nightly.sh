#!/bin/bash
# schedule-nightly.sh -- (re)register the nightly generation schedules in TDM.
#
# Run after every merge to main of tdm-descriptors (GitLab "deploy-schedules"
# job calls it).  Pulls the branch into the project first so the scheduled runs
# use the merged descriptors, then registers one schedule per env.
#
# prod's body is reviewed in body.json (CAB requirement: the prod schedule
# has to be a file in the repo); the other envs are generated inline.

set -eu
set -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=schedule.env
. "$here/schedule.env"

TOKEN=${DATAMIMIC_TOKEN:-${TOKEN:-}}
[ -n "$TOKEN" ] || { echo "no DATAMIMIC_TOKEN" >&2; exit 1; }
TDM_API="$TDM_HOST/api/v1/$TDM_PROJECT"

# 1. sync project from git
echo "== syncing $TDM_PROJECT from branch $TDM_BRANCH"
curl -sS -f -X PUT "$TDM_API/git?branch_name=$TDM_BRANCH" \
    -H 'accept: application/json' \
    -H "Authorization: Bearer $TOKEN" \
  | jq -r '"   " + (.message // "no message")'

# 2. schedules
printf '%s\n' "$TDM_SCHEDULES" > "$here/.schedules.tmp"
trap 'rm -f "$here/.schedules.tmp"' EXIT

results=""
while IFS=: read -r env cron; do
    [ -n "$env" ] || continue
    if [ "$env" = prod ]; then
        # reviewed file, sent as-is
        resp=$(curl -sS -f -X POST "$TDM_API/generate/advanced" \
            -H "Authorization: Bearer $TOKEN" \
            -H 'Content-Type: application/json' \
            --data-binary @"$here/body.json")
    else
        payload=$(cat <<EOF
{
  "envs": "$env",
  "crontab": "$cron",
  "queue": "default",
  "infinite": false
}
EOF
)
        resp=$(curl -sS -f -X POST \
            "$TDM_API/generate/advanced" \
            -H "Authorization: Bearer $TOKEN" \
            -H 'Content-Type: application/json' \
            -d "$payload")
    fi
    job=$(echo "$resp" | jq -r '.job_id // "?"')
    results="$results$env	$cron	$job
"
done < "$here/.schedules.tmp"

echo "== registered schedules"
{ printf 'ENV\tCRONTAB\tJOB\n'; printf '%s' "$results"; } | column -t -s "$(printf '\t')"
