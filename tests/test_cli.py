"""The command line, run as a user runs it: a real process in a real folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

V1 = 'curl -s "https://acme.datamimic.io/api/v1/$P/info"\n'
V2 = 'curl -s "https://acme.datamimic.io/api/v2/projects/$P"\n'


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "migrator", *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_rewrites_in_place_then_nothing_is_left(tmp_path):
    (tmp_path / "a.sh").write_text(V1)
    first = cli(cwd=tmp_path)
    assert first.returncode == 1, first.stderr
    assert (tmp_path / "a.sh").read_text() == V2
    assert "a.sh:1:1: DM112 [migrated]" in first.stdout
    assert "1 file scanned, 1 changed, 1 call migrated." in first.stderr
    second = cli(".", cwd=tmp_path)
    assert second.returncode == 0
    assert second.stdout == ""


def test_check_writes_nothing(tmp_path):
    (tmp_path / "a.sh").write_text(V1)
    result = cli("--check", "a.sh", cwd=tmp_path)
    assert result.returncode == 1
    assert "[fixable]" in result.stdout
    assert (tmp_path / "a.sh").read_text() == V1


def test_diff_applies_with_git(tmp_path):
    work = tmp_path / "repo"
    shutil.copytree(SAMPLES / "shell", work)
    subprocess.run(["git", "init", "-q"], cwd=work, check=True)
    result = cli("--diff", ".", cwd=work)
    assert result.returncode == 1
    assert result.stdout.startswith("--- a/")
    assert "[fixable]" in result.stderr  # findings go to stderr when stdout is the diff
    subprocess.run(["git", "apply", "-"], cwd=work, input=result.stdout, text=True, check=True)
    in_place = tmp_path / "in-place"
    shutil.copytree(SAMPLES / "shell", in_place)
    cli(".", cwd=in_place)
    for path in in_place.glob("*.sh"):
        assert (work / path.name).read_bytes() == path.read_bytes(), path.name


def test_errors_exit_2_and_the_run_goes_on(tmp_path):
    (tmp_path / "bad.sh").write_text(V1 + "if then (\n")
    (tmp_path / "good.sh").write_text(V1)
    result = cli(".", cwd=tmp_path)
    assert result.returncode == 2
    assert "bad.sh:1:1: DM001 [error] cannot parse: line 2" in result.stdout
    assert (tmp_path / "good.sh").read_text() == V2
    assert (tmp_path / "bad.sh").read_text() == V1 + "if then (\n"


def test_bad_rule_table_exits_2_with_where(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text((ROOT / "rules" / "rules.toml").read_text().replace('methods = ["DELETE"]', 'methods = "DELETE"'))
    result = cli("--rules", str(rules), ".", cwd=tmp_path)
    assert result.returncode == 2
    assert f"error: {rules}: [[rule]] #5 (DM105): key 'methods' must be a list" in result.stderr


def test_settings_from_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.datamimic-migrate]\ninstances = ["https://tdm.example.com"]\n')
    (tmp_path / "a.sh").write_text('curl "https://tdm.example.com/api/v1/$P/info"\n')
    assert cli(".", cwd=tmp_path).returncode == 1
    assert "/api/v2/projects/$P" in (tmp_path / "a.sh").read_text()


def test_unknown_pyproject_key_is_an_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.datamimic-migrate]\ninstance = "x"\n')
    result = cli(".", cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown key 'instance'" in result.stderr


def test_possible_calls_do_not_fail_the_run(tmp_path):
    (tmp_path / "a.sh").write_text("curl https://ci.example.com/api/v1/job/files\n")
    result = cli(".", cwd=tmp_path)
    assert result.returncode == 0
    assert "DM000 [possible]" in result.stdout


@pytest.mark.parametrize("args", [["--help"], ["migrate", "--help"], ["rules"], ["explain", "DM101"]])
def test_help_and_rule_commands(args, tmp_path, snapshot):
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == snapshot


def test_explain_unknown_rule(tmp_path):
    result = cli("explain", "DM999", cwd=tmp_path)
    assert result.returncode == 2
    assert "no rule 'DM999'" in result.stderr


def test_diff_is_coloured_on_a_terminal(tmp_path):
    import pty

    (tmp_path / "a.sh").write_text(V1)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": ""}
    env.pop("NO_COLOR", None)
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "migrator", "--diff", "a.sh"], cwd=tmp_path, env=env, stdout=follower, stderr=subprocess.DEVNULL
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait()
    os.close(leader)
    assert b"\x1b[32m+" + V2.encode().rstrip() in output.replace(b"\r\n", b"\n")
    assert b"\x1b[31m-" in output


def test_a_constant_another_module_uses_stays_and_the_calls_strip_it(tmp_path):
    """jobs.py is read with config.py (it imports it): its print(API) is a use the calls do not cover."""
    (tmp_path / "config.py").write_text(
        'import requests\n\nAPI = "https://acme.datamimic.io/api/v1"\n\n\ndef info(p):\n    return requests.get(f"{API}/{p}/info")\n'
    )
    (tmp_path / "jobs.py").write_text("from settings.config import (\n    API,\n)\n\nprint(API)\n")
    assert cli(".", cwd=tmp_path).returncode == 1
    assert 'API = "https://acme.datamimic.io/api/v1"' in (tmp_path / "config.py").read_text()
    assert "{API[:-7] if API.endswith('/api/v1') else API}/api/v2/projects/{p}" in (tmp_path / "config.py").read_text()


def test_a_constant_no_other_module_imports_is_rewritten(tmp_path):
    (tmp_path / "config.py").write_text(
        'import requests\n\nAPI = "https://acme.datamimic.io/api/v1"\n\n\ndef info(p):\n    return requests.get(f"{API}/{p}/info")\n'
    )
    (tmp_path / "jobs.py").write_text("import config\n\nprint(config.OTHER)\n")
    cli(".", cwd=tmp_path)
    assert 'API = "https://acme.datamimic.io/api/v2"' in (tmp_path / "config.py").read_text()


def test_migrating_all_samples_twice_changes_nothing_the_second_time(tmp_path):
    work = tmp_path / "samples"
    shutil.copytree(SAMPLES, work)
    first = cli("--jobs", "2", ".", cwd=work)
    assert first.returncode == 1 and "files failed" not in first.stderr
    second = cli("--jobs", "2", "--check", ".", cwd=work)
    assert ", 0 would be changed" in second.stderr, second.stderr
    assert "[fixable]" not in second.stdout


def _project_version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(flag, tmp_path):
    result = cli(flag, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == f"datamimic-migrate {_project_version()}\n"


def test_the_readme_names_the_release_the_tag_scheme_gives():
    """A release is the tag v<version of pyproject.toml>: pre-commit's rev: and the Action's @ name it."""
    import re

    readme = (ROOT / "README.md").read_text()
    tags = set(re.findall(r"rev: (v\S+)|datamimic-migrate@(v[\w.]+)", readme))
    assert {a or b for a, b in tags} == {f"v{_project_version()}"}


def test_the_top_level_help_shows_the_options_a_user_types(tmp_path):
    """`datamimic-migrate --check .` runs migrate: its options are the program's."""
    help_text = cli("--help", cwd=tmp_path).stdout
    for option in ("--check", "--diff", "--report", "--output-format", "--instance", "--version"):
        assert f"  {option}" in help_text or f", {option}" in help_text, option
    assert "migrate  " not in help_text.split("Commands:")[1]


@pytest.mark.parametrize(("typed", "meant"), [("expalin", "explain"), ("rule", "rules"), ("verfy", "verify")])
def test_a_mistyped_command_gets_a_suggestion(typed, meant, tmp_path):
    result = cli(typed, "DM101", cwd=tmp_path)
    assert result.returncode == 2
    assert f"Error: {typed!r} is neither a command nor a path. Did you mean {meant!r}?" in result.stderr


def test_a_folder_named_like_a_mistyped_command_is_a_path(tmp_path):
    (tmp_path / "rule").mkdir()
    (tmp_path / "rule" / "a.sh").write_text(V1)
    result = cli("--check", "rule", cwd=tmp_path)
    assert result.returncode == 1
    assert "rule/a.sh:1:1: DM112 [fixable]" in result.stdout


def test_counts_agree_with_their_nouns(tmp_path):
    (tmp_path / "a.sh").write_text(V1 + "curl -s https://ci.example.com/api/v1/job/files\n")
    assert "1 file scanned, 1 would be changed, 1 call to migrate, 1 possible call left alone." in cli("--check", ".", cwd=tmp_path).stderr
    (tmp_path / "b.sh").write_text(V1 + V1)
    assert "2 files scanned, 2 would be changed, 3 calls to migrate" in cli("--check", ".", cwd=tmp_path).stderr


STATISTICS_INPUT = (
    "curl -s https://acme.datamimic.io/api/v1/p/task/t | jq .task_count\n"
    'curl -s "https://acme.datamimic.io/api/v1/$P/info"\n'
    "curl https://ci.example.com/api/v1/job/files\n"
)


def test_statistics_count_each_status_per_rule(tmp_path):
    (tmp_path / "a.sh").write_text(STATISTICS_INPUT)
    result = cli("--check", "--statistics", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "rule   name            fixable    unsafe    review  unmapped  possible     error\n"
        "DM000  possible-call         0         0         0         0         1         0\n"
        "DM107  task-metadata         0         0         2         0         0         0\n"
        "DM112  project-info          1         0         0         0         0         0\n"
        "total                        1         0         2         0         1         0\n"
    )


def test_statistics_as_json_say_migrated_once_written(tmp_path):
    import json

    (tmp_path / "a.sh").write_text(STATISTICS_INPUT)
    rows = json.loads(cli("--statistics", "--output-format", "json", ".", cwd=tmp_path).stdout)
    assert rows[2] == {"rule": "DM112", "name": "project-info", "migrated": 1, "unsafe": 0, "review": 0,
                       "unmapped": 0, "possible": 0, "error": 0, "total": 1}


def test_exit_zero_when_calls_are_left_but_not_on_errors(tmp_path):
    (tmp_path / "a.sh").write_text(STATISTICS_INPUT)
    assert cli("--check", "--exit-zero", ".", cwd=tmp_path).returncode == 0
    (tmp_path / "bad.sh").write_text(V1 + "if then (\n")
    assert cli("--check", "--exit-zero", ".", cwd=tmp_path).returncode == 2


def test_rule_ids_link_to_their_docs_on_a_terminal(tmp_path):
    """OSC 8 hyperlinks, as ruff prints them: a terminal shows the id, a click opens its section."""
    import pty

    from migrator import docs

    (tmp_path / "a.sh").write_text(V1)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TERM": "xterm"}
    leader, follower = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "migrator", "--check", "a.sh"], cwd=tmp_path, env=env,
                               stdout=follower, stderr=subprocess.DEVNULL)
    os.close(follower)
    output = b""
    while chunk := _read(leader):
        output += chunk
    process.wait()
    os.close(leader)
    link = docs.url_for("DM112", "project-info")
    assert f"a.sh:1:1: \x1b]8;;{link}\x1b\\DM112\x1b]8;;\x1b\\ [fixable]".encode() in output
    piped = cli("--check", "a.sh", cwd=tmp_path).stdout
    assert piped.startswith("a.sh:1:1: DM112 [fixable]")


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 4096)
    except OSError:
        return b""
