"""curl command lines written by other people and by us: none is a DATAMIMIC call, so
every one parses and comes out byte-identical, also with --assume-datamimic."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, run_shell, shared

from migrator.shell.migrate import migrate

OURS = sorted((DATA / "curl").glob("*.sh"))
FIXTURES = "corpus/curlconverter-fixtures"


def check_parsed_and_unchanged(path: Path, assume: bool, settings) -> None:
    data = path.read_bytes()
    # Call the front end directly too, so the candidate filter cannot hide a crash.
    fixes, _ = migrate(data, settings.__class__(settings.table, assume_datamimic=assume))
    assert fixes == []
    result = run_shell(data, settings, assume_datamimic=assume)
    assert result.outcome.value == "unchanged", result.reason


def test_our_corpus_is_there():
    assert len(OURS) >= 20


@pytest.mark.parametrize("path", OURS, ids=[p.name for p in OURS])
@pytest.mark.parametrize("assume", [False, True], ids=["default", "assume-datamimic"])
def test_ours_parsed_and_unchanged(path, assume, settings):
    check_parsed_and_unchanged(path, assume, settings)


@pytest.mark.parametrize("assume", [False, True], ids=["default", "assume-datamimic"])
def test_curlconverter_fixtures_parsed_and_unchanged(assume, settings):
    """curlconverter's test fixtures (MIT), from the shared folder when it is there."""
    corpus = sorted(shared(FIXTURES).glob("*.sh"))
    assert len(corpus) > 100
    for path in corpus:
        check_parsed_and_unchanged(path, assume, settings)


LOOKALIKES = sorted((DATA / "curl" / "lookalike").glob("*.sh"))


@pytest.mark.parametrize("path", LOOKALIKES, ids=[p.name for p in LOOKALIKES])
def test_lookalike_paths_of_other_services_are_only_possible_calls(path, settings):
    """DATAMIMIC's path shapes on hosts that are not DATAMIMIC's: left alone, reported as DM000,
    which is what --assume-datamimic is for."""
    result = run_shell(path.read_bytes(), settings)
    assert result.outcome.value == "unchanged"
    assert result.findings and {(f.rule, f.status.value) for f in result.findings} == {("DM000", "possible")}
    assert run_shell(path.read_bytes(), settings, assume_datamimic=True).outcome.value == "changed"
