"""Byte-range edits: collected from the front ends, applied once, from the end backwards.

Untouched bytes stay identical because nothing is regenerated: a fix is a set of
edits of the original bytes. Fixes that share an edit (the v1 base in a variable
every call uses) stand or fall together; fixes whose edits overlap are never both
applied: they are reported for review instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from migrator.findings import Finding, Status

IGNORE = re.compile(rb"datamimic-migrate:\s*ignore(?:\[(?P<ids>[A-Z0-9,\s]+)\])?")


@dataclass(frozen=True, order=True)
class ByteEdit:
    start: int
    end: int
    text: bytes


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


def ignored_lines(source: bytes) -> dict[int, IgnoreMark]:
    """Lines (1-based) that carry an ignore comment."""
    marks: dict[int, IgnoreMark] = {}
    if b"datamimic-migrate" not in source:
        return marks
    for number, line in enumerate(source.splitlines(), start=1):
        match = IGNORE.search(line)
        if match:
            ids = match.group("ids")
            rules = None if ids is None else frozenset(i.strip() for i in ids.decode().split(",") if i.strip())
            marks[number] = IgnoreMark(rules, line.lstrip().startswith(b"#"))
    return marks


def is_ignored(finding: Finding, marks: dict[int, IgnoreMark]) -> bool:
    """Whether a line of the call, or a comment line right before it, ignores this rule."""
    for number in range(finding.line - 1, max(finding.line, finding.end_line) + 1):
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


def snippet(source: bytes, fix: Fix) -> tuple[str, str]:
    """The lines of the call before and after this fix alone."""
    start, end = _line_region(source, fix.span)
    inside = [ByteEdit(e.start - start, e.end - start, e.text) for e in fix.edits if start <= e.start and e.end <= end]
    region = source[start:end]
    return region.decode("utf-8", "replace"), apply(region, inside).decode("utf-8", "replace")


def _conflicts(edits: list[ByteEdit]) -> set[ByteEdit]:
    bad: set[ByteEdit] = set()
    ordered = sorted(edits)
    for before, after in zip(ordered, ordered[1:]):
        same_point = before.start == before.end == after.start == after.end
        if after.start < before.end or same_point:
            bad.update((before, after))
    return bad


TODO = b"TODO(datamimic-v2)"


def annotations(source: bytes, findings: list[Finding]) -> list[ByteEdit]:
    """A ``# TODO(datamimic-v2): ...`` line above each call that needs a person (once per line).

    Not where the line before continues a shell command with a backslash: a
    comment there would cut the command in two.
    """
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    newline = b"\r\n" if b"\r\n" in source else b"\n"
    edits: dict[int, ByteEdit] = {}
    for finding in findings:
        if finding.status not in (Status.REVIEW, Status.UNMAPPED, Status.UNSAFE) or finding.line > len(lines):
            continue
        previous = lines[finding.line - 2] if finding.line > 1 else b""
        if TODO in previous or previous.rstrip(b"\r\n").endswith(b"\\") or finding.line in edits:
            continue
        line = lines[finding.line - 1]
        indent = line[: len(line) - len(line.lstrip(b" \t"))]
        text = f"# TODO(datamimic-v2): {finding.rule} {finding.message}".encode().replace(b"\n", b" ")
        at = starts[finding.line - 1]
        edits[finding.line] = ByteEdit(at, at, indent + text + newline)
    return list(edits.values())


def resolve_fixes(
    source: bytes, fixes: list[Fix], unsafe_fixes: bool, marks: dict[int, IgnoreMark]
) -> tuple[list[Fix], list[Finding]]:
    """The fixes to apply, and a finding for every fix an ignore comment does not cover.

    A fix applies when it is safe (or unsafe fixes are asked for), no ignore
    comment covers it, and its edits overlap no other fix's. Fixes that share an
    edit (the v1 base in a variable several calls use) are one group, applied
    together or not at all: a shared definition never moves while one of its
    uses stays on v1. The front ends plan for this; this is the last word.
    """
    group = list(range(len(fixes)))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    owner: dict[ByteEdit, int] = {}
    for i, fix in enumerate(fixes):
        for edit in fix.edits:
            if edit in owner:
                group[root(i)] = root(owner[edit])
            else:
                owner[edit] = i
    bad_edits = _conflicts(list(owner))
    why_not: dict[int, str] = {}  # fix -> why it is not applied
    for i, fix in enumerate(fixes):
        if is_ignored(fix.finding, marks):
            why_not[i] = "an ignore comment leaves it alone"
        elif not (fix.safe or unsafe_fixes):
            why_not[i] = "its fix is unsafe and not applied"
        elif bad_edits.intersection(fix.edits):
            why_not[i] = "it overlaps another rewrite"
    failed_groups = {root(i): i for i in sorted(why_not, reverse=True)}

    chosen: list[Fix] = []
    findings: list[Finding] = []
    for i, fix in enumerate(fixes):
        before, after = snippet(source, fix)
        reason = why_not.get(i)
        if reason == "an ignore comment leaves it alone":
            continue
        if reason == "its fix is unsafe and not applied":
            message = f"{fix.finding.message} (unsafe fix, applied with --unsafe-fixes: {fix.unsafe_reason})"
            findings.append(replace(fix.finding, status=Status.UNSAFE, message=message, before=before, after=after))
        elif reason is not None:
            message = f"{fix.finding.message}; not rewritten: {reason}, migrate it by hand"
            findings.append(replace(fix.finding, status=Status.REVIEW, message=message, before=before))
        elif root(i) in failed_groups:
            other = fixes[failed_groups[root(i)]].finding
            message = (
                f"{fix.finding.message}; not rewritten: it shares a change with the call on line {other.line}, "
                f"which is not rewritten ({why_not[failed_groups[root(i)]]})"
            )
            findings.append(replace(fix.finding, status=Status.REVIEW, message=message, before=before))
        else:
            chosen.append(fix)
            findings.append(replace(fix.finding, status=Status.MIGRATED, before=before, after=after))
    return chosen, findings
