from __future__ import annotations

import os
from dataclasses import dataclass

API_VERSION = "v1"


@dataclass(frozen=True)
class DatamimicSettings:
    url: str
    token: str
    project: str


@dataclass(frozen=True)
class Settings:
    datamimic: DatamimicSettings

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            DatamimicSettings(
                url=os.getenv("DATAMIMIC_URL", "https://tdm.acme-corp.com").rstrip("/"),
                token=os.environ["DATAMIMIC_TOKEN"],
                project=os.environ["PROJECT_ID"],
            )
        )
