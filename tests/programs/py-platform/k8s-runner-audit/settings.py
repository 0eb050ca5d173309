"""Settings for the runner audit. In-cluster defaults; override via env for local runs."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

SA_DIR = Path("/var/run/secrets/kubernetes.io/serviceaccount")


@dataclass(frozen=True)
class KubeSettings:
    url: str
    token: str
    ca_file: str | bool

    @classmethod
    def from_env(cls) -> "KubeSettings":
        host = os.getenv("KUBERNETES_SERVICE_HOST", "kubernetes.default.svc")
        port = os.getenv("KUBERNETES_SERVICE_PORT", "443")
        token_file = SA_DIR / "token"
        token = os.getenv("KUBE_TOKEN") or (token_file.read_text().strip() if token_file.exists() else "")
        ca = SA_DIR / "ca.crt"
        return cls(url=f"https://{host}:{port}", token=token, ca_file=str(ca) if ca.exists() else True)


@dataclass(frozen=True)
class Settings:
    kubernetes: KubeSettings
    namespace_label: str = "acme.io/tdm-runner=true"
    runner_configmap: str = "datamimic-runner"

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(kubernetes=KubeSettings.from_env())
