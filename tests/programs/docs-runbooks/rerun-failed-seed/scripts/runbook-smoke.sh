#!/usr/bin/env bash
# Smoke-test a runbook: run the `$ ` commands of its ```console blocks in order, as the
# on-call would paste them (continuation lines included). `export` lines are skipped:
# the CI job provides the environment.
set -euo pipefail
runbook=${1:?usage: runbook-smoke.sh RUNBOOK.md}

awk '
  /^```console/ { inblock = 1; next }
  /^```/        { inblock = 0; cont = 0; next }
  !inblock      { next }
  cont          { print; cont = /\\$/; next }
  /^\$ /        { sub(/^\$ /, ""); if ($0 ~ /^export /) next; print; cont = /\\$/ }
' "$runbook" >runbook-commands.sh

echo "running $(grep -vc '^ ' runbook-commands.sh) command(s) from $runbook"
bash -euo pipefail runbook-commands.sh
