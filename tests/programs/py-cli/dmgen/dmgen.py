"""dmgen - kick off DATAMIMIC generation and collect the result.

    dmgen run --count 500 --out out/
    dmgen schedule "0 2 * * *" --env stage

Config via env (DATAMIMIC_URL / DATAMIMIC_TOKEN / PROJECT_ID) or options.
"""
import shutil
import time
import zipfile
from pathlib import Path
from typing import Optional

import requests
import typer

app = typer.Typer(add_completion=False, help="DATAMIMIC generation helper")

SCHEDULE_DEFAULTS = {"envs": "stage", "queue": "default", "infinite": False}


def _session(token: str) -> requests.Session:
    s = requests.Session()
    s.headers.update({"Authorization": f"Bearer {token}", "accept": "application/json"})
    return s


def _base(url: str, project: str) -> str:
    return url.rstrip("/") + "/api/v1/" + project


def wait_for_task(s: requests.Session, base: str, task_id: str, timeout: float = 60.0, every: float = 0.5) -> dict:
    """Poll task metadata until the task finishes or we run out of time."""
    deadline = time.monotonic() + timeout
    while True:
        r = s.get(base + "/task/" + task_id, timeout=30)
        r.raise_for_status()
        body = r.json()
        task = body["result"][0] if body.get("task_count") else {}
        status = task.get("status", "PENDING")
        if status == "SUCCESS":
            return task
        if status in ("FAILURE", "REVOKED"):
            raise typer.Exit(code=2)
        if time.monotonic() > deadline:
            typer.echo(f"timed out waiting for {task_id} (last status {status})", err=True)
            raise typer.Exit(code=3)
        time.sleep(every)


@app.command()
def run(
    url: str = typer.Option(..., envvar="DATAMIMIC_URL"),
    token: str = typer.Option(..., envvar="DATAMIMIC_TOKEN"),
    project: str = typer.Option(..., envvar="PROJECT_ID"),
    count: Optional[int] = typer.Option(None, help="override 'count' in runtime.properties"),
    premium: bool = typer.Option(False, "--premium", help="set feature_premium=true"),
    out: Path = typer.Option(Path("out"), help="where to unpack the artifacts"),
    timeout: float = typer.Option(60.0),
):
    """Generate, wait for SUCCESS, download all artifacts as zip and unpack."""
    s = _session(token)
    base = _base(url, project)

    payload = {"task_type": "standard"}
    props = {}
    if count is not None:
        props["count"] = count
    if premium:
        props["feature_premium"] = True
    if props:
        payload["custom_property_file"] = {"name": "runtime.properties", "data": props}

    r = s.post(f"{base}/generate", json=payload, timeout=30)
    r.raise_for_status()
    task_id = r.json()["task_id"]
    typer.echo(f"started task {task_id}")

    task = wait_for_task(s, base, task_id, timeout=timeout)
    typer.echo(f"task {task['name']} finished: {task['status']}")

    out.mkdir(parents=True, exist_ok=True)
    zip_path = out / f"{task_id}.zip"
    with s.get(f"{base}/task/{task_id}/artifacts/download", stream=True, timeout=120) as resp:
        resp.raise_for_status()
        with open(zip_path, "wb") as fh:
            shutil.copyfileobj(resp.raw, fh)

    with zipfile.ZipFile(zip_path) as zf:
        names = sorted(zf.namelist())
        zf.extractall(out)
    for n in names:
        typer.echo(f"  {n}  {(out / n).stat().st_size} bytes")
    typer.echo(f"{len(names)} artifact(s) unpacked into {out}/")


@app.command()
def schedule(
    crontab: str,
    env: str = typer.Option("stage", "--env"),
    url: str = typer.Option(..., envvar="DATAMIMIC_URL"),
    token: str = typer.Option(..., envvar="DATAMIMIC_TOKEN"),
    project: str = typer.Option(..., envvar="PROJECT_ID"),
):
    """Register a recurring generation job."""
    body = {**SCHEDULE_DEFAULTS, "envs": env, "crontab": crontab}
    r = _session(token).post(_base(url, project) + "/generate/advanced", json=body, timeout=30)
    r.raise_for_status()
    data = r.json()
    typer.echo(f"job {data['job_id']}: {data['message'].splitlines()[0]}")


if __name__ == "__main__":
    app()
