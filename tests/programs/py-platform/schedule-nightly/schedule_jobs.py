#!/usr/bin/env python3
"""Register the nightly DATAMIMIC generation schedules from schedules.json.

Runs on the job-scheduler host, which only has the system python: stdlib
only (urllib), no requests, no tdm_client.

    DATAMIMIC_TOKEN=... python3 schedule_jobs.py [schedules.json]
"""
from __future__ import annotations

import json
import logging
import os
import sys
import urllib.error
import urllib.request
from typing import Any

log = logging.getLogger("schedule_jobs")

# path templates, filled in by TdmApi._url()
ENDPOINTS = {
    "info": "{base}/{project}/info",
    "schedule": "{base}/{project}/generate/advanced",
}


class TdmApiError(RuntimeError):
    pass


class TdmApi:
    def __init__(self, host: str, token: str, project: str) -> None:
        self._host = host.rstrip("/")
        self._token = token
        self.project = project

    @property
    def base(self) -> str:
        return self._host + "/api/v1"

    def _url(self, name: str) -> str:
        return ENDPOINTS[name].format(base=self.base, project=self.project)

    def _request(self, method: str, name: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self._url(name), data=data, method=method)
        req.add_header("Authorization", "Bearer " + self._token)
        req.add_header("Accept", "application/json")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return json.load(resp)
        except urllib.error.HTTPError as exc:
            raise TdmApiError(f"{method} {name}: HTTP {exc.code} {exc.read()[:200]!r}") from exc

    def info(self) -> dict[str, Any]:
        return self._request("GET", "info")

    def schedule(self, envs: str, crontab: str, queue: str = "default") -> dict[str, Any]:
        body = {"envs": envs, "crontab": crontab, "queue": queue, "infinite": False}
        return self._request("POST", "schedule", body)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(name)s %(levelname)s %(message)s")
    path = argv[1] if len(argv) > 1 else "schedules.json"
    with open(path) as fh:
        cfg = json.load(fh)

    api = TdmApi(
        os.environ.get("DATAMIMIC_URL", "https://tdm.acme-corp.com"),
        os.environ.get("DATAMIMIC_TOKEN", ""),
        os.environ.get("PROJECT_ID", cfg["project_id"]),
    )
    try:
        info = api.info()
    except (TdmApiError, urllib.error.URLError) as exc:
        log.error("project check failed: %s", exc)
        return 1
    print(f"project {info['identifier']} ({info['name']})")

    created = 0
    for sched in cfg["schedules"]:
        if not sched.get("enabled", True):
            print(f"  {sched['envs']:<6} {sched['crontab']:<14} disabled, skipped")
            continue
        res = api.schedule(sched["envs"], sched["crontab"], sched.get("queue", "default"))
        first_line = res.get("message", "").splitlines()[0] if res.get("message") else ""
        print(f"  {sched['envs']:<6} {sched['crontab']:<14} job={res['job_id']} {first_line}")
        created += 1
    print(f"{created} schedules registered")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
