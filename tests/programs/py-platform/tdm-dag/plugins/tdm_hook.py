"""A small HttpHook look-alike for DATAMIMIC.

We don't import Airflow here on purpose: the hook is unit-tested outside the
scheduler image. Endpoints are relative to the API root, e.g.
"<project>/generate".
"""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

import tdm_settings

log = logging.getLogger("tdm_hook")


class TdmHookError(Exception):
    pass


class TdmHook:
    def __init__(self, api_root: str = tdm_settings.TDM_API_ROOT, token: str = tdm_settings.TDM_TOKEN) -> None:
        self.api_root = api_root
        self._token = token
        self._session: requests.Session | None = None

    def get_conn(self) -> requests.Session:
        if self._session is None:
            s = requests.Session()
            s.headers["Authorization"] = "Bearer " + self._token
            s.mount("http", HTTPAdapter(max_retries=Retry(total=2, backoff_factor=0.1)))
            self._session = s
        return self._session

    def run(self, endpoint: str, method: str = "GET", **kw: Any) -> requests.Response:
        url = urljoin(self.api_root, endpoint)
        log.info("%s %s", method, url)
        resp = self.get_conn().request(method, url, timeout=kw.pop("timeout", 60), **kw)
        if resp.status_code >= 400:
            raise TdmHookError(f"{method} {endpoint} -> {resp.status_code}: {resp.text[:300]}")
        return resp
