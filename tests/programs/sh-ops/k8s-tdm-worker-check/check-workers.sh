#!/usr/bin/env bash
# check-workers.sh - are the DATAMIMIC generation workers healthy?
#
# Talks to the Kubernetes API only (not to DATAMIMIC): counts ready worker pods,
# shows restarts, and dumps the tail of the log of every pod that is not ready.
# Also prints the worker queue settings from the datamimic-config ConfigMap.
#
# usage: check-workers.sh [-n NAMESPACE] [-l LINES]
set -euo pipefail

. "$(dirname "$0")/kube.env"

usage() { echo "usage: $0 [-n NAMESPACE] [-l LINES]" >&2; exit 2; }

LINES=30
while getopts "n:l:h" opt; do
  case $opt in
    n) NAMESPACE=$OPTARG ;;
    l) LINES=$OPTARG ;;
    *) usage ;;
  esac
done

KTOKEN=$(<"$KUBE_TOKEN_FILE")
K8S=$KUBE_API/api/v1/namespaces/$NAMESPACE
kcurl=(curl -sS --fail --cacert "$KUBE_CA" -H "Authorization: Bearer $KTOKEN")

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

selector=$(jq -rn --arg s "$WORKER_SELECTOR" '$s | @uri')
"${kcurl[@]}" -o "$tmp" "$K8S/pods?labelSelector=$selector"

total=$(jq '.items | length' "$tmp")
ready=$(jq '[.items[] | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length' "$tmp")
echo "datamimic workers in $NAMESPACE: $ready/$total ready"

jq -r '.items[] | [.metadata.name, .status.phase,
        ([.status.containerStatuses[]?.restartCount] | add // 0)] | @tsv' "$tmp" |
  while IFS=$'\t' read -r pod phase restarts; do
    printf '  %-40s %-10s restarts=%s\n' "$pod" "$phase" "$restarts"
  done

# logs of the pods that are not ready
while read -r pod; do
  echo "--- $pod (last $LINES lines)"
  "${kcurl[@]}" "$K8S/pods/$pod/log?container=worker&tailLines=$LINES" || echo "(no log)"
done < <(jq -r '.items[] | select(all(.status.conditions[]?; .type != "Ready" or .status != "True")) | .metadata.name' "$tmp")

# queue config the workers were started with
if "${kcurl[@]}" -o "$tmp" "$K8S/configmaps/datamimic-config"; then
  jq -r '.data | to_entries[] | select(.key | startswith("WORKER_")) | "  \(.key)=\(.value)"' "$tmp"
fi

if ((ready < MIN_READY)); then
  echo "CRITICAL: only $ready ready workers (want $MIN_READY)" >&2
  exit 2
fi
echo "OK"
