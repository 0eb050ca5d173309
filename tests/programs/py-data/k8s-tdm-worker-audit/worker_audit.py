#!/usr/bin/env python3
"""Check the DATAMIMIC worker pods in our cluster namespace(s).

Runs as a CronJob inside the cluster with the service account mounted, so it
talks to the Kubernetes API directly (no kubectl in the image). Flags worker
pods that are not Running or restarted too often, and checks the configmap the
workers read their queue settings from.
"""
import json
import os
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request

SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
K8S_API = "https://{}:{}".format(os.environ.get("KUBERNETES_SERVICE_HOST", "kubernetes.default.svc"),
                                 os.environ.get("KUBERNETES_SERVICE_PORT", "443"))
NAMESPACE_SELECTOR = os.environ.get("NS_SELECTOR", "team=data-platform")
WORKER_SELECTOR = os.environ.get("WORKER_SELECTOR", "app.kubernetes.io/name=datamimic-worker")
MAX_RESTARTS = int(os.environ.get("MAX_RESTARTS", "5"))


def _token():
    with open(os.path.join(SA_DIR, "token")) as fh:
        return fh.read().strip()


def _ctx():
    return ssl.create_default_context(cafile=os.path.join(SA_DIR, "ca.crt"))


def k8s_get(path, **params):
    url = K8S_API + path
    if params:
        url += "?" + urllib.parse.urlencode(params)
    req = urllib.request.Request(url, headers={"Authorization": "Bearer " + _token(),
                                               "Accept": "application/json"})
    with urllib.request.urlopen(req, context=_ctx(), timeout=20) as resp:
        return json.load(resp)


def namespaces():
    body = k8s_get("/api/v1/namespaces", labelSelector=NAMESPACE_SELECTOR)
    return [item["metadata"]["name"] for item in body.get("items", [])]


def worker_pods(ns):
    body = k8s_get("/api/v1/namespaces/{}/pods".format(ns), labelSelector=WORKER_SELECTOR)
    return body.get("items", [])


def worker_config(ns):
    try:
        cm = k8s_get("/api/v1/namespaces/{}/configmaps/datamimic-worker-config".format(ns))
    except urllib.error.HTTPError as err:
        if err.code == 404:
            return None
        raise
    return cm.get("data", {})


def pod_problems(pod):
    problems = []
    phase = pod.get("status", {}).get("phase")
    if phase != "Running":
        problems.append("phase={}".format(phase))
    for cs in pod.get("status", {}).get("containerStatuses", []):
        if cs.get("restartCount", 0) > MAX_RESTARTS:
            problems.append("{} restarted {}x".format(cs["name"], cs["restartCount"]))
    return problems


def main():
    bad = 0
    for ns in namespaces():
        pods = worker_pods(ns)
        cfg = worker_config(ns)
        queue = (cfg or {}).get("CELERY_QUEUE", "<no configmap>")
        print("{}: {} worker pod(s), queue={}".format(ns, len(pods), queue))
        for pod in pods:
            problems = pod_problems(pod)
            if problems:
                bad += 1
                print("  ! {}: {}".format(pod["metadata"]["name"], "; ".join(problems)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
