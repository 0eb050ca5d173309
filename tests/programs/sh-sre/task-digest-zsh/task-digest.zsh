#!/bin/zsh
# task-digest.zsh -- morning digest of TDM generation tasks for #qa-data.
#
#   task-digest.zsh [TASK_ID ...]        (default: $TASK_ID)
#
# Output is pasted into the channel by the standup bot, so keep it short and
# stable: one header line per task, then the last few log lines.
#
# Logs are fetched base64-encoded (encode=true) because the generator writes
# ANSI colour codes + the odd NUL into them and curl | terminal got ugly.

setopt err_return no_unset pipe_fail

local conf=${0:A:h}/digest.conf
typeset -A cfg
local k v
while IFS='=' read -r k v; do
  k=${k//[[:space:]]/}
  [[ -z $k || $k == \#* ]] && continue
  cfg[$k]=${${v##[[:space:]]#}%%[[:space:]]#}
done < $conf

# env wins over the conf file (CI sets DATAMIMIC_URL)
local api=${DATAMIMIC_URL:-$cfg[tdm_url]}/api/v1/${PROJECT_ID:-$cfg[project]}
local -a hdr=( -H "Authorization: Bearer ${DATAMIMIC_TOKEN:?}" -H 'accept: application/json' )
integer tail_n=${cfg[log_tail]:-5}

local -a tasks
tasks=( "$@" )
(( $#tasks )) || tasks=( ${TASK_ID:?no task ids given} )

integer failed=0
local id meta summary arts logs
local -a lines
for id in $tasks; do
  if ! meta=$(curl -fsS $hdr "$api/task/$id" 2>/dev/null); then
    print -r -- "?? ${id[1,8]}  not found"
    (( ++failed ))
    continue
  fi
  summary=$(jq -r '.result[0] | {status, date_done, name}
                   | "\(.status)  \(.name // "-")  done=\(.date_done // "n/a")"' <<<$meta)

  arts=$(curl -fsS $hdr "$api/task/$id/artifacts" \
         | jq -r '"\(length) artifacts, \([.[].size] | add // 0) bytes (\(map(.name) | join(" ")))"')

  print -r -- "== ${id[1,8]}  $summary"
  print -r -- "   $arts"

  logs=$(curl -fsS ${hdr[1,2]} -H 'accept: text/plain' "$api/task/$id/log?encode=true" \
         | jq -Rr '@base64d')
  lines=( ${(f)logs} )
  (( $#lines > tail_n )) && lines=( ${lines[-tail_n,-1]} )
  print -rl -- "   | "${^lines}

  [[ $(jq -r '.result[0].status' <<<$meta) == SUCCESS ]] || (( ++failed ))
done

print -r -- "-- $#tasks task(s), $failed not successful"
(( failed == 0 ))
