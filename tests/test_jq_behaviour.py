"""Each jq rewrite, checked with a real jq engine: the v1 filter on the guide's v1
response and the migrated filter on the v2 response print the same values."""

from __future__ import annotations

import json
import re

import jq
import pytest
from conftest import ROOT, check_noop, migrated

RESPONSES = json.loads((ROOT / "tests" / "data" / "responses.json").read_text())
CALLS = {
    "DM101": "curl -s https://acme.datamimic.io/api/v1/p1/files",
    "DM102": "curl -s -X POST https://acme.datamimic.io/api/v1/p1/files -F file=@data.csv",
    "DM107": "curl -s https://acme.datamimic.io/api/v1/p1/task/t1",
    "DM109": "curl -s https://acme.datamimic.io/api/v1/p1/task/t1/artifacts",
}
FILTERS = [
    ("DM101", ".files[].name"),
    ("DM101", ".files[0].name"),
    ("DM101", ".files[-1].name"),
    ("DM101", ".files[] | .name"),
    ("DM101", ".files[].name | ascii_upcase"),
    ("DM101", ".files | length"),
    ("DM101", ".files|length"),
    ("DM101", '.["files"][2].name'),
    ("DM102", ".location"),
    ("DM102", ".location | split(\"/\") | last"),
    ("DM107", ".result[0].status"),
    ("DM107", ".result[].name"),
    ("DM107", ".result[0] | .date_done"),
    ("DM107", ".result[0].status == \"SUCCESS\""),
    ("DM101", ".files[0].name == \"file1.xml\""),
    ("DM109", ".[].name"),
    ("DM109", ".[0].size"),
    ("DM109", ".[] | .name"),
    ("DM109", "length"),
    ("DM109", ". | length"),
    # jq as a language: the paths are rewritten wherever they sit
    ("DM101", "[.files[].name]"),
    ("DM101", "{n: (.files | length)}"),
    ("DM101", ".files | map(.name)"),
    ("DM101", ".files[] | select(.name | endswith(\".xml\")) | .name"),
    ("DM101", "any(.files[].name; . == \"file2.xml\")"),
    ("DM101", "any(.files[]; .name == \"file2.xml\")"),
    ("DM101", "[.files[].name] | index(\"file2.xml\") != null"),
    ("DM101", ".files | sort_by(.name) | .[] | .name"),
    ("DM101", ".files[] | {name}"),
    ("DM101", ".files | .[0] | .name"),
    ("DM101", ".files | first | .name"),
    ("DM107", ".result[0] | {status, date_done}"),
    ("DM107", ".result[0] | \"\\(.name) \\(.status)\""),
    ("DM107", ".result[0].status // \"UNKNOWN\""),
    ("DM107", ".result[0] as $t | $t.status"),
    ("DM107", ".result[] | .status"),
    ("DM109", "[.[].size] | add"),
    ("DM109", ".[] | select(.size > 0) | [.name, .size] | @tsv"),
    ("DM109", "map(.name) | join(\",\")"),
    ("DM109", "\"\\(length) files, \\([.[].size] | add) bytes\""),
    ("DM109", "[.[] | {name, size}] | length"),
    ("DM109", "map({name, size}) | length"),
    ("DM109", "map(.size) | add"),
]


def migrated_filter(rule_id: str, old: str, settings) -> str:
    script = f"{CALLS[rule_id]} | jq -r '{old}'\n"
    out = migrated(script, settings)
    assert "/api/v2/" in out
    return re.search(r"jq -r '(.*)'$", out.strip()).group(1)


@pytest.mark.parametrize(("rule_id", "old"), [pytest.param(r, f, id=f"{r}:{f}") for r, f in FILTERS])
def test_same_values_from_v2(rule_id, old, settings):
    new = migrated_filter(rule_id, old, settings)
    assert new != old
    before = jq.compile(old).input_value(RESPONSES[rule_id]["v1"]).all()
    after = jq.compile(new).input_value(RESPONSES[rule_id]["v2"]).all()
    assert before and before == after


@pytest.mark.parametrize(
    ("rule_id", "old"),
    [
        pytest.param("DM101", ".files[0].uri", id="uri-field"),
        pytest.param("DM101", ".files", id="whole-list"),
        pytest.param("DM107", ".task_count", id="task-count"),
        pytest.param("DM107", ".result", id="envelope"),
        pytest.param("DM109", ".", id="whole-artifact-list"),
    ],
)
def test_reads_without_a_v2_equivalent_keep_the_call_on_v1(rule_id, old, settings):
    """A read whose value v2 cannot give is reported, and its call is not rewritten:
    a v1 call with a v1 read still works, a v2 call with a v1 read would not."""
    script = f"{CALLS[rule_id]} | jq -r '{old}'\n"
    result = check_noop(script, settings)
    assert [f.status.value for f in result.findings] == ["review", "review"]
    assert "stays on v1" in result.findings[0].message


def test_operand_path_with_transform_gets_parentheses(settings):
    new = migrated_filter("DM101", '.files[0].name == "file1.xml"', settings)
    assert new == '(.current_project_files_uri[0] | sub("^[^/]*/"; "")) == "file1.xml"'
    assert jq.compile(new).input_value(RESPONSES["DM101"]["v2"]).first() is True


@pytest.mark.parametrize(
    ("old", "part"),
    [
        pytest.param('.files[0].name as $n | .["files"]', '.["files"]', id="read-again-later"),
        pytest.param(".files[] | [.name, .extension] | @tsv", ".files[] | .extension", id="a-field-v2-does-not-have"),
        pytest.param(".result | .[0] | .status", ".result | .[0]", id="an-envelope-taken-apart"),
        pytest.param("[.files[] | select(.name != \"\")] | length", ".files[]", id="elements-collected"),
    ],
)
def test_changed_field_read_inside_an_expression_is_reported(old, part, settings):
    """A read whose meaning cannot be kept is reported with the exact sub-expression."""
    rule = "DM107" if "result" in old else "DM101"
    result = check_noop(f"{CALLS[rule]} | jq -r '{old}'\n", settings)
    messages = [f.message for f in result.findings if (f.rule, f.status.value) == (rule, "review")]
    assert any(repr(part) in message for message in messages), messages
