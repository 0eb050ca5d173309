"""Shell code that runs as one: a script and the files it sources, the shell blocks of a
runbook, a CI file's variables and steps, a Makefile's variables and recipes.

Each file of a unit gives one part (its shell code, joined); the parts are joined into
one text for the front end, each a segment of its own, so a base defined in a sourced
file, or in a runbook's first block, is seen where it is used, and the one-plan rule
counts every use. The front end's fixes and findings go back to the file each part
came from; every file of the unit computes the same plan and keeps its own edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from migrator.config import Settings
from migrator.edits import ByteEdit, Fix
from migrator.findings import Finding, Status
from migrator.hosts.regions import Region, join, translate


@dataclass(frozen=True)
class Member:
    """A file of the unit: its path, its kind (shell or a host kind) and its bytes."""

    path: str
    kind: str
    data: bytes


@dataclass
class Part:
    path: str
    region: Region
    host: bytes
    start: int = 0  # where the part starts in the joined text
    end: int = 0
    line: int = 1  # the joined text's line where the part starts
    foreign: bytes = b""  # the file's text the shell front end does not read
    outside: frozenset[str] = field(default_factory=frozenset)
    pieces: list[tuple[int, int]] = field(default_factory=list)  # its regions, each parsed alone
    elsewhere: frozenset[str] = field(default_factory=frozenset)  # variables read outside the code
    held_by: tuple[tuple[str, int], ...] = ()  # (variable, line) of calls outside the code that keep its v1 value


def whole_file(data: bytes) -> Region:
    region = Region("shell", first_line=1)
    region.take(data, 0, len(data))
    return region


def shell_regions(kind: str, data: bytes) -> tuple[list[Region], list[Region]]:
    """The regions of a file that are shell code read together, and the others (Python,
    code kept to be reported)."""
    if kind == "shell":
        return [whole_file(data)], []
    from migrator.hosts import code_regions

    regions = code_regions(kind, data)
    shell = [r for r in regions if r.kind == "shell" and not r.skipped]
    return shell, [r for r in regions if r not in shell]


def part_of(member: Member, regions: list[Region] | None = None) -> Part | None:
    if regions is None:
        regions = shell_regions(member.kind, member.data)[0]
    if not regions:
        return None
    region = regions[0] if len(regions) == 1 and member.kind == "shell" else join(regions, "shell")
    pieces, at = [], 0
    for one in regions:
        size = len(one.text) + (0 if one.text.endswith(b"\n") or len(regions) == 1 else 1)
        pieces.append((at, at + size))
        at += size
    covered = bytearray(member.data)
    for index in region.where:
        if 0 <= index < len(covered):
            covered[index] = 32
    outside = frozenset(name for r in regions for name in getattr(r, "outside", ()))
    elsewhere = frozenset().union(*(r.read_elsewhere for r in regions))
    held_by = tuple(use for r in regions for use in r.held_by)
    return Part(member.path, region, member.data, foreign=bytes(covered), outside=outside, pieces=pieces, elsewhere=elsewhere, held_by=held_by)


def joined(parts: list[Part]) -> bytes:
    text = bytearray()
    for part in parts:
        part.start = len(text)
        part.line = text.count(b"\n") + 1
        text += part.region.text
        if not text.endswith(b"\n"):
            text += b"\n"
        part.end = len(text)
    return bytes(text)


def migrate_unit(own: str, parts: list[Part], settings: Settings) -> tuple[list[Fix], list[Finding]]:
    """Migrate the joined parts; the fixes and findings of the part of file ``own``, in that file."""
    from migrator.shell.migrate import migrate

    text = joined(parts)
    foreign = b"\n".join(p.foreign for p in parts)
    outside = frozenset().union(*(p.outside for p in parts))
    import os

    names = [os.path.relpath(p.path, os.path.dirname(own)) if own and p.path else p.path for p in parts]
    ranges = [(p.start + a, p.start + b) for p in parts for a, b in p.pieces]
    lines = [_host_lines(p) for p in parts]
    elsewhere = frozenset().union(*(p.elsewhere for p in parts))
    held_by = tuple(use for p in parts for use in p.held_by)
    fixes, findings = migrate(text, settings, [(p.start, p.end) for p in parts], foreign, outside, names, ranges, lines, elsewhere, held_by)
    mine = next(p for p in parts if p.path == own)
    return _own(mine, parts, fixes, findings)


def _host_lines(part: Part) -> list[int]:
    """For each line of the part's text, the line of its file it comes from."""
    out = []
    text = bytes(part.region.text)
    start = 0
    previous = part.region.first_line
    while start <= len(text):
        end = text.find(b"\n", start)
        end = len(text) if end == -1 else end
        host = next((part.region.where[k] for k in range(start, end) if part.region.where[k] >= 0), -1)
        line = part.host.count(b"\n", 0, host) + 1 if host >= 0 else previous
        out.append(line)
        previous = line
        start = end + 1
    return out


def _part_at_line(parts: list[Part], line: int) -> Part:
    found = parts[0]
    for part in parts:
        if part.line <= line:
            found = part
    return found


def _local(finding: Finding, part: Part) -> Finding:
    shift = part.line - 1
    return replace(finding, line=finding.line - shift, end_line=max(finding.line, finding.end_line) - shift)


def _own(mine: Part, parts: list[Part], fixes: list[Fix], findings: list[Finding]) -> tuple[list[Fix], list[Finding]]:
    local_fixes: list[Fix] = []
    local_findings = [_local(f, mine) for f in findings if _part_at_line(parts, f.line) is mine]
    shared: dict[tuple[ByteEdit, ...], list[Fix]] = {}
    for fix in fixes:
        edits = tuple(ByteEdit(e.start - mine.start, e.end - mine.start, e.text) for e in fix.edits if mine.start <= e.start < mine.end)
        owner = _part_at_line(parts, fix.finding.line)
        if owner is mine:
            span = (max(fix.span[0] - mine.start, 0), max(fix.span[1] - mine.start, 0))
            local_fixes.append(Fix(_local(fix.finding, mine), edits, span, fix.safe, fix.unsafe_reason))
        elif edits:
            shared.setdefault(edits, []).append(fix)
    for edits, users in shared.items():
        # A definition here (a base in a sourced file) moves with requests in other files.
        first = mine.region.text[: edits[0].start].count(b"\n") + 1
        where = ", ".join(sorted({f"{_part_at_line(parts, f.finding.line).path}:{f.finding.line - _part_at_line(parts, f.finding.line).line + 1}" for f in users}))
        rule = users[0].finding.rule
        finding = Finding(rule, Status.MIGRATED, first, 1, f"moves with the migrated request{'s' if len(users) > 1 else ''} at {where}")
        safe = all(f.safe for f in users)
        local_fixes.append(Fix(finding, edits, (edits[0].start, edits[-1].end), safe, next((f.unsafe_reason for f in users if f.unsafe_reason), "")))
    return translate(mine.region, mine.host, local_fixes, local_findings)


def migrate_member(related: tuple, body: bytes, settings: Settings) -> tuple[list[Fix], list[Finding]]:
    """Migrate a shell file that is part of a unit (``related``: its path and the unit's files)."""
    own, members = related
    parts = []
    for member in members:
        data = body if member.path == own else member.data
        part = part_of(Member(member.path, "shell" if member.path == own else member.kind, data))
        if part is not None:
            parts.append(part)
    return migrate_unit(own, parts, settings)
