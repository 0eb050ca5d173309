"""Settings, read from the environment so CI, cron boxes and laptops behave the same."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from .errors import TDMError

DEFAULT_URL = "https://tdm.acme-corp.com"
API_PREFIX = "/api/v1"
# retry policy shared by every client we hand out
RETRY_TOTAL = 3
RETRY_BACKOFF = 0.1
RETRY_STATUSES = (429, 502, 503, 504)


@dataclass(frozen=True)
class DatamimicSettings:
    url: str = DEFAULT_URL
    token: str = field(default="", repr=False)
    project_id: str = ""
    timeout: float = 30.0

    @property
    def api_root(self) -> str:
        return self.url.rstrip("/") + API_PREFIX


@dataclass(frozen=True)
class Settings:
    datamimic: DatamimicSettings
    log_level: str = "INFO"

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ
        token = env.get("DATAMIMIC_TOKEN") or env.get("TOKEN", "")
        project = env.get("PROJECT_ID") or env.get("PROJECT", "")
        if not token or not project:
            raise TDMError("DATAMIMIC_TOKEN and PROJECT_ID must be set")
        dm = DatamimicSettings(env.get("DATAMIMIC_URL", DEFAULT_URL), token, project)
        return cls(datamimic=dm, log_level=env.get("LOG_LEVEL", "INFO"))
