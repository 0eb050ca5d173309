"""Monthly seed rotation for the DATAMIMIC project.

1. write probe   - make sure the token can still write (create + delete a dummy)
2. rotate        - rename each seed to <stem>_<release>.<ext>, upload the fresh export
3. report        - list what the project holds afterwards

Settings live in housekeeping.json; the token comes from $TOKEN (vault-injected).
"""
import json
import os
import sys
from pathlib import Path

import httpx
from pydantic import BaseModel


class DatamimicSettings(BaseModel):
    url: str
    project: str
    timeout: float = 30.0


class RotationSettings(BaseModel):
    release: str
    files: list[str]
    source_dir: Path


class Settings(BaseModel):
    datamimic: DatamimicSettings
    rotation: RotationSettings
    probe_file: str = "_write_probe.txt"


def load_settings(path="housekeeping.json"):
    return Settings.model_validate(json.loads(Path(path).read_text()))


def make_client(cfg: DatamimicSettings):
    return httpx.Client(
        base_url=f"{cfg.url.rstrip('/')}/api/v1/{cfg.project}",
        headers={"Authorization": f"Bearer {os.environ.get('TOKEN', '')}"},
        timeout=cfg.timeout,
    )


def upload_new(client, local: Path, remote_name: str):
    with local.open("rb") as fh:
        r = client.post("/files", files={"file": (remote_name, fh, "text/csv")})
    r.raise_for_status()
    return r.json()["location"]


def write_probe(client, probe_file):
    with open(probe_file, "rb") as fh:
        r = client.post("/files", files={"file": (probe_file, fh, "text/plain")})
    if r.status_code == 409:  # previous run crashed between create and delete
        print(f"probe: stale {probe_file} found, removing")
    else:
        r.raise_for_status()
    client.delete(f"/files/{probe_file}").raise_for_status()
    print("probe: write access ok")


def rotate(client, rot: RotationSettings):
    existing = {f["name"] for f in client.get("/files").json().get("files", [])}
    for name in rot.files:
        stem, _, ext = name.rpartition(".")
        archived = f"{stem}_{rot.release}.{ext}"
        if archived in existing:
            print(f"rotate: {archived} already archived, skipping {name}")
            continue
        if name in existing:
            r = client.put("/files/rename", json={"old_name": name, "new_name": archived})
            r.raise_for_status()
            print(f"rotate: {name} -> {archived} ({r.json()['message']})")
        location = upload_new(client, rot.source_dir / name, name)
        print(f"rotate: uploaded fresh {name} -> {location}")


def report(client):
    files = client.get("/files").json().get("files", [])
    by_ext = {}
    for f in files:
        by_ext.setdefault(f.get("extension", "?"), []).append(f["name"])
    for ext in sorted(by_ext):
        print(f"report: {ext:<4} {len(by_ext[ext])}  {', '.join(sorted(by_ext[ext]))}")
    return len(files)


def main():
    settings = load_settings()
    with make_client(settings.datamimic) as client:
        write_probe(client, settings.probe_file)
        rotate(client, settings.rotation)
        total = report(client)
    print(f"done: {total} files in {settings.datamimic.project}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except httpx.HTTPStatusError as exc:
        print(f"housekeeping failed: {exc.response.status_code} {exc.response.text}", file=sys.stderr)
        sys.exit(1)
