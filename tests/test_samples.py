"""The samples: v1 programs with their v2 form (snapshots), and negatives that must not change.

Each sample runs twice; the second run must change nothing.
"""

from __future__ import annotations

import pytest
from conftest import SAMPLES, migrated, run

from migrator.files import kind_of

EMBEDDED = [p for p in (SAMPLES / "embedded").rglob("*") if p.is_file()]
SAMPLE_FILES = sorted([*(SAMPLES / "shell").glob("*.sh"), *(SAMPLES / "python").glob("*.py"), *EMBEDDED])
NEGATIVE = sorted((SAMPLES / "negative").glob("*"))


def kind(path) -> str:
    return kind_of(path, path.read_bytes()[:256])


def describe(result) -> list[str]:
    return [f"{f.line}:{f.column} {f.rule} [{f.status.value}] {f.message}" for f in result.findings]


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=[str(p.relative_to(SAMPLES)) for p in SAMPLE_FILES])
@pytest.mark.parametrize("unsafe", [False, True], ids=["safe", "unsafe-fixes"])
def test_sample(path, unsafe, settings, snapshot):
    source = path.read_text()
    result = run(source, settings, kind(path), unsafe_fixes=unsafe)
    output = migrated(source, settings, kind(path), unsafe_fixes=unsafe)
    assert {"output": output, "findings": describe(result)} == snapshot


@pytest.mark.parametrize("path", NEGATIVE, ids=[p.name for p in NEGATIVE])
def test_negative_sample_is_byte_identical(path, settings):
    result = run(path.read_bytes(), settings, kind(path))
    assert result.outcome.value == "unchanged"
    assert all(f.status.value == "possible" for f in result.findings)


@pytest.mark.parametrize("language", ["shell", "python"])
def test_every_rule_is_covered_by_a_sample(language, table, settings):
    paths = [p for p in SAMPLE_FILES if kind(p) == language]
    seen = {f.rule for path in paths for f in run(path.read_bytes(), settings, language).findings}
    assert {rule.id for rule in table.rules} <= seen
