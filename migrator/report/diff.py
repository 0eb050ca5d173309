"""Unified diffs of migrated files, in the form ``git apply`` accepts."""

from __future__ import annotations

import difflib

from migrator.findings import FileResult

NO_NEWLINE = "\\ No newline at end of file\n"


def _lines(data: bytes) -> list[str]:
    # Only "\n" ends a line: str.splitlines would also cut at form feeds and the like.
    text = data.decode("utf-8", "surrogateescape")
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        out.append(lines[-1])
    return out


def unified_diff(result: FileResult) -> str:
    path = result.path.removeprefix("./")
    out = []
    for line in difflib.unified_diff(
        _lines(result.original), _lines(result.migrated), fromfile=f"a/{path}", tofile=f"b/{path}"
    ):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n" + NO_NEWLINE)
    return "".join(out)
