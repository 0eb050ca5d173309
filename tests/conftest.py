from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from migrator import ruletable
from migrator.config import Settings
from migrator.engine import migrate_source
from migrator.findings import FileResult
from migrator.shell.words import parse

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def table() -> ruletable.RuleTable:
    return ruletable.load()


@pytest.fixture(scope="session")
def settings(table: ruletable.RuleTable) -> Settings:
    return Settings(table)


def run_shell(source: str | bytes, settings: Settings, **changes: object) -> FileResult:
    data = source.encode() if isinstance(source, str) else source
    return migrate_source("script.sh", data, "shell", replace(settings, **changes))


def migrated(source: str, settings: Settings, **changes: object) -> str:
    """The migrated script; checks that it parses and that a second run changes nothing."""
    result = run_shell(source, settings, **changes)
    assert result.outcome.value in ("changed", "unchanged"), result.reason
    out = (result.migrated or source.encode()).decode()
    assert not parse(out.encode()).has_error, out
    again = run_shell(out, settings, **changes)
    assert again.outcome.value == "unchanged", f"second run changed:\n{out}"
    return out


def check_transformed(before: str, after: str, settings: Settings, **changes: object) -> None:
    assert migrated(before, settings, **changes) == after


def check_noop(source: str, settings: Settings, **changes: object) -> FileResult:
    result = run_shell(source, settings, **changes)
    assert result.outcome.value == "unchanged", result.migrated.decode()
    return result


def statuses(result: FileResult) -> list[tuple[str, str]]:
    return [(f.rule, f.status.value) for f in result.findings]
