"""Settings shared by the dmsync CLI and the nightly scripts.

Order of precedence: environment > dmsync.ini (next to the cwd) > defaults.
"""
import configparser
import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DatamimicSettings:
    url: str = "https://tdm.acme-corp.com"
    token: str = ""
    project: str = ""
    timeout: float = 30.0
    include: tuple = field(default=("*.xml", "*.csv", "*.json", "*.properties"))

    @property
    def api_root(self) -> str:
        return self.url.rstrip("/") + "/api/v1"


def load(path: str = "dmsync.ini") -> DatamimicSettings:
    cfg = configparser.ConfigParser()
    cfg.read(path)
    sect = cfg["datamimic"] if cfg.has_section("datamimic") else {}
    include = sect.get("include")
    return DatamimicSettings(
        url=os.environ.get("DATAMIMIC_URL", sect.get("url", DatamimicSettings.url)),
        token=os.environ.get("DATAMIMIC_TOKEN", sect.get("token", "")),
        project=os.environ.get("PROJECT_ID", sect.get("project", "")),
        timeout=float(sect.get("timeout", 30)),
        include=tuple(p.strip() for p in include.split(",")) if include else DatamimicSettings.include,
    )
