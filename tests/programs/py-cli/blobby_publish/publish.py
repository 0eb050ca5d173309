#!/usr/bin/env python3
"""Publish generated test-data files to Blobby, our internal object store.

The files usually come out of a DATAMIMIC run (the QA job unpacks the
artifacts into ./generated first); this script only talks to Blobby.

Blobby REST API (v1):
    GET    /api/v1/{bucket}/files               list objects
    POST   /api/v1/{bucket}/files               upload (multipart, field "file")
    GET    /api/v1/{bucket}/files/{key}         download
    DELETE /api/v1/{bucket}/files/{key}         delete

    BLOBBY_URL=https://blobby.internal.acme-corp.com BLOBBY_TOKEN=... \
        python publish.py generated/ --bucket tdm-fixtures --prefix nightly/ --prune
"""
import argparse
import hashlib
import os
import sys
from pathlib import Path

import requests

BLOBBY_URL = os.environ.get("BLOBBY_URL", "https://blobby.internal.acme-corp.com")


class Blobby:
    def __init__(self, url, token, bucket):
        self.base = f"{url.rstrip('/')}/api/v1/{bucket}"
        self.s = requests.Session()
        self.s.headers["Authorization"] = f"Bearer {token}"

    def list(self, prefix=""):
        r = self.s.get(f"{self.base}/files", params={"prefix": prefix}, timeout=30)
        r.raise_for_status()
        return {o["key"]: o["etag"] for o in r.json()["objects"]}

    def put(self, key, path: Path):
        with path.open("rb") as fh:
            r = self.s.post(f"{self.base}/files", data={"key": key}, files={"file": (path.name, fh)}, timeout=120)
        r.raise_for_status()
        return r.json()["etag"]

    def delete(self, key):
        self.s.delete(f"{self.base}/files/{key}", timeout=30).raise_for_status()


def md5(path: Path) -> str:
    h = hashlib.md5()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--bucket", default=os.environ.get("BLOBBY_BUCKET", "tdm-fixtures"))
    ap.add_argument("--prefix", default="")
    ap.add_argument("--prune", action="store_true", help="delete remote objects that are gone locally")
    args = ap.parse_args()

    store = Blobby(BLOBBY_URL, os.environ["BLOBBY_TOKEN"], args.bucket)
    remote = store.list(args.prefix)
    local = {args.prefix + p.relative_to(args.folder).as_posix(): p
             for p in sorted(args.folder.rglob("*")) if p.is_file()}

    uploaded = skipped = 0
    for key, path in local.items():
        if remote.get(key) == md5(path):
            skipped += 1
            continue
        store.put(key, path)
        print(f"uploaded {key}")
        uploaded += 1

    pruned = 0
    if args.prune:
        for key in sorted(set(remote) - set(local)):
            store.delete(key)
            print(f"pruned   {key}")
            pruned += 1
    print(f"{uploaded} uploaded, {skipped} unchanged, {pruned} pruned in {args.bucket}")


if __name__ == "__main__":
    sys.exit(main())
