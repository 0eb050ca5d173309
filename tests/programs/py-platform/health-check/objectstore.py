"""Minimal client for blobby, the internal object store (NOT DATAMIMIC).

blobby's REST API happens to look like /api/v1/<bucket>/files too; it is
only used by the optional --check-object-store step.
"""
from __future__ import annotations

import requests

from config import ObjectStoreConfig


def list_backups(cfg: ObjectStoreConfig, prefix: str = "tdm/") -> list[str]:
    url = f"{cfg.url}/api/v1/{cfg.bucket}/files"
    resp = requests.get(
        url,
        params={"prefix": prefix},
        headers={"X-Blobby-Token": cfg.token},
        timeout=10,
    )
    resp.raise_for_status()
    return [obj["key"] for obj in resp.json().get("objects", [])]
