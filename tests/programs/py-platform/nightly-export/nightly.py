#!/usr/bin/env python3
"""Nightly export of the reporting project's generated data.

cron (tdm-export01): 30 2 * * *  cd /opt/tdm-export && ./venv/bin/python nightly.py
"""
from __future__ import annotations

import logging
import sys

from tdm_client import ApiClient, ApiError, TaskNotFinished

import settings
from export_artifacts import export_artifacts
from export_logs import export_log

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("nightly")


def check_finished(api: ApiClient, task_id: str) -> dict:
    meta = api.tasks.get(task_id)
    if meta["status"] not in settings.FINISHED_STATES:
        raise TaskNotFinished(f"task {task_id} is {meta['status']}")
    return meta


def main() -> int:
    if not settings.TASK_ID:
        log.error("TASK_ID not set, nothing to export")
        return 2
    api = ApiClient(settings.TDM_URL, settings.TDM_TOKEN, settings.TDM_PROJECT, settings.HTTP_TIMEOUT)
    try:
        meta = check_finished(api, settings.TASK_ID)
        print(f"task {meta['name']} ({meta['task_id']}): {meta['status']}")
        files = export_artifacts(api, settings.TASK_ID)
        lines = export_log(api, settings.TASK_ID)
    except (ApiError, TaskNotFinished) as exc:
        log.error("export failed: %s", exc)
        return 1

    for name, size in files:
        print(f"  {name:<20} {size:>8} bytes")
    print(f"exported {len(files)} artifacts and {lines} log lines to {settings.EXPORT_ROOT}/{settings.TASK_ID}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
