#!/usr/bin/env python3
"""Nightly: have DATAMIMIC pull the project from git, then mirror it locally.

Runs from the ops cron box:  python nightly_refresh.py release/2024.06
"""
import sys
from pathlib import Path

from dmsync.__main__ import pull
from dmsync.client import ProjectClient
from dmsync.settings import load


def main():
    branch = sys.argv[1] if len(sys.argv) > 1 else "main"
    settings = load()
    client = ProjectClient(settings)
    print(client.update_from_git(branch))
    pull(client, settings, Path("mirror"))


if __name__ == "__main__":
    main()
