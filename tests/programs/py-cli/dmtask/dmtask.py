"""dmtask - inspect DATAMIMIC generation tasks from the terminal.

Everything can come from the environment so the on-call runbook is just
`export DATAMIMIC_URL=... DATAMIMIC_TOKEN=... PROJECT_ID=...` and then
`dmtask show <task-id>`.
"""
import base64
import os
from urllib.parse import urljoin

import click
import requests


class Api:
    def __init__(self, url, token, project):
        # trailing slash matters for urljoin, keep it
        self.root = urljoin(url.rstrip("/") + "/", f"api/v1/{project}/")
        self.http = requests.Session()
        self.http.headers.update({"Authorization": f"Bearer {token}"})

    def get(self, rel, **kw):
        r = self.http.get(urljoin(self.root, rel), timeout=30, **kw)
        r.raise_for_status()
        return r


@click.group()
@click.option("--url", envvar="DATAMIMIC_URL", required=True, help="DATAMIMIC instance")
@click.option("--token", envvar="DATAMIMIC_TOKEN", required=True, help="project access token")
@click.option("--project", envvar="PROJECT_ID", required=True, help="project id")
@click.pass_context
def cli(ctx, url, token, project):
    ctx.obj = Api(url, token, project)


@cli.command()
@click.argument("task_id", envvar="TASK_ID")
@click.pass_obj
def status(api, task_id):
    """Print status of one task."""
    meta = api.get(f"task/{task_id}").json()
    for t in meta["result"]:
        click.echo(f"{t['task_id']}  {t['status']:<8} datamimic={t['datamimic_status']}  {t['name']}")


@cli.command()
@click.argument("task_id", envvar="TASK_ID")
@click.option("--raw", is_flag=True, help="ask the server for base64 and decode locally")
@click.option("--tail", type=int, default=0, help="only the last N lines")
@click.pass_obj
def logs(api, task_id, raw, tail):
    """Print the task log."""
    params = {"encode": "true"} if raw else {}
    text = api.get(f"task/{task_id}/log", params=params, headers={"accept": "text/plain"}).text
    if raw:
        text = base64.b64decode(text).decode("utf-8")
    lines = text.splitlines()
    for line in lines[-tail:] if tail else lines:
        click.echo(line)


@cli.command()
@click.argument("task_id", envvar="TASK_ID")
@click.option("--fetch", "fetch_dir", type=click.Path(file_okay=False), default=None,
              help="also download every artifact into this directory")
@click.pass_obj
def artifacts(api, task_id, fetch_dir):
    """List (and optionally download) task artifacts."""
    items = api.get(f"task/{task_id}/artifacts").json()
    total = 0
    for a in sorted(items, key=lambda a: a["name"]):
        click.echo(f"{a['name']:<24} {a.get('type', ''):<5} {a.get('size', 0):>8}")
        total += a.get("size", 0)
    click.echo(f"{len(items)} artifact(s), {total} bytes")
    if fetch_dir:
        os.makedirs(fetch_dir, exist_ok=True)
        for a in items:
            r = api.get(f"task/{task_id}/artifact/download/{a['name']}", stream=True)
            dest = os.path.join(fetch_dir, a["name"])
            with open(dest, "wb") as fh:
                for chunk in r.iter_content(chunk_size=8192):
                    fh.write(chunk)
            click.echo(f"saved {dest} ({os.path.getsize(dest)} bytes)")


@cli.command()
@click.argument("task_id", envvar="TASK_ID")
@click.pass_context
def show(ctx, task_id):
    """status + last log lines + artifacts, what on-call usually wants."""
    ctx.invoke(status, task_id=task_id)
    click.echo("-- log")
    ctx.invoke(logs, task_id=task_id, raw=False, tail=5)
    click.echo("-- artifacts")
    ctx.invoke(artifacts, task_id=task_id, fetch_dir="artifacts")


if __name__ == "__main__":
    cli()
