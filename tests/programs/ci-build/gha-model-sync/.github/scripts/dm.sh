# shellcheck shell=bash
# Tiny helpers shared by the tdm-sync workflow steps. Source it, don't run it.
: "${DM_BASE:?DM_BASE not set}" "${DM_PROJECT:?DM_PROJECT not set}" "${DM_TOKEN:?DM_TOKEN not set}"

DM_URL="${DM_BASE}/${DM_PROJECT}"

# dm_curl [curl args...] -- adds auth and sane defaults
dm_curl() {
  curl -sS --fail --retry 2 --retry-delay 1 \
    -H "Authorization: Bearer ${DM_TOKEN}" "$@"
}

# in_list NAME FILE -- exact line match
in_list() {
  grep -qxF -- "$1" "$2"
}
