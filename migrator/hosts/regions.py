"""Code embedded in another file (a Markdown fence, a CI step, a notebook cell),
cut out as a document of its own that a front end can migrate, with the way back.

A region keeps one line for every line of the host it covers, so line numbers
map by an offset; each of its bytes knows the host byte it came from, so a
front end's edits become edits of the host. Text a fix inserts is written the
way the host needs it: its new lines indented like the region, ``$`` doubled in
a Makefile, JSON-escaped in a notebook.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from migrator.edits import ByteEdit, Fix
from migrator.findings import Finding, Status


@dataclass
class Region:
    kind: str  # the front end: shell | python
    first_line: int  # the host line (1-based) of the region's first line
    text: bytearray = field(default_factory=bytearray)
    where: list[int] = field(default_factory=list)  # host offset of each byte; -1: not in the host
    ends: list[int] = field(default_factory=list)  # host offset after each byte (a "$$" is two host bytes)
    indent: bytes = b""  # what a new line in inserted text starts with
    escape: Callable[[bytes], bytes] | None = None
    skipped: str = ""  # why code found here is not migrated (reported when it holds a candidate)
    indents: list[bytes] | None = None  # per line, when the region joins code indented differently
    read_elsewhere: frozenset[str] = frozenset()  # variables code outside the regions may read (a CI action)
    held_by: tuple[tuple[str, int], ...] = ()  # (variable, host line) of calls outside the regions that keep its v1 value
    unwritable: str = ""  # why a fix that edits text standing for no host bytes cannot be written

    def indent_at(self, offset: int) -> bytes:
        if self.indents is None:
            return self.indent
        return self.indents[min(bytes(self.text[:offset]).count(b"\n"), len(self.indents) - 1)]

    def take(self, source: bytes, start: int, end: int) -> None:
        """Copy host bytes [start, end) into the region."""
        self.text += source[start:end]
        self.where.extend(range(start, end))
        self.ends.extend(range(start + 1, end + 1))

    def add(self, data: bytes, at: int = -1, end: int = -1) -> None:
        """Bytes of the region that stand for other host bytes [at, end), or for none (-1)."""
        self.text += data
        self.where.extend([at] * len(data))
        self.ends.extend([end] * len(data))

    def point(self, offset: int) -> int:
        """The host offset where text inserted before region offset ``offset`` goes; -1 if none."""
        if offset < len(self.where) and self.where[offset] >= 0:
            return self.where[offset]
        if 0 < offset <= len(self.ends) and self.ends[offset - 1] >= 0:
            return self.ends[offset - 1]
        return -1

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The host range of region range [start, end); (-1, -1) if it has no place in the host."""
        if start == end:
            point = self.point(start)
            return point, point
        first, last = self.where[start], self.ends[end - 1]
        if first < 0 or last < 0:
            return -1, -1
        return first, last


class Untranslatable(Exception):
    pass


class HostError(Exception):
    """The host file itself cannot be read (bad YAML, bad notebook JSON)."""


def join(parts: list[Region], kind: str) -> Region:
    """One region of several, read together (CI steps that share variables)."""
    joined = Region(kind, first_line=parts[0].first_line if parts else 1, indents=[])
    joined.read_elsewhere = frozenset().union(*(part.read_elsewhere for part in parts))
    joined.held_by = tuple(use for part in parts for use in part.held_by)
    # Text written back is escaped as the host needs it (a Makefile's "$$"): the parts share that.
    joined.escape = next((part.escape for part in parts if part.escape is not None), None)
    for part in parts:
        lines_in_part = bytes(part.text).count(b"\n") + (0 if part.text.endswith(b"\n") else 1)
        joined.text += part.text
        joined.where.extend(part.where)
        joined.ends.extend(part.ends)
        if not part.text.endswith(b"\n"):
            joined.add(b"\n")
        if part.indents is not None:
            joined.indents.extend((part.indents + [part.indent] * lines_in_part)[:lines_in_part])  # type: ignore[union-attr]
        else:
            joined.indents.extend([part.indent] * lines_in_part)  # type: ignore[union-attr]
    return joined


def skipped(kind: str, first_line: int, source: bytes, start: int, end: int, reason: str) -> Region:
    """Code the migrator sees but does not rewrite, kept to be reported."""
    region = Region(kind, first_line=first_line, skipped=reason)
    region.take(source, start, end)
    return region


def _edit(region: Region, edit: ByteEdit) -> ByteEdit:
    start, end = region.span(edit.start, edit.end)
    if start < 0:
        raise Untranslatable
    text = edit.text
    if region.escape is not None:
        text = region.escape(text)
    indent = region.indent_at(edit.start)
    if indent:
        text = text.replace(b"\n", b"\n" + indent)
    return ByteEdit(start, end, text)


def _line(host: bytes, offset: int) -> tuple[int, int]:
    line = host.count(b"\n", 0, offset) + 1
    return line, offset - (host.rfind(b"\n", 0, offset) + 1) + 1


def _finding(region: Region, host: bytes, finding: Finding) -> Finding:
    """The finding with its line and column in the host."""
    text = bytes(region.text)
    starts = [0] + [i + 1 for i, byte in enumerate(text) if byte == 10]

    def where(line: int, column: int) -> tuple[int, int]:
        at = min(starts[min(line, len(starts)) - 1] + column - 1, len(text))
        offset = region.point(at)
        if offset < 0:
            # Text with no place in the host (a Makefile macro's body shown at a call): the
            # nearest byte of the same line that has one.
            line_start = starts[min(line, len(starts)) - 1]
            line_end = text.find(b"\n", line_start)
            line_end = len(text) if line_end < 0 else line_end
            nearby = [k for k in [*range(at, line_end), *range(at - 1, line_start - 1, -1)] if k < len(region.where) and region.where[k] >= 0]
            if nearby:
                return _line(host, region.where[nearby[0]])
        return _line(host, offset) if offset >= 0 else (region.first_line + line - 1, 1)

    line, column = where(finding.line, finding.column)
    # The last line: where the last byte of the finding's last line comes from (a folded
    # CI step is one line of the region and several of the host).
    last = min(max(finding.line, finding.end_line), len(starts))
    last_end = (starts[last] - 1) if last < len(starts) else len(text)
    ends = [region.ends[k] for k in range(starts[last - 1], last_end) if k < len(region.ends) and region.ends[k] >= 0]
    end_line = _line(host, ends[-1] - 1)[0] if ends else where(max(finding.line, finding.end_line), 1)[0]
    return replace(finding, line=line, column=column, end_line=max(line, end_line))


def translate(
    region: Region, host: bytes, fixes: list[Fix], findings: list[Finding]
) -> tuple[list[Fix], list[Finding]]:
    """A front end's fixes and findings for a region, as fixes and findings of the host."""
    out_fixes = []
    out_findings = [_finding(region, host, f) for f in findings]
    for fix in fixes:
        finding = _finding(region, host, fix.finding)
        try:
            edits = tuple(_edit(region, e) for e in fix.edits)
        except Untranslatable:
            out_findings.append(
                replace(finding, status=Status.REVIEW, message=f"{finding.message}; not rewritten: {region.unwritable or 'it cannot be written back into this file'}")
            )
            continue
        start, end = region.span(*fix.span)
        if start < 0:
            start, end = edits[0].start, edits[-1].end
        out_fixes.append(Fix(finding, edits, (start, end), fix.safe, fix.unsafe_reason))
    return out_fixes, out_findings


def lines(source: bytes) -> list[tuple[int, int]]:
    """(start, end) of each line, the end after its newline."""
    spans = []
    start = 0
    while start < len(source):
        end = source.find(b"\n", start)
        end = len(source) if end == -1 else end + 1
        spans.append((start, end))
        start = end
    return spans


def continued_lines(source: bytes, starts: Callable[[bytes], bool]) -> Iterator[tuple[int, list[tuple[int, int]]]]:
    """Each logical line whose first line ``starts`` accepts: its line number (1-based) and
    the spans of its lines, a trailing backslash continuing it onto the next."""
    spans = lines(source)
    number = 0
    while number < len(spans):
        start, end = spans[number]
        if not starts(source[start:end]):
            number += 1
            continue
        first = number
        while source[start:end].rstrip(b"\r\n").endswith(b"\\") and number + 1 < len(spans):
            number += 1
            start, end = spans[number]
        yield first + 1, spans[first : number + 1]
        number += 1
