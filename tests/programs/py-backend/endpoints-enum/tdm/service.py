from __future__ import annotations

import os
from typing import Any

import httpx

from .endpoints import Endpoints


class TestDataService:
    """Thin wrapper the backend uses to get fresh test data for its integration env."""

    def __init__(self, base_url: str | None = None, token: str | None = None, project_id: str | None = None):
        self.project_id = project_id or os.environ["PROJECT_ID"]
        self._http = httpx.Client(
            base_url=base_url or os.environ["DATAMIMIC_URL"],
            headers={"Authorization": f"Bearer {token or os.environ['DATAMIMIC_TOKEN']}"},
            timeout=httpx.Timeout(30.0),
        )

    def close(self) -> None:
        self._http.close()

    def _get(self, ep: Endpoints, **params: str) -> Any:
        resp = self._http.get(ep.url(project_id=self.project_id, **params))
        resp.raise_for_status()
        return resp.json()

    def _post(self, ep: Endpoints, payload: dict) -> Any:
        resp = self._http.post(ep.url(project_id=self.project_id), json=payload)
        resp.raise_for_status()
        return resp.json()

    def descriptor_names(self) -> list[str]:
        return [f["name"] for f in self._get(Endpoints.FILES)["files"] if f["extension"] == "xml"]

    def task(self, task_id: str) -> dict:
        return self._get(Endpoints.TASK, task_id=task_id)["result"][0]

    def artifacts(self, task_id: str) -> list[dict]:
        return self._get(Endpoints.TASK_ARTIFACTS, task_id=task_id)

    def generate(self, count: int) -> str:
        body = {"task_type": "standard", "custom_property_file": {"name": "runtime.properties", "data": {"count": count}}}
        return self._post(Endpoints.GENERATE, body)["task_id"]

    def schedule_nightly(self, crontab: str = "0 2 * * *") -> str:
        return self._post(Endpoints.SCHEDULE, {"envs": "integration", "crontab": crontab, "queue": "default", "infinite": False})["job_id"]
