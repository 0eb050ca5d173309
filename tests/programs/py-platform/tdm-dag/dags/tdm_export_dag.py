"""tdm_warehouse_seed: generate the warehouse seed data and stage it for the loader.

Task functions follow the Airflow python-callable convention (**context with
a `ti`-like xcom dict); the DAG wiring lives in the scheduler repo:

    check_project >> trigger_generation >> wait_for_task >> fetch_bundle >> unpack_bundle
"""
from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path
from typing import Any

import tdm_settings as cfg
from plugins.tdm_hook import TdmHook, TdmHookError

PROJECT = cfg.TDM_PROJECT


def check_project(**context: Any) -> str:
    info = TdmHook().run(f"{PROJECT}/info").json()
    context["xcom"]["project_name"] = info["name"]
    return info["name"]


def trigger_generation(**context: Any) -> str:
    body = {
        "task_type": "standard",
        "custom_property_file": {"name": "runtime.properties", "data": cfg.GENERATION_PROPERTIES},
    }
    task_id = TdmHook().run(f"{PROJECT}/generate", method="POST", json=body).json()["task_id"]
    context["xcom"]["task_id"] = task_id
    return task_id


def wait_for_task(**context: Any) -> str:
    task_id = context["xcom"]["task_id"]
    hook = TdmHook()
    for _ in range(cfg.POLL_MAX):
        page = hook.run(f"{PROJECT}/task/{task_id}").json()
        status = page["result"][0]["status"] if page.get("task_count") else "PENDING"
        if status == "SUCCESS":
            return status
        if status in ("FAILURE", "REVOKED"):
            raise TdmHookError(f"generation {task_id} ended with {status}")
        time.sleep(cfg.POLL_SECONDS)
    raise TdmHookError(f"generation {task_id} still running, giving up (sensor will retry)")


def fetch_bundle(**context: Any) -> int:
    task_id = context["xcom"]["task_id"]
    resp = TdmHook().run(f"{PROJECT}/task/{task_id}/artifacts/download", timeout=300)
    context["xcom"]["bundle"] = resp.content
    return len(resp.content)


def unpack_bundle(**context: Any) -> list[str]:
    staging = Path(cfg.STAGING_DIR) / context["xcom"]["task_id"]
    staging.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(context["xcom"]["bundle"])) as zf:
        zf.extractall(staging)
        names = sorted(zf.namelist())
    context["xcom"]["staged"] = names
    return names


TASKS = [check_project, trigger_generation, wait_for_task, fetch_bundle, unpack_bundle]
