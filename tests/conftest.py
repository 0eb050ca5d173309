from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from migrator import gate, ruletable
from migrator.config import Settings
from migrator.engine import migrate_source
from migrator.findings import FileResult

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DATA = ROOT / "tests" / "data"
# The team's shared folder (other people's corpora, the guide's text): never needed, used when
# present. $DATAMIMIC_MIGRATE_SHARED, or a "shared" folder beside the checkout or its parent.
SHARED_CANDIDATES = [
    *([Path(os.environ["DATAMIMIC_MIGRATE_SHARED"])] if os.environ.get("DATAMIMIC_MIGRATE_SHARED") else []),
    ROOT.parent / "shared",
    ROOT.parent.parent / "shared",
]


def shared(relative: str) -> Path:
    """A path inside the shared folder; the test skips, naming what is missing, when it is not there."""
    for folder in SHARED_CANDIDATES:
        if (folder / relative).exists():
            return folder / relative
    pytest.skip(f"needs shared/{relative} beside the checkout (or $DATAMIMIC_MIGRATE_SHARED); not found")


@pytest.fixture(scope="session")
def table() -> ruletable.RuleTable:
    return ruletable.load()


@pytest.fixture(scope="session")
def settings(table: ruletable.RuleTable) -> Settings:
    return Settings(table)


def run(source: str | bytes, settings: Settings, kind: str = "shell", **changes: object) -> FileResult:
    data = source.encode() if isinstance(source, str) else source
    name = {"python": "script.py", "shell": "script.sh"}.get(kind, "host")
    return migrate_source(name, data, kind, replace(settings, **changes))


def run_shell(source: str | bytes, settings: Settings, **changes: object) -> FileResult:
    return run(source, settings, "shell", **changes)


def run_python(source: str | bytes, settings: Settings, **changes: object) -> FileResult:
    return run(source, settings, "python", **changes)


def migrated(source: str, settings: Settings, kind: str = "shell", **changes: object) -> str:
    """The migrated program; checks that it passes the gate (parses as well as the source) and
    that a second run changes nothing."""
    result = run(source, settings, kind, **changes)
    assert result.outcome.value in ("changed", "unchanged"), result.reason
    out = (result.migrated or source.encode()).decode()
    assert gate.problem(kind, source.encode(), out.encode()) is None, out
    again = run(out, settings, kind, **changes)
    assert again.outcome.value == "unchanged", f"second run changed:\n{out}"
    return out


def check_transformed(before: str, after: str, settings: Settings, kind: str = "shell", **changes: object) -> None:
    assert migrated(before, settings, kind, **changes) == after


def check_noop(source: str, settings: Settings, kind: str = "shell", **changes: object) -> FileResult:
    result = run(source, settings, kind, **changes)
    assert result.outcome.value == "unchanged", result.migrated.decode()
    return result


def statuses(result: FileResult) -> list[tuple[str, str]]:
    return [(f.rule, f.status.value) for f in result.findings]

# The realistic corpus holds its teams' own pytest suites: they are run as programs, not collected.
collect_ignore_glob = ["programs/*"]


def pytest_terminal_summary(terminalreporter):
    import sys

    programs = sys.modules.get("test_programs")
    line = programs.summary() if programs is not None else None
    if line:
        terminalreporter.write_sep("-", line)
