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
from dataclasses import dataclass
from pathlib import Path

from migrator import files, gate
from migrator.hosts import KINDS as HOSTS
from migrator.config import Settings
from migrator.edits import (
    FILE,
    ByteEdit,
    Fix,
    annotations,
    apply,
    ignore_rules,
    ignored_lines,
    ignores_file,
    is_ignored,
    resolve_fixes,
)
from migrator.findings import FileResult, Finding, Outcome, Status

BOM = b"\xef\xbb\xbf"
# Kinds where a "# TODO" line would not be a comment (a notebook's lines are JSON), or that are never written.
UNCOMMENTABLE = {"notebook", "elsewhere"}
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
    if kind == "elsewhere":
        from migrator.elsewhere import scan

        return scan
    raise ValueError(f"no front end for {kind}")


def _parse_errors(kind: str) -> tuple[type[Exception], ...]:
    if kind == "elsewhere":  # read line by line: nothing to parse
        return ()
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
    if kind != "python" and ignores_file(data):  # read for nothing: the file is not the migration's
        return FileResult(path, Outcome.UNCHANGED)
    if kind == "python":
        return migrate_python({path: data}, settings)[path]
    bom = BOM if data.startswith(BOM) else b""
    body = data[len(bom) :]
    try:
        if kind in HOSTS:
            from migrator.hosts import migrate_host

            fixes, findings = migrate_host(kind, body, settings, _front_end, _parse_errors)
        else:
            fixes, findings = _front_end(kind)(body, settings)
    except _parse_errors(kind) as exc:
        return _failed(path, f"cannot parse: {exc}")
    except Exception as exc:  # a bug of ours must not stop the run or touch the file
        return _failed(path, f"internal error, file left untouched: {_exception(exc)}")
    return _finish({path: data}, {path: kind}, [(path, fix) for fix in fixes], {path: findings}, settings)[path]


def migrate_python(files: dict[str, bytes], settings: Settings) -> dict[str, FileResult]:
    """Migrate Python modules of a run together: one program, whose fixes may edit several
    of them (a base in a settings module, the paths in a client, the reads in a script).
    A module without a candidate string is read for what it tells the others (it imports
    their constants, calls their wrappers) and changes only where their fixes reach it."""
    from migrator.python.migrate import migrate_files

    bodies = {path: data[len(BOM) :] if data.startswith(BOM) else data for path, data in files.items()}
    try:
        planned, errors = migrate_files(bodies, settings)
    except Exception as exc:  # a bug of ours must not stop the run or touch the files
        reason = f"internal error, file left untouched: {_exception(exc)}"
        return {path: _failed(path, reason) for path, data in files.items() if is_candidate(data, settings)}
    results = {path: _failed(path, f"cannot parse: {error}") for path, error in errors.items() if is_candidate(files[path], settings)}
    readable = {path: data for path, data in files.items() if path in planned}
    fixes = [(path, fix) for path, (found, _) in planned.items() for fix in found]
    findings = {path: found for path, (_, found) in planned.items()}
    results.update(_finish(readable, dict.fromkeys(readable, "python"), fixes, findings, settings))
    return {
        path: result
        for path, result in results.items()
        if is_candidate(files[path], settings) or result.outcome is not Outcome.UNCHANGED or result.findings
    }


def _exception(exc: Exception) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def _finish(
    files: dict[str, bytes],
    kinds: dict[str, str],
    fixes: list[tuple[str, Fix]],
    findings: dict[str, list[Finding]],
    settings: Settings,
) -> dict[str, FileResult]:
    """Choose the fixes to apply, write them into each file, and put every file through the
    last check: a file that fails it stays untouched and is reported, and every fix that
    touches it falls, with the fixes that share a change with it anywhere."""
    boms = {path: BOM if data.startswith(BOM) else b"" for path, data in files.items()}
    bodies = {path: data[len(boms[path]) :] for path, data in files.items()}
    # Line ignores, the ignore-file comment, and the rules per-file-ignores leaves out of each file.
    marks = {path: ignore_rules(ignored_lines(body), settings.ignored_in(path)) for path, body in bodies.items()}
    kept = {path: [f for f in found if not is_ignored(f, marks[path])] for path, found in findings.items()}
    # A fix that would also edit a file the ignore-file comment closes falls (its own file's comment is an ignore).
    closed = {path for path, found in marks.items() if FILE in found and found[FILE].rules is None}
    refused: dict[int, str] = {
        i: f"{path} has an ignore-file comment"
        for i, (home, fix) in enumerate(fixes)
        for path in sorted({edit.path or home for edit in fix.edits} & closed - {home})[:1]
    }
    broken: dict[str, FileResult] = {}
    while True:
        chosen, fixed = resolve_fixes(bodies, fixes, settings.unsafe_fixes, marks, refused)
        chosen_ids = {id(fix) for _, fix in chosen}
        edits: dict[str, set[ByteEdit]] = {path: set() for path in bodies}
        for home, fix in chosen:
            for edit in fix.edits:
                edits.setdefault(edit.path or home, set()).add(edit)
        results: dict[str, FileResult] = {}
        newly_broken = False
        for path, body in bodies.items():
            if path in broken:
                continue
            all_findings = tuple(sorted([*kept.get(path, []), *fixed.get(path, [])], key=lambda f: (f.line, f.column, f.rule)))
            notes = annotations(body, list(all_findings)) if settings.annotate and kinds[path] not in UNCOMMENTABLE else []
            new = apply(body, [*edits.get(path, ()), *notes])
            if new == body:
                results[path] = FileResult(path, Outcome.UNCHANGED, all_findings)
                continue
            problem = gate.problem(kinds[path], body, new)
            if problem is None:
                results[path] = FileResult(path, Outcome.CHANGED, all_findings, original=files[path], migrated=boms[path] + new)
                continue
            touching = [
                (i, fix) for i, (home, fix) in enumerate(fixes) if id(fix) in chosen_ids and any((e.path or home) == path for e in fix.edits)
            ]
            broken[path] = _broken(path, kinds[path], body, [fix for _, fix in touching], notes, problem)
            for i, _ in touching:
                refused[i] = f"its rewrite would break {path}"
            newly_broken = True
        if not newly_broken:
            return {**results, **broken}


def _broken(path: str, kind: str, body: bytes, chosen: list[Fix], notes: list[ByteEdit], problem: str) -> FileResult:
    """A rewrite that fails the last check: the file stays as it is, and the fixes that
    break it on their own are named (all of them when only together they do)."""

    def own(fix: Fix) -> list[ByteEdit]:
        return [edit for edit in fix.edits if edit.path in ("", path)]

    culprits = [fix for fix in chosen if gate.problem(kind, body, apply(body, own(fix))) is not None]
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


Task = Candidate | dict  # a file to migrate on its own, or the Python modules of one program (path -> bytes)


def _migrate_many(batch: list[Task], settings: Settings) -> list[FileResult]:
    out: list[FileResult] = []
    for task in batch:
        if isinstance(task, Candidate):
            out.append(migrate_source(task.path, task.data, task.kind, settings))
        else:
            out.extend(migrate_python(task, settings).values())
    return out


def _tasks(candidates: list[Candidate], todo: list[tuple[Path, bool]], settings: Settings) -> list[Task]:
    """Each candidate on its own, but the Python ones grouped into programs with the modules
    of the run that import them or that they import (read through, and changed where needed)."""
    python = {c.path: c.data for c in candidates if c.kind == "python"}
    tasks: list[Task] = [c for c in candidates if c.kind != "python"]
    if python:
        from migrator.python.importers import groups

        tasks.extend(groups(python, [path for path, _ in todo], settings.max_file_size))
    return tasks


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
    tasks = _tasks(candidates, todo, settings)
    candidate_paths = {c.path for c in candidates}

    def count(task: Task) -> int:
        return 1 if isinstance(task, Candidate) else sum(path in candidate_paths for path in task)

    done: list[FileResult] = []
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(tasks) < PARALLEL_THRESHOLD:
        for task in tasks:
            done.extend(_migrate_many([task], settings))
            if progress:
                progress(count(task))
    else:
        from concurrent.futures import (
            ProcessPoolExecutor,  # here: a hook run on a few files never needs it
        )

        size = max(1, min(16, len(tasks) // (jobs * 4)))
        batches = [tasks[i : i + size] for i in range(0, len(tasks), size)]
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for batch, found in zip(batches, pool.map(_migrate_many, batches, [settings] * len(batches))):
                done.extend(found)
                if progress:
                    progress(sum(count(task) for task in batch))
    # A module read for a program replaces what reading it alone said of it.
    by_path = {result.path: result for result in results}
    by_path.update({result.path: result for result in done})
    return sorted(by_path.values(), key=lambda r: r.path)
