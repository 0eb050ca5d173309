#!/usr/bin/env python3
"""Promote a reviewed datamimic.xml into a DATAMIMIC project, keeping one backup.

    python promote.py release/datamimic.xml --smoke

Steps: drop the old backup, rename the live descriptor to *.prev.xml, upload
the new one, optionally run a small smoke generation and roll back if it fails.
"""
import argparse
import os
import sys
import time
from pathlib import Path

import httpx
from pydantic import BaseModel, Field

RETRY_STATUS = {502, 503, 504}


class Settings(BaseModel):
    url: str = Field(default_factory=lambda: os.getenv("DATAMIMIC_URL", "https://tdm.acme-corp.com"))
    token: str = Field(default_factory=lambda: os.getenv("DATAMIMIC_TOKEN", ""))
    project: str = Field(default_factory=lambda: os.getenv("PROJECT_ID", "crm-test-data"))
    smoke_count: int = 10
    smoke_timeout: float = 120.0


def _raise_on_4xx_5xx(response: httpx.Response):
    if response.status_code >= 400 and response.status_code not in RETRY_STATUS:
        response.read()
        response.raise_for_status()


def with_retries(fn, *args, attempts=3, **kwargs):
    for attempt in range(1, attempts + 1):
        resp = fn(*args, **kwargs)
        if resp.status_code not in RETRY_STATUS or attempt == attempts:
            resp.raise_for_status()
            return resp
        time.sleep(0.2 * attempt)


class Promoter:
    def __init__(self, settings: Settings):
        self.s = settings
        self.client = httpx.Client(
            base_url=f"{settings.url.rstrip('/')}/api/v1/{settings.project}",
            headers={"Authorization": f"Bearer {settings.token}"},
            event_hooks={"response": [_raise_on_4xx_5xx]},
            timeout=30,
        )

    def remote_names(self):
        return {f["name"] for f in with_retries(self.client.get, "/files").json()["files"]}

    def read(self, name):
        return with_retries(self.client.get, f"/files/{name}").content

    def delete(self, name):
        return with_retries(self.client.delete, f"/files/{name}").json()["message"]

    def rename(self, old, new):
        payload = {"old_name": old, "new_name": new}
        return with_retries(self.client.put, "/files/rename", json=payload).json()["message"]

    def upload(self, name, content):
        return with_retries(self.client.post, "/files", files={"file": (name, content, "application/xml")}).json()

    def smoke(self):
        body = {"task_type": "standard",
                "custom_property_file": {"name": "runtime.properties", "data": {"count": self.s.smoke_count}}}
        task_id = with_retries(self.client.post, "/generate", json=body).json()["task_id"]
        deadline = time.monotonic() + self.s.smoke_timeout
        while time.monotonic() < deadline:
            result = with_retries(self.client.get, f"/task/{task_id}").json()["result"]
            status = result[0]["status"] if result else "PENDING"
            if status in ("SUCCESS", "FAILURE", "REVOKED"):
                return status
            time.sleep(0.5)
        return "TIMEOUT"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("descriptor", type=Path)
    ap.add_argument("--name", default="datamimic.xml", help="name in the project")
    ap.add_argument("--smoke", action="store_true", help="run a small generation afterwards")
    args = ap.parse_args()

    settings = Settings()
    p = Promoter(settings)
    new_content = args.descriptor.read_bytes()
    backup = args.name.replace(".xml", ".prev.xml")

    names = p.remote_names()
    if args.name in names and p.read(args.name) == new_content:
        print(f"{args.name} unchanged in {settings.project}, nothing to do")
        return 0
    if backup in names:
        print(f"drop old backup: {p.delete(backup)}")
    if args.name in names:
        print(f"backup: {p.rename(args.name, backup)}")
    print(f"upload: {p.upload(args.name, new_content)['message']} ({len(new_content)} bytes)")

    if args.smoke:
        status = p.smoke()
        print(f"smoke generation: {status}")
        if status != "SUCCESS":
            print("rolling back")
            p.delete(args.name)
            p.rename(backup, args.name)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
