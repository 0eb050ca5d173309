"""What a report shows, built once from the results of a run, with secrets masked
(:mod:`migrator.report.secrets`).

Every format (Markdown, HTML, JSON, SARIF, GitHub annotations) renders this
one model, so they always agree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from migrator import docs
from migrator.files import display
from migrator.findings import FileResult, Outcome, Status, TextEdit
from migrator.report.diff import unified_diff
from migrator.report.secrets import Masker
from migrator.ruletable import Rule, RuleTable

SCHEMA_VERSION = 1


def tool_version() -> str:
    try:
        return version("datamimic-migrate")
    except PackageNotFoundError:
        return "0+unknown"


@dataclass(frozen=True)
class ReportFinding:
    rule: str
    status: str  # as shown: fixable when the run did not write
    path: str
    line: int
    column: int
    message: str
    before: str
    after: str
    fix: tuple[TextEdit, ...] = ()  # empty when there is none, or when masking would change it


@dataclass(frozen=True)
class ReportFile:
    path: str
    outcome: str
    reason: str
    findings: tuple[ReportFinding, ...]
    diff: str


@dataclass(frozen=True)
class RuleDoc:
    id: str
    name: str
    title: str
    note: str
    mapping: str  # "GET /api/v1/... -> /api/v2/...", empty for meta rules
    guide: str
    before: str
    after: str
    url: str  # its section of docs/rules.md


@dataclass(frozen=True)
class Report:
    version: int
    tool_version: str
    written: bool
    summary: dict[str, int]
    per_rule: dict[str, int]
    files: tuple[ReportFile, ...]
    rules: tuple[RuleDoc, ...]  # the rules that have findings in this run

    @property
    def findings(self) -> list[ReportFinding]:
        return [f for file in self.files for f in file.findings]


def _display_path(path: str) -> str:
    return display(path.removeprefix("./"))  # a name that is not UTF-8 shows as caf\xe9.sh


def build(results: list[FileResult], table: RuleTable, written: bool) -> Report:
    statuses: Counter[str] = Counter()
    per_rule: Counter[str] = Counter()
    files = []
    for result in results:
        path = _display_path(result.path)
        mask = Masker.of(result.original.decode("utf-8", "surrogateescape"))
        findings = tuple(
            ReportFinding(
                f.rule,
                f.status.label(written),
                path,
                f.line,
                f.column,
                mask(f.message),
                mask(f.before),
                mask(f.after),
                _masked_fix(f.fix, mask),
            )
            for f in result.findings
        )
        statuses.update(f.status.value for f in result.findings)
        per_rule.update(f.rule for f in result.findings)
        diff = display(mask(unified_diff(result))) if result.outcome is Outcome.CHANGED else ""
        if findings or result.outcome is not Outcome.UNCHANGED:
            files.append(ReportFile(path, result.outcome.value, result.reason, findings, diff))
    outcomes = Counter(r.outcome for r in results)
    summary = {
        "files_scanned": len(results),
        "files_changed": outcomes[Outcome.CHANGED],
        "files_skipped": outcomes[Outcome.SKIPPED],
        "files_failed": outcomes[Outcome.FAILED],
        **{status.value: statuses[status.value] for status in Status},
    }
    rules = tuple(_rule_doc(table, rule_id) for rule_id in sorted(per_rule))
    return Report(SCHEMA_VERSION, tool_version(), written, summary, dict(sorted(per_rule.items())), tuple(files), rules)


def _masked_fix(fix: tuple[TextEdit, ...], mask: Masker) -> tuple[TextEdit, ...]:
    """A fix is shown only whole: a replacement with a secret masked would write the mask."""
    return fix if all(mask(edit.text) == edit.text for edit in fix) else ()


def _rule_doc(table: RuleTable, rule_id: str) -> RuleDoc:
    entry = table.get(rule_id)
    url = docs.url(table, rule_id)
    if isinstance(entry, Rule):
        example = entry.examples[0]
        mapping = f"{', '.join(entry.methods)} {entry.v1.text} -> {entry.v2.text}"
        return RuleDoc(entry.id, entry.name, entry.title, entry.note, mapping, entry.guide, example.before, example.after, url)
    return RuleDoc(entry.id, entry.name, entry.title, entry.note, "", "", "", "", url)


def all_rule_docs(table: RuleTable) -> tuple[RuleDoc, ...]:
    return tuple(_rule_doc(table, rule_id) for rule_id in table.ids)
