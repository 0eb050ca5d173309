"""The pre-commit hook, run by the real pre-commit in a real git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

V1 = 'curl -s "https://acme.datamimic.io/api/v1/$P/info"\n'
V2 = 'curl -s "https://acme.datamimic.io/api/v2/projects/$P"\n'


def git(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> tuple[Path, str]:
    """This project as a git repository pre-commit can clone, at a commit of the working tree."""
    copy = tmp_path_factory.mktemp("hook-repo")
    shutil.copytree(ROOT, copy, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".venv", "__pycache__", "*.egg-info", ".git"))
    for command in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "hook"]):
        assert git(*command, cwd=copy).returncode == 0
    return copy, git("rev-parse", "HEAD", cwd=copy).stdout.strip()


@pytest.fixture
def work(project, tmp_path) -> tuple[Path, dict[str, str]]:
    """A repository whose commits run the hook, and the environment to commit in."""
    repo_path, revision = project
    work = tmp_path / "work"
    work.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    git("init", "-q", cwd=work)
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo_path}\n    rev: {revision}\n    hooks:\n      - id: datamimic-migrate\n"
    )
    install = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=work, env=env, capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    return work, env


def test_hook_rewrites_and_fails_the_commit_then_passes(work):
    work, env = work
    (work / "deploy.sh").write_text("#!/bin/sh\n" + V1)
    git("add", "-A", cwd=work)

    first = subprocess.run(["git", "commit", "-qm", "v1 call"], cwd=work, env=env, capture_output=True, text=True)
    assert first.returncode != 0, first.stdout + first.stderr
    assert "DM112" in first.stdout + first.stderr
    assert (work / "deploy.sh").read_text() == "#!/bin/sh\n" + V2

    git("add", "-A", cwd=work)
    second = subprocess.run(["git", "commit", "-qm", "v2 call"], cwd=work, env=env, capture_output=True, text=True)
    assert second.returncode == 0, second.stdout + second.stderr


def test_one_hook_run_sees_the_whole_commit_and_prints_one_summary(work):
    """require_serial: pre-commit would otherwise split the files over one process per core."""
    work, env = work
    for number in range(8):
        (work / f"deploy{number}.sh").write_text("#!/bin/sh\n" + V1)
    git("add", "-A", cwd=work)
    commit = subprocess.run(["git", "commit", "-qm", "v1 calls"], cwd=work, env=env, capture_output=True, text=True)
    output = commit.stdout + commit.stderr
    assert commit.returncode != 0
    summaries = [line for line in output.splitlines() if line.startswith("datamimic-migrate:")]
    # The eight scripts and .pre-commit-config.yaml (YAML is read for v1 URLs too).
    assert summaries == ["datamimic-migrate: 9 files scanned, 8 changed, 8 calls migrated."], output


def test_the_hook_sees_files_the_migrator_reports_but_does_not_rewrite(work):
    """.env and .http files have no common pre-commit type: the hook takes every text file."""
    work, env = work
    (work / ".env.example").write_text("DATAMIMIC_FILES=https://acme.datamimic.io/api/v1/demo/files\n")
    (work / "notes.txt").write_text("nothing to see\n")
    git("add", "-A", cwd=work)
    commit = subprocess.run(["git", "commit", "-qm", "env"], cwd=work, env=env, capture_output=True, text=True)
    assert commit.returncode != 0
    assert ".env.example:1:17: DM004 [review]" in commit.stdout + commit.stderr
