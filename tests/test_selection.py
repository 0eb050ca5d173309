"""Which files a run reads and which rules each gets: --exclude and ``exclude``, the
``ignore-file`` comment and ``per-file-ignores``, as ruff reads its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_shell, statuses

from migrator.globs import Glob

V1 = 'curl -s "https://acme.datamimic.io/api/v1/$P/info"\n'
V2 = 'curl -s "https://acme.datamimic.io/api/v2/projects/$P"\n'
TASK = "curl -s https://acme.datamimic.io/api/v1/p/task/t | jq .task_count\n"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "migrator", *args], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        pytest.param("legacy", "legacy/a.sh", True, id="name-of-a-folder"),
        pytest.param("legacy", "src/legacy/deep/a.sh", True, id="name-anywhere-below"),
        pytest.param("*.generated.sh", "src/x.generated.sh", True, id="name-glob"),
        pytest.param("legacy", "legacy.sh", False, id="name-is-whole"),
        pytest.param("scripts/old", "scripts/old/a.sh", True, id="path-takes-the-folder"),
        pytest.param("scripts/old/", "scripts/old/a.sh", True, id="trailing-slash"),
        pytest.param("./scripts/*.sh", "scripts/a.sh", True, id="leading-dot-slash"),
        pytest.param("scripts/*.sh", "scripts/sub/a.sh", True, id="star-crosses-slashes-as-in-ruff"),
        pytest.param("scripts/old", "other/scripts/old/a.sh", False, id="path-is-anchored"),
        pytest.param("**/old/*.sh", "old/a.sh", True, id="double-star-at-the-root"),
        pytest.param("**/old/*.sh", "x/old/a.sh", True, id="double-star-below"),
        pytest.param("build", "../build/a.sh", False, id="not-above-the-root"),
    ],
)
def test_patterns(pattern, path, matches, tmp_path):
    root = tmp_path / "project"
    assert Glob.of(pattern, root).matches(root / path) is matches


def test_exclude_on_the_command_line_leaves_files_and_folders_out(tmp_path):
    for name in ("keep.sh", "legacy/a.sh", "scripts/old/b.sh", "scripts/new/c.sh"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(V1)
    result = cli("--check", "--exclude", "legacy", "--exclude", "scripts/old", ".", cwd=tmp_path)
    assert sorted(line.split(":")[0] for line in result.stdout.splitlines()) == ["keep.sh", "scripts/new/c.sh"]
    assert "2 files scanned" in result.stderr


def test_exclude_applies_to_files_named_on_the_command_line(tmp_path):
    """pre-commit names every staged file: an exclude that let them through would not hold there."""
    (tmp_path / "gen").mkdir()
    (tmp_path / "gen" / "a.sh").write_text(V1)
    (tmp_path / "pyproject.toml").write_text('[tool.datamimic-migrate]\nexclude = ["gen/"]\n')
    result = cli("gen/a.sh", cwd=tmp_path)
    assert result.returncode == 0
    assert (tmp_path / "gen" / "a.sh").read_text() == V1


def test_pyproject_patterns_are_relative_to_its_folder(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.datamimic-migrate]\nexclude = ["tools/old"]\n')
    (tmp_path / "tools" / "old").mkdir(parents=True)
    (tmp_path / "tools" / "old" / "a.sh").write_text(V1)
    (tmp_path / "tools" / "b.sh").write_text(V1)
    result = cli("--check", ".", cwd=tmp_path / "tools")
    assert result.stdout.startswith("b.sh:1:1: DM112")
    assert "1 file scanned" in result.stderr


def test_ignore_file_comment_leaves_the_whole_file(settings):
    result = run_shell("# datamimic-migrate: ignore-file\n" + V1 + TASK, settings)
    assert result.outcome.value == "unchanged" and result.findings == ()


def test_ignore_file_with_rules_leaves_only_those(settings):
    result = run_shell("# datamimic-migrate: ignore-file[DM107]\n" + V1 + TASK, settings)
    assert result.migrated.decode() == "# datamimic-migrate: ignore-file[DM107]\n" + V2 + TASK
    assert statuses(result) == [("DM112", "migrated")]


def test_ignore_file_with_rules_is_not_a_line_ignore_of_every_rule(settings):
    """"ignore-file[DM107]" starts like "ignore": the line after it must still migrate."""
    result = run_shell("#!/bin/sh\n# datamimic-migrate: ignore-file[DM107]\n" + V1, settings)
    assert result.outcome.value == "changed"


def test_per_file_ignores_in_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.datamimic-migrate.per-file-ignores]\n"ops/*.sh" = ["DM107", "dm112"]\n'
    )
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "a.sh").write_text(V1 + TASK)
    (tmp_path / "b.sh").write_text(V1 + TASK)
    result = cli("--check", ".", cwd=tmp_path)
    assert "ops/a.sh" not in result.stdout
    assert "b.sh:1:1: DM112 [fixable]" in result.stdout and "b.sh:2:1: DM107 [review]" in result.stdout


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('exclude = "legacy"', "exclude must be a list of file patterns, not the string 'legacy'"),
        ('per-file-ignores = ["a"]', "per-file-ignores must be a table of file pattern = [rule ids], not the list ['a']"),
        ('per-file-ignores = {"a.sh" = "DM107"}', "per-file-ignores must be a table of file pattern = [rule ids], not the table {'a.sh': 'DM107'}"),
    ],
)
def test_wrong_types_are_configuration_errors(toml, message, tmp_path):
    (tmp_path / "pyproject.toml").write_text(f"[tool.datamimic-migrate]\n{toml}\n")
    result = cli(".", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
