#!/usr/bin/env zsh
# pull-artifacts.zsh -- fetch the generated files of one TDM task, one by one.
#
# We pull them individually instead of the zip because the QA boxes only have
# room for what they actually load, and empty artifacts are skipped.
#
#   ./pull-artifacts.zsh [-t TASK_ID] [-p PROJECT] [-o OUTDIR] [-x EXT]...
#
# -x can be repeated to limit by extension (-x csv -x json).

emulate -L zsh
setopt err_exit pipe_fail no_unset

zmodload zsh/zutil
zparseopts -D -E -F -- t:=opt_task p:=opt_project o:=opt_out x+:=opt_ext h=opt_help || exit 64

if (( $#opt_help )); then
  print -u2 "usage: ${0:t} [-t TASK_ID] [-p PROJECT] [-o OUTDIR] [-x EXT]..."
  exit 0
fi

typeset task=${opt_task[-1]:-${TASK_ID:?no task id (-t or \$TASK_ID)}}
typeset project=${opt_project[-1]:-${PROJECT:-demo-project}}
typeset outdir=${opt_out[-1]:-./artifacts}
typeset -a exts=( ${opt_ext:#-x} )

typeset base=${DATAMIMIC_URL:-https://tdm.acme-corp.com}/api/v1/$project
typeset -a auth=( -H "Authorization: Bearer ${DATAMIMIC_TOKEN:-${TOKEN:?no token}}" )

# refuse to pull half-written output
typeset meta
meta=$(curl -fsS $auth -H 'accept: application/json' "$base/task/$task")
typeset -A t
t=( ${(f)"$(jq -r '.result[0] | {status, date_done} | to_entries[] | .key, (.value // "-")' <<<$meta)"} )
if [[ $t[status] != SUCCESS ]]; then
  print -u2 "task $task is $t[status], not pulling"
  exit 3
fi
print "task ${task[1,8]} status=$t[status] done=$t[date_done]"

# name<TAB>size for every non-empty artifact, optionally filtered by extension
typeset listing
listing=$(curl -fsS $auth -H 'accept: application/json' "$base/task/$task/artifacts")
typeset -a wanted
wanted=( ${(f)"$(jq -r --argjson exts "$(jq -nc '$ARGS.positional' --args -- $exts)" '
    .[]
    | select(.size > 0)
    | select(($exts | length) == 0 or (.type as $t | $exts | index($t)))
    | "\(.name)\t\(.size)"' <<<$listing)"} )

print "artifacts: $(jq length <<<$listing) listed, $#wanted to pull"
mkdir -p $outdir

typeset -a report=( "NAME\tEXPECTED\tGOT\tSTATE" )
typeset line name size got state
integer bad=0
for line in $wanted; do
  name=${line%%$'\t'*}
  size=${line##*$'\t'}
  curl -fsS $auth -o $outdir/$name "$base/task/$task/artifact/download/$name"
  got=$(wc -c < $outdir/$name)
  got=${got//[[:space:]]/}
  if (( got == size )); then state=ok; else state=SIZE-MISMATCH; (( ++bad )); fi
  report+=( "$name\t$size\t$got\t$state" )
done

print -l -- $report | column -t -s $'\t'
print "pulled $#wanted file(s) into ${outdir:t}, $bad mismatch(es)"
(( bad == 0 ))
