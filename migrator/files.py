"""Finding the files to migrate, reading them, and writing them back atomically.

Directories are walked with ``git ls-files`` inside a git work tree (so
.gitignore is honoured), by a plain walk elsewhere. A file is chosen by its
extension or its shebang. Writing keeps the file mode and replaces the file in
one rename, so a crash never leaves half a script.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from migrator import elsewhere

SHELL_SUFFIXES = {".sh", ".bash", ".zsh", ".ksh"}
SHELL_INTERPRETERS = {"sh", "bash", "zsh", "ksh", "dash", "ash"}
PYTHON_SUFFIXES = {".py", ".pyw"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
MAKEFILES = {"Makefile", "makefile", "GNUmakefile"}
SKIPPED_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", ".tox", ".mypy_cache"}


def interpreter(head: bytes) -> str | None:
    """The program a #! line runs: ``bash`` for ``#!/usr/bin/env -S bash -e``."""
    if not head.startswith(b"#!"):
        return None
    words = head[2:].split(b"\n", 1)[0].split()
    if words and words[0].endswith(b"/env"):
        words = [w for w in words[1:] if not w.startswith(b"-")]
    return words[0].rsplit(b"/", 1)[-1].decode("ascii", "replace") if words else None


def kind_of(path: Path, head: bytes) -> str | None:
    """The kind of a file the migrator reads (a front end's or a host's), None for the rest."""
    name = path.name
    if path.suffix in SHELL_SUFFIXES:
        return "shell"
    if path.suffix in PYTHON_SUFFIXES:
        return "python"
    if path.suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if path.suffix == ".ipynb":
        return "notebook"
    if name in MAKEFILES or path.suffix == ".mk":
        return "makefile"
    if name in ("Dockerfile", "Containerfile") or name.startswith("Dockerfile.") or path.suffix == ".dockerfile":
        return "dockerfile"
    if path.suffix in (".yml", ".yaml") and (
        path.parent.name == "workflows" and path.parent.parent.name == ".github"
        or name.endswith(".gitlab-ci.yml")
        or name in ("action.yml", "action.yaml")
    ):
        return "ci"
    if elsewhere.reported_only(path):
        return elsewhere.KIND
    program = interpreter(head) or ""
    if program in SHELL_INTERPRETERS:
        return "shell"
    if program.startswith("python"):
        return "python"
    return None


def _git_files(folder: Path) -> list[Path] | None:
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=folder,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return [folder / os.fsdecode(name) for name in result.stdout.split(b"\0") if name]


def _walk(folder: Path) -> Iterator[Path]:
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in sorted(files):
            yield Path(current) / name


def discover(paths: Iterable[Path]) -> list[Path]:
    """Every file under ``paths``; files named directly are always included."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            listed = _git_files(path)
            for file in listed if listed is not None else _walk(path):
                if file.is_file() and not file.is_symlink():
                    found[file] = None
        else:
            found[path] = None
    return list(found)


def is_binary(data: bytes) -> bool:
    return b"\0" in data[:8192]


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` in one rename, keeping its mode; a symbolic link stays
    a link and its target is written."""
    path = Path(os.path.realpath(path))
    mode = path.stat().st_mode
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode & 0o7777)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
