#!/usr/bin/env python3
"""tdmctl - the platform team's command line for DATAMIMIC projects.

Commands can be chained; state (like the task id from `generate`) is passed
along the chain:

    tdmctl info ls
    tdmctl push seeds/regions.csv cat regions.csv
    tdmctl generate --count 50 task logs artifacts --zip out/

Configuration comes from the environment (see tdm_client.Settings.from_env).
"""
from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from tdm_client import DatamimicClient, Settings, TDMError, TDMNotFoundError


@dataclass
class State:
    client: DatamimicClient
    task_id: str | None


pass_state = click.make_pass_decorator(State)


@click.group(chain=True)
@click.option("-v", "--verbose", is_flag=True)
@click.pass_context
def cli(ctx: click.Context, verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING)
    settings = Settings.from_env()
    client = ctx.with_resource(DatamimicClient(settings.datamimic))
    ctx.obj = State(client=client, task_id=os.environ.get("TASK_ID"))


@cli.command()
@pass_state
def info(st: State) -> None:
    """Show project metadata."""
    data = st.client.project_info()
    click.echo(f"{data['identifier']}: {data['name']} [{data.get('type', '?')}]")


@cli.command("ls")
@pass_state
def list_cmd(st: State) -> None:
    """List project files."""
    for f in sorted(st.client.list_files(), key=lambda f: f["name"]):
        click.echo(f"{f['extension']:>5}  {f['name']}")


@cli.command()
@click.argument("name")
@pass_state
def cat(st: State, name: str) -> None:
    """Print a project file."""
    click.echo(st.client.read_file(name).decode("utf-8"), nl=False)


@cli.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_state
def push(st: State, path: Path) -> None:
    """Create or update a file from PATH."""
    names = {f["name"] for f in st.client.list_files()}
    if path.name in names:
        loc = st.client.update_file(path)
        click.echo(f"updated {loc}")
    else:
        loc = st.client.create_file(path)
        click.echo(f"created {loc}")


@cli.command()
@click.option("--count", type=int, default=None, help="override the model's count")
@pass_state
def generate(st: State, count: int | None) -> None:
    """Start a generation; later commands in the chain use its task."""
    st.task_id = st.client.generate({"count": count} if count else None)
    click.echo(f"task {st.task_id} started")


def _need_task(st: State) -> str:
    if not st.task_id:
        raise click.UsageError("no task: run `generate` first or set TASK_ID")
    return st.task_id


@cli.command()
@pass_state
def task(st: State) -> None:
    """Show the current task."""
    t = st.client.get_task(_need_task(st))
    click.echo(f"{t['task_id']} {t['name']} status={t['status']} datamimic={t['datamimic_status']}")


@cli.command()
@pass_state
def logs(st: State) -> None:
    """Print the current task's log."""
    click.echo(st.client.task_log(_need_task(st)), nl=False)


@cli.command()
@click.option("--zip", "zip_dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--get", "get_name", default=None, help="download a single artifact to stdout")
@pass_state
def artifacts(st: State, zip_dir: Path | None, get_name: str | None) -> None:
    """List (and optionally download) the current task's artifacts."""
    tid = _need_task(st)
    for a in st.client.list_artifacts(tid):
        click.echo(f"{a['size']:>8}  {a['name']}")
    if get_name:
        click.echo(st.client.download_artifact_file(tid, get_name).decode("utf-8"), nl=False)
    if zip_dir:
        zip_dir.mkdir(parents=True, exist_ok=True)
        dest = st.client.download_artifacts(tid, zip_dir / f"{tid}.zip")
        click.echo(f"wrote {dest} ({dest.stat().st_size} bytes)")


def main() -> int:
    try:
        cli.main(standalone_mode=False)
    except TDMNotFoundError as exc:
        click.echo(f"not found: {exc.detail}", err=True)
        return 2
    except (TDMError, click.ClickException) as exc:
        click.echo(f"error: {exc}", err=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
