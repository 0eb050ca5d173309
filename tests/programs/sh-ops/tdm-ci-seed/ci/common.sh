# ci/common.sh - sourced by every ci/*.sh step (GitLab runner image: alpine + bash, curl, jq)
# shellcheck shell=bash
set -euo pipefail

TDM_URL=${TDM_URL:-${DATAMIMIC_URL:-https://tdm.acme-corp.com}}
TDM_PROJECT=${TDM_PROJECT_ID:-${PROJECT_ID:?TDM_PROJECT_ID or PROJECT_ID required}}
TDM_TOKEN=${TDM_TOKEN:-${DATAMIMIC_TOKEN:?TDM_TOKEN (masked CI variable) required}}

readonly API="$TDM_URL/api/v1/$TDM_PROJECT"

# state handed from one job to the next (declared as job artifacts in .gitlab-ci.yml)
STATE_DIR=${CI_PROJECT_DIR:-$PWD}/.tdm
mkdir -p "$STATE_DIR"

FIXTURE_DIR=${FIXTURE_DIR:-fixtures}
REQUIRED_ARTIFACTS=${REQUIRED_ARTIFACTS:-"customers.json report.csv"}

step() { echo "--- [${CI_JOB_NAME:-local}] $*"; }
fail() { echo "ERROR: $*" >&2; exit 1; }

tdm_curl() {
  curl -sS --fail-with-body --retry 3 -H "Authorization: Bearer $TDM_TOKEN" "$@"
}
