#!/usr/bin/env python
"""Ship DATAMIMIC task artifacts to the blobby object store.

Two steps so they can run on different runners (only the shipping runner has
network access to blobby):

    python artifact_shipper.py pull [--task-id ID]     # DATAMIMIC -> ./outbox/<task>/
    python artifact_shipper.py push --bucket tdm-exports  # ./outbox -> blobby
"""
import json
import os
from pathlib import Path

import click
import requests

OUTBOX = Path("outbox")


def tdm_session(token):
    s = requests.Session()
    s.headers.update({"Authorization": "Bearer {}".format(token), "accept": "application/json"})
    return s


@click.group()
def cli():
    pass


@cli.command()
@click.option("--url", envvar="DATAMIMIC_URL", default="https://tdm.acme-corp.com", show_default=True)
@click.option("--project", envvar="PROJECT_ID", default="demo-project", show_default=True)
@click.option("--token", envvar="DATAMIMIC_TOKEN", default="")
@click.option("--task-id", envvar="TASK_ID", required=True)
@click.option("--only", multiple=True, help="artifact names to pull (default: all)")
def pull(url, project, token, task_id, only):
    """Download the artifacts of a finished task into the outbox."""
    s = tdm_session(token)
    listing_url = "{}/api/v1/{}/task/{}/artifacts".format(url.rstrip("/"), project, task_id)
    resp = s.get(listing_url, timeout=30)
    if resp.status_code == 404:
        raise click.ClickException("task {} not found in {}".format(task_id, project))
    resp.raise_for_status()
    artifacts = [a for a in resp.json() if not only or a["name"] in only]

    target = OUTBOX / task_id
    target.mkdir(parents=True, exist_ok=True)
    manifest = []
    for art in artifacts:
        file_url = "{}/api/v1/{}/task/{}/artifact/download/{}".format(
            url.rstrip("/"), project, task_id, art["name"])
        data = s.get(file_url, timeout=300).content
        (target / art["name"]).write_bytes(data)
        manifest.append({"name": art["name"], "type": art.get("type"), "bytes": len(data)})
        click.echo("pulled {:<18} {:>6} bytes".format(art["name"], len(data)))

    (target / "manifest.json").write_text(json.dumps({"task_id": task_id, "files": manifest}, indent=2))
    click.echo("{} file(s) in {}".format(len(manifest), target))


@cli.command()
@click.option("--bucket", default="tdm-exports", show_default=True)
@click.option("--prune/--no-prune", default=False, help="delete outbox after upload")
def push(bucket, prune):
    """Upload everything in the outbox to blobby (skips keys that already exist)."""
    from objstore import Blobby

    store = Blobby(bucket)
    already = {item["key"] for item in store.list_files(prefix="tdm/")}
    for manifest_path in sorted(OUTBOX.glob("*/manifest.json")):
        manifest = json.loads(manifest_path.read_text())
        for f in manifest["files"]:
            key = "tdm/{}/{}".format(manifest["task_id"], f["name"])
            if key in already:
                click.echo("skip {} (exists)".format(key))
                continue
            etag = store.put_file(key, manifest_path.parent / f["name"])
            click.echo("pushed {} etag={}".format(key, etag))
        if prune:
            for p in manifest_path.parent.iterdir():
                p.unlink()
            manifest_path.parent.rmdir()


if __name__ == "__main__":
    cli()
