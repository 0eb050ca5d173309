"""File patterns of --exclude, ``exclude`` and ``per-file-ignores``, read as ruff reads its own.

A pattern without a slash matches any file or folder name below its root
(``legacy``, ``*.generated.sh``); one with a slash matches the path relative to
its root (``scripts/old/*.sh``, ``vendor/``), and a folder it matches takes
everything under it. ``*`` also crosses slashes, as in ruff. The root is the
folder of the pyproject.toml a pattern comes from, or the current folder for
one given on the command line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path


@dataclass(frozen=True)
class Glob:
    root: str  # absolute
    pattern: str  # normalized: no leading "./", no trailing "/"

    @classmethod
    def of(cls, pattern: str, root: Path) -> Glob:
        text = pattern.strip()
        while text.startswith("./"):
            text = text[2:]
        return cls(os.path.abspath(root), text.rstrip("/") or ".")

    def matches(self, path: str | os.PathLike[str]) -> bool:
        relative = os.path.relpath(os.path.abspath(path), self.root)
        if relative == ".." or relative.startswith(".." + os.sep):
            return False
        parts = relative.split(os.sep)
        if "/" not in self.pattern:
            return any(fnmatchcase(part, self.pattern) for part in parts)
        pattern = self.pattern.removeprefix("**/")
        prefixes = ("/".join(parts[: i + 1]) for i in range(len(parts)))
        return any(fnmatchcase(prefix, pattern) or fnmatchcase(prefix, self.pattern) for prefix in prefixes)


def any_matches(globs: tuple[Glob, ...], path: str | os.PathLike[str]) -> bool:
    return any(glob.matches(path) for glob in globs)
