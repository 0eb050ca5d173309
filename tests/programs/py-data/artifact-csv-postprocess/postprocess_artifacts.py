#!/usr/bin/env python
"""Download the artifact zip of a DATAMIMIC task and turn it into load-ready CSVs.

    python postprocess_artifacts.py                    # task from $TASK_ID
    python postprocess_artifacts.py --task-id <uuid>
    python postprocess_artifacts.py --generate         # kick off a fresh run first

Output: processed/<entity>.csv (json artifacts flattened, csv artifacts
normalised to ',' + header lower-cased) plus processed/_manifest.csv, which the
Snowflake loader picks up.
"""
import argparse
import csv
import io
import json
import os
import sys
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import requests


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", default=os.getenv("DATAMIMIC_URL", "https://tdm.acme-corp.com"))
    p.add_argument("--project", default=os.getenv("PROJECT_ID", "demo-project"))
    p.add_argument("--token", default=os.getenv("DATAMIMIC_TOKEN"))
    p.add_argument("--task-id", default=os.getenv("TASK_ID"))
    p.add_argument("--generate", action="store_true", help="start a new generation and use its task")
    p.add_argument("--out", default="processed")
    p.add_argument("--delimiter", default=";", help="delimiter DATAMIMIC writes csv with (project config)")
    return p.parse_args(argv)


def api_base(args):
    # trailing slash matters for urljoin
    return f"{args.url.rstrip('/')}/api/v1/{args.project}/"


def start_generation(session, base):
    resp = session.post(urljoin(base, "generate"), json={"task_type": "standard"}, timeout=60)
    resp.raise_for_status()
    return resp.json()["task_id"]


def task_status(session, base, task_id):
    resp = session.get(urljoin(base, f"task/{task_id}"), timeout=30)
    resp.raise_for_status()
    result = resp.json().get("result") or [{}]
    return result[0].get("status", "UNKNOWN")


def download_zip(session, base, task_id):
    resp = session.get(urljoin(base, f"task/{task_id}/artifacts/download"), stream=True, timeout=300)
    resp.raise_for_status()
    buf = io.BytesIO()
    for chunk in resp.iter_content(chunk_size=64 * 1024):
        buf.write(chunk)
    buf.seek(0)
    return zipfile.ZipFile(buf)


def rows_from_member(zf, name, delimiter):
    raw = zf.read(name).decode("utf-8-sig")
    if name.endswith(".json"):
        data = json.loads(raw)
        records = data if isinstance(data, list) else [data]
        header = sorted({k for r in records for k in r})
        return header, [[r.get(h, "") for h in header] for r in records]
    if name.endswith(".csv"):
        sniff_delim = delimiter if delimiter in raw.splitlines()[0] else ","
        reader = csv.reader(io.StringIO(raw), delimiter=sniff_delim)
        header = [h.strip().lower() for h in next(reader, [])]
        return header, [row for row in reader if row]
    return None, None


def main(argv=None):
    args = parse_args(argv)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {args.token}"
    base = api_base(args)

    task_id = start_generation(session, base) if args.generate else args.task_id
    if not task_id:
        sys.exit("no task id: pass --task-id, set TASK_ID or use --generate")

    status = task_status(session, base, task_id)
    if status != "SUCCESS":
        print(f"task {task_id} is {status}, nothing to do")
        return 1

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    with download_zip(session, base, task_id) as zf:
        for name in sorted(zf.namelist()):
            header, rows = rows_from_member(zf, name, args.delimiter)
            if header is None:
                print(f"skip {name} (unknown type)")
                continue
            target = out / (Path(name).stem + ".csv")
            with open(target, "w", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(header)
                w.writerows(rows)
            manifest.append({"entity": Path(name).stem, "source": name, "file": target.name,
                             "rows": len(rows), "columns": len(header)})

    with open(out / "_manifest.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["entity", "source", "file", "rows", "columns"])
        w.writeheader()
        w.writerows(manifest)

    print(f"task {task_id} ({status}): {len(manifest)} entities")
    for m in manifest:
        print(f"  {m['entity']:<12} {m['source']:<16} rows={m['rows']} cols={m['columns']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
