"""An httpx client with a base_url, run as a script (verify runs it)."""

import os

import httpx

DATAMIMIC_BASE = "https://acme.datamimic.io/api/v1"
PROJECT = os.environ.get("PROJECT_ID", "demo-project")
TASK = os.environ.get("TASK_ID", "")
TOKEN = os.environ.get("DATAMIMIC_TOKEN", "")

if __name__ == "__main__":
    with httpx.Client(base_url=DATAMIMIC_BASE, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        status = client.get(f"/{PROJECT}/task/{TASK}").json()["result"][0]["status"]
        names = [a["name"] for a in client.get(f"/{PROJECT}/task/{TASK}/artifacts").json()]
        log = client.get(f"/{PROJECT}/task/{TASK}/log").text
    print(status, sorted(names), len(log.splitlines()))
