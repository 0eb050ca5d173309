"""Where ``verify`` takes the original of a script from.

After an in-place migration the v1 script is gone from the working tree: verify
would compare the migrated script with itself. So the original comes from git:
from ``--base REV``, or from HEAD when the working tree's file differs from it
(migrate, verify, then commit); otherwise the working tree's file is the
original, and its migration is made in memory as before. Git runs with no
fsmonitor, as the migrator runs it on a repository it scans.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path


class BaseError(Exception):
    """The original cannot be taken from the revision asked for."""


@dataclass(frozen=True)
class Original:
    data: bytes
    origin: str  # "HEAD:scripts/deploy.sh", as a person would ask git for it


def _blob(script: Path, revision: str) -> subprocess.CompletedProcess[bytes]:
    folder = Path(os.path.abspath(script)).parent
    return subprocess.run(
        ["git", "-c", "core.fsmonitor=false", "cat-file", "blob", f"{revision}:./{script.name}"],
        cwd=folder,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )


def original(script: Path, working: bytes, revision: str | None) -> Original | None:
    """The original of ``script`` from git, or None when the working tree's file is the original."""
    if revision is None:
        found = _blob(script, "HEAD")
        if found.returncode != 0 or found.stdout == working:  # outside git, untracked, or not changed
            return None
        return Original(found.stdout, f"HEAD:{script}")
    if revision.startswith("-"):
        raise BaseError(f"{revision!r} is not a revision")
    found = _blob(script, revision)
    if found.returncode != 0:
        why = found.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BaseError(f"{script} is not in git at {revision}" + (f": {why[-1]}" if why else ""))
    return Original(found.stdout, f"{revision}:{script}")
