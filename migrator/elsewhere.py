"""v1 URLs in files the migrator reads but never rewrites: ``.env`` files, docker-compose,
Kubernetes and other YAML, settings files (INI, ``.cfg``, ``.properties``),
JavaScript and TypeScript, Terraform, ``.http`` request files,
Postman collections and curl config files (``.curlrc``, ``ci/datamimic.curlrc``: their
``url = ...`` lines are requests of the scripts that run ``curl -K`` with them).

These hold a URL as configuration or in a language the migrator has no front end
for, so it is reported with its line (DM004) and the mapping to use, never
changed: "what is left" then covers the whole repository. The precision rule is
the front ends' (matching.evidence): a URL's own host or name decides first; a
base with none borrows the names before it on its line and the file's; a
v1-shaped path without evidence is at most a possible call (DM000), and a v1 path
with no mapping is reported only with evidence (DM100).
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import TYPE_CHECKING

from migrator.findings import Finding, Status

if TYPE_CHECKING:  # files.py asks reported_only of every file: the rest is imported by scan
    from migrator.config import Settings
    from migrator.edits import Fix
    from migrator.urls import Flat

KIND = "elsewhere"
SUFFIXES = {
    ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx",  # JavaScript and TypeScript
    ".tf", ".tfvars", ".hcl",  # Terraform
    ".http", ".rest",  # request files of editors (JetBrains, VS Code REST Client)
    ".env",  # dotenv
    ".yml", ".yaml",  # docker-compose, Kubernetes manifests, Helm values... (CI files are migrated)
    ".ini", ".cfg", ".properties",  # a program's settings name its base as often as its code (JSON
    # is not among them: reports, SARIF and recorded responses would be read as settings)
}
POSTMAN = (".postman_collection.json", ".postman_environment.json")

# Patterns as text, compiled by re on first use: files.py imports this module for every run.
# A URL in such a file: up to whitespace, a quote or a delimiter of the languages above.
_URL = r"""[^\s'"`<>()\[\],;|\\]+"""
_ASSIGNED = r"[A-Za-z_][\w.-]*=(?=\S)"
# The method, when the line says it: "GET {{host}}/api/v1/..." (.http), method: "PUT" (fetch, axios).
_METHOD_BEFORE = r"\b(GET|POST|PUT|DELETE|PATCH)\s+$"
_METHOD_AFTER = r"""(?i)\bmethod["']?\s*[:=]\s*["'](\w+)["']"""
# What is only known at run time: ${VAR}, $VAR, {{var}} (Postman, .http), {param}, and /:param segments.
_HOLE = r"\$\{[^}]*\}|\$\w+|\{\{[^}]*\}\}|\{[^{}]*\}|(?<=/):\w+"


def reported_only(path: PurePath) -> bool:
    name = path.name
    return path.suffix in SUFFIXES or name == ".env" or name.startswith(".env.") or name.endswith((*POSTMAN, ".curlrc"))


def _flat(url: str) -> Flat:
    from migrator.urls import Flat, Hole, Literal

    pieces: list[Literal | Hole] = []
    position = 0
    for hole in re.finditer(_HOLE, url):
        if hole.start() > position:
            pieces.append(Literal(url[position : hole.start()], None, KIND))
        name = re.sub(r"\W", "", hole.group()) or None
        pieces.append(Hole(hole.group(), hole.span(), KIND, name))
        position = hole.end()
    if position < len(url):
        pieces.append(Literal(url[position:], None, KIND))
    return Flat.of(pieces)


def scan(source: bytes, settings: Settings) -> tuple[list[Fix], list[Finding]]:
    """The findings of one file; it has no fixes."""
    from migrator.matching import evidence
    from migrator.urls import find_base

    table = settings.table
    text = source.decode("utf-8", "replace")
    # A base with no name of its own (${host}, {{baseUrl}}) borrows the file's: a long evidence
    # word anywhere in it ("datamimic"; the short ones, "dm", would be any word's start).
    in_file = [word for word in table.evidence if len(word) >= 6 and word in text.lower()]
    findings: list[Finding] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if table.v1_base not in line:
            continue
        for token in re.finditer(_URL, line):
            # NAME=value (.env, Terraform, shell-like lines): the value is the URL.
            name = re.match(_ASSIGNED, token.group())
            start = token.start() + (name.end() if name else 0)
            flat = _flat(line[start : token.end()])
            base_start = find_base(flat, table.v1_base)
            if base_start < 0:
                continue
            # The names before the URL on its line (a key, a variable) are the code around it.
            context = [*re.findall(r"[A-Za-z_][\w-]*", line[:start]), *in_file]
            not_datamimic = evidence(flat, base_start, settings, context)
            method = re.search(_METHOD_BEFORE, line[:start]) or re.search(_METHOD_AFTER, line[token.end() :])
            found = _finding(flat, base_start, not_datamimic, method and method.group(1).upper(), settings)
            if found is not None:
                rule, status, message = found
                findings.append(Finding(rule, status, number, start + 1, message, before=line.strip()))
    return [], findings


def _finding(
    flat: Flat, base_start: int, not_datamimic: str | None, method: str | None, settings: Settings
) -> tuple[str, Status, str] | None:
    """``not_datamimic``: why the URL is not taken for DATAMIMIC's (the front ends' rule), None when it is."""
    from migrator.ruletable import Rule
    from migrator.urls import HOLE_MARK, match_template

    table = settings.table
    path = flat.text[base_start:].split("?")[0].split("#")[0].replace(HOLE_MARK, "{…}")
    matched = [
        (entry.v1.literal_count, entry)
        for entry in (*table.rules, *table.unmapped)
        if match_template(flat, base_start, table.v1_base, entry.v1) is not None
    ]
    rules = [entry for _, entry in sorted(matched, key=lambda m: -m[0]) if isinstance(entry, Rule)]
    if method and any(method in rule.methods for rule in rules):
        rules = [rule for rule in rules if method in rule.methods]
    if not_datamimic is not None:
        if not matched:
            return None
        where = f"{rules[0].id} {rules[0].title}" if rules else "a v1 path"
        return _selected("DM000", Status.POSSIBLE, f"looks like DATAMIMIC v1 ({where}) but {not_datamimic}: left alone", settings)
    if path.rstrip("/") == table.v1_base:
        message = (
            f"the v1 base URL, in a file the migrator does not rewrite: v2's base is {table.v2_base}, "
            "and every path built on it changes with it: migrate them together by hand"
        )
        return _selected("DM004", Status.REVIEW, message, settings)
    if not rules:
        message = f"no v2 mapping for {path}, in a file the migrator does not rewrite"
        return _selected("DM100", Status.UNMAPPED, message, settings)
    if not any(settings.enabled(rule.id) for rule in rules):
        return None
    mappings = " or ".join(f"{', '.join(rule.methods)} {rule.v2.text} ({rule.id} {rule.title})" for rule in rules)
    message = f"v1 URL {path} in a file the migrator does not rewrite: migrate it by hand to {mappings}"
    return _selected("DM004", Status.REVIEW, message, settings)


def _selected(rule_id: str, status: Status, message: str, settings: Settings) -> tuple[str, Status, str] | None:
    return (rule_id, status, message) if settings.enabled(rule_id) else None
