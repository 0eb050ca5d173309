"""Never lose a byte: encodings, BOM, line endings, final newline, file mode, atomic writes."""

from __future__ import annotations

import os
import stat

import pytest
from conftest import run_shell

from migrator import engine, files
from migrator.findings import Outcome

V1 = b'curl -s "https://acme.datamimic.io/api/v1/$P/info"'
V2 = b'curl -s "https://acme.datamimic.io/api/v2/projects/$P"'


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(V1 + b"\n", V2 + b"\n", id="plain"),
        pytest.param(V1, V2, id="no-final-newline"),
        pytest.param(b"\xef\xbb\xbf" + V1 + b"\r\n", b"\xef\xbb\xbf" + V2 + b"\r\n", id="bom-crlf"),
        pytest.param(b"# caf\xe9 latin-1\n" + V1 + b"\n", b"# caf\xe9 latin-1\n" + V2 + b"\n", id="not-utf8"),
        pytest.param(
            "# \u00fcber \U0001f600\n".encode() + V1 + " # \u00e9\n".encode(),
            "# \u00fcber \U0001f600\n".encode() + V2 + " # \u00e9\n".encode(),
            id="utf8-before-edit",
        ),
        pytest.param(b"echo hi\r\n\r\n" + V1 + b"\r\n# tail\r\n", b"echo hi\r\n\r\n" + V2 + b"\r\n# tail\r\n", id="crlf-around"),
    ],
)
def test_untouched_bytes_stay(before, after, settings):
    result = run_shell(before, settings)
    assert result.migrated == after


def test_file_mode_is_kept_and_write_is_atomic(tmp_path, settings):
    script = tmp_path / "run.sh"
    script.write_bytes(V1 + b"\n")
    script.chmod(0o751)
    result = engine.migrate_path(script, settings)
    [written] = engine.write([result])
    assert written.outcome is Outcome.CHANGED
    assert script.read_bytes() == V2 + b"\n"
    assert stat.S_IMODE(script.stat().st_mode) == 0o751
    assert [p.name for p in tmp_path.iterdir()] == ["run.sh"]  # no temporary file left


def test_failed_write_leaves_the_file(tmp_path, monkeypatch, settings):
    script = tmp_path / "run.sh"
    script.write_bytes(V1 + b"\n")
    result = engine.migrate_path(script, settings)

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    [written] = engine.write([result])
    assert written.outcome is Outcome.FAILED
    assert written.reason == "cannot write: No space left on device"
    assert script.read_bytes() == V1 + b"\n"
    assert [p.name for p in tmp_path.iterdir()] == ["run.sh"]


def test_files_are_chosen_by_extension_and_shebang(tmp_path, settings):
    (tmp_path / "a.sh").write_bytes(V1)
    (tmp_path / "deploy").write_bytes(b"#!/usr/bin/env bash\n" + V1)
    (tmp_path / "notes.txt").write_bytes(V1)
    (tmp_path / "bin.sh").write_bytes(b"\0\0" + V1)
    results = {os.path.basename(r.path): r for r in engine.run(engine.plan([tmp_path]), settings, jobs=1)}
    assert set(results) == {"a.sh", "deploy", "bin.sh"}
    assert results["a.sh"].outcome is Outcome.CHANGED
    assert results["deploy"].outcome is Outcome.CHANGED
    assert results["bin.sh"].outcome is Outcome.SKIPPED
    assert "binary" in results["bin.sh"].reason


def test_large_files_are_skipped(tmp_path, settings):
    (tmp_path / "big.sh").write_bytes(V1 + b"\n#" * 10)
    small = settings.__class__(settings.table, max_file_size=len(V1))
    [result] = engine.run(engine.plan([tmp_path]), small, jobs=1)
    assert result.outcome is Outcome.SKIPPED
    assert result.reason == f"larger than {len(V1)} bytes (max-file-size)"


def test_gitignored_files_are_not_walked(tmp_path, settings):
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("build/\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "gen.sh").write_bytes(V1)
    (tmp_path / "keep.sh").write_bytes(V1)
    names = [p.name for p, _ in engine.plan([tmp_path])]
    assert "keep.sh" in names and "gen.sh" not in names


def test_one_bad_file_does_not_stop_the_run(tmp_path, settings):
    (tmp_path / "bad.sh").write_bytes(V1 + b"\nif then (\n")
    (tmp_path / "good.sh").write_bytes(V1 + b"\n")
    results = engine.run(engine.plan([tmp_path]), settings, jobs=1)
    assert [r.outcome for r in results] == [Outcome.FAILED, Outcome.CHANGED]
    assert (tmp_path / "bad.sh").read_bytes() == V1 + b"\nif then (\n"


def test_parallel_run_gives_the_same_results(tmp_path, settings):
    for i in range(40):
        (tmp_path / f"s{i:02}.sh").write_bytes(V1 + b"\n" if i % 2 else b"echo nothing\n")
    serial = engine.run(engine.plan([tmp_path]), settings, jobs=1)
    parallel = engine.run(engine.plan([tmp_path]), settings, jobs=2)
    assert serial == parallel


def test_files_without_a_candidate_are_not_parsed(settings, monkeypatch):
    import migrator.shell.migrate as shell

    def explode(*args):
        raise AssertionError("parsed")

    monkeypatch.setattr(shell, "parse", explode)
    assert run_shell(b"curl https://acme.datamimic.io/api/v2/x\n", settings).outcome is Outcome.UNCHANGED


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"#!/bin/bash\n", "bash"),
        (b"#!/usr/bin/env bash\n", "bash"),
        (b"#! /bin/sh -e\n", "sh"),
        (b"#!/usr/bin/env -S zsh -f\n", "zsh"),
        (b"#!/usr/bin/python3\n", "python3"),
        (b"echo\n", None),
    ],
)
def test_interpreter(head, kind):
    assert files.interpreter(head) == kind


def test_a_symbolic_link_stays_a_link(tmp_path, settings):
    target = tmp_path / "real.sh"
    target.write_bytes(V1 + b"\n")
    link = tmp_path / "link.sh"
    link.symlink_to(target)
    result = engine.migrate_path(link, settings, explicit=True)
    engine.write([result])
    assert link.is_symlink()
    assert target.read_bytes() == V2 + b"\n"
