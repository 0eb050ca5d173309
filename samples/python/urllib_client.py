"""The standard library only."""

import urllib.request

BASE = "https://acme.datamimic.io/api/v1"


def delete(project_id, name, token):
    request = urllib.request.Request(
        f"{BASE}/{project_id}/files/{name}",
        method="DELETE",
        headers={"Authorization": f"Bearer {token}"},
    )
    urllib.request.urlopen(request)


def download(project_id, task_id, token):
    request = urllib.request.Request(f"{BASE}/{project_id}/task/{task_id}/artifacts/download")
    request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request) as response:
        return response.read()
