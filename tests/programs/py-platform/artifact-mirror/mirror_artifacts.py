#!/usr/bin/env python3
"""Mirror the artifacts of one or more DATAMIMIC tasks to local disk, concurrently.

Used by the data-platform team to copy generated data into the shared
test-data volume. Every file is checksummed so the loader can verify it.

    python mirror_artifacts.py [TASK_ID ...] --dest mirror --parallel 4
"""
from __future__ import annotations

import asyncio
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import typer

app = typer.Typer(add_completion=False)


@dataclass(frozen=True)
class MirrorSettings:
    url: str
    token: str
    project: str

    @classmethod
    def from_env(cls) -> "MirrorSettings":
        return cls(
            url=os.getenv("DATAMIMIC_URL", "https://tdm.acme-corp.com").rstrip("/"),
            token=os.environ["DATAMIMIC_TOKEN"],
            project=os.getenv("PROJECT_ID", "shared-testdata"),
        )

    @property
    def base_url(self) -> str:
        # aiohttp wants a trailing slash when base_url has a path
        return f"{self.url}/api/v1/{self.project}/"


@dataclass
class Mirrored:
    task_id: str
    name: str
    size: int
    sha256: str


async def fetch_json(session: aiohttp.ClientSession, path: str):
    async with session.get(path) as resp:
        resp.raise_for_status()
        return await resp.json()


async def mirror_file(session: aiohttp.ClientSession, sem: asyncio.Semaphore,
                      task_id: str, name: str, dest: Path) -> Mirrored:
    async with sem:
        async with session.get(f"task/{task_id}/artifact/download/{name}") as resp:
            resp.raise_for_status()
            data = await resp.read()
    (dest / name).write_bytes(data)
    return Mirrored(task_id, name, len(data), hashlib.sha256(data).hexdigest())


async def mirror_task(session: aiohttp.ClientSession, sem: asyncio.Semaphore,
                      task_id: str, root: Path) -> list[Mirrored]:
    page = await fetch_json(session, f"task/{task_id}")
    status = page["result"][0]["status"]
    if status != "SUCCESS":
        typer.echo(f"{task_id}: status {status}, skipped")
        return []
    artifacts = await fetch_json(session, f"task/{task_id}/artifacts")
    dest = root / task_id
    dest.mkdir(parents=True, exist_ok=True)

    # keep the log next to the data; handy when someone asks "where did this come from"
    async with session.get(f"task/{task_id}/log", params={"encode": "false"}) as resp:
        resp.raise_for_status()
        (dest / "task.log").write_text(await resp.text())

    jobs = [mirror_file(session, sem, task_id, a["name"], dest) for a in artifacts]
    return list(await asyncio.gather(*jobs))


async def run(settings: MirrorSettings, task_ids: list[str], root: Path, parallel: int) -> list[Mirrored]:
    sem = asyncio.Semaphore(parallel)
    headers = {"Authorization": f"Bearer {settings.token}"}
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(base_url=settings.base_url, headers=headers,
                                     timeout=timeout, trust_env=True) as session:
        results = await asyncio.gather(*(mirror_task(session, sem, t, root) for t in task_ids))
    return [m for per_task in results for m in per_task]


@app.command()
def main(
    task_ids: list[str] = typer.Argument(None, help="task ids (default: $TASK_ID)"),
    dest: Path = typer.Option(Path("mirror"), help="target directory"),
    parallel: int = typer.Option(4, min=1, help="concurrent downloads"),
) -> None:
    settings = MirrorSettings.from_env()
    ids = task_ids or [os.environ["TASK_ID"]]
    mirrored = asyncio.run(run(settings, ids, dest, parallel))
    for m in sorted(mirrored, key=lambda m: (m.task_id, m.name)):
        typer.echo(f"{m.task_id[:8]}  {m.name:<16} {m.size:>6}  sha256:{m.sha256[:12]}")
    total = sum(m.size for m in mirrored)
    typer.echo(f"mirrored {len(mirrored)} files ({total} bytes) from {len(ids)} task(s) into {dest}/")


if __name__ == "__main__":
    app()
