"""The pipeline: paths -> files -> candidates -> front end -> fixes -> new bytes.

``migrate_source`` never raises: every file ends as a ``FileResult`` that is
changed, unchanged, skipped (binary, too large, not a script) or failed (with
the error), so one bad file never stops a run. Files without a candidate string
are never parsed; front ends are imported only when a file needs one.
"""

from __future__ import annotations

import errno
import os
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

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

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

BOM = b"\xef\xbb\xbf"
# The first line of a Markdown report of ours (report.md.j2): a later run does not read
# the report's snippets as code to migrate.
REPORT_MARK = b"## datamimic-migrate report"
# Kinds where a "# TODO" line would not be a comment (a notebook's lines are JSON), or that are never written.
UNCOMMENTABLE = {"notebook", "elsewhere"}
# Kinds whose front end composes a URL from its pieces (variables, joins, concatenations).
COMPOSING = {"shell", "python"}
# Below this many candidate files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 16


def is_candidate(data: bytes, settings: Settings) -> bool:
    return any(candidate in data for candidate in settings.candidates)


def may_compose(data: bytes, settings: Settings) -> bool:
    """Whether code may compose a v1 base from pieces that never spell it whole, so the front
    end must read it all the same: ``API_VERSION = "v1"`` then ``f"{URL}/api/{API_VERSION}"``,
    ``"/".join([URL, "api", "v1"])``, shell ``V=v1`` then ``api/$V``, ``/api/v"1"``,
    ``/api/v{V}``. Every part of a candidate, the candidate without its version number, or the
    version alone as a string (a settings module's ``API_VERSION = "v1"``, joined elsewhere)."""
    for candidate in settings.candidates:
        stem = candidate.rstrip(b"0123456789")
        version = candidate.rsplit(b"/", 1)[-1]
        if all(part in data for part in candidate.split(b"/")) or (stem != candidate and stem in data):
            return True
        if any(quote + version + quote in data for quote in (b'"', b"'")):
            return True
    return False


def readable(data: bytes, kind: str, settings: Settings) -> bool:
    """Whether a file of this kind is read by its front end at all: it spells a candidate, or
    it is code whose front end composes URLs (shell, Python) and may compose one."""
    return is_candidate(data, settings) or (kind in COMPOSING and may_compose(data, settings))


def _front_end(kind: str) -> Callable:
    # Imported here: a run that meets no Python file never loads libcst, nor tree-sitter without shell.
    if kind == "shell":
        from migrator.shell.migrate import migrate

        return migrate
    if kind == "python":
        return _python
    if kind == "elsewhere":
        from migrator.elsewhere import scan

        return scan
    raise ValueError(f"no front end for {kind}")


def _python(source: bytes, settings: Settings) -> tuple[list[Fix], list[Finding]]:
    """The Python front end for code inside another file, after the check that keeps libcst
    from crashing the run."""
    from migrator.limits import python_nesting
    from migrator.python.migrate import migrate
    from migrator.python.tree import ParseError

    problem = python_nesting(source)
    if problem is not None:
        raise ParseError(problem)
    return migrate(source, settings)


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


def migrate_source(path: str, data: bytes, kind: str, settings: Settings, related: tuple | None = None) -> FileResult:
    """Migrate the bytes of one file of the given kind (``related``: the files of the run
    read together with it, as ``(path, members)``; see ``shell/project.py``)."""
    if related is None and not readable(data, kind, settings):
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

            fixes, findings = migrate_host(kind, body, settings, _front_end, _parse_errors, related)
        elif kind == "shell" and related is not None:
            from migrator.shell.unit import migrate_member

            fixes, findings = migrate_member(related, body, settings)
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
    from migrator.limits import python_nesting
    from migrator.python.migrate import migrate_files

    bodies = {path: data[len(BOM) :] if data.startswith(BOM) else data for path, data in files.items()}
    # Nested past what libcst survives: never parsed (it would kill the whole run).
    too_deep = {path: problem for path, body in bodies.items() if (problem := python_nesting(body)) is not None}
    bodies = {path: body for path, body in bodies.items() if path not in too_deep}
    try:
        planned, errors = migrate_files(bodies, settings)
    except Exception as exc:  # a bug of ours must not stop the run or touch the files
        reason = f"internal error, file left untouched: {_exception(exc)}"
        return {path: _failed(path, reason) for path, data in files.items() if is_candidate(data, settings)}
    errors = {**too_deep, **errors}
    results = {path: _failed(path, f"cannot parse: {error}") for path, error in errors.items() if is_candidate(files[path], settings)}
    parsed = {path: data for path, data in files.items() if path in planned}
    fixes = [(path, fix) for path, (found, _) in planned.items() for fix in found]
    findings = {path: found for path, (_, found) in planned.items()}
    results.update(_finish(parsed, dict.fromkeys(parsed, "python"), fixes, findings, settings))
    return {
        path: result
        for path, result in results.items()
        if readable(files[path], "python", settings) or result.outcome is not Outcome.UNCHANGED or result.findings
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
            notes = []
            if settings.annotate and kinds[path] not in UNCOMMENTABLE:
                from migrator.annotate import same_program

                notes = annotations(body, list(all_findings), same_program(kinds[path], body))
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
    """A file worth parsing: its kind and bytes, and the file they were read from."""

    path: str
    kind: str
    data: bytes
    stamp: files.Stamp | None = None
    related: tuple | None = None  # (path, members) when it is read with other files of the run


# How an error opening a path reads, for the errors that say more than strerror.
OPEN_ERRORS = {errno.ENOENT: "does not exist", errno.ELOOP: "a symbolic link loop", errno.EISDIR: "is a folder"}
UTF16 = (b"\xff\xfe", b"\xfe\xff")


def _open_error(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return f"a symbolic link to a missing file ({os.readlink(path)})"
    return OPEN_ERRORS.get(exc.errno or 0) or f"cannot read: {exc.strerror or exc}"


def _skipped(name: str, reason: str, holds_v1: bool) -> FileResult:
    """A file not migrated. One that holds a v1 candidate is a finding: it is left to do."""
    if not holds_v1:
        return FileResult(name, Outcome.SKIPPED, reason=reason)
    message = f"holds a v1 call but is not migrated: {reason}; migrate it by hand"
    return FileResult(name, Outcome.SKIPPED, (Finding("DM001", Status.REVIEW, 1, 1, message),), reason=reason)


def _holds_v1(stream: BinaryIO, data: bytes, settings: Settings) -> bool:
    """Whether a file too large to migrate holds a candidate anywhere, read in pieces."""
    overlap = max(map(len, settings.candidates), default=1)
    while True:
        if is_candidate(data, settings):
            return True
        more = stream.read(1 << 20)
        if not more:
            return False
        data = data[-overlap:] + more


def read(path: Path, settings: Settings, explicit: bool = False) -> Candidate | FileResult | None:
    """Read one file: a Candidate to parse, a FileResult when there is nothing to parse,
    or None for a file the migrator does not read. Only regular files are read (discovery
    passes by the others), and opening never waits: a FIFO put in a file's place since
    then is not read either."""
    name = str(path)
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        with open(descriptor, "rb") as stream:
            info = os.fstat(descriptor)
            what = files.special(info.st_mode)
            if what is not None:
                return FileResult(name, Outcome.SKIPPED, reason=f"{what}, not a regular file: not read")
            # Most files of a tree are not scripts: the #! line decides before the rest is read.
            head = stream.read(256)
            kind = files.kind_of(path, head)
            if kind is None and not explicit:
                return None
            data = head + stream.read(max(0, settings.max_file_size + 1 - len(head)))
            if len(data) > settings.max_file_size:
                reason = f"larger than {settings.max_file_size} bytes (max-file-size)"
                return _skipped(name, reason, _holds_v1(stream, data, settings))
    except OSError as exc:
        return _failed(name, _open_error(path, exc))
    if data.startswith(REPORT_MARK):  # a report of ours: its snippets are not code to migrate
        return FileResult(name, Outcome.SKIPPED, reason="a datamimic-migrate report: not read") if explicit else None
    if kind is None:
        if is_candidate(data, settings):
            return _skipped(name, "not a file kind the migrator reads", True)
        return None
    if files.is_binary(data):
        wide = data.startswith(UTF16)
        text = data.decode("utf-16", "replace").encode() if wide else data
        reason = "UTF-16 text, which the migrator does not rewrite" if wide else "binary file"
        return _skipped(name, reason, is_candidate(text, settings))
    if not readable(data, kind, settings):
        return FileResult(name, Outcome.UNCHANGED)
    return Candidate(name, kind, data, files.stamp(path, info))


def migrate_path(path: Path, settings: Settings, explicit: bool = False) -> FileResult | None:
    """Read and migrate one file; None for a file the migrator does not read."""
    found = read(path, settings, explicit)
    if isinstance(found, Candidate):
        return _migrate_many([found], settings)[0]
    return found


Task = Candidate | dict  # a file to migrate on its own, or the Python modules of one program (path -> bytes)


def _linked(todo: list[tuple[Path, bool]], candidates: list[Candidate], settings: Settings) -> list[Candidate]:
    """Shell files of the run that source one another (a script and its tdm.conf, a library
    of wrappers and the scripts that use it, a CI file and the script its steps source) are
    migrated together: each with the whole group (``shell/project.py``). A file of a group
    that holds no candidate is read for it (and stamped then: it may change with the group)."""
    from migrator.shell.project import groups

    by_path = {c.path: c for c in candidates}
    members: list[tuple[Path, str, bytes]] = [(Path(c.path), c.kind, c.data) for c in candidates if c.kind in ("shell", "ci", "markdown")]
    for path, _ in todo:
        if str(path) in by_path or (path.suffix and path.suffix not in files.SHELL_SUFFIXES):
            continue
        try:
            with open(path, "rb") as stream:
                head = stream.read(256)
                if files.kind_of(path, head) != "shell":
                    continue
                data = head + stream.read(max(0, settings.max_file_size - len(head)))
        except OSError:
            continue
        if not files.is_binary(data):
            members.append((path, "shell", data))

    def read_file(path: Path) -> bytes | None:
        try:
            data = path.read_bytes()[: settings.max_file_size]
        except OSError:
            return None
        return None if files.is_binary(data) else data

    linked: dict[str, Candidate] = {}
    for group in groups(members, [path for path, _ in todo], read_file):
        if not any(is_candidate(m.data, settings) for m in group):
            continue
        members_tuple = tuple(group)
        for member in group:
            kind = member.kind if member.kind in HOSTS else "shell"
            known = by_path.get(member.path)
            stamp = known.stamp if known is not None else files.stamp_now(Path(member.path))
            linked[member.path] = Candidate(member.path, kind, member.data, stamp, (member.path, members_tuple))
    if not linked:
        return candidates
    kept = [linked.pop(c.path, c) for c in candidates]
    return kept + list(linked.values())


def _migrate_many(batch: list[Task], settings: Settings) -> list[FileResult]:
    out: list[FileResult] = []
    for task in batch:
        if isinstance(task, Candidate):
            out.append(replace(migrate_source(task.path, task.data, task.kind, settings, task.related), stamp=task.stamp))
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


def plan(paths: Iterable[Path], listing: list[files.Listing] | None = None) -> list[tuple[Path, bool]]:
    """The files to look at, each once, with whether it was named on the command line.
    ``listing`` receives the whole walk (FIFOs and devices met, temporary files of ours)."""
    found = files.discover(paths)
    if listing is not None:
        listing.append(found)
    return found.files


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def run(
    todo: list[tuple[Path, bool]],
    settings: Settings,
    jobs: int = 0,
    progress: Callable[[int], None] | None = None,
) -> list[FileResult]:
    """Migrate the planned files (nothing is written here).

    Reading and the candidate check stay in this process (they are cheap, and
    shipping every file to a worker costs more); only parsing is spread over
    cores, at most one worker per core (``jobs`` beyond that is lowered).
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
    candidate_paths = {c.path for c in candidates}
    candidates = _linked(todo, candidates, settings)  # a file read for a group was counted when read
    tasks = _tasks(candidates, todo, settings)
    # What each file was when read, for the write: the modules a program read besides the
    # candidates are stamped now, right after they were read.
    stamps = {c.path: c.stamp for c in candidates}
    for task in tasks:
        if isinstance(task, dict):
            stamps.update({path: files.stamp_now(Path(path)) for path in task if path not in stamps})

    def count(task: Task) -> int:
        return int(task.path in candidate_paths) if isinstance(task, Candidate) else sum(path in candidate_paths for path in task)

    done: list[FileResult] = []
    jobs = min(jobs or cores(), cores())
    if jobs == 1 or len(tasks) < PARALLEL_THRESHOLD:
        for task in tasks:
            done.extend(_migrate_many([task], settings))
            if progress:
                progress(count(task))
    else:

        def finished(batch: list[Task]) -> None:
            if progress:
                progress(sum(map(count, batch)))

        done.extend(_in_workers(tasks, settings, jobs, finished))
    # A module read for a program replaces what reading it alone said of it.
    by_path = {result.path: result for result in results}
    by_path.update({result.path: replace(result, stamp=stamps.get(result.path)) for result in done})
    return sorted(by_path.values(), key=lambda r: r.path)


def _in_workers(tasks: list[Task], settings: Settings, jobs: int, finished: Callable[[list[Task]], None]) -> list[FileResult]:
    """Parse in worker processes that die with this one, however it ends. A worker that
    dies (a parser crash) costs its batch a second try, each task in a process of its own."""
    from concurrent.futures import ProcessPoolExecutor  # here: a hook run on a few files never needs it
    from concurrent.futures.process import BrokenProcessPool

    size = max(1, min(16, len(tasks) // (jobs * 4)))
    batches = [tasks[i : i + size] for i in range(0, len(tasks), size)]
    results: list[FileResult] = []
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_started)
    try:
        futures = [pool.submit(_migrate_many, batch, settings) for batch in batches]
        for batch, future in zip(batches, futures):
            try:
                results.extend(future.result())
            except BrokenProcessPool:
                for task in batch:
                    results.extend(_alone(task, settings))
            finished(batch)
    except BaseException:  # Ctrl-C, SIGTERM: no worker outlives the run
        _stop(pool)
        raise
    pool.shutdown()
    return results


def _worker_started() -> None:
    """In a worker: die when the parent does (even by SIGKILL), and leave Ctrl-C to the parent."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()


def _die_with_parent() -> None:
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass  # not Linux: the parent still stops its workers when it is stopped


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: its workers are killed, not waited for (shutdown alone would let
    each finish its batch, however long that takes)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public handle before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=5)


def _alone(task: Task, settings: Settings) -> list[FileResult]:
    """Migrate one task in a process of its own; a crash there is reported, not shared."""
    import multiprocessing
    import signal

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(target=_alone_worker, args=(task, settings, send), daemon=True)
    worker.start()
    send.close()
    try:
        results = receive.recv()
    except EOFError:
        worker.join()
        code = worker.exitcode or 0
        died = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit status {code}"
        reason = f"the parser crashed on this file ({died}); it is left untouched"
        paths = [task.path] if isinstance(task, Candidate) else [path for path, data in task.items() if is_candidate(data, settings)]
        return [_failed(path, reason) for path in paths]
    worker.join()
    return results


def _alone_worker(task: Task, settings: Settings, send: object) -> None:
    _die_with_parent()
    send.send(_migrate_many([task], settings))  # type: ignore[attr-defined]


def write(results: list[FileResult], force_read_only: bool = False) -> list[FileResult]:
    """Write the changed files; a file that is not written is reported, and the others are.

    A read-only file is left (skipped; its calls stay to do) unless ``force_read_only``;
    any other file not written is an error of the run.
    """
    out = []
    for result in results:
        if result.outcome is not Outcome.CHANGED:
            out.append(result)
            continue
        try:
            if result.stamp is None:
                raise files.NotWritten("internal error: no record of the file that was read")
            files.write(result.stamp, result.original, result.migrated, force_read_only)
        except files.ReadOnly as exc:
            finding = Finding("DM001", Status.REVIEW, 1, 1, f"not written: {exc}")
            result = replace(result, outcome=Outcome.SKIPPED, reason=str(exc), findings=(finding, *result.findings))
        except files.NotWritten as exc:
            finding = Finding("DM001", Status.ERROR, 1, 1, f"not written: {exc}")
            result = replace(result, outcome=Outcome.FAILED, reason=str(exc), findings=(finding, *result.findings))
        out.append(result)
    return out
