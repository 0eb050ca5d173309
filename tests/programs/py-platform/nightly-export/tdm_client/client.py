"""Resource-style client: ApiClient owns the session, resources own the paths.

    api = ApiClient(url, token, project)
    meta = api.tasks.get(task_id)
"""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .errors import ApiError

log = logging.getLogger("tdm_client")


class ApiClient:
    def __init__(self, url: str, token: str, project: str, timeout: float = 60.0) -> None:
        self._base = url.rstrip("/") + "/api/v1/" + project + "/"
        self._timeout = timeout
        self.session = requests.Session()
        self.session.headers["Authorization"] = "Bearer " + token
        self.session.mount(
            url.split("://", 1)[0] + "://",
            HTTPAdapter(max_retries=Retry(total=4, backoff_factor=0.1, status_forcelist=(502, 503, 504))),
        )
        self.tasks = TaskResource(self)

    @property
    def base(self) -> str:
        return self._base

    def _url(self, path: str) -> str:
        return urljoin(self._base, path)

    def _request(self, method: str, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", self._timeout)
        url = self._url(path)
        resp = self.session.request(method, url, **kw)
        log.debug("%s %s -> %s", method, url, resp.status_code)
        if resp.status_code >= 400:
            raise ApiError(method, url, resp.status_code, resp.text)
        return resp


class TaskResource:
    def __init__(self, api: ApiClient) -> None:
        self._api = api

    def get(self, task_id: str) -> dict[str, Any]:
        body = self._api._request("GET", "task/" + task_id).json()
        if not body.get("task_count"):
            raise ApiError("GET", task_id, 404, "empty task search result")
        return body["result"][0]

    def log(self, task_id: str) -> str:
        resp = self._api._request("GET", "task/" + task_id + "/log", params={"encode": "false"})
        return resp.text

    def artifacts(self, task_id: str) -> list[dict[str, Any]]:
        return self._api._request("GET", "task/" + task_id + "/artifacts").json()

    def download_all(self, task_id: str) -> bytes:
        return self._api._request("GET", "task/" + task_id + "/artifacts/download").content

    def download(self, task_id: str, file_name: str) -> bytes:
        path = "task/" + task_id + "/artifact/download/" + file_name
        return self._api._request("GET", path).content
