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
) -> tuple[list[Fix], list[Finding]]:
    """Migrate the code embedded in a host file, region by region, as edits of the host."""
    from migrator.engine import is_candidate
    from migrator.hosts.regions import translate

    fixes: list[Fix] = []
    findings: list[Finding] = []
    for region in code_regions(kind, body):
        code = bytes(region.text)
        if not is_candidate(code, settings):
            continue
        if region.skipped:
            if settings.enabled("DM003"):
                findings.append(Finding("DM003", Status.REVIEW, region.first_line, 1, region.skipped))
            continue
        try:
            region_fixes, region_findings = front_end(region.kind)(code, settings)
        except parse_errors(region.kind) as exc:
            # Docs hold sketches as well as scripts: a block that does not parse is shown, not fatal.
            message = f"this {region.kind} code does not parse ({exc}): left as it is"
            region_fixes, region_findings = [], [Finding("DM001", Status.REVIEW, 1, 1, message)]
        more_fixes, more_findings = translate(region, body, region_fixes, region_findings)
        fixes.extend(more_fixes)
        findings.extend(more_findings)
    return fixes, findings
