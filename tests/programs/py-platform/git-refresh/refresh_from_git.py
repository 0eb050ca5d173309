#!/usr/bin/env python3
"""Pull a TDM project's files from its Git remote and show what the project holds now.

    python refresh_from_git.py --profile checkout
    python refresh_from_git.py --profile payments --branch hotfix/TDM-77
"""
from __future__ import annotations

import collections
import os
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import click
import requests

CONFIG = Path(__file__).with_name("tdm.toml")


@dataclass(frozen=True)
class Profile:
    name: str
    url: str
    project_id: str
    branch: str
    token: str

    @property
    def api_root(self) -> str:
        # trailing slash matters for urljoin below
        return urljoin(self.url.rstrip("/") + "/", f"api/v1/{self.project_id}/")


def load_profile(name: str) -> Profile:
    cfg = tomllib.loads(CONFIG.read_text())
    defaults = cfg.get("defaults", {})
    try:
        prof = cfg["profiles"][name]
    except KeyError:
        raise click.BadParameter(f"unknown profile {name!r}", param_hint="--profile")
    return Profile(
        name=name,
        # DATAMIMIC_URL wins so the same config works against staging
        url=os.environ.get("DATAMIMIC_URL", defaults["url"]),
        project_id=os.environ.get("PROJECT_ID", prof["project_id"]),
        branch=prof.get("branch", "main"),
        token=os.environ.get(defaults.get("token_env", "DATAMIMIC_TOKEN"), ""),
    )


def api_call(s: requests.Session, prof: Profile, method: str, path: str, **kw) -> requests.Response:
    resp = s.request(method, urljoin(prof.api_root, path), timeout=60, **kw)
    if resp.status_code >= 400:
        raise click.ClickException(f"{method} {path} failed: {resp.status_code} {resp.text[:200]}")
    return resp


@click.command()
@click.option("--profile", "profile_name", default="checkout", show_default=True)
@click.option("--branch", default=None, help="override the profile's branch")
@click.option("--skip-pull", is_flag=True, help="only show the project state")
def main(profile_name: str, branch: str | None, skip_pull: bool) -> None:
    prof = load_profile(profile_name)
    branch = branch or prof.branch
    with requests.Session() as s:
        s.headers["Authorization"] = f"Bearer {prof.token}"

        if not skip_pull:
            resp = api_call(s, prof, "PUT", "git", params={"branch_name": branch})
            click.echo(f"git pull ({branch}): {resp.json().get('message', 'ok')}")

        info = api_call(s, prof, "GET", "info").json()
        click.echo(f"project {info['identifier']} '{info['name']}' type={info.get('type')}")

        files = api_call(s, prof, "GET", "files").json()["files"]
        by_ext = collections.Counter(f.get("extension") or "-" for f in files)
        for ext, n in sorted(by_ext.items()):
            click.echo(f"  .{ext:<6} {n}")
        click.echo(f"{len(files)} files after refresh")


if __name__ == "__main__":
    sys.exit(main())
