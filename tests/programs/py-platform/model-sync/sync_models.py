#!/usr/bin/env python3
"""Sync a local folder of DATAMIMIC models into the team's TDM project.

Run by the checkout team's pipeline after every merge to main:

    python sync_models.py models/ --prune

Local files that exist remotely are updated, new ones are created. With
--prune, top-level remote files of a managed type that are no longer in the
folder are deleted (nested files such as script/*.sql are left alone).
"""
from __future__ import annotations

import argparse
import logging
import sys
from collections import defaultdict
from pathlib import Path

from tdm_client import DatamimicClient, Settings, TDMConflictError, TDMError

MANAGED_SUFFIXES = {".xml", ".csv", ".json", ".properties"}

log = logging.getLogger("sync_models")


def local_models(folder: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted(folder.iterdir())
            if p.is_file() and p.suffix in MANAGED_SUFFIXES}


def sync(client: DatamimicClient, folder: Path, prune: bool, dry_run: bool) -> dict[str, list[str]]:
    report: dict[str, list[str]] = defaultdict(list)
    remote = {f["name"] for f in client.list_files()}
    log.info("remote project %s has %d files", client.project_id, len(remote))
    local = local_models(folder)

    for name, path in local.items():
        if name in remote:
            if not dry_run:
                client.update_file(path)
            report["updated"].append(name)
            continue
        try:
            if not dry_run:
                client.create_file(path)
            report["created"].append(name)
        except TDMConflictError:
            # someone created it between list and upload; fall back to update
            log.warning("%s appeared remotely, updating instead", name)
            client.update_file(path)
            report["updated"].append(name)

    if prune:
        for name in sorted(remote - set(local)):
            if "/" in name or Path(name).suffix not in MANAGED_SUFFIXES:
                report["skipped"].append(name)
                continue
            if not dry_run:
                client.delete_file(name)
            report["deleted"].append(name)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sync a folder of models into a TDM project")
    parser.add_argument("folder", type=Path, help="folder with the model files")
    parser.add_argument("--prune", action="store_true", help="delete remote files not in folder")
    parser.add_argument("--dry-run", action="store_true", help="only print what would happen")
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    if not args.folder.is_dir():
        parser.error(f"{args.folder} is not a directory")

    try:
        with DatamimicClient(settings.datamimic) as client:
            info = client.project_info()
            print(f"syncing {args.folder}/ -> {info['name']} ({info['identifier']})")
            report = sync(client, args.folder, args.prune, args.dry_run)
    except TDMError as exc:
        log.error("sync failed: %s", exc)
        return 1

    for verb in ("created", "updated", "deleted", "skipped"):
        for name in sorted(report[verb]):
            print(f"  {verb:<8} {name}")
    print(", ".join(f"{len(report[v])} {v}" for v in ("created", "updated", "deleted", "skipped")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
