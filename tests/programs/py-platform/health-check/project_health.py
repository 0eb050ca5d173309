#!/usr/bin/env python3
"""Health check for a TDM project, run every 15 minutes by the platform monitor.

Prints one line per check and exits non-zero when a check fails, so the
monitor can page #platform-tdm.
"""
from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from config import HealthConfig
from tdm_http import DatamimicError, DatamimicHttp

log = logging.getLogger("tdm.health")

Check = Callable[[], str]


def build_checks(api: DatamimicHttp, cfg: HealthConfig) -> list[tuple[str, Check]]:
    def project() -> str:
        info = api.info()
        if info.get("identifier") != cfg.datamimic.project_id:
            raise DatamimicError(f"unexpected identifier {info.get('identifier')!r}")
        return f"{info['name']} ({info.get('type', '?')})"

    def files() -> str:
        names = api.files()
        missing = [f for f in cfg.required_files if f not in names]
        if missing:
            raise DatamimicError("missing " + ", ".join(missing))
        return f"{len(names)} files, required present"

    def last_task() -> str:
        if not cfg.last_task_id:
            return "skipped (no TASK_ID)"
        task = api.task(cfg.last_task_id)
        if task["status"] != "SUCCESS":
            raise DatamimicError(f"status {task['status']}")
        return f"{task['name']} {task['status']}/{task.get('datamimic_status', '-')}"

    def last_log() -> str:
        if not cfg.last_task_id:
            return "skipped (no TASK_ID)"
        lines = api.task_log(cfg.last_task_id).splitlines()
        errors = [ln for ln in lines if "ERROR" in ln]
        if errors:
            raise DatamimicError(f"{len(errors)} error lines")
        return f"{len(lines)} lines, no errors"

    return [("project", project), ("files", files), ("last-task", last_task), ("last-log", last_log)]


def check_object_store(cfg: HealthConfig) -> str:
    from objectstore import list_backups

    keys = list_backups(cfg.objectstore, prefix=f"tdm/{cfg.datamimic.project_id}/")
    return f"{len(keys)} backups in {cfg.objectstore.bucket}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check-object-store", action="store_true",
                        help="also verify that backups land in blobby")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    cfg = HealthConfig.from_env()
    failed = 0
    with DatamimicHttp(cfg.datamimic) as api:
        for name, check in build_checks(api, cfg):
            try:
                print(f"[ OK ] {name:<10} {check()}")
            except DatamimicError as exc:
                failed += 1
                print(f"[FAIL] {name:<10} {exc}")
    if args.check_object_store:
        print(f"[ OK ] {'backups':<10} {check_object_store(cfg)}")

    print(f"{cfg.datamimic.project_id}: {'healthy' if not failed else f'{failed} check(s) failed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
