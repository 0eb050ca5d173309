#!/usr/bin/env python3
"""dmctl - tiny command line client for the DATAMIMIC external API (v1).

We use this from the data-platform team's laptops and from a couple of
cron jobs. Token comes from DATAMIMIC_TOKEN (project access token).

    dmctl ls
    dmctl cat datamimic.xml
    dmctl push fixtures/*.csv
    dmctl mv old.xml new.xml
    dmctl rm scratch.csv
    dmctl info
"""
import argparse
import os
import sys

import requests

BASE = None  # set in main() once we know --datamimic-url / --project
TIMEOUT = 30


def api(path):
    return f"{BASE}{path}"


def session():
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {os.environ.get('DATAMIMIC_TOKEN', '')}"
    s.headers["accept"] = "application/json"
    return s


def remote_names(s):
    r = s.get(api("/files"), timeout=TIMEOUT)
    r.raise_for_status()
    return {f["name"] for f in r.json().get("files", [])}


def cmd_ls(s, args):
    r = s.get(api("/files"), timeout=TIMEOUT)
    r.raise_for_status()
    files = r.json()["files"]
    for f in sorted(files, key=lambda f: f["name"]):
        print(f"{f['extension']:<5} {f['name']}")
    print(f"{len(files)} file(s)")


def cmd_cat(s, args):
    r = s.get(api(f"/files/{args.name}"), timeout=TIMEOUT)
    if r.status_code == 404:
        sys.exit(f"dmctl: {args.name}: no such file in project")
    r.raise_for_status()
    sys.stdout.write(r.text)


def cmd_push(s, args):
    existing = remote_names(s)
    for path in args.files:
        name = os.path.basename(path)
        with open(path, "rb") as fh:
            if name in existing:
                # PUT replaces the file with the same name
                r = s.put(api("/files"), files={"file": (name, fh)}, timeout=TIMEOUT)
                verb = "updated"
            else:
                r = s.post(api("/files"), files={"file": (name, fh)}, timeout=TIMEOUT)
                verb = "created"
        r.raise_for_status()
        print(f"{verb:<8} {name} -> {r.json().get('location')}")


def cmd_mv(s, args):
    payload = {"old_name": args.old}
    payload["new_name"] = args.new
    r = s.put(api("/files/rename"), json=payload, timeout=TIMEOUT)
    r.raise_for_status()
    print(r.json()["message"])


def cmd_rm(s, args):
    for name in args.names:
        r = s.delete(api(f"/files/{name}"), timeout=TIMEOUT)
        if r.status_code == 404 and args.force:
            continue
        r.raise_for_status()
        print(f"deleted {name}")


def cmd_info(s, args):
    r = s.get(api("/info"), timeout=TIMEOUT)
    r.raise_for_status()
    info = r.json()
    print(f"{info['identifier']}: {info.get('name')} ({info.get('type', '?')})")


def build_parser():
    p = argparse.ArgumentParser(prog="dmctl")
    p.add_argument("--datamimic-url", default=os.environ.get("DATAMIMIC_URL", "https://datamimic.acme-corp.com"),
                   help="instance root (default: $DATAMIMIC_URL)")
    p.add_argument("--project", default=os.environ.get("PROJECT_ID"),
                   help="project id (default: $PROJECT_ID)")
    sub = p.add_subparsers(dest="cmd", required=True)

    sub.add_parser("ls").set_defaults(func=cmd_ls)
    sp = sub.add_parser("cat")
    sp.add_argument("name")
    sp.set_defaults(func=cmd_cat)
    sp = sub.add_parser("push")
    sp.add_argument("files", nargs="+")
    sp.set_defaults(func=cmd_push)
    sp = sub.add_parser("mv")
    sp.add_argument("old")
    sp.add_argument("new")
    sp.set_defaults(func=cmd_mv)
    sp = sub.add_parser("rm")
    sp.add_argument("names", nargs="+")
    sp.add_argument("-f", "--force", action="store_true", help="ignore missing files")
    sp.set_defaults(func=cmd_rm)
    sub.add_parser("info").set_defaults(func=cmd_info)
    return p


def main(argv=None):
    global BASE
    args = build_parser().parse_args(argv)
    if not args.project:
        sys.exit("dmctl: no project, pass --project or set PROJECT_ID")
    BASE = f"{args.datamimic_url.rstrip('/')}/api/v1/{args.project}"
    args.func(session(), args)


if __name__ == "__main__":
    main()
