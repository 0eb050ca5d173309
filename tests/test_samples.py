"""The samples: v1 scripts with their v2 form (snapshots), and negatives that must not change.

Each sample runs twice; the second run must change nothing.
"""

from __future__ import annotations

import pytest

from conftest import SAMPLES, migrated, run_shell

SHELL = sorted((SAMPLES / "shell").glob("*.sh"))
NEGATIVE = sorted((SAMPLES / "negative").glob("*"))


def describe(result) -> list[str]:
    return [f"{f.line}:{f.column} {f.rule} [{f.status.value}] {f.message}" for f in result.findings]


@pytest.mark.parametrize("path", SHELL, ids=[p.name for p in SHELL])
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe-fixes"])
def test_sample(path, unsafe, settings, snapshot):
    source = path.read_text()
    result = run_shell(source, settings, unsafe_fixes=unsafe)
    output = migrated(source, settings, unsafe_fixes=unsafe)
    assert {"output": output, "findings": describe(result)} == snapshot


@pytest.mark.parametrize("path", NEGATIVE, ids=[p.name for p in NEGATIVE])
def test_negative_sample_is_byte_identical(path, settings):
    result = run_shell(path.read_bytes(), settings)
    assert result.outcome.value == "unchanged"
    assert all(f.status.value == "possible" for f in result.findings)


def test_every_rule_is_covered_by_a_sample(table, settings):
    seen = {f.rule for path in SHELL for f in run_shell(path.read_bytes(), settings).findings}
    assert {rule.id for rule in table.rules} <= seen
