"""The rule table's cache in the user's cache folder: the checked table, pickled, and
its candidate strings on their own, so a run whose files hold none of them (most
pre-commit runs) needs neither the TOML parser nor the table's classes.

Everything here is best effort: a cache that cannot be read or written is no cache.
"""

from __future__ import annotations

import os
import zlib
from pathlib import Path

# The modules whose classes a pickled table is made of: their code is part of the key.
_TABLE_MODULES = ("ruletable.py", "urls.py", "responses.py")


def shipped_rules() -> Path:
    """The table shipped inside the wheel, or the repository's rules/ in an editable install."""
    here = Path(__file__).resolve().parent
    for folder in (here / "rules", here.parent / "rules"):
        if (folder / "rules.toml").is_file():
            return folder / "rules.toml"
    raise FileNotFoundError(f"no rules/rules.toml next to {here}")


def entry(raw: bytes, suffix: str) -> Path | None:
    """Where the cached form of a table with this content is kept."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not os.path.isabs(home):
        return None
    here = Path(__file__).parent
    code = "".join(str((here / name).stat().st_mtime_ns) for name in _TABLE_MODULES)
    # crc32 and the size are enough to name a cache entry, and zlib loads faster than hashlib.
    key = f"{zlib.crc32(raw + code.encode()):08x}-{len(raw)}"
    return Path(home) / "datamimic-migrate" / f"rules-{key}.{suffix}"


def read(path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def write(path: Path | None, data: bytes) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        pass


def candidates(rules: Path) -> tuple[bytes, ...] | None:
    """The candidate strings of a table, if the cache has them."""
    try:
        raw = rules.read_bytes()
    except OSError:
        return None
    data = read(entry(raw, "candidates"))
    return None if data is None else tuple(line for line in data.split(b"\n") if line)
