"""``verify``: the migrated script must do against v2 what the original did against v1."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

from migrator.verify.emulator import PROJECT
from migrator.verify.run import verify

SCRIPT = """\
API="$DATAMIMIC_URL/api/v1/$PROJECT_ID"
curl -s "$API/task/$TASK_ID/log" -H "Authorization: Bearer $TOKEN"
"""


def findings(result):
    """A result's findings but the note a machine without bubblewrap adds to every run."""
    from migrator.verify import sandbox as sandboxes

    return tuple(f for f in result.findings if f.message != sandboxes.best().note)


def test_a_correct_migration_behaves_the_same(table, tmp_path):
    migrated = SCRIPT.replace("api/v1/$PROJECT_ID", "api/v2/projects/$PROJECT_ID").replace("task/$TASK_ID/log", "tasks/$TASK_ID/logs?encode=false")
    result = verify(tmp_path / "s.sh", "shell", SCRIPT.encode(), migrated.encode(), table, timeout=30)
    assert findings(result) == ()


def test_a_wrong_migration_is_caught(table, tmp_path):
    forgot_encode = SCRIPT.replace("api/v1/$PROJECT_ID", "api/v2/projects/$PROJECT_ID").replace("task/$TASK_ID/log", "tasks/$TASK_ID/logs")
    result = verify(tmp_path / "s.sh", "shell", SCRIPT.encode(), forgot_encode.encode(), table, timeout=30)
    messages = [f.message for f in result.findings]
    assert any("expected GET" in m and "encode=false" in m for m in messages)
    assert any(m.startswith("output differs from line 1") for m in messages)


def test_a_hanging_script_is_stopped_and_reported(table, tmp_path):
    marker = tmp_path / "still-running"
    script = f"sleep 1; (sleep 5; touch {marker}) & sleep 60\n".encode()
    start = time.monotonic()
    result = verify(tmp_path / "s.sh", "shell", script, script, table, timeout=2)
    assert time.monotonic() - start < 20
    assert [f.message for f in findings(result)] == ["the original did not finish in time and was stopped"]
    time.sleep(6)
    assert not marker.exists(), "a child process outlived the run"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "migrator", *args], env=env, capture_output=True, text=True, cwd=ROOT)


VERIFIED = [
    *sorted((SAMPLES / "shell").glob("*.sh")),
    SAMPLES / "python" / "report_tool.py",
    SAMPLES / "python" / "httpx_tool.py",
]
# Samples that keep v1 calls on purpose (reported for review, or unmapped) fail against v2 alone.
KEEP_V1 = {"review.sh", "shared_base.sh"}


@pytest.mark.parametrize("path", VERIFIED, ids=[p.name for p in VERIFIED])
def test_every_sample_behaves_the_same_after_migration(path):
    result = cli("verify", "--timeout", "60", str(path.relative_to(ROOT)))
    if path.name in KEEP_V1:
        assert result.returncode == 1 and "DM002 [fixable]" not in result.stdout
        assert "the migrated script still calls v1, which v2 does not serve: GET /api/v1/" in result.stdout
    else:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "[review]" not in result.stdout


def test_ctrl_c_stops_every_child(tmp_path):
    import signal

    marker = tmp_path / "still-running"
    script = tmp_path / "hang.sh"
    script.write_text(f"(sleep 4; touch {marker}) &\nsleep 60\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "migrator", "verify", str(script)], env=env, cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) != 0
    time.sleep(4)
    assert not marker.exists(), "a child process outlived Ctrl-C"


def test_a_call_left_on_v1_fails_against_v2_alone_even_when_both_behave_alike(table, tmp_path):
    """The migrated side talks to a server that serves only v2, as DATAMIMIC will once v1 is gone."""
    script = b'curl -s "$DATAMIMIC_URL/api/v1/$PROJECT_ID/info" -H "Authorization: Bearer $TOKEN" >/dev/null || true\necho done\n'
    result = verify(tmp_path / "s.sh", "shell", script, script, table, timeout=30)
    messages = [f.message for f in result.findings if f.status.value == "review"]
    assert messages[0] == f"the migrated script still calls v1, which v2 does not serve: GET /api/v1/{PROJECT}/info"


def test_another_service_on_the_same_proxy_is_answered_alike_in_both_runs(table, tmp_path):
    script = b'curl -s "https://objects.example.net/api/v1/$PROJECT_ID/info" -H "Authorization: Bearer x"\n'
    result = verify(tmp_path / "s.sh", "shell", script, script, table, timeout=30)
    assert [f.status.value for f in findings(result)] == ["possible"]
    assert "objects.example.net" in findings(result)[0].message and "--instance" in findings(result)[0].message


def test_an_answer_printed_as_it_came_is_the_same_behaviour(table, tmp_path):
    """A raw answer has v2's shape after migration: passing it through is not parsing it."""
    original = b'curl -s "$DATAMIMIC_URL/api/v1/$PROJECT_ID/files" -H "Authorization: Bearer $TOKEN"; echo\n'
    migrated = original.replace(b"api/v1/$PROJECT_ID/files", b"api/v2/projects/$PROJECT_ID/files_uri")
    assert findings(verify(tmp_path / "s.sh", "shell", original, migrated, table, timeout=30)) == ()


# ------------------------------------------------------------------ hostile scripts
# verify runs other people's scripts: each test below is a real script doing what it
# must not, in the sandbox this machine offers (bubblewrap in CI, which installs it).

CALL = 'curl -s "$DATAMIMIC_URL/api/v1/$PROJECT_ID/info" -H "Authorization: Bearer $TOKEN"; echo\n'


def _sandbox(kind: str):
    from migrator.verify import sandbox as sandboxes

    if kind == "best":
        if sandboxes.best().kind == "none":
            if os.environ.get("CI") and not shutil.which("bwrap"):
                pytest.fail("CI must install bubblewrap (.ci/run)")
            pytest.skip("no sandbox here: bubblewrap is not installed or may not create namespaces, nor may unshare")
        return None  # verify's own choice
    chosen = {"unshare": sandboxes.UNSHARE, "none": sandboxes.NONE}[kind]
    if not sandboxes.works(chosen):
        pytest.skip(f"{kind} does not work here")
    return chosen


class Canary:
    """A TCP server on this machine's loopback, outside any sandbox: it counts who reaches it."""

    def __init__(self) -> None:
        import socket
        import threading

        self.hits: list[bytes] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(1)
                try:
                    self.hits.append(connection.recv(100) or b"(connected)")
                except OSError:
                    self.hits.append(b"(connected)")

    def close(self) -> None:
        self.server.close()


@pytest.mark.parametrize("kind", ["best", "unshare"])
def test_a_script_reaches_the_emulator_and_nothing_else(table, tmp_path, kind):
    sandbox = _sandbox(kind)
    canary = Canary()
    try:
        script = (
            f"P={canary.port}\n"
            "curl -s --max-time 3 --noproxy '*' \"http://127.0.0.1:$P/noproxy\"\n"
            "curl -s --max-time 3 -x '' \"http://127.0.0.1:$P/empty-proxy\"\n"
            "(exec 3<>/dev/tcp/127.0.0.1/$P && printf 'GET /dev-tcp HTTP/1.0\\r\\n\\r\\n' >&3) 2>/dev/null\n"
            "python3 -c \"import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=3)"
            ".sendall(b'GET /socket HTTP/1.0')\" $P 2>/dev/null\n" + CALL
        ).encode()
        result = verify(tmp_path / "s.sh", "shell", script, script, table, timeout=30, **({"sandbox": sandbox} if sandbox else {}))
    finally:
        canary.close()
    assert canary.hits == []
    assert "the migrated script still calls v1" in result.findings[0].message  # the emulator was reached


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker.encode() in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            pass
    return found


@pytest.mark.parametrize("kind", ["best", "unshare"])
def test_background_children_die_with_the_script(table, tmp_path, kind):
    import random
    import signal

    sandbox = _sandbox(kind)
    marker = f"{random.randrange(10**6, 10**7)}.5"
    script = (f"sleep {marker}1 &\nsetsid sleep {marker}2 &\n( ( sleep {marker}3 & ) & )\n"
              f"nohup sleep {marker}4 >/dev/null 2>&1 &\n" + CALL).encode()
    verify(tmp_path / "s.sh", "shell", script, script, table, timeout=30, **({"sandbox": sandbox} if sandbox else {}))
    time.sleep(0.5)
    survivors = _processes_with(f"sleep\0{marker}")
    for pid in survivors:  # the test started them: end them by id
        os.kill(pid, signal.SIGKILL)
    assert survivors == []


def test_writes_outside_the_working_folder_do_not_land(table, tmp_path):
    import tempfile

    sandbox = _sandbox("best")
    outside = Path(tempfile.mkdtemp(dir="/var/tmp" if Path("/var/tmp").is_dir() else None))
    try:
        script = (
            f"echo escaped > {outside}/from-verify\n"
            f"echo escaped > {tmp_path}/from-verify\n"
            "echo kept > here.txt && cat here.txt\n" + CALL
        ).encode()
        result = verify(tmp_path / "s.sh", "shell", script, script, table, timeout=30, **({"sandbox": sandbox} if sandbox else {}))
        from migrator.verify import sandbox as sandboxes

        if sandboxes.best().files:
            assert list(outside.iterdir()) == [] and not (tmp_path / "from-verify").exists()
        else:  # no claim of isolation is made where there is none
            assert any("on the real file system" in f.message for f in result.findings)
    finally:
        shutil.rmtree(outside)
    messages = [f.message for f in result.findings if f.status.value == "review"]
    assert messages[0] == f"the migrated script still calls v1, which v2 does not serve: GET /api/v1/{PROJECT}/info"
    assert not any(m.startswith(("output differs", "exit status")) for m in messages)  # both wrote their folder alike


def test_output_is_capped_and_said_so(table, tmp_path):
    from migrator.verify.run import OUTPUT

    script = f"head -c {3 * OUTPUT} /dev/zero | tr '\\0' x; echo\n{CALL}".encode()
    result = verify(tmp_path / "s.sh", "shell", script, script, table, timeout=30)
    assert any(f"printed more than {OUTPUT >> 20} MiB" in f.message for f in result.findings)


def test_endless_output_stops_at_the_cap_not_the_timeout(table, tmp_path):
    start = time.monotonic()
    result = verify(tmp_path / "s.sh", "shell", b"yes\n", b"yes\n", table, timeout=60)
    assert time.monotonic() - start < 20
    assert [f.status.value for f in result.findings if "printed more than" in f.message] == ["possible"]


def test_memory_is_capped(table, tmp_path):
    script = b"data = bytearray(3 << 30)\nprint('allocated', len(data))\n"
    result = verify(tmp_path / "s.py", "python", script, script, table, timeout=30)
    assert not any("allocated" in f.message for f in result.findings)
    from migrator.verify.run import run_script

    assert "allocated" not in run_script("s.py", "python", script, timeout=30).stdout


def test_paths_and_address_are_the_same_in_both_runs(table, tmp_path):
    """A script that prints where it runs ($PWD, $0, __file__, DATAMIMIC_URL) behaves the same."""
    show = 'echo "$PWD $0 $DATAMIMIC_URL"; python3 -c "import os, sys; print(os.getcwd())"\n'
    migrated = SCRIPT.replace("api/v1/$PROJECT_ID", "api/v2/projects/$PROJECT_ID").replace("task/$TASK_ID/log", "tasks/$TASK_ID/logs?encode=false")
    result = verify(tmp_path / "s.sh", "shell", (show + SCRIPT).encode(), (show + migrated).encode(), table, timeout=30)
    assert [f.message for f in result.findings if f.status.value == "review"] == []


def test_a_background_child_holding_the_output_is_not_a_timeout(table, tmp_path):
    migrated = SCRIPT.replace("api/v1/$PROJECT_ID", "api/v2/projects/$PROJECT_ID").replace("task/$TASK_ID/log", "tasks/$TASK_ID/logs?encode=false")
    start = time.monotonic()
    result = verify(tmp_path / "s.sh", "shell", ("sleep 30 &\n" + SCRIPT).encode(), ("sleep 30 &\n" + migrated).encode(), table, timeout=10)
    assert time.monotonic() - start < 10
    assert [f.message for f in result.findings if f.status.value == "review"] == []


def test_without_a_sandbox_the_run_says_what_that_means(table, tmp_path):
    from migrator.verify import sandbox as sandboxes

    result = verify(tmp_path / "s.sh", "shell", CALL.encode(), CALL.encode(), table, timeout=30, sandbox=sandboxes.NONE)
    notes = [f.message for f in result.findings if f.status.value == "possible"]
    assert any(note.startswith("verify found no sandbox here") and "with your network and your files" in note for note in notes)


def test_a_script_that_makes_no_request_compares_nothing_and_is_not_a_success(tmp_path):
    script = tmp_path / "hello.sh"
    script.write_text('echo "hello from $PROJECT_ID"\n')
    result = cli("verify", str(script))
    assert result.returncode == 1
    assert f"{script}: skipped: nothing compared: the script made no request to the emulator, so nothing is proven\n" in result.stdout
    assert "1 script run, 0 behave differently, 1 compared nothing (no request was made)." in result.stderr


AIOHTTP_TOOL = ROOT / "tests" / "data" / "verify" / "aiohttp_tool.py"


def test_a_real_aiohttp_script_is_verified(table):
    """aiohttp's requests reach the emulator (verify's sitecustomize), and a wrong migration of them is caught."""
    pytest.importorskip("aiohttp", reason="needs aiohttp (pip install -e '.[test]')")
    original = AIOHTTP_TOOL.read_bytes()
    assert cli("verify", str(AIOHTTP_TOOL.relative_to(ROOT))).returncode == 0
    right = original.replace(b"/api/v1/{PROJECT}/task/{TASK}/log", b"/api/v2/projects/{PROJECT}/tasks/{TASK}/logs?encode=false")
    right = right.replace(b"/api/v1/{PROJECT}/files/", b"/api/v2/projects/{PROJECT}/files/")
    result = verify(AIOHTTP_TOOL, "python", original, right, table, timeout=60)
    assert result.outcome.value == "unchanged" and findings(result) == ()  # three requests compared, all alike
    wrong = right.replace(b"?encode=false", b"")
    messages = [f.message for f in verify(AIOHTTP_TOOL, "python", original, wrong, table, timeout=60).findings]
    assert any("expected GET" in m and "encode=false" in m for m in messages)


def git(*args: str, cwd) -> str:
    identity = ["-c", "user.name=t", "-c", "user.email=t@t"]
    return subprocess.run(["git", *identity, *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def migrated_in_place(tmp_path):
    """A repository whose v1 script was committed, then migrated in place and not yet committed."""
    git("init", "-q", cwd=tmp_path)
    (tmp_path / "s.sh").write_text(SCRIPT)
    git("add", "-A", cwd=tmp_path)
    git("commit", "-qm", "v1", cwd=tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-m", "migrator", "s.sh"], cwd=tmp_path, env=env, capture_output=True)
    assert "api/v2" in (tmp_path / "s.sh").read_text()
    return tmp_path


def verify_in(folder, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "migrator", "verify", *args], cwd=folder, env=env, capture_output=True, text=True)


def test_after_an_in_place_migration_the_original_comes_from_head(migrated_in_place):
    result = verify_in(migrated_in_place, "s.sh")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "s.sh: the original is HEAD:s.sh" in result.stderr
    assert "1 script run, 0 behave differently." in result.stderr


def test_a_hand_edit_after_the_migration_is_caught_against_head(migrated_in_place):
    script = migrated_in_place / "s.sh"
    script.write_text(script.read_text().replace("?encode=false", ""))  # the v2 default is encode=true
    result = verify_in(migrated_in_place, "s.sh")
    assert result.returncode == 1
    assert "DM002 [review] request 1: expected GET" in result.stdout


def test_base_names_the_revision_and_no_base_the_working_tree(migrated_in_place):
    git("commit", "-qam", "v2", cwd=migrated_in_place)
    assert "the original is HEAD~1:s.sh" in verify_in(migrated_in_place, "--base", "HEAD~1", "s.sh").stderr
    clean = verify_in(migrated_in_place, "s.sh")  # the working tree is HEAD: the script is its own original
    assert "the original is" not in clean.stderr
    assert "the original is" not in verify_in(migrated_in_place, "--no-base", "s.sh").stderr


def test_a_script_not_at_the_revision_is_an_error(migrated_in_place):
    (migrated_in_place / "new.sh").write_text(SCRIPT)
    result = verify_in(migrated_in_place, "--base", "HEAD", "new.sh")
    assert result.returncode == 2
    assert "new.sh:1:1: DM001 [error] new.sh is not in git at HEAD" in result.stdout


def test_bubblewrap_works_from_a_checkout_under_tmp(tmp_path, monkeypatch):
    """bubblewrap gives the script an empty /tmp: a checkout or a virtualenv made there (as a
    CI clone often is) must still be seen by the launcher, or verify falls back to a weaker
    sandbox without saying why."""
    from migrator.verify import sandbox as sandboxes

    if not shutil.which("bwrap") or subprocess.run(["bwrap", "--ro-bind", "/", "/", "true"], capture_output=True).returncode:
        pytest.skip("bubblewrap is not installed or may not create namespaces here")
    launcher = tmp_path / "checkout" / "launch.py"
    launcher.parent.mkdir()
    shutil.copy(sandboxes.LAUNCHER, launcher)
    monkeypatch.setattr(sandboxes, "LAUNCHER", launcher)
    assert sandboxes.works(sandboxes.BUBBLEWRAP)


def test_a_skipped_script_says_why_beside_the_sandbox_note(capsys):
    from migrator.cli import _print_findings
    from migrator.findings import FileResult, Finding, Outcome, Status

    note = Finding("DM002", Status.POSSIBLE, 1, 1, "verify ran the script in a network and process namespace of its own")
    result = FileResult("hello.sh", Outcome.SKIPPED, (note,), reason="nothing compared")
    _print_findings([result], sys.stdout, written=False)
    assert capsys.readouterr().out.splitlines()[-1] == "hello.sh: skipped: nothing compared"


def test_concurrent_requests_may_come_in_another_order(table):
    """asyncio.gather races: the same requests in another order are the same run; a request
    that differs is still caught."""
    from migrator.verify.emulator import Recorded
    from migrator.verify.run import Run, compare

    def get(path):
        return Recorded("GET", path, ())

    v1 = [get("/api/v1/p/task/t/artifact/download/a.csv"), get("/api/v1/p/task/t/artifact/download/b.csv")]
    v2 = [get("/api/v2/projects/p/tasks/t/artifacts/b.csv/download"), get("/api/v2/projects/p/tasks/t/artifacts/a.csv/download")]
    assert compare(Run(v1, "", 0), Run(v2, "", 0), table, ("*",)) == []
    wrong = [v2[0], get("/api/v2/projects/p/tasks/t/artifacts/c.csv/download")]
    assert compare(Run(v1, "", 0), Run(wrong, "", 0), table, ("*",))


def test_calls_left_on_v1_may_make_the_original_request_and_nothing_else(table):
    """Against a server answering both versions, a partly migrated program may make a call's
    v1 request unchanged (it was reported and left), in any order; a request half moved to v2
    (its base migrated under a call that stays) or another exit status is still caught."""
    from migrator.verify.emulator import Recorded
    from migrator.verify.run import Run, compare

    def get(path):
        return Recorded("GET", path, ())

    v1 = [get("/api/v1/p/info"), get("/api/v1/p/task/t/artifact/download/a.csv")]
    partly = [get("/api/v1/p/task/t/artifact/download/a.csv"), get("/api/v2/projects/p")]
    assert compare(Run(v1, "", 0), Run(partly, "", 0), table, ("*",), left_on_v1=True) == []
    half_moved = [get("/api/v2/projects/p"), get("/api/v2/p/task/t/artifact/download/a.csv")]
    assert compare(Run(v1, "", 0), Run(half_moved, "", 0), table, ("*",), left_on_v1=True)
    assert compare(Run(v1, "", 0), Run(partly, "", 22), table, ("*",), left_on_v1=True) == ["exit status 0 became 22"]
