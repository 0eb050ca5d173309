"""Inventory of the files in our DATAMIMIC projects, for the data catalogue.

Writes inventory.csv (project, file, extension, bytes, lines, sha1) and prints a
short summary. Projects come from PROJECTS (comma separated) or PROJECT_ID.
"""
import csv
import hashlib
import json
import os
from functools import partial

import requests

TDM_API = os.environ.get("DATAMIMIC_URL", "https://tdm.acme-corp.com").rstrip("/") + "/api/v1"
TOKEN = os.environ.get("DATAMIMIC_TOKEN", "")
PROJECTS = [p for p in os.environ.get("PROJECTS", os.environ.get("PROJECT_ID", "demo-project")).split(",") if p]
# only pull contents for text formats we can hash/count sensibly
CONTENT_TYPES = {"csv", "xml", "json", "properties"}

session = requests.Session()
session.headers.update({"Authorization": f"Bearer {TOKEN}", "accept": "application/json"})
get = partial(session.get, timeout=30)


def fetch_project(project):
    resp = get(f"{TDM_API}/{project}/info")
    resp.raise_for_status()
    return json.loads(resp.text)


def fetch_all_files(project):
    """Collect the file listing. v1 returns everything in one go today, but the
    catalogue team asked us to be ready for paging (page / next), so loop."""
    files, page = [], 1
    while True:
        resp = get(f"{TDM_API}/{project}/files", params={"page": page})
        resp.raise_for_status()
        payload = resp.json()
        files.extend(payload.get("files", []))
        if not payload.get("next"):
            break
        page += 1
    return files


def fetch_content(project, name):
    resp = get(f"{TDM_API}/{project}/files/{name}")
    if resp.status_code == 404:
        return None
    resp.raise_for_status()
    return resp.content


def describe(project_meta, entry, content):
    row = {
        "project": project_meta.get("identifier"),
        "file": entry["name"],
        "extension": entry.get("extension") or entry["name"].rsplit(".", 1)[-1],
        "bytes": "",
        "lines": "",
        "sha1": "",
    }
    if content is not None:
        row["bytes"] = len(content)
        row["lines"] = content.count(b"\n")
        row["sha1"] = hashlib.sha1(content).hexdigest()[:12]
    return row


def main():
    rows = []
    for project in PROJECTS:
        meta = fetch_project(project)
        files = fetch_all_files(project)
        print(f"{meta['identifier']} / {meta.get('name', '?')}: {len(files)} files")
        wanted = [f for f in files if f.get("extension") in CONTENT_TYPES]
        for entry in files:
            content = fetch_content(project, entry["name"]) if entry in wanted else None
            rows.append(describe(meta, entry, content))

    with open("inventory.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    for r in rows:
        size = f"{r['bytes']} B, {r['lines']} lines" if r["bytes"] != "" else "not fetched"
        print(f"  {r['file']:<22} {r['extension']:<5} {size}")
    by_ext = {}
    for r in rows:
        by_ext[r["extension"]] = by_ext.get(r["extension"], 0) + 1
    print("by extension:", ", ".join(f"{k}={v}" for k, v in sorted(by_ext.items())))


if __name__ == "__main__":
    main()
