#!/usr/bin/env python3
"""Kick off a DATAMIMIC generation for the QA fixtures and collect the JSON output.

Owned by the QA-automation team. We talk to the API directly with requests:
the platform's tdm_client wasn't on our internal index when this was written
and nobody has switched over since.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time
from pathlib import Path

import requests

BASE_URL = os.environ.get("DATAMIMIC_URL", "https://tdm.acme-corp.com")
PROJECT = os.environ.get("PROJECT_ID", "qa-fixtures")
TOKEN = os.environ.get("DATAMIMIC_TOKEN", "")

API = f"{BASE_URL}/api/v1/{PROJECT}"
POLL_INTERVAL = 0.2
POLL_ATTEMPTS = 5
DONE = {"SUCCESS", "FAILURE", "REVOKED"}

session = requests.Session()
session.headers.update({"Authorization": f"Bearer {TOKEN}", "accept": "application/json"})
get = functools.partial(session.get, timeout=30)
post = functools.partial(session.post, timeout=30)


def start_generation(count: int) -> str:
    payload = {
        "task_type": "standard",
        "custom_property_file": {
            "name": "runtime.properties",
            "data": {"count": count, "locale": "de_DE"},
        },
    }
    r = post(f"{API}/generate", json=payload)
    r.raise_for_status()
    return r.json()["task_id"]


def wait_for(task_id: str) -> dict:
    for attempt in range(1, POLL_ATTEMPTS + 1):
        r = get(f"{API}/task/{task_id}")
        r.raise_for_status()
        results = r.json().get("result") or []
        task = results[0] if results else {}
        status = task.get("status", "PENDING")
        if status in DONE:
            return task
        print(f"  attempt {attempt}: {status}")
        time.sleep(POLL_INTERVAL)
    raise TimeoutError(f"task {task_id} not finished after {POLL_ATTEMPTS} polls")


def last_log_line(task_id: str) -> str:
    r = get(f"{API}/task/{task_id}/log", params={"encode": "false"}, headers={"accept": "text/plain"})
    r.raise_for_status()
    lines = r.text.strip().splitlines()
    return lines[-1] if lines else ""


def collect(task_id: str, out: Path) -> list[str]:
    r = get(f"{API}/task/{task_id}/artifacts")
    r.raise_for_status()
    wanted = [a["name"] for a in r.json() if a.get("type") == "json"]
    out.mkdir(parents=True, exist_ok=True)
    for name in wanted:
        r = get(f"{API}/task/{task_id}/artifact/download/{name}")
        r.raise_for_status()
        (out / name).write_bytes(r.content)
    return wanted


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--out", type=Path, default=Path("fixtures"))
    args = ap.parse_args()

    task_id = start_generation(args.count)
    print(f"started generation, task {task_id}")
    task = wait_for(task_id)
    print(f"task finished: {task['status']} (datamimic: {task.get('datamimic_status')})")
    print(f"last log line: {last_log_line(task_id)}")
    if task["status"] != "SUCCESS":
        return 1

    for name in collect(task_id, args.out):
        records = json.loads((args.out / name).read_text())
        print(f"  {name}: {len(records)} records")
    return 0


if __name__ == "__main__":
    sys.exit(main())
