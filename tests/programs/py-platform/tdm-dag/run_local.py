#!/usr/bin/env python3
"""Run the tdm_warehouse_seed DAG's tasks in order, outside the scheduler.

    python run_local.py
"""
from __future__ import annotations

import logging
import sys

import tdm_settings
from dags.tdm_export_dag import TASKS
from plugins.tdm_hook import TdmHookError


def main() -> int:
    logging.basicConfig(level=logging.WARNING)
    context: dict = {"xcom": {}, "dag_id": "tdm_warehouse_seed"}
    print(f"dag tdm_warehouse_seed on project {tdm_settings.TDM_PROJECT}")
    for fn in TASKS:
        try:
            result = fn(**context)
        except TdmHookError as exc:
            print(f"  {fn.__name__}: FAILED ({exc})")
            return 1
        if isinstance(result, list):
            result = ", ".join(result)
        elif isinstance(result, int):
            result = f"{result} bytes"
        print(f"  {fn.__name__}: {result}")
    print(f"staged {len(context['xcom']['staged'])} files in {tdm_settings.STAGING_DIR}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
