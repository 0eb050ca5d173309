#!/usr/bin/env python3
"""Register the generation schedules we keep in git (schedules.json) with DATAMIMIC.

Stdlib only on purpose: this runs on the bastion host where we cannot pip install.

    DATAMIMIC_TOKEN=... python3 schedule_sync.py [--config schedules.json] [--dry-run]
"""
import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from urllib.parse import urljoin

API_ROOT = urljoin(os.environ.get("DATAMIMIC_URL", "https://tdm.acme-corp.com"), "/api/v1/")


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(urljoin(API_ROOT, path), data=data, method=method)
    req.add_header("Authorization", "Bearer " + os.environ["DATAMIMIC_TOKEN"])
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read().decode())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read().decode() or "{}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", default="schedules.json")
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()

    with open(args.config) as fh:
        cfg = json.load(fh)
    defaults = cfg.get("defaults", {})

    failures = 0
    for project, entries in sorted(cfg["projects"].items()):
        status, info = call("GET", f"{project}/info")
        if status != 200:
            print(f"[{project}] skipped: project lookup failed ({status} {info.get('detail')})")
            failures += 1
            continue
        print(f"[{project}] {info.get('name')} - {len(entries)} schedule(s)")
        for entry in entries:
            body = {**defaults, **entry}
            if args.dry_run:
                print(f"  would POST {json.dumps(body, sort_keys=True)}")
                continue
            status, res = call("POST", f"{project}/generate/advanced", body)
            if status == 200:
                print(f"  {body['crontab']:<14} envs={body['envs']:<6} -> {res['job_id']}")
            else:
                print(f"  {body['crontab']:<14} FAILED {status}: {res.get('detail')}")
                failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
