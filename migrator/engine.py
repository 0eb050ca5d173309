"""The pipeline: paths -> files -> candidates -> front end -> fixes -> new bytes.

``migrate_source`` never raises: every file ends as a ``FileResult`` that is
changed, unchanged, skipped (binary, too large, not a script) or failed (with
the error), so one bad file never stops a run. Files without a candidate string
are never parsed; front ends are imported only when a file needs one.
"""

from __future__ import annotations

import os
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterable

from migrator import files
from migrator.edits import apply_fixes, ignored_lines, is_ignored
from migrator.findings import FileResult, Finding, Outcome, Status
from migrator.config import Settings

BOM = b"\xef\xbb\xbf"
# Below this many candidate files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 16


def is_candidate(data: bytes, settings: Settings) -> bool:
    return any(candidate in data for candidate in settings.table.candidates)


def _front_end(kind: str) -> Callable:
    if kind == "shell":
        from migrator.shell.migrate import migrate

        return migrate
    raise ValueError(f"no front end for {kind}")


def _parse_errors() -> tuple[type[Exception], ...]:
    from migrator.shell.migrate import ParseError

    return (ParseError,)


def migrate_source(path: str, data: bytes, kind: str, settings: Settings) -> FileResult:
    """Migrate the bytes of one file of the given kind."""
    if not is_candidate(data, settings):
        return FileResult(path, Outcome.UNCHANGED)
    bom = BOM if data.startswith(BOM) else b""
    body = data[len(bom) :]
    try:
        fixes, findings = _front_end(kind)(body, settings)
    except _parse_errors() as exc:
        return _failed(path, f"cannot parse: {exc}")
    except Exception as exc:  # a bug of ours must not stop the run or touch the file
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return _failed(path, f"internal error, file left untouched: {detail}")
    marks = ignored_lines(body)
    fixes = [fix for fix in fixes if not is_ignored(fix.finding, marks)]
    findings = [finding for finding in findings if not is_ignored(finding, marks)]
    new_body, fixed = apply_fixes(body, fixes, settings.unsafe_fixes)
    all_findings = tuple(sorted([*findings, *fixed], key=lambda f: (f.line, f.column, f.rule)))
    new = bom + new_body
    if new == data:
        return FileResult(path, Outcome.UNCHANGED, all_findings)
    return FileResult(path, Outcome.CHANGED, all_findings, original=data, migrated=new)


def _failed(path: str, reason: str) -> FileResult:
    finding = Finding("DM001", Status.ERROR, 1, 1, reason)
    return FileResult(path, Outcome.FAILED, (finding,), reason=reason)


def migrate_path(path: Path, settings: Settings, explicit: bool = False) -> FileResult | None:
    """Read and migrate one file; None for a file the migrator does not read."""
    name = str(path)
    try:
        with open(path, "rb") as stream:
            data = stream.read(settings.max_file_size + 1)
    except OSError as exc:
        return _failed(name, f"cannot read: {exc.strerror or exc}")
    kind = files.kind_of(path, data[:256])
    if kind is None:
        if explicit and is_candidate(data, settings):
            return FileResult(name, Outcome.SKIPPED, reason="not a file kind the migrator reads")
        return None
    if len(data) > settings.max_file_size:
        return FileResult(name, Outcome.SKIPPED, reason=f"larger than {settings.max_file_size} bytes")
    if files.is_binary(data):
        return FileResult(name, Outcome.SKIPPED, reason="binary file")
    return migrate_source(name, data, kind, settings)


def _migrate_many(batch: list[tuple[Path, bool]], settings: Settings) -> list[FileResult | None]:
    return [migrate_path(path, settings, explicit) for path, explicit in batch]


def plan(paths: Iterable[Path]) -> list[tuple[Path, bool]]:
    """The files to look at, each with whether it was named on the command line."""
    paths = list(paths)
    named = {p for p in paths if not p.is_dir()}
    return [(path, path in named) for path in files.discover(paths)]


def run(
    todo: list[tuple[Path, bool]],
    settings: Settings,
    jobs: int = 0,
    progress: Callable[[int], None] | None = None,
) -> list[FileResult]:
    """Migrate the planned files (nothing is written here)."""
    jobs = jobs or os.cpu_count() or 1
    results: list[FileResult | None] = []
    if jobs == 1 or len(todo) < PARALLEL_THRESHOLD:
        for path, explicit in todo:
            results.append(migrate_path(path, settings, explicit))
            if progress:
                progress(1)
    else:
        size = max(1, min(64, len(todo) // (jobs * 4)))
        batches = [todo[i : i + size] for i in range(0, len(todo), size)]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for batch, done in zip(batches, pool.map(_migrate_many, batches, [settings] * len(batches))):
                results.extend(done)
                if progress:
                    progress(len(batch))
    return sorted((r for r in results if r is not None), key=lambda r: r.path)
