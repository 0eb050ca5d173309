"""A small command-line tool over the DATAMIMIC API, run as a script (verify runs it)."""

import os
import sys

import requests

BASE = os.environ.get("DATAMIMIC_URL", "https://acme.datamimic.io") + "/api/v1"
PROJECT = os.environ.get("PROJECT_ID", "demo-project")
TASK = os.environ.get("TASK_ID", "")
HEADERS = {"Authorization": f"Bearer {os.environ.get('DATAMIMIC_TOKEN', '')}"}


def main() -> int:
    files = requests.get(f"{BASE}/{PROJECT}/files", headers=HEADERS, timeout=10).json()["files"]
    print("files:", ", ".join(sorted(f["name"] for f in files)))
    print("count:", len(files))

    task = requests.get(f"{BASE}/{PROJECT}/task/{TASK}", headers=HEADERS, timeout=10).json()
    print("status:", task["result"][0]["status"])

    log = requests.get(f"{BASE}/{PROJECT}/task/{TASK}/log", headers=HEADERS, timeout=10).text
    print("log lines:", len(log.splitlines()))

    for artifact in requests.get(f"{BASE}/{PROJECT}/task/{TASK}/artifacts", headers=HEADERS, timeout=10).json():
        print("artifact:", artifact["name"], artifact["size"])

    with open("people.csv", "rb") as handle:
        created = requests.post(f"{BASE}/{PROJECT}/files", headers=HEADERS, files={"file": handle}, timeout=10)
    print("created:", created.json()["location"])

    requests.put(
        f"{BASE}/{PROJECT}/files/rename",
        headers=HEADERS,
        json={"old_name": "people.csv", "new_name": "persons.csv"},
        timeout=10,
    )
    requests.delete(f"{BASE}/{PROJECT}/files/persons.csv", headers=HEADERS, timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
