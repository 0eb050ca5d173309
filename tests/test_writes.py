"""Files and writes, tried as a hostile file system tries them: a real process, real
files, changes made between the read and the write, real signals, a full disk.

A race is made deterministic by a driver that runs the real command line and
changes the tree right after the files are read (``BETWEEN``), before any write.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

V1 = b'curl -s "https://acme.datamimic.io/api/v1/$P/info"\n'
V2 = b'curl -s "https://acme.datamimic.io/api/v2/projects/$P"\n'

# The command line, with Python code run once every file has been read and before any is written.
DRIVER = """
import sys
from pathlib import Path
from migrator import cli, engine

read_all, between = engine.run, sys.argv[1]
def run(*args, **kwargs):
    results = read_all(*args, **kwargs)
    exec(between, globals())
    return results
engine.run = run
sys.argv = ["datamimic-migrate", *sys.argv[2:]]
cli.main()
"""


def environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "CI": ""}


def cli(*args: str, cwd: Path, between: str = "", **options) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", DRIVER, between, *args]
    return subprocess.run(command, cwd=cwd, env=environment(), capture_output=True, text=True, timeout=60, **options)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


# ------------------------------------------------------------------ races between read and write


def test_an_edit_saved_during_the_run_is_kept(tmp_path):
    (tmp_path / "a.sh").write_bytes(V1)
    (tmp_path / "b.sh").write_bytes(V1)
    result = cli(".", cwd=tmp_path, between="Path('a.sh').write_bytes(Path('a.sh').read_bytes() + b'echo mine\\n')")
    assert result.returncode == 2
    assert (tmp_path / "a.sh").read_bytes() == V1 + b"echo mine\n"
    assert "a.sh:1:1: DM001 [error] not written: changed since it was read: left as it is; run again" in result.stdout
    assert (tmp_path / "b.sh").read_bytes() == V2  # the run went on
    assert "1 file failed" in result.stderr


def test_an_edit_of_the_same_size_and_time_is_seen(tmp_path):
    script = tmp_path / "a.sh"
    script.write_bytes(V1)
    between = (
        "import os; p = Path('a.sh'); t = os.stat(p).st_mtime_ns;"
        "p.write_bytes(p.read_bytes().replace(b'-s', b'-S')); os.utime(p, ns=(t, t))"
    )
    result = cli(".", cwd=tmp_path, between=between)
    assert result.returncode == 2
    assert script.read_bytes() == V1.replace(b"-s", b"-S")


def test_a_file_swapped_for_a_link_does_not_write_the_links_target(tmp_path):
    outside = tmp_path / "outside.sh"
    outside.write_bytes(b"# not yours\n" + V1)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.sh").write_bytes(V1)
    result = cli(".", cwd=tree, between=f"p = Path('a.sh'); p.unlink(); p.symlink_to({str(outside)!r})")
    assert result.returncode == 2
    assert outside.read_bytes() == b"# not yours\n" + V1
    assert (tree / "a.sh").is_symlink()
    assert "replaced by a symbolic link since it was read" in result.stdout


def test_a_folder_swapped_for_a_link_does_not_write_outside(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.sh").write_bytes(V1)
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "a.sh").write_bytes(V1)
    between = f"import shutil; shutil.rmtree('sub'); Path('sub').symlink_to({str(outside)!r})"
    result = cli(".", cwd=tree, between=between)
    assert result.returncode == 2
    assert (outside / "a.sh").read_bytes() == V1


@pytest.mark.parametrize(
    ("between", "reason"),
    [
        pytest.param("Path('a.sh').unlink()", "deleted since it was read", id="deleted"),
        pytest.param("Path('a.sh').unlink(); Path('a.sh').mkdir()", "replaced by a folder since it was read", id="now-a-folder"),
        pytest.param("import os; Path('a.sh').unlink(); os.mkfifo('a.sh')", "replaced by a FIFO since it was read", id="now-a-fifo"),
    ],
)
def test_a_file_that_cannot_be_written_is_reported_and_the_run_goes_on(tmp_path, between, reason):
    (tmp_path / "a.sh").write_bytes(V1)
    (tmp_path / "b.sh").write_bytes(V1)
    result = cli(".", "--report", "r.json", cwd=tmp_path, between=between)
    assert result.returncode == 2, result.stderr
    assert f"a.sh:1:1: DM001 [error] not written: {reason}" in result.stdout
    assert "Traceback" not in result.stderr
    assert (tmp_path / "b.sh").read_bytes() == V2
    assert "2 files scanned, 1 changed" in result.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert [f["outcome"] for f in report["files"]] == ["failed", "changed"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_folder_is_reported(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "a.sh").write_bytes(V1)
    (tmp_path / "b.sh").write_bytes(V1)
    folder.chmod(0o555)
    try:
        result = cli(".", cwd=tmp_path)
    finally:
        folder.chmod(0o755)
    assert result.returncode == 2
    assert "locked/a.sh:1:1: DM001 [error] not written: cannot write: Permission denied" in result.stdout
    assert (tmp_path / "b.sh").read_bytes() == V2


def test_a_full_disk_is_reported_and_leaves_no_half_file(tmp_path):
    big = b"#" * 3000 + b"\n" + V1
    (tmp_path / "a.sh").write_bytes(big)
    (tmp_path / "b.sh").write_bytes(V1)

    def small_disk() -> None:  # files past 2 KB cannot be written (EFBIG, as ENOSPC would be)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    result = cli(".", cwd=tmp_path, preexec_fn=small_disk)
    assert result.returncode == 2, result.stderr
    assert "a.sh:1:1: DM001 [error] not written: cannot write: File too large" in result.stdout
    assert (tmp_path / "a.sh").read_bytes() == big
    assert (tmp_path / "b.sh").read_bytes() == V2
    assert leftovers(tmp_path) == []


def test_a_full_disk_leaves_a_hard_linked_file_whole(tmp_path):
    big = b"#" * 3000 + b"\n" + V1
    (tmp_path / "a.sh").write_bytes(big)
    os.link(tmp_path / "a.sh", tmp_path / "b.sh")
    (tmp_path / "a.sh").write_bytes(big + b"#" * 20)  # the rewrite is longer than the file was

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (3060, 3060))

    result = cli("a.sh", cwd=tmp_path, preexec_fn=small_disk)
    assert result.returncode == 2, result.stderr
    assert "not written: cannot write: File too large" in result.stdout
    assert (tmp_path / "b.sh").read_bytes() == big + b"#" * 20


# ------------------------------------------------------------------ what a file is, kept


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_owner_group_and_mode_are_kept(tmp_path):
    script = tmp_path / "a.sh"
    script.write_bytes(V1)
    os.chown(script, 65534, 65534)
    script.chmod(0o640)
    assert cli(".", cwd=tmp_path).returncode == 1
    info = script.stat()
    assert script.read_bytes() == V2
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (65534, 65534, 0o640)


def test_extended_attributes_are_kept(tmp_path):
    script = tmp_path / "a.sh"
    script.write_bytes(V1)
    try:
        os.setxattr(script, "user.origin", b"vendored")
    except OSError as exc:
        pytest.skip(f"this file system keeps no user extended attributes: {exc}")
    assert cli(".", cwd=tmp_path).returncode == 1
    assert script.read_bytes() == V2
    assert os.getxattr(script, "user.origin") == b"vendored"


def test_hard_links_stay_linked_and_are_migrated_once(tmp_path):
    first = tmp_path / "a.sh"
    first.write_bytes(V1)
    os.link(first, tmp_path / "b.sh")
    result = cli(".", cwd=tmp_path)
    assert result.returncode == 1
    assert "1 file scanned, 1 changed" in result.stderr
    assert first.read_bytes() == (tmp_path / "b.sh").read_bytes() == V2
    assert os.path.samefile(first, tmp_path / "b.sh")
    assert leftovers(tmp_path) == []


def test_read_only_files_are_left_unless_asked(tmp_path):
    script = tmp_path / "a.sh"
    script.write_bytes(V1)
    script.chmod(0o444)
    left = cli(".", cwd=tmp_path)
    assert left.returncode == 1  # its call is still to migrate
    assert script.read_bytes() == V1
    assert "a.sh:1:1: DM001 [review] not written: read-only (mode 0444): left as it is; --force-readonly writes it" in left.stdout
    assert "[fixable]" in left.stdout
    forced = cli("--force-readonly", ".", cwd=tmp_path)
    assert forced.returncode == 1
    assert script.read_bytes() == V2
    assert stat.S_IMODE(script.stat().st_mode) == 0o444


# ------------------------------------------------------------------ files that are not files


def test_fifos_sockets_and_devices_are_skipped_with_a_note(tmp_path):
    os.mkfifo(tmp_path / "pipe.sh")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "sock.sh"))
    (tmp_path / "a.sh").write_bytes(V1)
    try:
        named = cli("pipe.sh", "sock.sh", "/dev/zero", "a.sh", cwd=tmp_path)
        walked = cli(".", cwd=tmp_path)
    finally:
        server.close()
    assert named.returncode == 1, named.stderr
    assert "pipe.sh: skipped: a FIFO, not a regular file: not read" in named.stdout
    assert "sock.sh: skipped: a socket, not a regular file: not read" in named.stdout
    assert "/dev/zero: skipped: a character device, not a regular file: not read" in named.stdout
    assert "pipe.sh: skipped: a FIFO" in walked.stdout
    assert (tmp_path / "a.sh").read_bytes() == V2


def test_an_excluded_folder_is_not_reported_for_its_fifos(tmp_path):
    (tmp_path / "vendor").mkdir()
    os.mkfifo(tmp_path / "vendor" / "pipe.sh")
    (tmp_path / "a.sh").write_bytes(V1)
    result = cli("--check", "--exclude", "vendor", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "pipe.sh" not in result.stdout
    assert "1 file scanned" in result.stderr


def test_verify_skips_a_fifo(tmp_path):
    os.mkfifo(tmp_path / "pipe.sh")
    result = cli("verify", "pipe.sh", cwd=tmp_path)
    assert "pipe.sh: skipped: a FIFO, not a regular file: not read" in result.stderr


# ------------------------------------------------------------------ names that are not UTF-8


@pytest.fixture
def latin1_tree(tmp_path):
    name = os.fsencode(tmp_path) + b"/caf\xe9.sh"
    with open(name, "wb") as stream:
        stream.write(b"# caf\xe9\n" + V1)
    return tmp_path


def test_a_name_that_is_not_utf8_is_written_readably(latin1_tree):
    result = cli("--check", ".", cwd=latin1_tree)
    assert result.returncode == 1, result.stderr
    assert "caf\\xe9.sh:2:1: DM112 [fixable]" in result.stdout
    migrated = cli(".", cwd=latin1_tree)
    assert migrated.returncode == 1
    with open(os.fsencode(latin1_tree) + b"/caf\xe9.sh", "rb") as stream:
        assert stream.read() == b"# caf\xe9\n" + V2


@pytest.mark.parametrize("report", ["r.md", "r.html", "r.json", "r.sarif"])
def test_every_report_format_takes_a_name_that_is_not_utf8(latin1_tree, report):
    result = cli("--check", "--report", report, ".", cwd=latin1_tree)
    assert result.returncode == 1, result.stderr
    text = (latin1_tree / report).read_text(encoding="utf-8")
    assert "caf\\xe9.sh" in text or "caf\\\\xe9.sh" in text
    if report.endswith((".json", ".sarif")):
        json.loads(text)


def test_github_annotations_take_a_name_that_is_not_utf8(latin1_tree):
    result = cli("--check", "--output-format", "github", ".", cwd=latin1_tree)
    assert "file=caf\\xe9.sh" in result.stdout


# ------------------------------------------------------------------ temporary files


def test_a_stale_temporary_file_is_never_read_and_a_later_run_removes_it(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f".a.sh.datamimic-migrate-{dead.pid}-abc123.tmp"
    stale.write_bytes(b"#!/bin/sh\n" + V1)
    live = tmp_path / f".b.sh.datamimic-migrate-{os.getpid()}-abc123.tmp"
    live.write_bytes(b"#!/bin/sh\n" + V1)
    checked = cli("--check", ".", cwd=tmp_path)
    assert checked.returncode == 0 and ".tmp" not in checked.stdout
    assert stale.exists()  # --check writes nothing, not even a clean-up
    written = cli(".", cwd=tmp_path)
    assert not stale.exists()
    assert live.read_bytes() == b"#!/bin/sh\n" + V1  # its writer still runs
    assert f"removed {stale.name}" in written.stderr


# The write blocks once its temporary file is complete, so that a signal lands mid-write.
SLOW_WRITE = "import os, time\nsync = os.fsync\ndef slow(fd):\n    sync(fd); print('writing', file=sys.stderr, flush=True); time.sleep(60)\nos.fsync = slow"


@pytest.mark.parametrize(
    ("number", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGHUP, 129)], ids=["SIGINT", "SIGTERM", "SIGHUP"]
)
def test_a_signal_during_a_write_leaves_no_temporary_file(tmp_path, number, code):
    (tmp_path / "a.sh").write_bytes(V1)
    command = [sys.executable, "-c", DRIVER, SLOW_WRITE, "."]
    process = subprocess.Popen(command, cwd=tmp_path, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr.readline() == "writing\n"
        assert len(leftovers(tmp_path)) == 1
        process.send_signal(number)
        process.wait(timeout=30)
    finally:
        process.kill()
    assert process.returncode == code
    assert leftovers(tmp_path) == []
    assert (tmp_path / "a.sh").read_bytes() == V1


# ------------------------------------------------------------------ --annotate


def annotate(tmp_path: Path, name: str, source: bytes) -> bytes:
    (tmp_path / name).write_bytes(source)
    cli("--annotate", name, cwd=tmp_path)
    first = (tmp_path / name).read_bytes()
    cli("--annotate", name, cwd=tmp_path)
    assert (tmp_path / name).read_bytes() == first, "a second --annotate run changed the file"
    return first


TASK = b'curl -s "https://acme.datamimic.io/api/v1/$P/tasks/$T"'


def todo_lines(result: bytes, source: bytes) -> list[int]:
    """The line numbers (0-based) of the TODO lines; the rest must be the source as it was."""
    lines = result.split(b"\n")
    at = [i for i, line in enumerate(lines) if line.lstrip(b" \t").startswith(b"# TODO(datamimic-v2): DM")]
    assert b"\n".join(line for i, line in enumerate(lines) if i not in at) == source
    return at


@pytest.mark.parametrize("string", [b"'start\nend'", b'"start\nend"', b"$'start\nend'"], ids=["single", "double", "ansi-c"])
def test_annotate_never_writes_inside_a_shell_string(tmp_path, string):
    source = b"echo " + string + b"; " + TASK + b"\n"
    assert todo_lines(annotate(tmp_path, "a.sh", source), source) == [0]


def test_annotate_never_writes_inside_a_python_string(tmp_path):
    source = b'import requests\nX = """doc\n""" + requests.get("https://acme.datamimic.io/api/v1/p/tasks/t").text\n'
    assert todo_lines(annotate(tmp_path, "a.py", source), source) == [1]


def test_annotate_puts_the_line_above_a_continued_command(tmp_path):
    source = b"A=1 \\\n  B=2 " + TASK + b"\n"
    assert todo_lines(annotate(tmp_path, "a.sh", source), source) == [0]


def test_annotate_keeps_crlf_and_counts_lines_as_the_findings_do(tmp_path):
    # A lone CR inside a string is no line end: the TODO goes above line 3, not into line 2.
    source = b'#!/bin/sh\r\nX="a\rb"\r\n' + TASK + b"\r\n"
    result = annotate(tmp_path, "a.sh", source)
    assert todo_lines(result, source) == [2]
    assert result.split(b"\n")[2].endswith(b"\r")


def test_annotate_is_idempotent_on_a_markdown_block_that_does_not_parse(tmp_path):
    source = b"# Doc\n\n```bash\nif then (\n" + TASK + b"\n```\n"
    assert len(todo_lines(annotate(tmp_path, "doc.md", source), source)) == 1


def test_annotate_in_a_makefile_recipe_keeps_the_recipe(tmp_path):
    source = b"all:\n\t" + TASK.replace(b"$", b"$$") + b"\n"
    assert todo_lines(annotate(tmp_path, "Makefile", source), source) == [0]


def test_signals_stop_a_run_that_reads_a_slow_tree(tmp_path):
    """Ctrl-C while reading (not writing) exits 130 too, with no traceback."""
    (tmp_path / "a.sh").write_bytes(V1)
    slow = "import time\nprint('reading', file=sys.stderr, flush=True); time.sleep(60)"
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, slow, "."], cwd=tmp_path, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stderr.readline() == "reading\n"
        time.sleep(0.1)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130
    assert "Traceback" not in err
    assert (tmp_path / "a.sh").read_bytes() == V1
