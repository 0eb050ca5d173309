"""Nightly test-data refresh: git pull -> generate -> wait -> collect outputs.

Ported from our Airflow 1.10 DAG (dags/tdm_nightly.py). The worker image we run
this on now has no Airflow, so the operators became plain functions with a tiny
stand-in for @task and XCom. Keep the task ids stable, the Grafana panel greps them.
"""
import os
import sys
import time
from pathlib import Path

import requests

# ---------------------------------------------------------------------------
# minimal Airflow stand-ins
# ---------------------------------------------------------------------------
DAG_TASKS = []


def task(task_id=None, retries=0):
    """Register a function as a DAG task. Return values are pushed to XCom."""
    def wrap(fn):
        fn.task_id = task_id or fn.__name__
        fn.retries = retries
        DAG_TASKS.append(fn)
        return fn
    return wrap


class TaskInstance:
    def __init__(self, xcom):
        self._xcom = xcom

    def xcom_pull(self, task_ids, key="return_value"):
        return self._xcom.get(task_ids, {}).get(key)


# ---------------------------------------------------------------------------
# "Variables" (were Airflow Variables, now env)
# ---------------------------------------------------------------------------
VARS = {
    "tdm_url": os.environ.get("DATAMIMIC_URL", "https://tdm.acme-corp.com"),
    "tdm_project": os.environ.get("PROJECT_ID", "demo-project"),
    "tdm_token": os.environ.get("DATAMIMIC_TOKEN", ""),
    "tdm_branch": os.environ.get("TDM_BRANCH", "main"),
    "landing_dir": os.environ.get("LANDING_DIR", "landing"),
}


def _url(*parts):
    return "/".join([VARS["tdm_url"].rstrip("/"), "api/v1", VARS["tdm_project"], *parts])


def _headers():
    return {"Authorization": "Bearer " + VARS["tdm_token"]}


# ---------------------------------------------------------------------------
# tasks
# ---------------------------------------------------------------------------
@task(task_id="pull_model_from_git", retries=2)
def pull_model_from_git(ti):
    resp = requests.put(_url("git"), params={"branch_name": VARS["tdm_branch"]},
                        headers=_headers(), timeout=120)
    resp.raise_for_status()
    return resp.json().get("message", "")


@task(task_id="trigger_generation")
def trigger_generation(ti):
    body = {"task_type": "standard"}
    resp = requests.post(_url("generate"), json=body, headers=_headers(), timeout=60)
    resp.raise_for_status()
    return resp.json()["task_id"]


@task(task_id="wait_for_generation", retries=1)
def wait_for_generation(ti, poke_interval=0.2, max_pokes=5):
    task_id = ti.xcom_pull(task_ids="trigger_generation")
    for _ in range(max_pokes):
        resp = requests.get(_url("task", task_id), headers=_headers(), timeout=30)
        resp.raise_for_status()
        hits = resp.json().get("result", [])
        state = hits[0]["status"] if hits else "PENDING"
        if state == "SUCCESS":
            return state
        if state in ("FAILURE", "REVOKED"):
            raise RuntimeError(f"generation {task_id} ended in {state}")
        time.sleep(poke_interval)
    raise TimeoutError(f"generation {task_id} still running after {max_pokes} pokes")


@task(task_id="fetch_log")
def fetch_log(ti):
    task_id = ti.xcom_pull(task_ids="trigger_generation")
    resp = requests.get(_url("task", task_id, "log"), params={"encode": "false"},
                        headers=_headers(), timeout=30)
    resp.raise_for_status()
    lines = resp.text.splitlines()
    errors = [l for l in lines if "ERROR" in l]
    return {"lines": len(lines), "errors": len(errors)}


@task(task_id="list_outputs")
def list_outputs(ti):
    task_id = ti.xcom_pull(task_ids="trigger_generation")
    resp = requests.get(_url("task", task_id, "artifacts"), headers=_headers(), timeout=30)
    resp.raise_for_status()
    return [{"name": a["name"], "size": a.get("size", 0)} for a in resp.json()]


@task(task_id="land_outputs", retries=2)
def land_outputs(ti):
    task_id = ti.xcom_pull(task_ids="trigger_generation")
    outputs = ti.xcom_pull(task_ids="list_outputs") or []
    target = Path(VARS["landing_dir"]) / task_id
    target.mkdir(parents=True, exist_ok=True)
    landed = {}
    for art in outputs:
        url = _url("task", task_id, "artifact", "download", art["name"])
        resp = requests.get(url, headers=_headers(), timeout=120)
        resp.raise_for_status()
        (target / art["name"]).write_bytes(resp.content)
        landed[art["name"]] = len(resp.content)
    return landed


@task(task_id="report")
def report(ti):
    log = ti.xcom_pull(task_ids="fetch_log")
    landed = ti.xcom_pull(task_ids="land_outputs")
    print(f"[report] git: {ti.xcom_pull(task_ids='pull_model_from_git')}")
    print(f"[report] log: {log['lines']} lines, {log['errors']} errors")
    for name, size in sorted(landed.items()):
        print(f"[report] landed {name} ({size} bytes)")
    return len(landed)


# ---------------------------------------------------------------------------
def run_dag():
    xcom = {}
    ti = TaskInstance(xcom)
    for fn in DAG_TASKS:
        for attempt in range(fn.retries + 1):
            try:
                value = fn(ti)
                break
            except requests.RequestException as exc:
                print(f"[{fn.task_id}] attempt {attempt + 1} failed: {exc}", file=sys.stderr)
                if attempt == fn.retries:
                    print(f"[{fn.task_id}] FAILED", file=sys.stderr)
                    return 1
        xcom[fn.task_id] = {"return_value": value}
        print(f"[{fn.task_id}] success -> {value!r}")
    return 0


if __name__ == "__main__":
    sys.exit(run_dag())
