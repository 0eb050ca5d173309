"""Fixtures for the TDM smoke tests.

The session fixtures seed the DATAMIMIC project with the CSVs under ./seed,
trigger one generation for the whole test session and clean the seed files up
again afterwards. Point them at another instance with DATAMIMIC_URL / PROJECT_ID.
"""
import os
from pathlib import Path

import pytest
import requests

DM_URL = os.environ.get("DATAMIMIC_URL", "http://localhost:8080")
DM_PROJECT = os.environ.get("PROJECT_ID", "demo-project")
DM_TOKEN = os.environ.get("DATAMIMIC_TOKEN", "local-dev-token")
SEED_DIR = Path(__file__).parent / "seed"


class DatamimicSession(requests.Session):
    """requests.Session that prefixes every path with the project's v1 base url."""

    def __init__(self, base_url, token):
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.headers.update({"Authorization": f"Bearer {token}"})

    def request(self, method, url, *args, **kwargs):
        kwargs.setdefault("timeout", 30)
        return super().request(method, self.base_url + url, *args, **kwargs)


@pytest.fixture(scope="session")
def dm():
    session = DatamimicSession(f"{DM_URL}/api/v1/{DM_PROJECT}", DM_TOKEN)
    yield session
    session.close()


@pytest.fixture(scope="session")
def seed_files():
    return sorted(p for p in SEED_DIR.iterdir() if p.suffix == ".csv")


@pytest.fixture(scope="session")
def seeded_project(dm, seed_files):
    uploaded = []
    for path in seed_files:
        with path.open("rb") as fh:
            resp = dm.post("/files", files={"file": (path.name, fh, "text/csv")})
        if resp.status_code == 409:
            # left over from a run that died before teardown: overwrite it
            with path.open("rb") as fh:
                resp = dm.put("/files", files={"file": (path.name, fh, "text/csv")})
        resp.raise_for_status()
        uploaded.append(path.name)

    yield uploaded

    for name in uploaded:
        resp = dm.delete(f"/files/{name}")
        assert resp.status_code in (200, 404), resp.text


@pytest.fixture(scope="session")
def generation(dm, seeded_project):
    resp = dm.post("/generate", json={
        "task_type": "standard",
        "custom_property_file": {"name": "runtime.properties", "data": {"count": 10}},
    })
    resp.raise_for_status()
    return resp.json()["task_id"]
