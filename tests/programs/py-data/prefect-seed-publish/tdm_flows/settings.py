import os
from dataclasses import dataclass, field
from pathlib import Path

ENV_FILE = Path(__file__).resolve().parent.parent / "config" / "datamimic.env"


def _read_env_file(path):
    values = {}
    if not path.exists():
        return values
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values


@dataclass
class Settings:
    url: str
    project_id: str
    token: str
    schedule: str = "0 2 * * *"
    queue: str = "default"
    envs: str = "stage"
    seed_dir: Path = field(default_factory=lambda: Path("seeds"))

    @classmethod
    def load(cls):
        cfg = {**_read_env_file(ENV_FILE), **os.environ}
        return cls(
            url=cfg["DATAMIMIC_URL"].rstrip("/"),
            project_id=cfg["PROJECT_ID"],
            token=cfg.get("DATAMIMIC_TOKEN", ""),
            schedule=cfg.get("TDM_SCHEDULE", "0 2 * * *"),
            queue=cfg.get("TDM_QUEUE", "default"),
            envs=cfg.get("TDM_ENVS", "stage"),
        )
