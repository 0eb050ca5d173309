"""Files that carry shell or Python code inside them: Markdown, CI YAML,
Dockerfiles, Makefiles and Jupyter notebooks. Each module cuts the code out as
regions (``regions.py``) for the front ends, and everything else of the host
stays byte-identical."""

from __future__ import annotations

from collections.abc import Callable

from migrator.config import Settings
from migrator.edits import Fix
from migrator.findings import Finding, Status

KINDS = {"markdown", "ci", "dockerfile", "makefile", "notebook"}


def code_regions(kind: str, body: bytes) -> list:
    from migrator.hosts import ciyaml, dockerfile, makefile, markdown, notebook

    module = {"markdown": markdown, "ci": ciyaml, "dockerfile": dockerfile, "makefile": makefile, "notebook": notebook}
    return module[kind].regions(body)


def migrate_host(
    kind: str,
    body: bytes,
    settings: Settings,
    front_end: Callable[[str], Callable],
    parse_errors: Callable[[str], tuple[type[Exception], ...]],
    related: tuple | None = None,
) -> tuple[list[Fix], list[Finding]]:
    """Migrate the code embedded in a host file, as edits of the host.

    Its shell code runs as one (a runbook's blocks in one terminal, a CI file's variables
    and steps, a Makefile's variables and recipes): it is migrated as one unit, with the
    shell files it sources (``related``: this file's path and the unit's other files).
    Python code is migrated region by region. Every ``/api/v1`` of the file that no code
    region holds (prose, comments, forms not rewritten) is reported on its line.
    """
    from migrator.engine import is_candidate
    from migrator.hosts.regions import translate
    from migrator.shell import unit

    fixes: list[Fix] = []
    findings: list[Finding] = []
    shell: list = []
    regions = code_regions(kind, body)
    for region in regions:
        code = bytes(region.text)
        if region.kind == "shell" and not region.skipped and kind != "notebook":
            error = _parse_error(code)
            if error is None:
                shell.append(region)
                continue
            if is_candidate(code, settings):
                # Docs hold sketches as well as scripts: a block that does not parse is shown, not fatal.
                message = f"this shell code does not parse ({error}): left as it is"
                more_fixes, more_findings = translate(region, body, [], [Finding("DM001", Status.REVIEW, 1, 1, message)])
                findings.extend(more_findings)
            continue
        if not is_candidate(code, settings):
            continue
        if region.skipped:
            if settings.enabled("DM003"):
                last = region.first_line + bytes(region.text).rstrip(b"\n").count(b"\n")
                findings.append(Finding("DM003", Status.REVIEW, region.first_line, 1, region.skipped, end_line=last))
            continue
        try:
            region_fixes, region_findings = front_end(region.kind)(code, settings)
        except parse_errors(region.kind) as exc:
            message = f"this {region.kind} code does not parse ({exc}): left as it is"
            region_fixes, region_findings = [], [Finding("DM001", Status.REVIEW, 1, 1, message)]
            if kind == "notebook":
                from migrator.hosts.notebook import migrate_cells

                region, region_fixes, region_findings = migrate_cells(region, front_end(region.kind), parse_errors(region.kind), settings)
        more_fixes, more_findings = translate(region, body, region_fixes, region_findings)
        fixes.extend(_covering_edits(body, fix) if kind == "ci" else fix for fix in more_fixes)
        findings.extend(more_findings)
    if shell and (related is not None or any(is_candidate(bytes(r.text), settings) for r in shell)):
        own, members = related if related is not None else ("", ())
        parts = [p for p in (unit.part_of(m) for m in members if m.path != own) if p is not None]
        mine = unit.part_of(unit.Member(own, kind, body), shell)
        assert mine is not None
        order = [m.path for m in members] if related is not None else [own]
        parts.append(mine)
        parts.sort(key=lambda p: order.index(p.path) if p.path in order else len(order))
        unit_fixes, unit_findings = unit.migrate_unit(own, parts, settings)
        fixes.extend(unit_fixes)
        findings.extend(unit_findings)
    findings.extend(_outside_code(kind, body, regions, settings, fixes, findings))
    return fixes, findings


def _covering_edits(body: bytes, fix: Fix) -> Fix:
    """A fix's finding covers the lines it changes: in a CI step the URL may be built a line
    before the call (``url = f"...{os.environ['DM_URL']}/api/v1/..."``)."""
    from dataclasses import replace

    lines = [body.count(b"\n", 0, edit.start) + 1 for edit in fix.edits]
    if not lines:
        return fix
    first = min(min(lines), fix.finding.line)
    last = max(max(lines), fix.finding.line, fix.finding.end_line)
    return replace(fix, finding=replace(fix.finding, line=first, column=1 if first != fix.finding.line else fix.finding.column, end_line=last))


def _parse_error(code: bytes) -> str | None:
    from migrator.shell.migrate import ParseError, migrate_check

    try:
        migrate_check(code)
    except ParseError as exc:
        return str(exc)
    return None


def _outside_code(kind: str, body: bytes, regions: list, settings: Settings, fixes: list[Fix], findings: list[Finding]) -> list[Finding]:
    """No silent misses: a v1 URL in the file's text outside the code it migrates (prose,
    comments, an env value no step uses) gets a finding on its line."""
    from migrator import frontend
    from migrator.matching import names_datamimic

    base = settings.table.v1_base.encode()
    if base not in body:
        return []
    named = b"datamimic" in body.lower()
    inside = set()
    for region in regions:
        inside.update(i for i in region.where if i >= 0)
    covered = {line for f in [*findings, *(fix.finding for fix in fixes)] for line in range(f.line, max(f.line, f.end_line) + 1)}
    out: list[Finding] = []
    start = body.find(base)
    while start != -1:
        line = body.count(b"\n", 0, start) + 1
        if start not in inside and line not in covered:
            line_start = body.rfind(b"\n", 0, start) + 1
            before = body[line_start:start].decode("utf-8", "replace")
            own = before.replace("`", " ").replace("(", " ").split()[-1] if before.split() else ""
            datamimic = names_datamimic(own, settings.table.evidence)
            if not datamimic and not named:
                start = body.find(base, start + 1)
                continue
            where = {"markdown": "in the text", "notebook": "in the notebook"}.get(kind, "in the file")
            found = frontend.unfollowed_finding(settings, (line, start - line_start + 1, line), datamimic, where)
            if found is not None:
                out.append(found)
                covered.add(line)
        start = body.find(base, start + 1)
    return out
