"""The pipeline: paths -> files -> candidates -> front end -> fixes -> new bytes.

``migrate_source`` never raises: every file ends as a ``FileResult`` that is
changed, unchanged, skipped (binary, too large, not a script) or failed (with
the error), so one bad file never stops a run. Files without a candidate string
are never parsed; front ends are imported only when a file needs one.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from migrator import files, gate
from migrator.hosts import KINDS as HOSTS
from migrator.config import Settings
from migrator.edits import (
    ByteEdit,
    Fix,
    annotations,
    apply,
    ignored_lines,
    is_ignored,
    resolve_fixes,
)
from migrator.findings import FileResult, Finding, Outcome, Status

BOM = b"\xef\xbb\xbf"
# Kinds where a "# TODO" line would not be a comment (a notebook's lines are JSON).
UNCOMMENTABLE = {"notebook"}
# Below this many candidate files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 16


def is_candidate(data: bytes, settings: Settings) -> bool:
    return any(candidate in data for candidate in settings.candidates)


def _front_end(kind: str) -> Callable:
    # Imported here: a run that meets no Python file never loads libcst, nor tree-sitter without shell.
    if kind == "shell":
        from migrator.shell.migrate import migrate

        return migrate
    if kind == "python":
        from migrator.python.migrate import migrate

        return migrate
    raise ValueError(f"no front end for {kind}")


def _parse_errors(kind: str) -> tuple[type[Exception], ...]:
    if kind == "python":
        from migrator.python.tree import ParseError as PythonParseError

        return (PythonParseError,)
    if kind in HOSTS:
        from migrator.hosts.regions import HostError

        return (HostError,)
    from migrator.shell.migrate import ParseError

    return (ParseError,)


def migrate_source(path: str, data: bytes, kind: str, settings: Settings) -> FileResult:
    """Migrate the bytes of one file of the given kind."""
    if not is_candidate(data, settings):
        return FileResult(path, Outcome.UNCHANGED)
    bom = BOM if data.startswith(BOM) else b""
    body = data[len(bom) :]
    if kind == "python" and settings.imported:
        settings = replace(settings, module=Path(path).stem)
    try:
        if kind in HOSTS:
            from migrator.hosts import migrate_host

            fixes, findings = migrate_host(kind, body, settings, _front_end, _parse_errors)
        else:
            fixes, findings = _front_end(kind)(body, settings)
    except _parse_errors(kind) as exc:
        return _failed(path, f"cannot parse: {exc}")
    except Exception as exc:  # a bug of ours must not stop the run or touch the file
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return _failed(path, f"internal error, file left untouched: {detail}")
    marks = ignored_lines(body)
    findings = [finding for finding in findings if not is_ignored(finding, marks)]
    chosen, fixed = resolve_fixes(body, fixes, settings.unsafe_fixes, marks)
    all_findings = tuple(sorted([*findings, *fixed], key=lambda f: (f.line, f.column, f.rule)))
    notes = annotations(body, list(all_findings)) if settings.annotate and kind not in UNCOMMENTABLE else []
    new = bom + apply(body, [*{edit for fix in chosen for edit in fix.edits}, *notes])
    if new == data:
        return FileResult(path, Outcome.UNCHANGED, all_findings)
    problem = gate.problem(kind, body, new[len(bom) :])
    if problem is not None:
        return _broken(path, kind, body, chosen, notes, problem)
    return FileResult(path, Outcome.CHANGED, all_findings, original=data, migrated=new)


def _broken(path: str, kind: str, body: bytes, chosen: list[Fix], notes: list[ByteEdit], problem: str) -> FileResult:
    """A rewrite that fails the last check: the file stays as it is, and the fixes that
    break it on their own are named (all of them when only together they do)."""
    culprits = [fix for fix in chosen if gate.problem(kind, body, apply(body, list(fix.edits))) is not None]
    if notes and gate.problem(kind, body, apply(body, notes)) is not None:
        culprits = []
        names = "the --annotate comments"
        rule, line = "DM001", notes[0].start and body.count(b"\n", 0, notes[0].start) + 1
    else:
        culprits = culprits or chosen
        names = ", ".join(f"{fix.finding.rule} (line {fix.finding.line})" for fix in culprits)
        rule, line = culprits[0].finding.rule, culprits[0].finding.line
    reason = (
        f"internal error: the rewrite by {names} would break the file ({problem}); "
        "the file is left untouched. This is a bug of datamimic-migrate: please report it"
    )
    finding = Finding(rule, Status.ERROR, line, 1, reason)
    return FileResult(path, Outcome.FAILED, (finding,), reason=reason)


def _failed(path: str, reason: str) -> FileResult:
    finding = Finding("DM001", Status.ERROR, 1, 1, reason)
    return FileResult(path, Outcome.FAILED, (finding,), reason=reason)


@dataclass(frozen=True)
class Candidate:
    """A file worth parsing: its kind and bytes."""

    path: str
    kind: str
    data: bytes


def read(path: Path, settings: Settings, explicit: bool = False) -> Candidate | FileResult | None:
    """Read one file: a Candidate to parse, a FileResult when there is nothing to parse,
    or None for a file the migrator does not read."""
    name = str(path)
    try:
        with open(path, "rb") as stream:
            # Most files of a tree are not scripts: the #! line decides before the rest is read.
            head = stream.read(256)
            kind = files.kind_of(path, head)
            if kind is None and not explicit:
                return None
            data = head + stream.read(max(0, settings.max_file_size + 1 - len(head)))
    except OSError as exc:
        return _failed(name, f"cannot read: {exc.strerror or exc}")
    if kind is None:
        if is_candidate(data, settings):
            return FileResult(name, Outcome.SKIPPED, reason="not a file kind the migrator reads")
        return None
    if len(data) > settings.max_file_size:
        return FileResult(name, Outcome.SKIPPED, reason=f"larger than {settings.max_file_size} bytes")
    if files.is_binary(data):
        return FileResult(name, Outcome.SKIPPED, reason="binary file")
    if not is_candidate(data, settings):
        return FileResult(name, Outcome.UNCHANGED)
    return Candidate(name, kind, data)


def migrate_path(path: Path, settings: Settings, explicit: bool = False) -> FileResult | None:
    """Read and migrate one file; None for a file the migrator does not read."""
    found = read(path, settings, explicit)
    if isinstance(found, Candidate):
        return migrate_source(found.path, found.data, found.kind, settings)
    return found


def _migrate_many(batch: list[Candidate], settings: Settings) -> list[FileResult]:
    return [migrate_source(c.path, c.data, c.kind, settings) for c in batch]


def _respect_importers(results: list[FileResult], todo: list[tuple[Path, bool]], settings: Settings) -> list[FileResult]:
    """Migrate again, leaving the constant alone, a module whose rewritten constant another file imports.

    Such a constant is not its module's alone to change: the other file's calls
    are not seen, and would keep v1 paths after a v2 base. Only the files of the
    module's own project folder are read for it, and only when a Python constant
    was rewritten.
    """
    from migrator.python.importers import imported_elsewhere

    imported = imported_elsewhere(results, [path for path, _ in todo], settings.max_file_size)
    if not imported:
        return results
    again = replace(settings, imported=frozenset(imported))
    return [
        migrate_source(r.path, r.original, "python", again)
        if r.outcome is Outcome.CHANGED and any(module == Path(r.path).stem for module, _ in imported)
        else r
        for r in results
    ]


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
    """Migrate the planned files (nothing is written here).

    Reading and the candidate check stay in this process (they are cheap, and
    shipping every file to a worker costs more); only parsing is spread over cores.
    """
    results: list[FileResult] = []
    candidates: list[Candidate] = []
    for path, explicit in todo:
        found = read(path, settings, explicit)
        if isinstance(found, Candidate):
            candidates.append(found)  # counted when parsed
            continue
        if found is not None:
            results.append(found)
        if progress:
            progress(1)
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(candidates) < PARALLEL_THRESHOLD:
        for candidate in candidates:
            results.extend(_migrate_many([candidate], settings))
            if progress:
                progress(1)
    else:
        from concurrent.futures import (
            ProcessPoolExecutor,  # here: a hook run on a few files never needs it
        )

        size = max(1, min(16, len(candidates) // (jobs * 4)))
        batches = [candidates[i : i + size] for i in range(0, len(candidates), size)]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for batch, done in zip(batches, pool.map(_migrate_many, batches, [settings] * len(batches))):
                results.extend(done)
                if progress:
                    progress(len(batch))
    return sorted(_respect_importers(results, todo, settings), key=lambda r: r.path)
