"""jq as a language: the parser keeps every expression's span, and the read planner
rewrites the paths that read a changed response wherever they sit in the filter.
Each rewrite is checked with a real jq on the guide's responses."""

from __future__ import annotations

import json

import jq
import pytest
from conftest import ROOT

from migrator.shell.jq import jq_command
from migrator.shell.jqlang import JqSyntaxError, parse, walk
from migrator.shell.jqread import plan_reads
from migrator.urls import Literal

RESPONSES = json.loads((ROOT / "tests" / "data" / "responses.json").read_text())


@pytest.fixture(scope="module")
def rules(table):
    return {rule.id: rule for rule in table.rules}


@pytest.fixture(scope="module")
def transforms(table):
    return {name: t.jq for name, t in table.transforms.items()}


@pytest.mark.parametrize(
    "source",
    [
        ".files[] | [.name, .extension] | @tsv",
        '.result[0] | {status, date_done, "a b": 1, (.k): .v, $x, @base64: 2}',
        "reduce .[] as $x (0; . + $x)",
        "def f(a; $b): a + $b; f(.x; 2)",
        ".a as [$x, {b: $y}] | $x",
        "if . then 1 elif 2 then 3 else 4 end",
        'try .a catch "x"',
        ".[1:3], .[:2], .[2:], .a?.b, .a.[0]",
        '"\\(length) files, \\([.[].size] | add) bytes" | @sh "echo \\(.)"',
        "label $out | foreach .[] as $i (0; . + 1; .)",
        '.items[] | select(any(.status.conditions[]?; .type == "Ready")) | .metadata.name',
    ],
)
def test_the_parser_reads_jq_filters(source):
    root = parse(source)
    assert root.start == 0 and root.end == len(source.rstrip())
    for node in walk(root):
        assert 0 <= node.start <= node.end <= len(source)


@pytest.mark.parametrize("source", [".a |", "{a: 1 + 2}", ".[", '"\\(.a"'])
def test_the_parser_refuses_what_jq_refuses(source):
    with pytest.raises(JqSyntaxError):
        parse(source)


@pytest.mark.parametrize(
    ("rule_id", "old", "new"),
    [
        ("DM101", ".files[] | select(.name | endswith(\".xml\")) | .name",
         '.current_project_files_uri[] | select(sub("^[^/]*/"; "") | endswith(".xml")) | sub("^[^/]*/"; "")'),
        ("DM101", 'any(.files[]; .name == "file2.xml")', 'any(.current_project_files_uri[]; sub("^[^/]*/"; "") == "file2.xml")'),
        ("DM101", ".files | map(.name)", '.current_project_files_uri | map(sub("^[^/]*/"; ""))'),
        ("DM101", ".files[] | {name}", '.current_project_files_uri[] | {name: sub("^[^/]*/"; "")}'),
        ("DM107", ".result[0] | {status, date_done}", "{status, date_done}"),
        ("DM107", ".result[0].status // \"UNKNOWN\"", '.status // "UNKNOWN"'),
        ("DM107", ".result[0] as $t | $t.status", ". as $t | $t.status"),
        ("DM109", "[.[].size] | add", "[.artifacts[].size] | add"),
        ("DM109", ".[] | select(.size > 0) | [.name, .size] | @tsv", ".artifacts[] | select(.size > 0) | [.name, .size] | @tsv"),
        ("DM109", "map(.name)", ".artifacts | map(.name)"),
        ("DM109", '"\\(length) files"', '"\\(.artifacts | length) files"'),
        ("DM102", ".location", ".list_files_uri[0]"),
    ],
)
def test_paths_are_rewritten_wherever_they_sit(rule_id, old, new, rules, transforms):
    plan = plan_reads(old, {"": rules[rule_id].responses}, transforms)
    assert not plan.problems
    assert plan.apply(old) == new
    before = jq.compile(old).input_value(RESPONSES[rule_id]["v1"]).all()
    after = jq.compile(new).input_value(RESPONSES[rule_id]["v2"]).all()
    assert before == after


def test_a_response_bound_to_a_variable_is_followed(rules, transforms):
    """``jq --argjson remote "$r" '$remote.files | map(.name)'``: the response is $remote."""
    old = "$remote.files | map(.name) | index($n)"
    plan = plan_reads(old, {"remote": rules["DM101"].responses}, transforms, {"remote": "json"})
    assert plan.apply(old) == '$remote.current_project_files_uri | map(sub("^[^/]*/"; "")) | index($n)'


def test_a_slurped_response_is_followed(rules, transforms):
    old = "$a[0].files | length"
    plan = plan_reads(old, {"a": rules["DM101"].responses}, transforms, {"a": "slurp"})
    assert plan.apply(old) == "$a[0].current_project_files_uri | length"


@pytest.mark.parametrize(
    ("rule_id", "old", "part"),
    [
        ("DM107", ".task_count >= 1", ".task_count"),
        ("DM109", 'type == "array" and length > 0', "type"),
        ("DM101", ".files[] | [.name, .extension] | @tsv", ".files[] | .extension"),
        ("DM101", ".files | group_by(.extension)", ".files | group_by(.extension) | .extension"),
        ("DM114", ".task_id", ".task_id"),
    ],
)
def test_a_read_that_cannot_keep_its_meaning_names_the_sub_expression(rule_id, old, part, rules, transforms):
    plan = plan_reads(old, {"": rules[rule_id].responses}, transforms)
    assert plan.problems and not plan.edits
    assert any(repr(part) in problem for problem in plan.problems), plan.problems


def test_reads_of_unchanged_parts_need_no_edit(rules, transforms):
    plan = plan_reads('.name + " " + .type', {"": rules["DM112"].responses}, transforms)
    assert plan.edits == [] and plan.problems == []


def _args(*words: str) -> list:
    return [(None, 0, [Literal(word, None, "bare")]) for word in words]


@pytest.mark.parametrize(
    ("words", "filter_index", "inputs", "bound"),
    [
        (["-r", ".a"], 1, (), {}),
        (["-e", "--arg", "n", "x", ".a == $n", "file.json"], 4, (5,), {"n": ("arg", 3)}),
        (["--slurpfile", "a", "f1", "-n", "$a[0]"], 4, (), {"a": ("slurp", 2)}),
        (["--argjson", "r", "{}", "-Rs", "."], 4, (), {"r": ("json", 2)}),
        (["-rc", ".[]", "a", "b"], 1, (2, 3), {}),
    ],
)
def test_jq_command_lines(words, filter_index, inputs, bound):
    command = jq_command(_args(*words))
    assert (command.filter, command.inputs, command.bound) == (filter_index, inputs, bound)


def test_jq_options_that_change_the_input_are_seen():
    assert jq_command(_args("-s", ".")).changes_input
    assert jq_command(_args("-n", ".")).null_input
    assert jq_command(_args("-f", "x.jq")).problem
