"""The report formats: JSON, SARIF 2.1.0, Markdown, HTML and GitHub workflow annotations.

The format of ``--report PATH`` follows the extension (or ``--report-format``).
JSON's schema is documented in the README and versioned by its ``version`` key.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from migrator import docs
from migrator.report.data import Report, ReportFinding, all_rule_docs
from migrator.ruletable import RuleTable

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# How each status shows in SARIF and in GitHub annotations.
LEVELS = {"error": "error", "review": "warning", "unmapped": "warning", "unsafe": "warning"}


def to_json(report: Report, table: RuleTable) -> str:
    data = {
        "version": report.version,
        "tool": {"name": "datamimic-migrate", "version": report.tool_version},
        "written": report.written,
        "summary": {**report.summary, "rules": report.per_rule},
        "files": [
            {
                "path": file.path,
                "outcome": file.outcome,
                "reason": file.reason,
                "diff": file.diff,
                "findings": [_json_finding(finding) for finding in file.findings],
            }
            for file in report.files
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _json_finding(finding: ReportFinding) -> dict:
    data = asdict(finding)
    del data["fix"]  # SARIF carries fixes; the JSON schema (version 1) has the before and after lines
    return data


def _sarif_fix(finding: ReportFinding) -> dict:
    """The fix as SARIF replacements, per file: a fix may edit another file of the run too."""
    changes: dict[str, list[dict]] = {}
    for e in finding.fix:
        changes.setdefault(e.path.removeprefix("./") or finding.path, []).append(
            {
                "deletedRegion": {"startLine": e.line, "startColumn": e.column, "endLine": e.end_line, "endColumn": e.end_column},
                "insertedContent": {"text": e.text},
            }
        )
    return {
        "description": {"text": f"{finding.rule}: {finding.message}"},
        "artifactChanges": [{"artifactLocation": {"uri": uri}, "replacements": found} for uri, found in changes.items()],
    }


def to_sarif(report: Report, table: RuleTable) -> str:
    rule_docs = all_rule_docs(table)
    index = {doc.id: i for i, doc in enumerate(rule_docs)}
    rules = [
        {
            "id": doc.id,
            "name": doc.name,
            "shortDescription": {"text": doc.title},
            "fullDescription": {"text": doc.note},
            "help": {"text": "\n".join(filter(None, [doc.mapping, doc.note, doc.guide and f"Guide: {doc.guide}"]))},
            "helpUri": doc.url,
        }
        for doc in rule_docs
    ]
    results = []
    for finding in report.findings:
        result = {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": LEVELS.get(finding.status, "note"),
            "message": {"text": f"[{finding.status}] {finding.message}"},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": finding.path},
                        "region": {"startLine": finding.line, "startColumn": finding.column},
                    }
                }
            ],
            "properties": {"status": finding.status},
        }
        if finding.after and finding.after != finding.before:
            result["properties"]["after"] = finding.after
        if finding.fix:
            result["fixes"] = [_sarif_fix(finding)]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "datamimic-migrate",
                        "version": report.tool_version,
                        "informationUri": docs.RULES_URL,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    # Compact: SARIF is read by machines, and json writes indented text in pure Python (5x slower).
    return json.dumps(log, ensure_ascii=False, separators=(",", ":")) + "\n"


def environment():
    """Every template is escaped: a report shows code from the scanned files, which may hold
    anything. (select_autoescape(["html"]) missed "report.html.j2", and the page ran it.)
    Markdown templates write prose through the md filter and code through code and fence."""
    import jinja2

    from migrator.report import markdown

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md=markdown.text, code=markdown.code, fence=markdown.fence, prefix=lambda line, head: head + line)
    return env


def _labels(written: bool) -> dict[str, str]:
    return {
        "files_scanned": "Files scanned",
        "files_changed": "Files changed" if written else "Files to change",
        "migrated": "Calls migrated" if written else "Calls to migrate",
        "review": "Calls needing review",
        "unsafe": "Unsafe fixes not applied",
        "unmapped": "Unmapped v1 paths",
        "possible": "Possible calls left alone",
        "files_failed": "Files that failed",
        "files_skipped": "Files skipped",
    }


def to_markdown(report: Report, table: RuleTable) -> str:
    urls = {doc.id: doc.url for doc in report.rules}
    return environment().get_template("report.md.j2").render(report=report, labels=_labels(report.written), urls=urls)


# The statuses that need a person, first on the page; then what was (or would be) done.
PRIORITY = {"error": 0, "review": 1, "unmapped": 2, "unsafe": 3, "fixable": 4, "migrated": 4, "possible": 5}
# The Content-Security-Policy of the page: its own style and script (by their hashes), nothing
# else: no inline event handler, no other script, no remote load, no form, no base.
# Colouring costs about 0.1 ms a line: a report with more lines of code than this is left
# uncoloured (the changed words are still marked), so that it is written in about a second.
COLOURED_LINES = 20_000
CSP = "default-src 'none'; style-src '{style}'; script-src '{script}'; base-uri 'none'; form-action 'none'"


def _sha256(text: str) -> str:
    import base64
    import hashlib

    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def to_html(report: Report, table: RuleTable) -> str:
    """One self-contained page. Files and findings that need a person come first."""
    from markupsafe import Markup

    from migrator.report import highlight

    templates = Path(__file__).parent / "templates"
    style = (templates / "report.css").read_text() + highlight.css()
    script = (templates / "report.js").read_text()

    def ordered(findings):
        return sorted(findings, key=lambda f: (PRIORITY.get(f.status, 9), f.line, f.column))

    files = sorted(report.files, key=lambda f: (min((PRIORITY.get(x.status, 9) for x in f.findings), default=9) > 3, f.path))
    lines = sum(f.diff.count("\n") for f in report.files) + sum(x.before.count("\n") + x.after.count("\n") + 2 for x in report.findings)
    colour = lines <= COLOURED_LINES
    return environment().get_template("report.html.j2").render(
        report=report,
        files=files,
        labels=_labels(report.written),
        statuses=sorted({f.status for f in report.findings}, key=lambda s: PRIORITY.get(s, 9)),
        urls={doc.id: doc.url for doc in report.rules},
        titles={doc.id: f"{doc.id} {doc.name}: {doc.title}" for doc in report.rules},
        ordered=ordered,
        change=lambda before, after, path: highlight.block(highlight.rows_of_change(before, after, path, colour)),
        diff=lambda text, path: highlight.block(highlight.rows_of_diff(text, path, colour)),
        csp=CSP.format(style=_sha256(style), script=_sha256(script)),
        style=Markup(style),  # our own files, hashed into the policy above
        script=Markup(script),
    )




def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(report: Report) -> str:
    """GitHub Actions workflow commands, one per finding: the lines are marked in the pull request."""
    lines = []
    for finding in report.findings:
        level = {"error": "error", "warning": "warning"}.get(LEVELS.get(finding.status, "notice"), "notice")
        title = _escape_property(f"{finding.rule} {finding.status}")
        lines.append(
            f"::{level} file={_escape_property(finding.path)},line={finding.line},col={finding.column},"
            f"title={title}::{_escape_data(finding.message)}"
        )
    return "\n".join(lines) + ("\n" if lines else "")


# GitLab Code Quality severities (info, minor, major, critical, blocker) for each status.
GITLAB_SEVERITIES = {"error": "critical", "review": "major", "unmapped": "major", "unsafe": "major", "possible": "info"}


def to_gitlab(report: Report, table: RuleTable) -> str:
    """A GitLab Code Quality report (a Code Climate issue list), for artifacts:reports:codequality.

    The fingerprint leaves numbers out (the line, and the lines a message names), so a
    finding keeps its identity when lines above it move; the n-th equal finding of a
    file is told apart by its rank.
    """
    import hashlib
    import re

    issues = []
    seen: Counter[tuple[str, ...]] = Counter()
    for finding in report.findings:
        key = (finding.path, finding.rule, finding.status, re.sub(r"\d+", "#", finding.message), finding.before)
        seen[key] += 1
        fingerprint = hashlib.sha256("\0".join([*key, str(seen[key])]).encode("utf-8", "surrogateescape")).hexdigest()
        issues.append(
            {
                "type": "issue",
                "check_name": finding.rule,
                "description": f"{finding.rule} [{finding.status}] {finding.message}",
                "categories": ["Compatibility"],
                "severity": GITLAB_SEVERITIES.get(finding.status, "minor"),
                "fingerprint": fingerprint,
                "location": {"path": finding.path, "lines": {"begin": finding.line}},
            }
        )
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _github(report: Report, table: RuleTable) -> str:
    return github_annotations(report)


# Every format, by the name --report-format and --output-format give it.
WRITERS: dict[str, Callable[[Report, RuleTable], str]] = {
    "md": to_markdown,
    "html": to_html,
    "json": to_json,
    "sarif": to_sarif,
    "gitlab": to_gitlab,
    "github": _github,
}
