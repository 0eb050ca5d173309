"""Every rule has its documentation: docs/rules.md is what the table writes, and each
finding's link lands on a heading of it."""

from __future__ import annotations

import re
import tomllib

from conftest import ROOT

from migrator import docs

RULES_MD = ROOT / "docs" / "rules.md"


def github_anchor(heading: str) -> str:
    """The id GitHub gives a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_docs_are_what_the_rule_table_writes(table):
    assert RULES_MD.read_text() == docs.render(table), "run: python -m migrator.docs > docs/rules.md"


def test_every_rule_has_a_section_its_links_land_on(table):
    anchors = {github_anchor(line[3:]) for line in RULES_MD.read_text().splitlines() if line.startswith("## ")}
    for rule_id in table.ids:
        link = docs.url(table, rule_id)
        assert link.startswith(docs.RULES_URL + "#")
        assert link.split("#")[1] in anchors, rule_id


def test_the_published_address_is_the_one_pyproject_gives():
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    assert urls["Rules"] == docs.RULES_URL
    assert urls["Guide"] == docs.GUIDE_URL


def test_notes_keep_their_angle_brackets(table):
    """GitHub drops "<project_id>" as an unknown tag: it is written &lt;project_id&gt;."""
    text = RULES_MD.read_text()
    assert "&lt;project_id&gt;/&lt;path&gt;" in text
    assert "<project_id>" not in text
