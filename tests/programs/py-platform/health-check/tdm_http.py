"""httpx flavour of the platform client, used by the health check.

The checker runs in a short-lived container, so a plain httpx.Client with a
base_url (and transport-level retries for connect errors) is all we need.
"""
from __future__ import annotations

import base64
from typing import Any

import httpx

from config import DatamimicConfig


class DatamimicError(Exception):
    pass


class DatamimicHttp:
    def __init__(self, cfg: DatamimicConfig) -> None:
        self._cfg = cfg
        self._client = httpx.Client(
            base_url=cfg.api_base,
            headers={"Authorization": f"Bearer {cfg.token}"},
            timeout=cfg.timeout,
            transport=httpx.HTTPTransport(retries=2),
        )

    def __enter__(self) -> "DatamimicHttp":
        return self

    def __exit__(self, *exc: object) -> None:
        self._client.close()

    def _request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        try:
            resp = self._client.request(method, path, **kw)
            resp.raise_for_status()
        except httpx.HTTPStatusError as exc:
            raise DatamimicError(f"{method} {path}: HTTP {exc.response.status_code}") from exc
        except httpx.TransportError as exc:
            raise DatamimicError(f"{method} {path}: {exc}") from exc
        return resp

    def info(self) -> dict[str, Any]:
        return self._request("GET", "/info").json()

    def files(self) -> list[str]:
        return [f["name"] for f in self._request("GET", "/files").json()["files"]]

    def task(self, task_id: str) -> dict[str, Any]:
        return self._request("GET", f"/task/{task_id}").json()["result"][0]

    def task_log(self, task_id: str) -> str:
        # the ingress mangled non-ASCII log lines once, so we ask for base64
        resp = self._request("GET", f"/task/{task_id}/log", params={"encode": "true"})
        return base64.b64decode(resp.text).decode("utf-8")
