#!/usr/bin/env bash
# The check the GitHub Action runs, in one run of the tool: annotations in the log (they mark
# the lines of a pull request), the Markdown report as the job summary, SARIF for code scanning.
#
# Inputs come as the action passes them: INPUT_PATHS, INPUT_INSTANCES (separated by spaces or
# new lines), INPUT_UNSAFE_FIXES, INPUT_FAIL_ON_FINDINGS ("true"/"false"), INPUT_SARIF_FILE;
# DATAMIMIC_MIGRATE is the tool to run. Outside GitHub, GITHUB_STEP_SUMMARY and GITHUB_OUTPUT
# may be any files. The exit status is the tool's (0 with fail-on-findings "false", unless an error).
set -uo pipefail

tool=${DATAMIMIC_MIGRATE:-datamimic-migrate}
sarif=${INPUT_SARIF_FILE:-datamimic-migrate.sarif}
folder=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/datamimic-migrate.XXXXXX")
trap 'rm -rf "$folder"' EXIT
summary="$folder/summary.md"
# A job summary holds at most 1 MiB: a larger report keeps its tables and points to the SARIF.
limit=1000000

args=(--check --output-format github --report "$sarif" --report "$summary")
read -r -d '' -a instances <<< "${INPUT_INSTANCES:-}"
for url in "${instances[@]}"; do
  args+=(--instance "$url")
done
[ "${INPUT_UNSAFE_FIXES:-false}" = "true" ] && args+=(--unsafe-fixes)
[ "${INPUT_FAIL_ON_FINDINGS:-true}" = "true" ] || args+=(--exit-zero)
read -r -d '' -a paths <<< "${INPUT_PATHS:-.}"
[ "${#paths[@]}" -gt 0 ] || paths=(.)

"$tool" "${args[@]}" -- "${paths[@]}"
status=$?

if [ -s "$summary" ]; then
  if [ "$(wc -c < "$summary")" -le "$limit" ]; then
    cat "$summary"
  else
    sed '/^### /,$d' "$summary"
    printf '\nThe full report is larger than a job summary holds: see the SARIF report (%s).\n' "$sarif"
  fi >> "${GITHUB_STEP_SUMMARY:-/dev/null}"
fi
{
  echo "sarif-file=$sarif"
  echo "exit-code=$status"
} >> "${GITHUB_OUTPUT:-/dev/null}"
exit "$status"
