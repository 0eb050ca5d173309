"""Typed configuration for the project health check (pydantic v2 models)."""
from __future__ import annotations

import os

from pydantic import BaseModel, Field, field_validator


class DatamimicConfig(BaseModel):
    url: str = "https://tdm.acme-corp.com"
    token: str = Field(repr=False)
    project_id: str
    timeout: float = 20.0

    @field_validator("url")
    @classmethod
    def _strip_slash(cls, v: str) -> str:
        return v.rstrip("/")

    @property
    def api_base(self) -> str:
        return f"{self.url}/api/v1/{self.project_id}"


class ObjectStoreConfig(BaseModel):
    # blobby, the internal object store the backup jobs write to
    url: str = "https://blobby.internal.acme-corp.com"
    token: str = Field(default="", repr=False)
    bucket: str = "tdm-backups"


class HealthConfig(BaseModel):
    datamimic: DatamimicConfig
    objectstore: ObjectStoreConfig = ObjectStoreConfig()
    required_files: list[str] = ["datamimic.xml"]
    last_task_id: str | None = None

    @classmethod
    def from_env(cls) -> "HealthConfig":
        return cls(
            datamimic=DatamimicConfig(
                url=os.environ.get("DATAMIMIC_URL", "https://tdm.acme-corp.com"),
                token=os.environ["DATAMIMIC_TOKEN"],
                project_id=os.environ.get("PROJECT_ID", "demo-project"),
            ),
            objectstore=ObjectStoreConfig(token=os.environ.get("BLOBBY_TOKEN", "")),
            last_task_id=os.environ.get("TASK_ID"),
        )
