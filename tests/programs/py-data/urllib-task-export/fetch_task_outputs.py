#!/usr/bin/env python3
# Fetch the outputs of one DATAMIMIC task into ./out/<task_id>/.
#
# Runs in the distroless-ish sidecar image (python3 only, no pip), so: urllib
# and nothing else. Exit codes: 0 ok, 2 task not finished, 3 HTTP error.
import base64
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

API = os.environ.get("DATAMIMIC_URL", "https://tdm.acme-corp.com") + "/api/v1/"
PROJECT = os.environ.get("PROJECT", "demo-project")
TOKEN = os.environ.get("TOKEN", "")
TASK_ID = sys.argv[1] if len(sys.argv) > 1 else os.environ["TASK_ID"]
OUT = os.path.join("out", TASK_ID)


def request(url, accept="application/json"):
    req = urllib.request.Request(url, headers={
        "Authorization": "Bearer " + TOKEN,
        "Accept": accept,
        "User-Agent": "tdm-sidecar/1.3",
    })
    return urllib.request.urlopen(req, timeout=60)


def get_json(url):
    with request(url) as resp:
        return json.load(resp)


def main():
    task_url = API + PROJECT + "/task/" + TASK_ID

    meta = get_json(task_url)
    tasks = meta.get("result", [])
    if not tasks:
        print("no such task:", TASK_ID)
        return 2
    status = tasks[0].get("status")
    print("task %s: %s (%s)" % (TASK_ID, status, tasks[0].get("name")))
    if status != "SUCCESS":
        return 2

    # log comes base64-encoded when encode=true; keeps CR/LF and colour codes intact
    with request(task_url + "/log?encode=true", accept="text/plain") as resp:
        log_text = base64.b64decode(resp.read()).decode("utf-8", "replace")
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "task.log"), "w") as fh:
        fh.write(log_text)
    print("log: %d lines" % len(log_text.splitlines()))

    artifacts = get_json(task_url + "/artifacts")
    total = 0
    for art in artifacts:
        name = art["name"]
        url = task_url + "/artifact/download/" + urllib.parse.quote(name)
        with request(url, accept="application/octet-stream") as resp:
            data = resp.read()
        with open(os.path.join(OUT, name), "wb") as fh:
            fh.write(data)
        ok = "ok" if len(data) == art.get("size", len(data)) else "SIZE MISMATCH"
        print("  %-20s %6d bytes  %s" % (name, len(data), ok))
        total += len(data)
    print("%d artifacts, %d bytes -> %s" % (len(artifacts), total, OUT))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except urllib.error.HTTPError as err:
        print("HTTP %s for %s: %s" % (err.code, err.url, err.read().decode()[:200]), file=sys.stderr)
        sys.exit(3)
