#!/bin/sh
# tdm-pods-check.sh -- are the DATAMIMIC workers in k8s healthy?
#
# Talks to the Kubernetes API (NOT the DATAMIMIC API) through `kubectl proxy`
# which the cron wrapper starts on 127.0.0.1:8001 with the read-only
# sre-viewer kubeconfig.  One summary line, nagios-style exit code.
#
#   */5 * * * * kubectl proxy --port=8001 & sleep 2; /opt/sre/bin/tdm-pods-check.sh; kill $!

set -eu

K8S_API=${K8S_API:-http://127.0.0.1:8001}
DATAMIMIC_NS=${DATAMIMIC_NS:-datamimic}
# worker deployments we expect; the api pod is checked by the ingress probe
EXPECTED="datamimic-worker datamimic-scheduler"
MAX_RESTARTS=${MAX_RESTARTS:-5}

pods=$(curl -fsS --max-time 10 \
    "$K8S_API/api/v1/namespaces/$DATAMIMIC_NS/pods?labelSelector=app.kubernetes.io/part-of%3Ddatamimic") \
    || { echo "CRIT tdm-pods k8s api unreachable"; exit 2; }

state=OK
rc=0
msg=""

total=$(printf '%s' "$pods" | jq '.items | length')
ready=$(printf '%s' "$pods" | jq '[.items[] | select((.status.containerStatuses // []) as $c
                                                 | ($c | length) > 0 and ($c | all(.ready)))] | length')
restarts=$(printf '%s' "$pods" | jq '[.items[].status.containerStatuses[]?.restartCount] | add // 0')

for app in $EXPECTED; do
    n=$(printf '%s' "$pods" | jq --arg app "$app" \
        '[.items[] | select(.metadata.labels["app.kubernetes.io/name"] == $app and .status.phase == "Running")] | length')
    if [ "$n" -eq 0 ]; then
        state=CRIT; rc=2; msg="$msg $app=0"
    fi
done

if [ "$ready" -lt "$total" ] && [ "$rc" -lt 2 ]; then
    state=WARN; rc=1; msg="$msg notready=$((total - ready))"
fi
if [ "$restarts" -gt "$MAX_RESTARTS" ] && [ "$rc" -lt 1 ]; then
    state=WARN; rc=1
    # who is crashlooping?  recent warning events help the on-call a lot
    reasons=$(curl -fsS --max-time 10 \
        "$K8S_API/api/v1/namespaces/$DATAMIMIC_NS/events?fieldSelector=type%3DWarning" \
        | jq -r '[.items[] | .reason] | group_by(.) | map("\(.[0])x\(length)") | join(",")')
    msg="$msg restarts=$restarts events=$reasons"
fi

printf '%s tdm-pods ns=%s ready=%s/%s%s\n' "$state" "$DATAMIMIC_NS" "$ready" "$total" "${msg:+ (${msg# })}"
exit "$rc"
