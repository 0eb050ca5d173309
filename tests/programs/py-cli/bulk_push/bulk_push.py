#!/usr/bin/env python3
"""Push a whole local template folder into a DATAMIMIC project, concurrently.

Files already present in the project are updated (PUT), new ones created
(POST). Sub-folders are flattened, the v1 upload only knows the file name.

    python bulk_push.py templates/ --concurrency 4
"""
import argparse
import asyncio
import os
import sys
from pathlib import Path

import httpx

DEFAULT_URL = os.getenv("DATAMIMIC_URL", "https://datamimic.acme-corp.com")
SKIP_SUFFIXES = {".bak", ".swp", ".tmp"}


async def existing_files(client: httpx.AsyncClient) -> set[str]:
    resp = await client.get("files")
    resp.raise_for_status()
    return {f["name"] for f in resp.json()["files"]}


async def push_one(client: httpx.AsyncClient, path: Path, existing: set[str], sem: asyncio.Semaphore) -> tuple[str, str]:
    async with sem:
        content = path.read_bytes()
        files = {"file": (path.name, content)}
        if path.name in existing:
            resp = await client.put("files", files=files)
            action = "update"
        else:
            resp = await client.post("files", files=files)
            action = "create"
        if resp.status_code >= 400:
            detail = resp.json().get("detail", resp.text)
            return path.name, f"{action} FAILED ({resp.status_code}): {detail}"
        return path.name, f"{action} ok -> {resp.json()['location']}"


async def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--datamimic-url", default=DEFAULT_URL)
    ap.add_argument("--project", default=os.getenv("PROJECT_ID", "demo-project"))
    ap.add_argument("--token", default=os.getenv("DATAMIMIC_TOKEN"))
    ap.add_argument("--concurrency", type=int, default=4)
    args = ap.parse_args(argv)

    local = sorted(p for p in args.folder.rglob("*") if p.is_file() and p.suffix not in SKIP_SUFFIXES)
    if not local:
        print(f"nothing to push in {args.folder}")
        return 0

    base_url = f"{args.datamimic_url.rstrip('/')}/api/v1/{args.project}/"
    headers = {"Authorization": f"Bearer {args.token}"}
    sem = asyncio.Semaphore(args.concurrency)
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=60) as client:
        existing = await existing_files(client)
        results = await asyncio.gather(*(push_one(client, p, existing, sem) for p in local))

    failed = 0
    for name, outcome in sorted(results):
        print(f"{name:<28} {outcome}")
        failed += "FAILED" in outcome
    print(f"{len(results) - failed}/{len(results)} pushed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
