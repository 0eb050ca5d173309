import argparse
import fnmatch
import logging
import sys
from pathlib import Path

from . import __version__
from .client import DatamimicError, ProjectClient
from .settings import load


def pull(client, settings, dest: Path):
    files = client.list_files()
    wanted = [f for f in files if any(fnmatch.fnmatch(f["name"], p) for p in settings.include)]
    print(f"{len(files)} remote file(s), {len(wanted)} match {','.join(settings.include)}")
    for f in sorted(wanted, key=lambda f: f["name"]):
        try:
            data = client.read_file(f["name"])
        except DatamimicError as exc:
            print(f"  skip {f['name']}: {exc}")
            continue
        target = dest / f["name"]
        target.parent.mkdir(parents=True, exist_ok=True)
        changed = not target.exists() or target.read_bytes() != data
        target.write_bytes(data)
        print(f"  {'M' if changed else '='} {f['name']} ({len(data)} bytes)")


def push(client, paths):
    for p in map(Path, paths):
        print(f"  pushed {p.name} -> {client.update_file(p.name, p.read_bytes())}")


def main(argv=None):
    ap = argparse.ArgumentParser(prog="dmsync")
    ap.add_argument("--config", default="dmsync.ini")
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--version", action="version", version=__version__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("pull")
    sp.add_argument("--dest", type=Path, default=Path("project"))
    sp = sub.add_parser("push")
    sp.add_argument("paths", nargs="+")
    args = ap.parse_args(argv)

    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    settings = load(args.config)
    if not settings.project:
        ap.error("project not configured (PROJECT_ID or [datamimic] project=)")
    client = ProjectClient(settings)
    try:
        if args.cmd == "pull":
            pull(client, settings, args.dest)
        else:
            push(client, args.paths)
    except DatamimicError as exc:
        print(f"dmsync: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
