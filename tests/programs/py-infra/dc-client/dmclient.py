from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import requests

log = logging.getLogger("dmclient")


class DataMimicError(RuntimeError):
    pass


@dataclass
class DataMimicClient:
    host: str
    project_id: str
    token: str = field(repr=False)
    timeout: float = 30.0
    session: requests.Session = field(default_factory=requests.Session, repr=False)

    def __post_init__(self) -> None:
        self.host = self.host.rstrip("/")
        self.base_url = f"{self.host}/api/v1/{self.project_id}"
        self.files_url = f"{self.base_url}/files"
        self.session.headers["Authorization"] = f"Bearer {self.token}"

    @classmethod
    def from_env(cls) -> "DataMimicClient":
        return cls(
            host=os.environ["DATAMIMIC_URL"],
            project_id=os.environ["PROJECT_ID"],
            token=os.environ["DATAMIMIC_TOKEN"],
        )

    def _ok(self, resp: requests.Response) -> requests.Response:
        if not resp.ok:
            raise DataMimicError(f"{resp.request.method} {resp.url}: {resp.status_code} {resp.text[:200]}")
        return resp

    def project(self) -> dict:
        return self._ok(self.session.get(f"{self.base_url}/info", timeout=self.timeout)).json()

    def upload(self, path: Path) -> str:
        with path.open("rb") as fh:
            resp = self.session.post(self.files_url, files={"file": (path.name, fh)}, timeout=self.timeout)
        return self._ok(resp).json()["location"]

    def rename(self, old: str, new: str) -> str:
        resp = self.session.put(f"{self.files_url}/rename", json={"old_name": old, "new_name": new}, timeout=self.timeout)
        return self._ok(resp).json()["message"]

    def read(self, name: str) -> bytes:
        return self._ok(self.session.get(f"{self.files_url}/{name}", timeout=self.timeout)).content

    def delete(self, name: str) -> None:
        self._ok(self.session.delete(f"{self.files_url}/{name}", timeout=self.timeout))
