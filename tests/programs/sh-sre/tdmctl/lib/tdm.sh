# shellcheck shell=sh
# lib/tdm.sh -- helpers shared by tdmctl and the cron jobs in ../cron/.
# Source it after setting TDM_HOME.

: "${TDM_HOME:?set TDM_HOME before sourcing lib/tdm.sh}"
TDM_CONF=${TDM_CONF:-$TDM_HOME/tdm.env}
# shellcheck source=../tdm.env
[ -r "$TDM_CONF" ] && . "$TDM_CONF"

tdm_die() { echo "tdmctl: $*" >&2; exit 1; }

[ -n "${TDM_TOKEN:-}" ] || tdm_die "no token (DATAMIMIC_TOKEN or ~/.tdm-token)"

# tdm_api METHOD PATH [curl args...]
#   PATH is relative to the project, e.g. /files or /task/<id>/log
tdm_api() {
    _tdm_m=$1; _tdm_p=$2; shift 2
    curl -sS --fail -X "$_tdm_m" \
        -H "Authorization: Bearer $TDM_TOKEN" \
        "$@" \
        "$TDM_URL/api/v1/$TDM_PROJECT$_tdm_p"
}

# tdm_json METHOD PATH [curl args...]  -- same, but asks for JSON
tdm_json() {
    _tdm_m=$1; _tdm_p=$2; shift 2
    tdm_api "$_tdm_m" "$_tdm_p" -H 'accept: application/json' "$@"
}
