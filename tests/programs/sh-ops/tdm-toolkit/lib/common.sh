# lib/common.sh - logging and config loading shared by all tdm subcommands.
# shellcheck shell=bash

[[ -n ${_COMMON_SH_LOADED:-} ]] && return 0
_COMMON_SH_LOADED=1

: "${TDM_HOME:?TDM_HOME not set, run through ./tdm}"
# shellcheck source=../etc/tdm.env
source "$TDM_HOME/etc/tdm.env"

log()   { echo "tdm: $*" >&2; }
debug() { [[ $TDM_DEBUG == 1 ]] && echo "tdm[debug]: $*" >&2 || true; }
die()   { log "error: $*"; exit 1; }

require() {
  local bin
  for bin in "$@"; do
    command -v "$bin" >/dev/null 2>&1 || die "$bin is required"
  done
}

require curl jq
[[ -n $TDM_TOKEN ]] || die "TDM_TOKEN (project access token) is empty"
