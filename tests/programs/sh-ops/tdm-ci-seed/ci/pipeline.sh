#!/usr/bin/env bash
# ci/pipeline.sh - run the three tdm jobs in order, like the pipeline does.
# Handy for debugging locally: TDM_TOKEN=... PROJECT_ID=... ci/pipeline.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# local runs: throw the job state away afterwards
[[ -n ${CI:-} ]] || trap 'rm -rf .tdm' EXIT

for job in upload-fixtures generate verify; do
  CI_JOB_NAME=tdm:$job bash "ci/$job.sh"
done
echo "pipeline OK"
