#!/usr/bin/env python3
"""platctl - test-data platform team's swiss army knife.

    platctl tdm doctor              # is our DATAMIMIC project reachable and sane?
    platctl tdm cat datamimic.xml
    platctl k8s pods                # what are the generator workers doing?
    platctl k8s logs <pod>

DATAMIMIC settings: --datamimic-url/$DATAMIMIC_URL, --project/$PROJECT_ID, $DATAMIMIC_TOKEN
Kubernetes settings: --k8s-api/$K8S_API, --namespace/$K8S_NAMESPACE, service account token file
"""
import argparse
import os
import sys

import httpx

SA_TOKEN_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/token"
EXPECTED_FILES = ("datamimic.xml",)


def client_for(base_url: str, token: str, **kw) -> httpx.Client:
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=20, **kw)


# --------------------------------------------------------------------------- tdm
def tdm_client(args) -> httpx.Client:
    base = f"{args.datamimic_url.rstrip('/')}/api/v1/{args.project}"
    return client_for(base, os.environ.get("DATAMIMIC_TOKEN", ""))


def tdm_doctor(args):
    problems = 0
    with tdm_client(args) as c:
        info = c.get("/info").raise_for_status().json()
        print(f"project   {info['identifier']} ({info.get('name')}, type={info.get('type')})")
        files = c.get("/files").raise_for_status().json()["files"]
        by_ext = {}
        for f in files:
            by_ext[f["extension"]] = by_ext.get(f["extension"], 0) + 1
        print("files     " + ", ".join(f"{n} {ext}" for ext, n in sorted(by_ext.items())))
        names = {f["name"] for f in files}
        for must in EXPECTED_FILES:
            if must not in names:
                print(f"MISSING   {must}")
                problems += 1
                continue
            body = c.get(f"/files/{must}").raise_for_status().text
            ok = body.lstrip().startswith("<setup")
            print(f"{'ok' if ok else 'BROKEN':<9} {must} ({len(body)} chars)")
            problems += 0 if ok else 1
    print("doctor: " + ("all good" if not problems else f"{problems} problem(s)"))
    return 1 if problems else 0


def tdm_cat(args):
    with tdm_client(args) as c:
        sys.stdout.write(c.get(f"/files/{args.name}").raise_for_status().text)
    return 0


# --------------------------------------------------------------------------- k8s
def k8s_client(args) -> httpx.Client:
    token = open(args.sa_token_file).read().strip()
    return client_for(args.k8s_api.rstrip("/") + "/api/v1", token, verify=args.k8s_ca)


def k8s_pods(args):
    with k8s_client(args) as c:
        pods = c.get(f"/namespaces/{args.namespace}/pods",
                     params={"labelSelector": args.selector}).raise_for_status().json()["items"]
    for p in sorted(pods, key=lambda p: p["metadata"]["name"]):
        restarts = sum(cs.get("restartCount", 0) for cs in p["status"].get("containerStatuses", []))
        print(f"{p['metadata']['name']:<48} {p['status']['phase']:<10} restarts={restarts}")
    return 0


def k8s_logs(args):
    with k8s_client(args) as c:
        r = c.get(f"/namespaces/{args.namespace}/pods/{args.pod}/log", params={"tailLines": args.tail})
        sys.stdout.write(r.raise_for_status().text)
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(prog="platctl")
    sub = ap.add_subparsers(dest="area", required=True)

    tdm = sub.add_parser("tdm", help="DATAMIMIC project")
    tdm.add_argument("--datamimic-url", default=os.environ.get("DATAMIMIC_URL", "https://tdm.acme-corp.com"))
    tdm.add_argument("--project", default=os.environ.get("PROJECT_ID", "crm-test-data"))
    tsub = tdm.add_subparsers(dest="cmd", required=True)
    tsub.add_parser("doctor").set_defaults(func=tdm_doctor)
    p = tsub.add_parser("cat")
    p.add_argument("name")
    p.set_defaults(func=tdm_cat)

    k8s = sub.add_parser("k8s", help="generator workers on the cluster")
    k8s.add_argument("--k8s-api", default=os.environ.get("K8S_API", "https://kubernetes.default.svc"))
    k8s.add_argument("--k8s-ca", default="/var/run/secrets/kubernetes.io/serviceaccount/ca.crt")
    k8s.add_argument("--sa-token-file", default=SA_TOKEN_FILE)
    k8s.add_argument("--namespace", default=os.environ.get("K8S_NAMESPACE", "tdm"))
    ksub = k8s.add_subparsers(dest="cmd", required=True)
    p = ksub.add_parser("pods")
    p.add_argument("--selector", default="app=datamimic-worker")
    p.set_defaults(func=k8s_pods)
    p = ksub.add_parser("logs")
    p.add_argument("pod")
    p.add_argument("--tail", type=int, default=100)
    p.set_defaults(func=k8s_logs)

    args = ap.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
