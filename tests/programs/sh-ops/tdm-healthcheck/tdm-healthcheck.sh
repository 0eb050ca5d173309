#!/usr/bin/env bash
# tdm-healthcheck.sh - smoke test of the DATAMIMIC external API after an upgrade
# or a token rotation. Hits every read-only endpoint we depend on and checks the
# HTTP status plus a jq assertion on the body.
#
# Exit status = number of failed checks.
set -uo pipefail

HC_CONF=${HC_CONF:-./healthcheck.conf}
# shellcheck source=healthcheck.conf
[[ -f $HC_CONF ]] && source "$HC_CONF"

: "${BASE:?}" "${PROJECT:?}" "${REF_TASK:?set REF_TASK or TASK_ID}"
: "${DATAMIMIC_TOKEN:?}"

API=$BASE/api/v1/$PROJECT
curl_opts=(-sS --max-time "${TIMEOUT:-10}" -H "Authorization: Bearer $DATAMIMIC_TOKEN")

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT

# check name -> path below the project
declare -A path=(
  [info]="/info"
  [files]="/files"
  [task]="/task/$REF_TASK"
  [log]="/task/$REF_TASK/log?encode=false"
  [artifacts]="/task/$REF_TASK/artifacts"
)
# check name -> jq assertion on the body (empty: status code only)
declare -A assert=(
  [info]='.identifier != null and .name != null'
  [files]='.files | length > 0'
  [task]='.task_count == 1 and .result[0].status == "SUCCESS"'
  [log]=''
  [artifacts]='type == "array" and length > 0'
)
checks=(info files task log artifacts)

failed=0
for check in "${checks[@]}"; do
  body=$workdir/$check
  code=$(curl "${curl_opts[@]}" -o "$body" -w '%{http_code}' "$API${path[$check]}") || code=000

  if [[ $code != 200 ]]; then
    printf '%-10s FAIL  HTTP %s\n' "$check" "$code"
    failed=$((failed + 1))
    continue
  fi
  if [[ -n ${assert[$check]} ]] && ! jq -e "${assert[$check]}" "$body" >/dev/null 2>&1; then
    printf '%-10s FAIL  assertion: %s\n' "$check" "${assert[$check]}"
    failed=$((failed + 1))
    continue
  fi
  printf '%-10s OK\n' "$check"
done

# a few facts for the upgrade ticket
echo "---"
echo "project:   $(jq -r '.name' "$workdir/info")"
echo "files:     $(jq -r '[.files[].name] | join(", ")' "$workdir/files")"
echo "artifacts: $(jq -r 'map("\(.name) (\(.size) B)") | join(", ")' "$workdir/artifacts")"
echo "log lines: $(wc -l <"$workdir/log")"
echo "failed checks: $failed"
exit "$failed"
