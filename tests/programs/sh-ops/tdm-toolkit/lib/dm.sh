# lib/dm.sh - thin wrappers around the DATAMIMIC external API (v1).
# Needs lib/common.sh first.
# shellcheck shell=bash

[[ -n ${_DM_SH_LOADED:-} ]] && return 0
_DM_SH_LOADED=1

DM_API=$TDM_URL/api/v1/$TDM_PROJECT
DM_CURL_OPTS=(-sS --fail --retry 3 --max-time 30)

# dm_api METHOD PATH [extra curl args...]
dm_api() {
  local method=$1 path=$2
  shift 2
  debug "$method $DM_API$path"
  curl "${DM_CURL_OPTS[@]}" -X "$method" -H "Authorization: Bearer $TDM_TOKEN" "$@" "$DM_API$path"
}

dm_project_info() { dm_api GET /info; }

# prints "name<TAB>extension" per project file
dm_files() {
  dm_api GET /files | jq -r '.files[] | [.name, .extension] | @tsv'
}

dm_task() {
  local id=$1
  dm_api GET "/task/$id"
}

dm_task_status() {
  dm_task "$1" | jq -r '.result[0].status // "UNKNOWN"'
}
