#!/usr/bin/env python3
"""Audit the namespaces that host DATAMIMIC worker runners.

For every namespace labelled acme.io/tdm-runner=true we check that
  * the datamimic-runner ConfigMap exists and points at the production TDM URL,
  * all runner pods are Running and none restarted more than MAX_RESTARTS times.

Talks to the Kubernetes API server only (no DATAMIMIC calls); runs as a
CronJob with the tdm-auditor service account.
"""
from __future__ import annotations

import logging
import sys
from typing import Any

import requests

from settings import Settings

EXPECTED_TDM_URL = "https://tdm.acme-corp.com"
MAX_RESTARTS = 5

log = logging.getLogger("audit_runners")


class KubeApi:
    def __init__(self, settings: Settings) -> None:
        self._base = settings.kubernetes.url
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {settings.kubernetes.token}"
        self._session.verify = settings.kubernetes.ca_file

    def _get(self, path: str, **params: str) -> dict[str, Any]:
        resp = self._session.get(f"{self._base}{path}", params=params or None, timeout=15)
        resp.raise_for_status()
        return resp.json()

    def namespaces(self, label_selector: str) -> list[str]:
        data = self._get("/api/v1/namespaces", labelSelector=label_selector)
        return sorted(item["metadata"]["name"] for item in data["items"])

    def configmap(self, namespace: str, name: str) -> dict[str, str] | None:
        try:
            return self._get(f"/api/v1/namespaces/{namespace}/configmaps/{name}").get("data", {})
        except requests.HTTPError as exc:
            if exc.response is not None and exc.response.status_code == 404:
                return None
            raise

    def pods(self, namespace: str, selector: str = "app=datamimic-worker") -> list[dict[str, Any]]:
        return self._get(f"/api/v1/namespaces/{namespace}/pods", labelSelector=selector)["items"]


def audit_namespace(api: KubeApi, settings: Settings, ns: str) -> list[str]:
    problems: list[str] = []
    cm = api.configmap(ns, settings.runner_configmap)
    if cm is None:
        problems.append(f"configmap {settings.runner_configmap} missing")
    elif cm.get("DATAMIMIC_URL", "").rstrip("/") != EXPECTED_TDM_URL:
        problems.append(f"DATAMIMIC_URL is {cm.get('DATAMIMIC_URL')!r}")

    for pod in api.pods(ns):
        name = pod["metadata"]["name"]
        phase = pod.get("status", {}).get("phase")
        restarts = sum(c.get("restartCount", 0) for c in pod.get("status", {}).get("containerStatuses", []))
        if phase != "Running":
            problems.append(f"pod {name} is {phase}")
        if restarts > MAX_RESTARTS:
            problems.append(f"pod {name} restarted {restarts} times")
    return problems


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    settings = Settings.from_env()
    api = KubeApi(settings)
    failing = 0
    for ns in api.namespaces(settings.namespace_label):
        problems = audit_namespace(api, settings, ns)
        print(f"{ns}: {'ok' if not problems else '; '.join(problems)}")
        failing += bool(problems)
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
