"""Thin, typed wrapper around the DATAMIMIC External API v1.

One DatamimicClient per project, holding a requests.Session with a retry
adapter so connection resets and 502/503 from the ingress are retried.
1.4: tasks, artifacts and generation.
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from . import settings as _settings
from .errors import raise_for_response
from .settings import DatamimicSettings

log = logging.getLogger(__name__)


class DatamimicClient:
    def __init__(self, cfg: DatamimicSettings) -> None:
        self._cfg = cfg
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {cfg.token}"
        retry = Retry(total=_settings.RETRY_TOTAL, backoff_factor=_settings.RETRY_BACKOFF,
                      status_forcelist=_settings.RETRY_STATUSES)
        for prefix in ("https://", "http://"):
            self._session.mount(prefix, HTTPAdapter(max_retries=retry))

    def __enter__(self) -> "DatamimicClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self._session.close()

    @property
    def project_id(self) -> str:
        return self._cfg.project_id

    @property
    def base_url(self) -> str:
        # e.g. https://tdm.acme-corp.com/api/v1/<project>
        return f"{self._cfg.api_root}/{self._cfg.project_id}"

    def _url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    def _request(self, method: str, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", self._cfg.timeout)
        log.debug("%s %s", method, self._url(path))
        resp = self._session.request(method, self._url(path), **kw)
        raise_for_response(resp)
        return resp

    def project_info(self) -> dict[str, Any]:
        return self._request("GET", "/info").json()

    def read_file(self, name: str) -> bytes:
        return self._request("GET", f"/files/{name}").content

    def list_files(self) -> list[dict[str, str]]:
        return self._request("GET", "/files").json().get("files", [])

    def create_file(self, local: Path) -> str:
        with local.open("rb") as fh:
            resp = self._request("POST", "/files", files={"file": (local.name, fh)})
        return resp.json()["location"]

    def update_file(self, local: Path) -> str:
        with local.open("rb") as fh:
            resp = self._request("PUT", "/files", files={"file": (local.name, fh)})
        return resp.json()["location"]

    def delete_file(self, name: str) -> None:
        self._request("DELETE", f"/files/{name}")

    def generate(self, properties: dict[str, Any] | None = None) -> str:
        body: dict[str, Any] = {"task_type": "standard"}
        if properties:
            body["custom_property_file"] = {"name": "runtime.properties", "data": properties}
        return self._request("POST", "/generate", json=body).json()["task_id"]

    def get_task(self, task_id: str) -> dict[str, Any]:
        # v1 wraps a single task in a search result; unwrap it here
        return self._request("GET", f"/task/{task_id}").json()["result"][0]

    def task_log(self, task_id: str) -> str:
        return self._request("GET", f"/task/{task_id}/log", params={"encode": "false"}).text

    def list_artifacts(self, task_id: str) -> list[dict[str, Any]]:
        return self._request("GET", f"/task/{task_id}/artifacts").json()

    def download_artifacts(self, task_id: str, dest: Path) -> Path:
        resp = self._request("GET", f"/task/{task_id}/artifacts/download", stream=True)
        with dest.open("wb") as fh:
            for chunk in resp.iter_content(chunk_size=64 * 1024):
                fh.write(chunk)
        return dest

    def download_artifact_file(self, task_id: str, file_name: str) -> bytes:
        return self._request("GET", f"/task/{task_id}/artifact/download/{file_name}").content
