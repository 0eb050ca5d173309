#!/usr/bin/env python3
"""Refresh the DATAMIMIC project from git and pull the last run's outputs.

Runs in the distroless-ish release image, so: stdlib only, no requests.
Usage: refresh_and_fetch.py [BRANCH]
"""
import json
import os
import sys
import urllib.error
import urllib.request

BASE = os.environ.get("DATAMIMIC_URL", "https://datamimic.internal.example").rstrip("/") + "/api/v1"
PROJECT = os.environ["PROJECT_ID"]
TASK = os.environ["TASK_ID"]
OUTDIR = os.environ.get("OUTDIR", "fetched")


def make_opener(token):
    opener = urllib.request.build_opener(urllib.request.HTTPHandler(), urllib.request.HTTPSHandler())
    opener.addheaders = [("Authorization", "Bearer " + token), ("User-Agent", "release-refresh/1.4")]
    return opener


def call(opener, req):
    try:
        return opener.open(req, timeout=60)
    except urllib.error.HTTPError as err:
        sys.stderr.write("%s %s failed: HTTP %d %s\n" % (req.get_method(), req.full_url, err.code, err.read()[:200]))
        sys.exit(1)


def main(argv):
    branch = argv[1] if len(argv) > 1 else "main"
    opener = make_opener(os.environ["DATAMIMIC_TOKEN"])
    os.makedirs(OUTDIR, exist_ok=True)

    req = urllib.request.Request(BASE + "/" + PROJECT + "/git?branch_name=" + branch, method="PUT")
    with call(opener, req) as resp:
        print("git:", json.load(resp)["message"])

    req = urllib.request.Request("%s/%s/task/%s" % (BASE, PROJECT, TASK), headers={"Accept": "application/json"})
    with call(opener, req) as resp:
        meta = json.loads(resp.read().decode("utf-8"))
    task = meta["result"][0]
    print("task %s is %s" % (task["task_id"], task["status"]))
    if task["status"] != "SUCCESS":
        return 1

    req = urllib.request.Request("%s/%s/task/%s/log?encode=false" % (BASE, PROJECT, TASK), headers={"Accept": "text/plain"})
    with call(opener, req) as resp, open(os.path.join(OUTDIR, "task.log"), "wb") as out:
        out.write(resp.read())

    for name in ("customers.json", "report.csv"):
        req = urllib.request.Request("%s/%s/task/%s/artifact/download/%s" % (BASE, PROJECT, TASK, name))
        with call(opener, req) as resp:
            data = resp.read()
        with open(os.path.join(OUTDIR, name), "wb") as out:
            out.write(data)
        print("fetched %s (%d bytes)" % (name, len(data)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
