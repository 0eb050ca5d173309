"""Shared helpers for the data team's DATAMIMIC jobs.

Import this instead of talking to the API directly; it keeps one HTTP session
(connection pooling) and reads the config once per process.
"""
import functools
import os

import requests

_session = requests.Session()
_session.headers.update({"Accept": "application/json"})


@functools.lru_cache(maxsize=None)
def get_config():
    cfg = {
        "url": os.environ.get("DATAMIMIC_URL", "https://datamimic.analytics.internal").rstrip("/"),
        "token": os.environ["DATAMIMIC_TOKEN"],
        "project": os.environ["PROJECT_ID"],
    }
    _session.headers["Authorization"] = "Bearer " + cfg["token"]
    return cfg


def _api():
    cfg = get_config()
    return cfg["url"] + "/api/v1/" + cfg["project"]


def list_project_files():
    resp = _session.get(_api() + "/files", timeout=30)
    resp.raise_for_status()
    return [f["name"] for f in resp.json()["files"]]


def fetch_file(name):
    resp = _session.get(f"{_api()}/files/{name}", timeout=30)
    resp.raise_for_status()
    return resp.content


def task_info(task_id):
    resp = _session.get(f"{_api()}/task/{task_id}", timeout=30)
    resp.raise_for_status()
    body = resp.json()
    if not body["result"]:
        raise LookupError(f"task {task_id} not found")
    return body["result"][0]


def save_artifacts_zip(task_id, dest):
    with _session.get(f"{_api()}/task/{task_id}/artifacts/download", stream=True, timeout=120) as resp:
        resp.raise_for_status()
        with open(dest, "wb") as fh:
            for chunk in resp.iter_content(chunk_size=65536):
                fh.write(chunk)
    return os.path.getsize(dest)
