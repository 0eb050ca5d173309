"""Kick off a DATAMIMIC generation and wait for it, then collect log + artifact list.

Runs in our job runner as `python poller.py`. Written async because the runner
already lives in an event loop for other integrations.
"""
import asyncio
import functools
import json
import os
import random
import sys

import httpx

DM_HOST = os.getenv("DATAMIMIC_URL", "https://dm.platform.example.com")
DM_TOKEN = os.getenv("DATAMIMIC_TOKEN", "")
PROJECT = os.getenv("PROJECT_ID", "")

API_ROOT = f"{DM_HOST}/api/v1/{PROJECT}"

TERMINAL = {"SUCCESS", "FAILURE", "REVOKED"}


class TransientError(Exception):
    pass


def retry(attempts=4, base_delay=0.05):
    """Poor man's tenacity: exponential backoff with jitter on transient errors."""

    def deco(fn):
        @functools.wraps(fn)
        async def wrapper(*args, **kwargs):
            for attempt in range(1, attempts + 1):
                try:
                    return await fn(*args, **kwargs)
                except (TransientError, httpx.TransportError) as exc:
                    if attempt == attempts:
                        raise
                    delay = base_delay * 2 ** attempt + random.random() * base_delay
                    print(f"retry {attempt}/{attempts} after {exc!r}", file=sys.stderr)
                    await asyncio.sleep(delay)

        return wrapper

    return deco


def _check(resp: httpx.Response) -> httpx.Response:
    if resp.status_code >= 500:
        raise TransientError(f"{resp.request.url} -> {resp.status_code}")
    resp.raise_for_status()
    return resp


@retry()
async def start_generation(client: httpx.AsyncClient) -> str:
    resp = _check(await client.post(f"{API_ROOT}/generate", json={"task_type": "standard"}))
    return resp.json()["task_id"]


@retry()
async def task_status(client: httpx.AsyncClient, task_id: str) -> dict:
    resp = _check(await client.get(f"{API_ROOT}/task/{task_id}"))
    return resp.json()["result"][0]


@retry()
async def task_log(client: httpx.AsyncClient, task_id: str) -> str:
    resp = _check(await client.get(f"{API_ROOT}/task/{task_id}/log"))
    return resp.text


@retry()
async def artifact_list(client: httpx.AsyncClient, task_id: str) -> list:
    resp = _check(await client.get(f"{API_ROOT}/task/{task_id}/artifacts"))
    return resp.json()


async def main() -> int:
    if not (DM_TOKEN and PROJECT):
        print("DATAMIMIC_TOKEN and PROJECT_ID are required", file=sys.stderr)
        return 2
    headers = {"Authorization": f"Bearer {DM_TOKEN}"}
    async with httpx.AsyncClient(headers=headers, timeout=20.0) as client:
        task_id = await start_generation(client)
        print(f"started task {task_id}")

        for _ in range(30):
            status = await task_status(client, task_id)
            print(f"  status={status['status']}")
            if status["status"] in TERMINAL:
                break
            await asyncio.sleep(1)
        else:
            print("gave up waiting", file=sys.stderr)
            return 3

        log, artifacts = await asyncio.gather(task_log(client, task_id), artifact_list(client, task_id))

    with open(f"task-{task_id}.log", "w") as fh:
        fh.write(log)
    with open(f"task-{task_id}.artifacts.json", "w") as fh:
        json.dump(artifacts, fh, indent=2)

    total = sum(a["size"] for a in artifacts)
    print(f"log lines: {len(log.splitlines())}; artifacts: {len(artifacts)} ({total} bytes)")
    for a in artifacts:
        print(f"  {a['name']:<20} {a['type']:<6} {a['size']}")
    return 0 if status["status"] == "SUCCESS" else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
