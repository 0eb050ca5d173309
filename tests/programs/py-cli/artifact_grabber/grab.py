"""Download every artifact of a DATAMIMIC task in parallel (aiohttp).

Used by the QA pipeline after a nightly generation: it pulls the generated
files next to the test suite and writes a small manifest with sizes.

    TASK_ID=... python grab.py --dest fixtures/generated
"""
import argparse
import asyncio
import hashlib
import json
import os
import posixpath
from urllib.parse import urlsplit, urlunsplit

import aiohttp


def v1_url(root: str, *parts: str) -> str:
    scheme, netloc, path, _, _ = urlsplit(root)
    return urlunsplit((scheme, netloc, posixpath.join(path or "/", "api/v1", *parts), "", ""))


async def fetch_json(session: aiohttp.ClientSession, url: str):
    async with session.get(url, headers={"accept": "application/json"}) as resp:
        resp.raise_for_status()
        return await resp.json()


async def download(session: aiohttp.ClientSession, root, project, task_id, name, dest_dir):
    url = v1_url(root, project, "task", task_id, "artifact", "download", name)
    target = os.path.join(dest_dir, name)
    digest = hashlib.sha256()
    size = 0
    async with session.get(url) as resp:
        resp.raise_for_status()
        with open(target, "wb") as fh:
            async for chunk in resp.content.iter_chunked(64 * 1024):
                fh.write(chunk)
                digest.update(chunk)
                size += len(chunk)
    return {"name": name, "size": size, "sha256": digest.hexdigest()[:12]}


async def run(args):
    headers = {"Authorization": f"Bearer {args.token}"}
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(headers=headers, timeout=timeout) as session:
        meta = await fetch_json(session, v1_url(args.url, args.project, "task", args.task_id))
        task = meta["result"][0]
        if task["status"] != "SUCCESS":
            raise SystemExit(f"task {args.task_id} is {task['status']}, nothing to grab")

        listing = await fetch_json(session, v1_url(args.url, args.project, "task", args.task_id, "artifacts"))
        wanted = [a["name"] for a in listing if not args.only or a["type"] in args.only]
        os.makedirs(args.dest, exist_ok=True)
        results = await asyncio.gather(
            *[download(session, args.url, args.project, args.task_id, n, args.dest) for n in wanted]
        )

    results.sort(key=lambda r: r["name"])
    expected = {a["name"]: a["size"] for a in listing}
    for r in results:
        flag = "" if expected.get(r["name"]) == r["size"] else "  (size mismatch!)"
        print(f"{r['name']:<20} {r['size']:>6} B  sha256:{r['sha256']}{flag}")
    with open(os.path.join(args.dest, "MANIFEST.json"), "w") as fh:
        json.dump({"task": args.task_id, "files": results}, fh, indent=2, sort_keys=True)
    print(f"{len(results)} file(s) from task {task['name']} -> {args.dest}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", default=os.environ.get("DATAMIMIC_URL", "https://tdm.acme-corp.com"))
    p.add_argument("--project", default=os.environ.get("PROJECT_ID"))
    p.add_argument("--token", default=os.environ.get("DATAMIMIC_TOKEN"))
    p.add_argument("--task-id", default=os.environ.get("TASK_ID"))
    p.add_argument("--dest", default="generated")
    p.add_argument("--only", nargs="*", help="artifact types to keep, e.g. json csv")
    asyncio.run(run(p.parse_args()))


if __name__ == "__main__":
    main()
