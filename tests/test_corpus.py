"""Real curl commands written elsewhere (curlconverter's fixtures): none is a
DATAMIMIC call, so every one parses and comes out byte-identical."""

from __future__ import annotations

import pytest
from conftest import SHARED, run_shell

from migrator.shell.migrate import migrate

CORPUS = sorted((SHARED / "corpus" / "curlconverter-fixtures").glob("*.sh"))


def test_corpus_is_there():
    assert len(CORPUS) > 100


@pytest.mark.parametrize("path", CORPUS, ids=[p.name for p in CORPUS])
@pytest.mark.parametrize("assume", [False, True], ids=["default", "assume-datamimic"])
def test_parsed_and_unchanged(path, assume, settings):
    data = path.read_bytes()
    # Call the front end directly too, so the candidate filter cannot hide a crash.
    fixes, _ = migrate(data, settings.__class__(settings.table, assume_datamimic=assume))
    assert fixes == []
    result = run_shell(data, settings, assume_datamimic=assume)
    assert result.outcome.value == "unchanged"
