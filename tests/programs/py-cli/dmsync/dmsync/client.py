import functools
import logging

import requests

from .settings import DatamimicSettings

log = logging.getLogger(__name__)


class DatamimicError(RuntimeError):
    pass


class ProjectClient:
    """Thin wrapper around the v1 project endpoints we actually use."""

    def __init__(self, settings: DatamimicSettings):
        self._base = "/".join([settings.api_root, settings.project])
        self._session = requests.Session()
        self._session.headers["Authorization"] = "Bearer " + settings.token
        self._get = functools.partial(self._session.request, "GET", timeout=settings.timeout)
        self._put = functools.partial(self._session.request, "PUT", timeout=settings.timeout)

    def _url(self, *parts):
        return "/".join([self._base, *parts])

    @staticmethod
    def _check(resp):
        if resp.status_code >= 400:
            try:
                detail = resp.json().get("detail")
            except ValueError:
                detail = resp.text
            raise DatamimicError(f"{resp.request.method} {resp.url.split('/api/v1/')[-1]}: {resp.status_code} {detail}")
        return resp

    def list_files(self):
        resp = self._check(self._get(self._url("files")))
        return resp.json().get("files", [])

    def read_file(self, name) -> bytes:
        resp = self._check(self._get(self._url("files", name)))
        return resp.content

    def update_file(self, name, data: bytes):
        resp = self._check(self._put(self._url("files"), files={"file": (name, data)}))
        return resp.json()["location"]

    def update_from_git(self, branch="main"):
        resp = self._check(self._put(self._url("git"), params={"branch_name": branch}))
        return resp.json().get("message", "")
