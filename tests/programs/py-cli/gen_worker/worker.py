"""gen-worker: tiny service that turns generation requests into DATAMIMIC tasks.

Other teams drop a JSON request into the inbox (shared volume), e.g.

    {"project": "crm-test-data", "branch": "main", "count": 250}

and we: refresh the project from git, start a generation, wait for the
task to finish, and write the outcome (plus the log) to the outbox.

In k8s it runs forever (`python worker.py`); `--once` drains the inbox and
exits, which is what the smoke test uses.
"""
import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

import requests

API = os.environ.get("DATAMIMIC_URL", "https://tdm.acme-corp.com").rstrip("/") + "/api/v1"
TOKEN = os.environ.get("DATAMIMIC_TOKEN", "")
POLL_EVERY = float(os.environ.get("GEN_WORKER_POLL", "0.5"))
TASK_TIMEOUT = float(os.environ.get("GEN_WORKER_TASK_TIMEOUT", "900"))

log = logging.getLogger("gen-worker")
http = requests.Session()
http.headers.update({"Authorization": f"Bearer {TOKEN}", "accept": "application/json"})


class TaskFailed(Exception):
    pass


def refresh_from_git(project, branch):
    url = "/".join([API, project, "git"])
    r = http.put(url, params={"branch_name": branch}, timeout=60)
    r.raise_for_status()
    return json.loads(r.text)["message"]


def start_generation(project, count=None):
    body = dict(task_type="standard")
    if count:
        body["custom_property_file"] = dict(name="runtime.properties", data=dict(count=count))
    r = http.post("/".join([API, project, "generate"]), json=body, timeout=60)
    r.raise_for_status()
    return json.loads(r.text)["task_id"]


def wait_until_done(project, task_id, timeout=TASK_TIMEOUT):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        r = http.get("/".join([API, project, "task", task_id]), timeout=30)
        r.raise_for_status()
        data = json.loads(r.text)
        tasks = data.get("result") or []
        status = tasks[0]["status"] if tasks else "PENDING"
        log.debug("task %s: %s", task_id, status)
        if status == "SUCCESS":
            return tasks[0]
        if status in ("FAILURE", "REVOKED"):
            raise TaskFailed(f"task {task_id} ended {status}")
        time.sleep(POLL_EVERY)
    raise TaskFailed(f"task {task_id} still running after {timeout:.0f}s")


def task_log(project, task_id):
    r = http.get("/".join([API, project, "task", task_id, "log"]), params={"encode": "false"},
                 headers={"accept": "text/plain"}, timeout=30)
    r.raise_for_status()
    return r.text


def handle(req_path: Path, outbox: Path):
    req = json.loads(req_path.read_text())
    project = req["project"]
    result = {"request": req_path.name, "project": project}
    try:
        result["git"] = refresh_from_git(project, req.get("branch", "main"))
        task_id = start_generation(project, req.get("count"))
        task = wait_until_done(project, task_id)
        result.update(task_id=task_id, status=task["status"], log=task_log(project, task_id).splitlines())
    except (requests.RequestException, TaskFailed) as exc:
        result.update(status="ERROR", error=str(exc))
    (outbox / req_path.name).write_text(json.dumps(result, indent=2))
    req_path.unlink()
    return result


def drain(inbox: Path, outbox: Path):
    outbox.mkdir(exist_ok=True)
    done = []
    for req_path in sorted(inbox.glob("*.json")):
        res = handle(req_path, outbox)
        print(f"{res['request']}: {res['project']} -> {res['status']} ({len(res.get('log', []))} log lines)")
        done.append(res)
    return done


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--inbox", type=Path, default=Path("inbox"))
    ap.add_argument("--outbox", type=Path, default=Path("outbox"))
    ap.add_argument("--once", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    if args.once:
        done = drain(args.inbox, args.outbox)
        print(f"processed {len(done)} request(s)")
        return 1 if any(r["status"] == "ERROR" for r in done) else 0
    while True:  # pragma: no cover - service mode
        drain(args.inbox, args.outbox)
        time.sleep(10)


if __name__ == "__main__":
    sys.exit(main())
