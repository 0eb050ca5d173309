"""Client for blobby, the platform team's internal object store.

API docs: https://wiki.acme-corp.com/platform/blobby (v1). Buckets hold flat
"files"; uploads are multipart, metadata comes back as JSON.
"""
import os

import requests

BLOBBY_URL = os.environ.get("BLOBBY_URL", "https://blobby.platform.acme-corp.com")
BLOBBY_KEY = os.environ.get("BLOBBY_API_KEY", "")


class Blobby:
    def __init__(self, bucket, url=BLOBBY_URL, api_key=BLOBBY_KEY):
        self.bucket = bucket
        self.root = f"{url.rstrip('/')}/api/v1/{bucket}"
        self.http = requests.Session()
        self.http.headers["X-Api-Key"] = api_key

    def list_files(self, prefix=""):
        resp = self.http.get(f"{self.root}/files", params={"prefix": prefix}, timeout=30)
        resp.raise_for_status()
        return resp.json().get("items", [])

    def exists(self, key):
        return self.http.head(f"{self.root}/files/{key}", timeout=30).status_code == 200

    def put_file(self, key, path):
        with open(path, "rb") as fh:
            resp = self.http.post(f"{self.root}/files", data={"key": key},
                                  files={"file": fh}, timeout=300)
        resp.raise_for_status()
        return resp.json()["etag"]

    def delete_file(self, key):
        self.http.delete(f"{self.root}/files/{key}", timeout=30).raise_for_status()
