"""Runs, processes and limits: real signals to a real process and its workers, input
built to crash a parser or to keep it busy, real git with a hostile config."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

V1 = 'curl -s "https://acme.datamimic.io/api/v1/$P/info"\n'
V2 = 'curl -s "https://acme.datamimic.io/api/v2/projects/$P"\n'
PY_V1 = 'import requests\nrequests.get(f"https://acme.datamimic.io/api/v1/{p}/info")\n'

# The command line with Python code run first (in the main process, so in forked workers too).
DRIVER = """
import sys
exec(sys.argv[1], globals())
from migrator import cli
sys.argv = ["datamimic-migrate", *sys.argv[2:]]
cli.main()
"""


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "CI": ""}


def cli(*args: str, cwd: Path, before: str = "", **options) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", DRIVER, before, *args]
    options = {"env": environment(), "timeout": 120, **options}
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, **options)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead, only not yet waited for
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


# ------------------------------------------------------------------ signals


# Workers (forked, so they run this too) write their pid and then take a long time.
SLOW_WORKERS = """
import multiprocessing, os, time
multiprocessing.set_start_method("fork", force=True)
from pathlib import Path
from migrator import engine
def slow(*args):
    Path(f"workers/{os.getpid()}").touch()
    time.sleep(120)
engine.migrate_source = slow
"""


def start_slow_run(tmp_path: Path) -> tuple[subprocess.Popen, list[int]]:
    for i in range(20):
        (tmp_path / f"s{i:02}.sh").write_text(V1)
    (tmp_path / "workers").mkdir()
    command = [sys.executable, "-c", DRIVER, SLOW_WORKERS, "--jobs", "2", "."]
    process = subprocess.Popen(command, cwd=tmp_path, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(list((tmp_path / "workers").iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = [int(p.name) for p in (tmp_path / "workers").iterdir()]
    assert len(workers) == 2 and all(alive(pid) for pid in workers)
    return process, workers


def gone(pids: list[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(alive(pid) for pid in pids)


@pytest.mark.parametrize(
    ("number", "code"),
    [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGKILL, -signal.SIGKILL)],
    ids=["SIGINT", "SIGTERM", "SIGKILL"],
)
def test_workers_die_with_their_parent(tmp_path, number, code):
    process, workers = start_slow_run(tmp_path)
    try:
        process.send_signal(number)
        _, err = process.communicate(timeout=30)
        assert process.returncode == code
        assert gone(workers), "a worker outlived the run"
        assert b"Traceback" not in err
    finally:
        process.kill()
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


# ------------------------------------------------------------------ input that crashes or stalls a parser


@pytest.mark.parametrize(
    ("code", "message"),
    [
        pytest.param("x = " + "(" * 1500 + "1" + ")" * 1500, "line 2: brackets nested more than 200 deep", id="brackets"),
        pytest.param("x = [" * 1500 + "]" * 1500, "line 2: brackets nested more than 200 deep", id="lists"),
        pytest.param('x = f"{' + "(" * 1500 + "1" + ")" * 1500 + '}"', "line 2: brackets nested more than 200 deep", id="f-string"),
        pytest.param("x = " + "-" * 20000 + "1", "line 2: an expression chained more than 200 deep", id="unary"),
        pytest.param("x = a" + "[0]" * 5000, "line 2: an expression chained more than 200 deep", id="subscripts"),
    ],
)
def test_python_nested_past_what_libcst_survives_is_reported(tmp_path, code, message):
    (tmp_path / "deep.py").write_text(PY_V1.split("\n")[0] + "\n" + code + "\n" + PY_V1.split("\n")[1] + "\n")
    (tmp_path / "a.sh").write_text(V1)
    result = cli(".", cwd=tmp_path)
    assert result.returncode == 2, result.stderr[-2000:]
    assert f"deep.py:1:1: DM001 [error] cannot parse: {message}" in result.stdout
    assert (tmp_path / "a.sh").read_text() == V2


def test_deep_nesting_in_workers_and_in_markdown_is_reported(tmp_path):
    for i in range(20):
        (tmp_path / f"s{i:02}.py").write_text(PY_V1)
    (tmp_path / "deep.py").write_text(PY_V1 + "x = " + "(" * 1500 + ")" * 1500 + "\n")
    (tmp_path / "doc.md").write_text("```python\n" + PY_V1 + "x = " + "(" * 1500 + ")" * 1500 + "\n```\n")
    result = cli("--jobs", "2", "--check", ".", cwd=tmp_path)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "deep.py:1:1: DM001 [error] cannot parse: line 3: brackets nested" in result.stdout
    assert "doc.md:2:1: DM001 [review] this python code does not parse (line 3: brackets nested" in result.stdout
    assert "20 calls to migrate" in result.stderr or "22 calls to migrate" in result.stderr


def test_brackets_inside_strings_and_comments_are_not_nesting(tmp_path):
    text = "x = '" + "(" * 500 + "'  # " + "[" * 500 + "\ny = \"\"\"" + "{" * 500 + '"""\n'
    (tmp_path / "a.py").write_text(PY_V1 + text)
    result = cli("--check", "a.py", cwd=tmp_path)
    assert result.returncode == 1
    assert "[fixable]" in result.stdout


def test_a_worker_that_dies_costs_its_file_only(tmp_path):
    for i in range(20):
        (tmp_path / f"s{i:02}.sh").write_text(V1)
    crash = """
import multiprocessing, os, signal
multiprocessing.set_start_method("fork", force=True)
from migrator import engine
migrate = engine.migrate_source
def crashing(path, *args):
    if path.endswith("s07.sh"):
        os.kill(os.getpid(), signal.SIGSEGV)
    return migrate(path, *args)
engine.migrate_source = crashing
"""
    result = cli("--jobs", "2", ".", cwd=tmp_path, before=crash)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "s07.sh:1:1: DM001 [error] the parser crashed on this file (signal SIGSEGV); it is left untouched" in result.stdout
    assert (tmp_path / "s07.sh").read_text() == V1
    assert all((tmp_path / f"s{i:02}.sh").read_text() == V2 for i in range(20) if i != 7)


def test_a_yaml_alias_bomb_is_read_in_a_moment(tmp_path):
    lines = ['a: &a ["curl https://acme.datamimic.io/api/v1/$P/info"]']
    for previous, name in zip("abcdefghi", "bcdefghij"):
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    lines.append("job:\n  script: *j")
    (tmp_path / ".gitlab-ci.yml").write_text("\n".join(lines) + "\n")
    assert (tmp_path / ".gitlab-ci.yml").stat().st_size < 1000
    result = cli("--check", ".", cwd=tmp_path, timeout=30)
    assert result.returncode == 1
    assert result.stdout.count("DM003") == 1  # the one quoted step, reported once


def test_a_script_an_alias_repeats_is_migrated_once(tmp_path):
    (tmp_path / ".gitlab-ci.yml").write_text(f".setup: &setup\n  - {V1}job:\n  script:\n    - *setup\n    - echo\nother:\n  script: *setup\n")
    assert cli(".", cwd=tmp_path).returncode == 1
    assert (tmp_path / ".gitlab-ci.yml").read_text() == f".setup: &setup\n  - {V2}job:\n  script:\n    - *setup\n    - echo\nother:\n  script: *setup\n"


def test_jobs_is_capped_at_the_cores(tmp_path):
    for i in range(20):
        (tmp_path / f"s{i:02}.sh").write_text(V1)
    result = cli("--jobs", "300", "--check", ".", cwd=tmp_path)
    assert result.returncode == 1
    cores = len(os.sched_getaffinity(0))
    assert f"--jobs 300 lowered to {cores}, the cores this process may use" in result.stderr


# ------------------------------------------------------------------ git


@pytest.fixture
def repository(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("needs git")
    work = tmp_path / "repo"
    work.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=work, check=True)
    (work / ".gitignore").write_text("build/\n*.gen.sh\n!keep.gen.sh\n")
    (work / "build").mkdir()
    (work / "build" / "out.sh").write_text(V1)
    (work / "x.gen.sh").write_text(V1)
    (work / "keep.gen.sh").write_text(V1)
    (work / "sub").mkdir()
    (work / "sub" / ".gitignore").write_text("local.sh\n")
    (work / "sub" / "local.sh").write_text(V1)
    (work / "sub" / "a.gen.sh").write_text(V1)  # ignored by the .gitignore above its folder
    (work / "sub" / "a.sh").write_text(V1)
    (work / ".git" / "info").mkdir(exist_ok=True)
    (work / ".git" / "info" / "exclude").write_text("sub/private.sh\n")
    (work / "sub" / "private.sh").write_text(V1)
    return work


EXPECTED = ["keep.gen.sh", "sub/a.sh"]


def changed(result: subprocess.CompletedProcess[str]) -> list[str]:
    return sorted(line.split(":")[0] for line in result.stdout.splitlines() if "[fixable]" in line)


def test_git_runs_nothing_the_scanned_repository_configures(repository, tmp_path):
    marker = tmp_path / "ran"
    hook = tmp_path / "fsmonitor.sh"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    subprocess.run(["git", "config", "core.fsmonitor", str(hook)], cwd=repository, check=True)
    result = cli("--check", ".", cwd=repository)
    assert not marker.exists(), "the repository's core.fsmonitor ran"
    assert changed(result) == EXPECTED


def test_gitignore_is_honoured_without_git(repository, tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    for tool in ("sh", "env"):
        if shutil.which(tool):
            (bare / tool).symlink_to(shutil.which(tool))
    result = cli("--check", ".", cwd=repository, env={**environment(), "PATH": str(bare)})
    assert changed(result) == EXPECTED


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the repository to another user")
def test_gitignore_is_honoured_when_git_refuses_the_repository(repository):
    subprocess.run(["chown", "-R", "65534:65534", str(repository)], check=True)
    refused = subprocess.run(["git", "ls-files"], cwd=repository, capture_output=True, text=True)
    assert "dubious ownership" in refused.stderr
    result = cli("--check", ".", cwd=repository)
    assert changed(result) == EXPECTED


def test_gitignore_is_honoured_in_a_subfolder_without_git(repository, tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    result = cli("--check", "sub", cwd=repository, env={**environment(), "PATH": str(bare)})
    assert changed(result) == ["sub/a.sh"]


# ------------------------------------------------------------------ --check: skipped is not clean


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        pytest.param("big.sh", V1.encode() + b"#" * 200, "larger than 100 bytes (max-file-size)", id="too-large"),
        pytest.param("late.sh", b"#" * 200 + V1.encode(), "larger than 100 bytes (max-file-size)", id="v1-past-the-limit"),
        pytest.param("bin.sh", b"\0\0" + V1.encode(), "binary file", id="binary"),
        pytest.param("wide.sh", V1.encode("utf-16"), "UTF-16 text, which the migrator does not rewrite", id="utf-16"),
    ],
)
def test_a_skipped_file_that_holds_v1_calls_is_a_finding(tmp_path, name, data, reason):
    if "max-file-size" in reason:
        (tmp_path / "pyproject.toml").write_text("[tool.datamimic-migrate]\nmax-file-size = 100\n")
    (tmp_path / name).write_bytes(data)
    result = cli("--check", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert f"{name}:1:1: DM001 [review] holds a v1 call but is not migrated: {reason}; migrate it by hand" in result.stdout


def test_a_skipped_file_without_v1_calls_is_no_finding(tmp_path):
    (tmp_path / "bin.sh").write_bytes(b"\0\0echo hi\n")
    result = cli("--check", ".", cwd=tmp_path)
    assert result.returncode == 0
    assert "bin.sh: skipped: binary file" in result.stdout
