#!/usr/bin/env bash
# tdm status - project overview: name, type, file count per extension
set -euo pipefail
source "$TDM_HOME/lib/common.sh"
source "$TDM_HOME/lib/dm.sh"

info=$(dm_project_info)
printf 'project:  %s (%s)\n' "$(jq -r '.name' <<<"$info")" "$(jq -r '.identifier' <<<"$info")"
printf 'type:     %s\n' "$(jq -r '.type // "n/a"' <<<"$info")"

declare -A per_ext=()
total=0
while IFS=$'\t' read -r _name ext; do
  per_ext[$ext]=$((${per_ext[$ext]:-0} + 1))
  total=$((total + 1))
done < <(dm_files)

printf 'files:    %d\n' "$total"
while read -r ext; do
  printf '  .%-6s %d\n' "$ext" "${per_ext[$ext]}"
done < <(printf '%s\n' "${!per_ext[@]}" | sort)
