"""``--statistics``: how many findings of each status every rule has, as ruff's --statistics
counts its rules. Counts only: nothing of a file's text is shown, so nothing is masked."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from migrator.findings import FileResult, Status
from migrator.ruletable import RuleTable

# The columns, in the order a migration goes: what is (or would be) done, then what needs a person.
STATUSES = (Status.MIGRATED, Status.UNSAFE, Status.REVIEW, Status.UNMAPPED, Status.POSSIBLE, Status.ERROR)


@dataclass(frozen=True)
class RuleCount:
    rule: str
    name: str
    counts: dict[str, int]  # status label (fixable when nothing was written) -> count

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def count(results: list[FileResult], table: RuleTable, written: bool) -> list[RuleCount]:
    per_rule: dict[str, Counter[Status]] = {}
    for result in results:
        for finding in result.findings:
            per_rule.setdefault(finding.rule, Counter())[finding.status] += 1
    return [
        RuleCount(rule, _name(table, rule), {status.label(written): found[status] for status in STATUSES})
        for rule, found in sorted(per_rule.items())
    ]


def _name(table: RuleTable, rule: str) -> str:
    try:
        return table.get(rule).name
    except KeyError:
        return ""


def as_text(rows: list[RuleCount], written: bool) -> str:
    labels = [status.label(written) for status in STATUSES]
    width = max([len("total"), *(len(row.rule) for row in rows)])
    name_width = max([len("name"), *(len(row.name) for row in rows)])
    header = f"{'rule':<{width}}  {'name':<{name_width}}" + "".join(f"  {label:>8}" for label in labels)
    lines = [header]
    for row in rows:
        lines.append(f"{row.rule:<{width}}  {row.name:<{name_width}}" + "".join(f"  {row.counts[label]:>8}" for label in labels))
    totals = {label: sum(row.counts[label] for row in rows) for label in labels}
    lines.append(f"{'total':<{width}}  {'':<{name_width}}" + "".join(f"  {totals[label]:>8}" for label in labels))
    return "\n".join(lines) + "\n"


def as_json(rows: list[RuleCount]) -> str:
    data = [{"rule": row.rule, "name": row.name, **row.counts, "total": row.total} for row in rows]
    return json.dumps(data, indent=2) + "\n"
