"""``verify``: the migrated script must do against v2 what the original did against v1."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from conftest import ROOT, SAMPLES

from migrator.verify.emulator import PROJECT
from migrator.verify.run import verify

SCRIPT = """\
API="$DATAMIMIC_URL/api/v1/$PROJECT_ID"
curl -s "$API/task/$TASK_ID/log" -H "Authorization: Bearer $TOKEN"
"""


def test_a_correct_migration_behaves_the_same(table, tmp_path):
    migrated = SCRIPT.replace("api/v1/$PROJECT_ID", "api/v2/projects/$PROJECT_ID").replace("task/$TASK_ID/log", "tasks/$TASK_ID/logs?encode=false")
    result = verify(tmp_path / "s.sh", "shell", SCRIPT.encode(), migrated.encode(), table, timeout=30)
    assert result.findings == ()


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
    assert [f.message for f in result.findings] == ["the original did not finish in time and was stopped"]
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
    assert [f.status.value for f in result.findings] == ["possible"]
    assert "objects.example.net" in result.findings[0].message and "--instance" in result.findings[0].message


def test_an_answer_printed_as_it_came_is_the_same_behaviour(table, tmp_path):
    """A raw answer has v2's shape after migration: passing it through is not parsing it."""
    original = b'curl -s "$DATAMIMIC_URL/api/v1/$PROJECT_ID/files" -H "Authorization: Bearer $TOKEN"; echo\n'
    migrated = original.replace(b"api/v1/$PROJECT_ID/files", b"api/v2/projects/$PROJECT_ID/files_uri")
    assert verify(tmp_path / "s.sh", "shell", original, migrated, table, timeout=30).findings == ()
