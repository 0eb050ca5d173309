#!/usr/bin/env python3
"""Rename / clean up files in a TDM project according to a plan file.

    python tdm_cleanup.py --plan plan.toml            # show what would happen
    python tdm_cleanup.py --plan plan.toml --apply    # do it

Ticket-driven: teams open a TDM ticket, attach the plan, platform runs it.
"""
from __future__ import annotations

import argparse
import fnmatch
import logging
import sys
import tomllib
from pathlib import Path

from tdm_client import DatamimicClient, Settings, TDMError

log = logging.getLogger("tdm_cleanup")


def rename(client: DatamimicClient, old: str, new: str) -> str:
    # tdm_client 1.2 has no rename helper yet; go through the raw request method
    resp = client._request("PUT", "files/rename", json={"old_name": old, "new_name": new})
    return resp.json().get("message", "")


def plan_actions(plan: dict, remote: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    renames: list[tuple[str, str]] = []
    for old, new in plan.get("rename", {}).items():
        if old not in remote:
            log.warning("rename source %s not in project, skipping", old)
        elif new in remote:
            log.warning("rename target %s already exists, skipping", new)
        else:
            renames.append((old, new))

    spec = plan.get("delete", {})
    deletes = [n for n in spec.get("names", []) if n in remote]
    for pattern in spec.get("patterns", []):
        deletes += [n for n in fnmatch.filter(remote, pattern) if n not in deletes]
    return renames, sorted(deletes)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--plan", type=Path, required=True)
    ap.add_argument("--apply", action="store_true")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s")

    plan = tomllib.loads(args.plan.read_text())
    client = DatamimicClient(Settings.from_env())
    try:
        remote = client.list_files()
        renames, deletes = plan_actions(plan, remote)
        mode = "APPLY" if args.apply else "DRY-RUN"
        print(f"[{mode}] {len(remote)} files in project, {len(renames)} renames, {len(deletes)} deletes")

        for old, new in renames:
            msg = rename(client, old, new) if args.apply else "(dry run)"
            print(f"rename {old} -> {new}: {msg}")
        for name in deletes:
            msg = client.delete(name)["message"] if args.apply else "(dry run)"
            print(f"delete {name}: {msg}")

        if args.apply:
            print("project now: " + ", ".join(sorted(client.list_files())))
    except TDMError as exc:
        log.error("%s", exc)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
