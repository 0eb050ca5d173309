#!/usr/bin/env bash
# ci/verify.sh - job "tdm:verify": download the artifacts we need downstream and
# sanity-check them before the e2e suite gets them.
source "$(dirname "$0")/common.sh"

[[ -s $STATE_DIR/task_id ]] || fail "no task id from the generate job"
task_id=$(<"$STATE_DIR/task_id")
out=$STATE_DIR/artifacts
mkdir -p "$out"

step "fetching artifacts of $task_id"
for a in $REQUIRED_ARTIFACTS; do
  tdm_curl -o "$out/$a" "$API/task/$task_id/artifact/download/$a" ||
    fail "artifact $a missing"
  case $a in
    *.json)
      jq -e 'type == "array" and length > 0' "$out/$a" >/dev/null || fail "$a: empty or not a list"
      echo "$a: $(jq length "$out/$a") records"
      ;;
    *.csv)
      rows=$(($(wc -l <"$out/$a") - 1))
      ((rows > 0)) || fail "$a: header only"
      echo "$a: $rows rows, header: $(head -n1 "$out/$a")"
      ;;
  esac
done
echo "artifacts OK"
