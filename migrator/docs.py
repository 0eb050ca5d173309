"""The rule catalogue, ``docs/rules.md``, written from the rule table.

Every finding links to its rule's section there (the text output on a terminal,
the reports, SARIF's ``helpUri``). Regenerate it after a change of the table:

    python -m migrator.docs > docs/rules.md

``tests/test_docs.py`` fails when the file is not what this writes, so a rule
never lacks its documentation.
"""

from __future__ import annotations

import sys

from migrator.ruletable import MetaRule, Rule, RuleTable

# Where docs/rules.md is published: the repository's address, also [project.urls] Rules in pyproject.toml.
RULES_URL = "https://github.com/your-org/datamimic-migrate/blob/main/docs/rules.md"
GUIDE_URL = "https://docs.datamimic.io/reference/api/api-migration-guide"


def anchor(entry: Rule | MetaRule) -> str:
    """The anchor GitHub gives the heading "## DM101 list-files"."""
    return url_for(entry.id, entry.name).partition("#")[2]


def url_for(rule_id: str, name: str) -> str:
    return f"{RULES_URL}#{rule_id.lower()}-{name}"


def url(table: RuleTable, rule_id: str) -> str:
    try:
        entry = table.get(rule_id)
    except KeyError:
        return RULES_URL
    return url_for(entry.id, entry.name)


def render(table: RuleTable) -> str:
    import jinja2

    from migrator.report import markdown
    from migrator.report.render import environment

    entries = sorted((*table.rules, *table.meta), key=lambda e: e.id)
    template = environment().get_template("rules.md.j2")
    return template.render(entries=entries, anchor=anchor, guide_url=GUIDE_URL, Rule=Rule, isinstance=isinstance,
                           md=markdown, source=table.source.name, jinja2=jinja2)


def main() -> None:
    from migrator import ruletable

    sys.stdout.write(render(ruletable.load()))


if __name__ == "__main__":
    main()
