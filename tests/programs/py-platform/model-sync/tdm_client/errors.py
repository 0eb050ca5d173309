"""Exceptions raised by tdm_client. Catch TDMError if you don't care which."""
from __future__ import annotations

import requests


class TDMError(Exception):
    pass


class TDMHTTPError(TDMError):
    def __init__(self, status: int, detail: str, url: str) -> None:
        super().__init__(f"HTTP {status} for {url}: {detail}")
        self.status, self.detail, self.url = status, detail, url


class TDMNotFoundError(TDMHTTPError):
    """404: file, task or project does not exist."""


class TDMConflictError(TDMHTTPError):
    """409: e.g. creating a file that already exists."""


def raise_for_response(resp: requests.Response) -> None:
    if resp.ok:
        return
    try:
        detail = str(resp.json().get("detail", resp.text))
    except ValueError:
        detail = resp.text
    exc_type = {404: TDMNotFoundError, 409: TDMConflictError}.get(resp.status_code, TDMHTTPError)
    raise exc_type(resp.status_code, detail, resp.url)
