"""The rule table loads, is complete, and a mistake in it is named precisely."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, shared

from migrator import ruletable


def test_every_rule_has_docs_and_examples(table):
    assert table.rules, "the table is empty"
    for rule in table.rules:
        assert rule.title and rule.note and rule.guide, rule.id
        assert rule.examples, rule.id
        for example in rule.examples:
            assert "/api/v1" in example.before and "/api/v2" in example.after, rule.id


def test_every_guide_mapping_is_in_the_table(table):
    guide = shared("spec/external-api-v1-to-v2-migration-guide.txt").read_text()
    # "URL structure: /{project_id}/files -> ..." and "Changed from /api/v1/{project_id}/info to ..."
    found = re.findall(r"URL structure: (/\S+) \S+ /projects|Changed from /api/v1(/\S+) to", guide, re.IGNORECASE)
    v1_paths_in_guide = {a or b for a, b in found}
    table_paths = {rule.v1.text.removeprefix("/api/v1") for rule in table.rules}
    assert len(v1_paths_in_guide) >= 10
    assert v1_paths_in_guide - table_paths == set()


def test_ids_are_unique_and_stable(table):
    assert table.ids == tuple(sorted(set(table.ids)))
    assert {"DM000", "DM001", "DM100"} <= set(table.ids)


def test_the_shipped_table_is_found(table):
    assert table.source == (ROOT / "rules" / "rules.toml").resolve()


def write(tmp_path: Path, text: str) -> Path:
    source = (ROOT / "rules" / "rules.toml").read_text()
    path = tmp_path / "rules.toml"
    path.write_text(source.replace(*text.split(" => ")))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param('methods = ["GET"] => methods = ["FETCH"]', "[[rule]] #1 (DM101): key 'methods'", id="bad-method"),
        pytest.param('id = "DM102" => id = "DM101"', "DM101: duplicate id", id="duplicate-id"),
        pytest.param(
            'v2 = "/api/v2/projects/{project_id}/files_uri" => v2 = "/api/v2/projects/{project}/files_uri"',
            "v2 parameter 'project' has no source",
            id="param-without-source",
        ),
        pytest.param('when = "length" => when = "sometimes"', "key 'when' must be", id="bad-when"),
        pytest.param('transform = "after_first_slash" => transform = "nope"', "unknown transform 'nope'", id="bad-transform"),
        pytest.param('title = "List files" => titel = "List files"', "unknown key 'titel'", id="typo-key"),
        pytest.param('v1_base = "/api/v1" => v1_base = 1', "[api]: key 'v1_base' must be a str", id="wrong-type"),
    ],
)
def test_mistakes_name_file_entry_and_key(tmp_path, change, message):
    path = write(tmp_path, change)
    with pytest.raises(ruletable.RuleTableError) as error:
        ruletable.load(path)
    assert str(path) in str(error.value)
    assert message in str(error.value)


def test_a_rule_without_example_is_refused(tmp_path):
    source = (ROOT / "rules" / "rules.toml").read_text()
    start = source.index("[[rule.example]]", source.index('id = "DM112"'))
    end = source.index("[[rule]]", start)
    path = tmp_path / "rules.toml"
    path.write_text(source[:start] + source[end:])
    with pytest.raises(ruletable.RuleTableError, match=r"DM112.*needs a \[\[rule.example\]\] for each language"):
        ruletable.load(path)
