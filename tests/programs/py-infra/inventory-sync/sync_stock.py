#!/usr/bin/env python3
"""Nightly stock sync: pull item levels from the warehouse inventory service and
push the reorder report to the document store of the purchasing team.

Both services are ours (platform team), both speak the internal REST v1 API.
"""
import argparse
import csv
import io
import os
import sys
import time

import requests

INVENTORY_URL = os.environ.get("INVENTORY_URL", "https://inventory.svc.internal")
DOCSTORE_URL = os.environ.get("DOCSTORE_URL", "https://docstore.svc.internal")
API_TOKEN = os.environ.get("PLATFORM_TOKEN", "")

session = requests.Session()
session.headers.update({"Authorization": f"Bearer {API_TOKEN}", "Accept": "application/json"})


def warehouse_items(warehouse_id, page_size=200):
    url = f"{INVENTORY_URL}/api/v1/warehouses/{warehouse_id}/items"
    page = 1
    while True:
        r = session.get(url, params={"page": page, "per_page": page_size}, timeout=30)
        r.raise_for_status()
        data = r.json()
        yield from data["items"]
        if page >= data["pages"]:
            break
        page += 1


def reorder_rows(items):
    for item in items:
        if item["on_hand"] < item["reorder_point"]:
            yield [item["sku"], item["on_hand"], item["reorder_point"], item["reorder_point"] * 2 - item["on_hand"]]


def push_report(tenant, name, rows):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["sku", "on_hand", "reorder_point", "order_qty"])
    w.writerows(rows)
    files = {"file": (name, buf.getvalue().encode(), "text/csv")}
    r = session.post(f"{DOCSTORE_URL}/api/v1/{tenant}/files", files=files, timeout=60)
    if r.status_code == 409:
        r = session.put(f"{DOCSTORE_URL}/api/v1/{tenant}/files", files=files, timeout=60)
    r.raise_for_status()
    return r.json()["location"]


def wait_for_indexing(tenant, task_id, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = session.get(f"{DOCSTORE_URL}/api/v1/{tenant}/task/{task_id}", timeout=30)
        r.raise_for_status()
        state = r.json()["result"][0]["status"]
        if state in ("SUCCESS", "FAILURE"):
            return state
        time.sleep(5)
    return "TIMEOUT"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--warehouse", action="append", required=True)
    p.add_argument("--tenant", default="purchasing")
    args = p.parse_args()

    rows = []
    for wh in args.warehouse:
        rows.extend(reorder_rows(warehouse_items(wh)))
    print(f"{len(rows)} SKUs below reorder point")
    location = push_report(args.tenant, time.strftime("reorder-%Y%m%d.csv"), rows)
    task_id = location.rsplit("/", 1)[-1]
    state = wait_for_indexing(args.tenant, task_id)
    print(f"report {location}: indexing {state}")
    return 0 if state == "SUCCESS" else 1


if __name__ == "__main__":
    sys.exit(main())
