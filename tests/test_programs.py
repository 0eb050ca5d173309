"""The realistic corpus (tests/programs/): programs written the way teams wrote their v1
code, migrated as a new user would run the tool (no settings), then proven by behaviour.

For each program:
- every file passes the gate and a second run changes nothing;
- every v1 call its authors listed ends with a rewrite or a finding on its line, and so
  does every ``/api/v1`` left in a file that names DATAMIMIC (no silent misses);
- a negative program (another service's /api/v1 paths) stays byte-identical;
- run against the emulator, the original (v1) and the migrated program (v2 only) do the
  same, or every call left on v1 carries a finding that says why;
- its findings match the snapshot.
The recall figure (calls migrated / calls listed) is printed at the end of the run, and the
programs not handled fully yet are listed in tests/programs/GAPS.toml.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

import harness
import pytest

from migrator import engine
from migrator.findings import FileResult, Outcome, Status
from migrator.verify.run import compare, run_program

PROGRAMS = harness.load()
TIMEOUT = 120
GAPS = tomllib.loads((harness.ROOT / "GAPS.toml").read_text())


@dataclass
class Tally:
    calls: int = 0
    migrated: int = 0
    programs: int = 0
    verified: int = 0


TALLY = Tally()


def migrate_folder(folder: Path, settings) -> dict[str, FileResult]:
    results = engine.run(engine.plan([folder]), settings, jobs=1)
    return {str(Path(r.path).relative_to(folder)): r for r in results}


def covering(results: dict[str, FileResult], name: str, line: int) -> list:
    """The findings on a line: reported there, or whose rewrite edits it (a URL composed on
    the line above its call is rewritten where it is written)."""
    result = results.get(name)
    if result is None:
        return []
    on_line = [f for f in result.findings if f.line <= line <= max(f.line, f.end_line)]
    rewriting = [
        f
        for r in results.values()
        for f in r.findings
        if f not in on_line
        and any(Path(e.path or r.path) == Path(result.path) and e.line <= line <= e.end_line for e in f.fix)
    ]
    return on_line + rewriting


def call_line(program: harness.Program, call: harness.Call) -> int:
    if call.cell is None:
        return call.line
    return harness.notebook_cell_line((program.path / call.file).read_bytes(), call.cell, call.line)


@pytest.fixture(scope="module")
def migrated_programs(settings, tmp_path_factory):
    """Each program migrated once, in a copy: (results, folder of the migrated copy)."""
    out = {}
    for program in PROGRAMS:
        copy = tmp_path_factory.mktemp(program.path.name) / program.path.name
        shutil.copytree(program.path, copy)
        results = migrate_folder(copy, settings)
        for name, result in results.items():
            if result.outcome is Outcome.CHANGED:
                (copy / name).write_bytes(result.migrated)
        out[program.name] = (results, copy)
        if not program.negative:
            TALLY.programs += program.runnable
            TALLY.calls += len(program.calls)
            TALLY.migrated += sum(
                1 for c in program.calls if any(f.status is Status.MIGRATED for f in covering(results, c.file, call_line(program, c)))
            )
    return out


def test_the_corpus_is_large_and_varied():
    kinds = {p.kind for p in PROGRAMS}
    assert len([p for p in PROGRAMS if p.kind in ("python", "notebook")]) >= 30
    assert len([p for p in PROGRAMS if p.kind not in ("python", "notebook")]) >= 30
    assert kinds >= {"python", "notebook", "shell", "ci", "makefile", "dockerfile", "markdown"}
    assert sum(p.negative for p in PROGRAMS) >= 5


def test_every_gap_names_a_program():
    assert set(GAPS) <= {p.name for p in PROGRAMS}


@pytest.mark.parametrize(
    "program",
    [pytest.param(p, marks=pytest.mark.xfail(reason=GAPS[p.name], strict=True)) if p.name in GAPS else p for p in PROGRAMS],
    ids=[p.name for p in PROGRAMS],
)
def test_program(program, migrated_programs, settings, table, snapshot):
    results, copy = migrated_programs[program.name]
    failed = {name: r.reason for name, r in results.items() if r.outcome is Outcome.FAILED}
    assert not failed, f"files that fail: {failed}"

    again = migrate_folder(copy, settings)
    assert not [name for name, r in again.items() if r.outcome is Outcome.CHANGED], "a second run changed files"

    if program.negative:
        assert all(r.outcome is Outcome.UNCHANGED for r in results.values())
        assert {f.rule for r in results.values() for f in r.findings} <= {"DM000"}
        return

    missed = [(c.file, call_line(program, c), c.endpoint) for c in program.calls if not covering(results, c.file, call_line(program, c))]
    assert not missed, f"v1 calls with no rewrite and no finding: {missed}"
    silent = []
    for name, result in results.items():
        data = (copy / name).read_bytes()
        if b"datamimic" not in data.lower():
            continue
        for number, line in enumerate(data.splitlines(), start=1):
            if b"api/v1" in line and not covering(results, name, number):
                silent.append((name, number))
    assert not silent, f"api/v1 left with no finding: {silent}"

    if program.runnable:
        problems = _behaviour(program, copy, results, table)
        assert not problems, "\n".join(problems)
        if not [r for r in results.values() for f in r.findings if f.status is not Status.MIGRATED and f.status.blocks]:
            TALLY.verified += 1

    assert _findings(results) == snapshot


def _findings(results: dict[str, FileResult]) -> list[str]:
    return [f"{name}:{f.line}: {f.rule} {f.status.value}" for name, r in sorted(results.items()) for f in r.findings]


def _behaviour(program: harness.Program, copy: Path, results: dict[str, FileResult], table) -> list[str]:
    """What the migrated program does otherwise than the original, not explained by a
    call the migration reported and left on v1."""
    original = program.sources()
    before_driver = harness.driver(program, original)
    before = run_program(program.path, before_driver.command, TIMEOUT, ("v1",), ("*",), before_driver.files)
    assert before.returncode == 0, f"the original does not run against v1: {before.stdout[-2000:]}"
    migrated = {name: (copy / name).read_bytes() for name in original}
    after_driver = harness.driver(program, migrated)
    after = run_program(copy, after_driver.command, TIMEOUT, ("v2",), ("*",), after_driver.files)
    problems = compare(before, after, table, ("*",))
    left = [f for r in results.values() for f in r.findings if f.status is not Status.MIGRATED and f.status.blocks]
    if not problems or not left:
        return problems
    # Calls reported and left on v1 fail against v2 alone. Against a server that still answers
    # both, the program must do all the original did: each request the v2 one or the original
    # left as it was, the same output and exit status. A rewrite that broke the calls around
    # it (a base moved to v2 under a call that stays) shows here.
    mixed = run_program(copy, after_driver.command, TIMEOUT, ("v1", "v2"), ("*",), after_driver.files)
    return compare(before, mixed, table, ("*",), left_on_v1=True)


def summary() -> str | None:
    """The recall figure, for the end of the test run (conftest prints it)."""
    if not TALLY.calls:
        return None
    return (
        f"realistic corpus: {TALLY.migrated}/{TALLY.calls} listed v1 calls migrated ({TALLY.migrated / TALLY.calls:.0%}); "
        f"{TALLY.verified}/{TALLY.programs} runnable programs fully migrated and verified against v2 alone"
    )
