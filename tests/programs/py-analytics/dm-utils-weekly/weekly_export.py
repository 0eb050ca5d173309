#!/usr/bin/env python3
# Weekly job: snapshot the seed files and the last generation's artifacts into ./out
import csv
import os
import sys
from pathlib import Path

import dm_utils

OUT = Path("out")


def main():
    OUT.mkdir(exist_ok=True)
    task_id = os.environ.get("TASK_ID")
    if not task_id:
        print("TASK_ID not set", file=sys.stderr)
        return 2

    names = dm_utils.list_project_files()
    print(f"{len(names)} files in project {dm_utils.get_config()['project']}")
    csv_names = [n for n in names if n.endswith(".csv")]
    for name in csv_names:
        data = dm_utils.fetch_file(name)
        (OUT / name.replace("/", "__")).write_bytes(data)
        print(f"  saved {name} ({len(data)} bytes)")

    task = dm_utils.task_info(task_id)
    print(f"task {task['task_id']}: {task['status']} (done {task['date_done']})")
    if task["status"] != "SUCCESS":
        print("last generation did not succeed, skipping artifacts", file=sys.stderr)
        return 1

    size = dm_utils.save_artifacts_zip(task_id, OUT / "artifacts.zip")
    print(f"artifacts.zip: {size} bytes")

    with open(OUT / "manifest.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file"])
        for n in names:
            w.writerow([n])
    return 0


if __name__ == "__main__":
    sys.exit(main())
