from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from .errors import TDMHTTPError
from .settings import API_VERSION, Settings

log = logging.getLogger(__name__)


class DatamimicClient:
    """Files-only client. Tasks/generation live in 1.3+."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {settings.datamimic.token}"
        self.session.mount("https://", HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0.1)))
        self.session.mount("http://", HTTPAdapter(max_retries=Retry(total=3, backoff_factor=0.1)))

    @property
    def base(self) -> str:
        d = self.settings.datamimic
        return "/".join([d.url, "api", API_VERSION, d.project])

    def _url(self, path: str) -> str:
        return "/".join([self.base, path.strip("/")])

    def _request(self, method: str, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", 30)
        resp = self.session.request(method, self._url(path), **kw)
        if not resp.ok:
            try:
                msg = resp.json().get("detail", resp.text)
            except ValueError:
                msg = resp.text
            raise TDMHTTPError(resp.status_code, msg)
        return resp

    def list_files(self) -> list[str]:
        return [f["name"] for f in self._request("GET", "files").json()["files"]]

    def get_file(self, name: str) -> bytes:
        return self._request("GET", f"files/{name}").content

    def upload(self, path: Path, *, replace: bool = False) -> dict[str, Any]:
        method = "PUT" if replace else "POST"
        with path.open("rb") as fh:
            return self._request(method, "files", files={"file": fh}).json()

    def delete(self, name: str) -> dict[str, Any]:
        return self._request("DELETE", f"files/{name}").json()
