"""Which files of a run are read together: a script and the files it sources
(``source ./tdm.conf``, ``. "$(dirname "$0")/lib/dm.sh"``, a CI step's
``source .github/scripts/dm.sh``), found by a cheap scan of the run's shell and CI
files, without parsing.

A sourced file is looked up by the literal path the script writes after its last
expansion (``$TDM_HOME/lib/common.sh`` -> ``lib/common.sh``), or by the default of the
variable it sources (``CONF=${BUNDLE_CONF:-$(dirname "$0")/bundle.conf}``), in the
script's folder and the folders above it, among the run's files. Files connected
this way form a group; each file of a group that holds a candidate is migrated with
the whole group (``unit.py``), so a base defined in one file and used in another
follows the one-plan rule over all of them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from migrator.shell.unit import Member

_SOURCE = re.compile(rb"(?:^|[;&|{(!]|\bthen|\bdo|\belse)\s*(?:source|\.)[ \t]+((?:\$\([^)\n]*\)|[^\s;&|#)])(?:\$\([^)\n]*\)|\$\{[^}\n]*\}|[^\s;&|#)]|\"[^\"\n]*\")*)", re.MULTILINE)
_ASSIGNMENT = r"(?:^|[\s;])(?:export\s+|readonly\s+|local\s+)?{name}=([^\n]*)"
_EXPANSION = re.compile(r"\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_0-9]+")
_SHELL_KINDS = {"shell", "ci", "markdown"}
MAX_GROUP = 40


def _tail(word: str) -> str:
    """The literal path after the last expansion: ``"$TDM_HOME/lib/common.sh"`` -> ``lib/common.sh``."""
    word = word.strip("\"'")
    parts = _EXPANSION.split(word)
    tail = parts[-1] if parts else word
    while tail.startswith(("./", "/")):
        tail = tail[2:] if tail.startswith("./") else tail[1:]
    return tail


def sourced(data: bytes) -> list[str]:
    """The literal paths a script sources."""
    text = data.decode("utf-8", "replace")
    out = []
    for match in _SOURCE.finditer(data):
        word = match.group(1).decode("utf-8", "replace")
        tail = _tail(word)
        if not tail or tail.endswith("}"):
            # . "$CONF": the path is a variable's value (or its default).
            name = re.fullmatch(r"[\"']?\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?[-=][^}]*)?\}?[\"']?", word)
            if name:
                inner = re.search(r"\$\{" + name.group(1) + r":?[-=]([^}]*)\}", word)
                value = inner.group(1) if inner else None
                if value is None:
                    assignment = re.search(_ASSIGNMENT.format(name=re.escape(name.group(1))), text, re.MULTILINE)
                    value = assignment.group(1) if assignment else ""
                value = re.sub(r"\s+#.*$", "", value).strip()
                value = re.sub(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:?-", "", value.strip("\"'")).rstrip("}")
                tail = _tail(value)
        if tail and not tail.startswith("~"):
            out.append(tail)
    return out


def _key(path: Path) -> str:
    return os.path.normpath(os.path.abspath(path))


def resolve(script: Path, tail: str, files: dict[str, Path]) -> Path | None:
    """The run's file a script's ``source`` names: in its folder or the folders above it."""
    folder = script.parent
    for _ in range(6):
        candidate = _key(folder / tail)
        if candidate in files:
            return files[candidate]
        if folder.parent == folder:
            break
        folder = folder.parent
    return None


def groups(members: Iterable[tuple[Path, str, bytes]], all_files: Iterable[Path], read) -> list[list[Member]]:
    """The groups of files read together (each of two files or more), sourced files first.

    ``members``: the run's shell-like files already read (path, kind, bytes); ``all_files``:
    every file of the run, for sourced files of no kind (``tdm.conf``); ``read(path)``
    gives a file's bytes or None.
    """
    known = {_key(path): (path, kind, data) for path, kind, data in members}
    edges: dict[str, set[str]] = {}
    pending = [key for key, (_, kind, data) in known.items() if kind in _SHELL_KINDS and (b"source" in data or b". " in data)]
    if not pending:
        return []
    files = {_key(path): path for path in all_files}
    seen: set[str] = set()
    while pending:
        key = pending.pop()
        if key in seen:
            continue
        seen.add(key)
        path, kind, data = known[key]
        for tail in sourced(data):
            target = resolve(path, tail, files)
            if target is None:
                continue
            target_key = _key(target)
            if target_key == key:
                continue
            if target_key not in known:
                content = read(target)
                if content is None:
                    continue
                known[target_key] = (target, "shell", content)
            edges.setdefault(key, set()).add(target_key)
            pending.append(target_key)
    # Connected groups, each in an order where a sourced file comes before those that source it.
    neighbours: dict[str, set[str]] = {}
    for source, targets in edges.items():
        for target in targets:
            neighbours.setdefault(source, set()).add(target)
            neighbours.setdefault(target, set()).add(source)
    out: list[list[Member]] = []
    done: set[str] = set()
    for start in sorted(neighbours):
        if start in done:
            continue
        component: set[str] = set()
        stack = [start]
        while stack:
            node = stack.pop()
            if node in component:
                continue
            component.add(node)
            stack.extend(neighbours.get(node, ()))
        done |= component
        if len(component) > MAX_GROUP:
            continue
        ordered: list[str] = []

        def visit(node: str, trail: set[str]) -> None:
            if node in ordered or node in trail:
                return
            for target in sorted(edges.get(node, ())):
                visit(target, trail | {node})
            ordered.append(node)

        for node in sorted(component):
            visit(node, set())
        out.append([Member(str(known[key][0]), known[key][1], known[key][2]) for key in ordered])
    return out
