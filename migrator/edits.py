"""Byte-range edits: collected from the front ends, applied once, from the end backwards.

Untouched bytes stay identical because nothing is regenerated: a fix is a set of
edits of the original bytes. Fixes that share an edit (the v1 base in a variable
every call uses) stand or fall together; fixes whose edits overlap are never both
applied: they are reported for review instead.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cached_property

from migrator.findings import Finding, Status, TextEdit

# Rule ids are read in any case, as on the command line: ignore[dm105] is ignore[DM105], not "ignore all".
IGNORE = re.compile(rb"datamimic-migrate:\s*ignore(?!-file)(?:\[(?P<ids>[A-Za-z0-9,\s]+)\])?")
IGNORE_FILE = re.compile(rb"datamimic-migrate:\s*ignore-file(?:\[(?P<ids>[A-Za-z0-9,\s]+)\])?")


@dataclass(frozen=True, order=True)
class ByteEdit:
    start: int
    end: int
    text: bytes
    path: str = ""  # the file, when a fix edits several ("": the file being migrated)


@dataclass(frozen=True)
class Fix:
    finding: Finding
    edits: tuple[ByteEdit, ...]
    span: tuple[int, int]  # the call, for the before/after snippet
    safe: bool = True
    unsafe_reason: str = ""


@dataclass(frozen=True)
class IgnoreMark:
    rules: frozenset[str] | None  # None: every rule
    own_line: bool  # a comment alone on its line, which also covers the next line


# The mark of the whole file (line 0): an ignore-file comment, and per-file-ignores.
FILE = 0


def ignored_lines(source: bytes) -> dict[int, IgnoreMark]:
    """Lines (1-based) that carry an ignore comment, and under FILE what an ignore-file
    comment anywhere in the file leaves out of all of it."""
    marks: dict[int, IgnoreMark] = {}
    if b"datamimic-migrate" not in source:
        return marks
    for number, line in enumerate(source.splitlines(), start=1):
        match = IGNORE.search(line)
        if match:
            marks[number] = IgnoreMark(_ids(match), line.lstrip().startswith(b"#"))
    for match in IGNORE_FILE.finditer(source):
        marks = ignore_rules(marks, _ids(match))
    return marks


def _ids(match: re.Match[bytes]) -> frozenset[str] | None:
    ids = match.group("ids")
    return None if ids is None else frozenset(i.strip().upper() for i in ids.decode().split(",") if i.strip())


def ignore_rules(marks: dict[int, IgnoreMark], rules: frozenset[str] | None) -> dict[int, IgnoreMark]:
    """``marks`` with ``rules`` (None: every rule) left out of the whole file too."""
    if rules is not None and not rules:
        return marks
    whole = marks.get(FILE)
    if whole is not None and (whole.rules is None or rules is None):
        rules = None
    elif whole is not None:
        rules = whole.rules | rules
    return {**marks, FILE: IgnoreMark(rules, False)}


def ignores_file(source: bytes) -> bool:
    """Whether an ignore-file comment leaves every rule out of the file."""
    return b"ignore-file" in source and ignored_lines(source).get(FILE, IgnoreMark(frozenset(), False)).rules is None


def is_ignored(finding: Finding, marks: dict[int, IgnoreMark]) -> bool:
    """Whether the file, a line of the call, or a comment line right before it, ignores this rule."""
    whole = marks.get(FILE)
    if whole is not None and (whole.rules is None or finding.rule in whole.rules):
        return True
    for number in range(max(1, finding.line - 1), max(finding.line, finding.end_line) + 1):
        mark = marks.get(number)
        if mark is None or (number == finding.line - 1 and not mark.own_line):
            continue
        if mark.rules is None or finding.rule in mark.rules:
            return True
    return False


def _line_region(source: bytes, span: tuple[int, int]) -> tuple[int, int]:
    start = source.rfind(b"\n", 0, span[0]) + 1
    end = source.find(b"\n", span[1])
    return start, len(source) if end == -1 else end


def apply(source: bytes, edits: list[ByteEdit]) -> bytes:
    """The source with the edits made, each once, from the end backwards."""
    out = []
    pos = len(source)
    for edit in sorted(edits, reverse=True):
        out.append(source[edit.end : pos])
        out.append(edit.text)
        pos = edit.start
    out.append(source[:pos])
    return b"".join(reversed(out))


def snippet(source: bytes, fix: Fix, path: str = "") -> tuple[str, str]:
    """The lines of the call (in file ``path``) before and after this fix alone."""
    start, end = _line_region(source, fix.span)
    inside = [
        ByteEdit(e.start - start, e.end - start, e.text)
        for e in fix.edits
        if (e.path or path) == path and start <= e.start and e.end <= end
    ]
    region = source[start:end]
    return region.decode("utf-8", "replace"), apply(region, inside).decode("utf-8", "replace")


class _Positions:
    """Line and column of byte offsets of one source, for the fixes a report shows."""

    def __init__(self, source: bytes) -> None:
        self.source = source

    @cached_property
    def starts(self) -> list[int]:
        return [0, *(m.end() for m in re.finditer(rb"\n", self.source))]

    def point(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        start = self.starts[line - 1]
        return line, len(self.source[start:offset].decode("utf-8", "surrogateescape")) + 1

    def text_edits(self, fix: Fix, home: str, path: str) -> list[TextEdit]:
        """The edits of ``fix`` in this source, the file ``path`` (``home``: the file of the call)."""
        out = []
        for edit in sorted(e for e in fix.edits if (e.path or home) == path):
            (line, column), (end_line, end_column) = self.point(edit.start), self.point(edit.end)
            text = edit.text.decode("utf-8", "surrogateescape")
            out.append(TextEdit(line, column, end_line, end_column, text, "" if path == home else path))
        return out


def _conflicts(edits: list[ByteEdit]) -> set[ByteEdit]:
    bad: set[ByteEdit] = set()
    ordered = sorted(edits, key=lambda e: (e.path, e.start, e.end, e.text))
    for before, after in zip(ordered, ordered[1:]):
        if before.path != after.path:
            continue
        same_point = before.start == before.end == after.start == after.end
        if after.start < before.end or same_point:
            bad.update((before, after))
    return bad


TODO = b"TODO(datamimic-v2)"


def annotations(
    source: bytes, findings: list[Finding], fits: Callable[[bytes], bool] | None = None
) -> list[ByteEdit]:
    """A ``# TODO(datamimic-v2): ...`` line above each call that needs a person (once per line).

    ``fits`` tells whether the source with one TODO line in it is the same program
    (see annotate.py); where it is not (inside a multi-line string, after a line
    continued with a backslash), the line goes higher. A call already annotated
    (a TODO line above it, or on its own line when its block does not parse) gets
    no second one. The TODO line ends as the line it stands before (CRLF or LF).
    """
    lines = [line + b"\n" for line in source.split(b"\n")]  # only "\n" ends a line, as for line numbers
    lines[-1] = lines[-1][:-1]
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    edits: dict[int, ByteEdit] = {}
    for finding in findings:
        if finding.status not in (Status.REVIEW, Status.UNMAPPED, Status.UNSAFE) or finding.line > len(lines):
            continue
        if finding.line in edits or TODO in lines[finding.line - 1]:
            continue
        text = f"# TODO(datamimic-v2): {finding.rule} {finding.message}".encode().replace(b"\n", b" ").replace(b"\r", b" ")
        for number in range(finding.line, 0, -1):
            if number > 1 and TODO in lines[number - 2]:
                break  # annotated already, here or on an earlier run
            line = lines[number - 1]
            indent = line[: len(line) - len(line.lstrip(b" \t"))]
            ending = b"\r\n" if line.endswith(b"\r\n") or (not line.endswith(b"\n") and b"\r\n" in source) else b"\n"
            edit = ByteEdit(starts[number - 1], starts[number - 1], indent + text + ending)
            if fits is None or fits(apply(source, [edit])):
                edits.setdefault(number, edit)
                break
    return list(edits.values())


def resolve_fixes(
    sources: dict[str, bytes],
    fixes: list[tuple[str, Fix]],
    unsafe_fixes: bool,
    marks: dict[str, dict[int, IgnoreMark]],
    refused: dict[int, str] | None = None,
) -> tuple[list[tuple[str, Fix]], dict[str, list[Finding]]]:
    """The fixes to apply, and per file a finding for every fix an ignore comment does not cover.

    ``fixes`` are (the file of the call, the fix); a fix may edit other files of the run
    too. A fix applies when it is safe (or unsafe fixes are asked for), no ignore comment
    covers it, its edits overlap no other fix's, and it is not ``refused`` (by number, with
    why: the last check found that it breaks a file). Fixes that share an edit (the v1 base
    in a variable several calls use) are one group, applied together or not at all: a
    shared definition never moves while one of its uses stays on v1. The front ends plan
    for this; this is the last word.
    """
    refused = refused or {}
    group = list(range(len(fixes)))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    owner: dict[ByteEdit, int] = {}
    for i, (_, fix) in enumerate(fixes):
        for edit in fix.edits:
            if edit in owner:
                group[root(i)] = root(owner[edit])
            else:
                owner[edit] = i
    bad_edits = _conflicts(list(owner))
    why_not: dict[int, str] = {}  # fix -> why it is not applied
    for i, (home, fix) in enumerate(fixes):
        if is_ignored(fix.finding, marks.get(home, {})):
            why_not[i] = IGNORED
        elif not (fix.safe or unsafe_fixes):
            why_not[i] = UNSAFE
        elif bad_edits.intersection(fix.edits):
            why_not[i] = "it overlaps another rewrite"
        elif i in refused:
            why_not[i] = refused[i]
    failed_groups = {root(i): i for i in sorted(why_not, reverse=True)}

    chosen: list[tuple[str, Fix]] = []
    findings: dict[str, list[Finding]] = {path: [] for path in sources}
    positions = {path: _Positions(source) for path, source in sources.items()}

    def positions_of(fix: Fix, home: str) -> tuple[TextEdit, ...]:
        paths = sorted({edit.path or home for edit in fix.edits} & set(positions))
        return tuple(edit for path in paths for edit in positions[path].text_edits(fix, home, path))

    for i, (home, fix) in enumerate(fixes):
        before, after = snippet(sources[home], fix, home)
        reason = why_not.get(i)
        if reason == IGNORED:
            continue
        if reason == UNSAFE:
            message = f"{fix.finding.message} (unsafe fix, applied with --unsafe-fixes: {fix.unsafe_reason})"
            unsafe = replace(fix.finding, status=Status.UNSAFE, message=message, before=before, after=after, fix=positions_of(fix, home))
            findings[home].append(unsafe)
        elif reason is not None:
            message = f"{fix.finding.message}; not rewritten: {reason}, migrate it by hand"
            findings[home].append(replace(fix.finding, status=Status.REVIEW, message=message, before=before))
        elif root(i) in failed_groups:
            other_home, other = fixes[failed_groups[root(i)]]
            where = f"line {other.finding.line}" + (f" of {other_home}" if other_home != home else "")
            message = (
                f"{fix.finding.message}; not rewritten: it shares a change with the call on {where}, "
                f"which is not rewritten ({why_not[failed_groups[root(i)]]})"
            )
            findings[home].append(replace(fix.finding, status=Status.REVIEW, message=message, before=before))
        else:
            chosen.append((home, fix))
            migrated = replace(fix.finding, status=Status.MIGRATED, before=before, after=after, fix=positions_of(fix, home))
            findings[home].append(migrated)
    return chosen, findings


IGNORED = "an ignore comment leaves it alone"
UNSAFE = "its fix is unsafe and not applied"
