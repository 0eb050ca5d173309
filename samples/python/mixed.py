"""DATAMIMIC and another service's v1 API in one module: only DATAMIMIC's calls change."""

import requests

STORE = "https://objects.example.net/api/v1"
DATAMIMIC = "https://acme.datamimic.io/api/v1"


def sync(bucket, project_id):
    remote = requests.get(f"{STORE}/{bucket}/files").json()["files"]
    local = requests.get(f"{DATAMIMIC}/{project_id}/files").json()["files"]
    return [f["name"] for f in remote], [f["name"] for f in local]
