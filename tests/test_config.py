"""Configuration and arguments: every mistake is named and stops the run before a file
is touched; paths are taken as the user gave them, each file once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

V1 = 'curl -s "https://acme.datamimic.io/api/v1/$P/info"\n'
V2 = 'curl -s "https://acme.datamimic.io/api/v2/projects/$P"\n'
OTHER_HOST = 'curl -s "https://internal.example.com/api/v1/$P/info"\n'


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": ""}
    return subprocess.run([sys.executable, "-m", "migrator", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)


def configured(tmp_path: Path, table: str) -> Path:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "pyproject.toml").write_text("[tool.datamimic-migrate]\n" + table)
    (tmp_path / "a.sh").write_text(V1)
    return tmp_path


# ------------------------------------------------------------------ [tool.datamimic-migrate]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        pytest.param('assume-datamimic = "false"', "assume-datamimic must be true or false (without quotes), not the string 'false'", id="string-boolean"),
        pytest.param('unsafe-fixes = 1', "unsafe-fixes must be true or false (without quotes), not the number 1", id="number-boolean"),
        pytest.param('ignore = "DM115"', "ignore must be a list of strings, not the string 'DM115'", id="string-for-a-list"),
        pytest.param('select = ["DM101", 2]', "select must be a list of strings, not the list ['DM101', 2]", id="list-of-mixed"),
        pytest.param('instances = "https://internal.example.com"', "instances must be a list of http:// or https:// URLs", id="string-instances"),
        pytest.param('instances = ["internal.example.com"]', "instances must be a list of http:// or https:// URLs", id="url-without-scheme"),
        pytest.param('max-file-size = "2MB"', "max-file-size must be a number of bytes above 0, not the string '2MB'", id="string-size"),
        pytest.param("max-file-size = -1", "max-file-size must be a number of bytes above 0, not the number -1", id="negative-size"),
        pytest.param("annotate = {}", "annotate must be true or false (without quotes), not a table", id="table"),
        pytest.param('instance = ["https://x"]', "unknown key 'instance'", id="unknown-key"),
    ],
)
def test_a_wrong_setting_is_named_and_stops_the_run(tmp_path, table, message):
    folder = configured(tmp_path, table)
    result = cli(".", cwd=folder)
    assert result.returncode == 2
    assert f"[tool.datamimic-migrate]: {message}" in result.stderr or message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert (folder / "a.sh").read_text() == V1


def test_every_wrong_setting_is_named_at_once(tmp_path):
    folder = configured(tmp_path, 'annotate = "yes"\nignore = "DM1"\ncolour = true\n')
    lines = cli(".", cwd=folder).stderr.splitlines()
    assert [line.split("]: ")[1].split(" ")[0] for line in lines] == ["annotate", "ignore", "unknown"]


def test_the_tool_table_must_be_a_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool]\ndatamimic-migrate = "on"\n')
    result = cli(".", cwd=tmp_path)
    assert result.returncode == 2
    assert "[tool.datamimic-migrate] must be a table, not str" in result.stderr


def test_right_settings_apply(tmp_path):
    folder = configured(tmp_path, 'instances = ["https://internal.example.com"]\nassume-datamimic = false\nmax-file-size = 4096\n')
    (folder / "b.sh").write_text(OTHER_HOST)
    assert cli(".", cwd=folder).returncode == 1
    assert "/api/v2/projects/$P" in (folder / "b.sh").read_text()


# ------------------------------------------------------------------ rule ids


def two_rules(tmp_path: Path) -> Path:
    (tmp_path / "a.sh").write_text(V1 + 'curl -s "https://acme.datamimic.io/api/v1/$P/files"\n')
    return tmp_path


@pytest.mark.parametrize("args", [["--select", "DM999"], ["--ignore", "DM999"], ["--select", "XY1"], ["--select", "DM101", "--select", "DM9"]])
def test_an_unknown_rule_id_is_an_error(tmp_path, args):
    result = cli("--check", *args, ".", cwd=two_rules(tmp_path))
    assert result.returncode == 2
    assert "no rule '" in result.stderr and "`datamimic-migrate rules` lists them" in result.stderr


def test_an_unknown_rule_id_in_the_configuration_is_an_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.datamimic-migrate]\nignore = ["DM115", "DM1155"]\n')
    result = cli("--check", ".", cwd=two_rules(tmp_path))
    assert result.returncode == 2
    assert "[tool.datamimic-migrate] ignore: no rule 'DM1155'" in result.stderr


def test_an_unknown_rule_id_in_per_file_ignores_is_an_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.datamimic-migrate.per-file-ignores]\n"ops/*.sh" = ["dm112", "DM1155"]\n')
    result = cli("--check", ".", cwd=two_rules(tmp_path))
    assert result.returncode == 2
    assert "[tool.datamimic-migrate] per-file-ignores 'ops/*.sh': no rule 'DM1155'" in result.stderr


@pytest.mark.parametrize("rule", ["dm112", "Dm112", "DM112", "dm11"])
def test_rule_ids_are_read_in_any_case(tmp_path, rule):
    result = cli("--check", "--select", rule, ".", cwd=two_rules(tmp_path))
    assert result.returncode == 1
    assert "DM112 [fixable]" in result.stdout
    assert "DM101" not in result.stdout


def test_an_ignore_comment_reads_ids_in_any_case(tmp_path):
    (tmp_path / "a.sh").write_text("# datamimic-migrate: ignore[dm101]\n" + V1)
    result = cli("--check", ".", cwd=tmp_path)
    assert "DM112 [fixable]" in result.stdout  # dm101 ignores DM101 only, not every rule


def test_every_option_is_in_the_readme(tmp_path):
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| option | meaning |") :].split("\n\n", 1)[0]
    options = [word.strip(",") for line in cli("migrate", "--help", cwd=tmp_path).stdout.splitlines() for word in line.split() if word.startswith("--")]
    missing = [option for option in options if option not in ("--help",) and f"`{option}" not in table]
    assert missing == []


def test_ignore_in_any_case(tmp_path):
    result = cli("--check", "--ignore", "dm112", ".", cwd=two_rules(tmp_path))
    assert "DM112" not in result.stdout and "DM101 [fixable]" in result.stdout


# ------------------------------------------------------------------ outputs


@pytest.mark.parametrize(
    ("report", "message"),
    [
        ("/nonexistent/r.json", "--report /nonexistent/r.json: the folder /nonexistent does not exist"),
        (".", "Invalid value for '--report': File '.' is a directory"),
        ("/proc/version.json", "--report /proc/version.json: cannot be written"),
    ],
)
def test_an_output_that_cannot_be_written_stops_the_run_before_any_write(tmp_path, report, message):
    (tmp_path / "a.sh").write_text(V1)
    result = cli("--report", report, ".", cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert (tmp_path / "a.sh").read_text() == V1
    assert "Traceback" not in result.stderr


def test_every_report_is_checked_before_any_write(tmp_path):
    (tmp_path / "a.sh").write_text(V1)
    result = cli("--report", "r.md", "--report", "/nonexistent/r.json", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "--report /nonexistent/r.json: the folder /nonexistent does not exist" in result.stderr
    assert (tmp_path / "a.sh").read_text() == V1
    assert not (tmp_path / "r.md").exists()


def test_a_report_over_a_file_the_run_migrates_is_refused(tmp_path):
    doc = "# Setup\n\n```bash\n" + V1 + "```\n"
    (tmp_path / "README.md").write_text(doc)
    result = cli("--report", "README.md", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "--report README.md: is a file this run migrates, not a report" in result.stderr
    assert (tmp_path / "README.md").read_text() == doc


def test_a_report_inside_the_tree_is_not_scanned_next_time(tmp_path):
    (tmp_path / "a.sh").write_text(V1 + 'curl -s "https://acme.datamimic.io/api/v1/$P/tasks/$T" | jq .task_count\n')
    first = cli("--check", "--report", "report.md", ".", cwd=tmp_path)
    assert first.returncode == 1
    assert "```" in (tmp_path / "report.md").read_text()  # it does hold v1 snippets in fences
    again = cli("--check", "--report", "report.md", ".", cwd=tmp_path)
    assert "report.md" not in again.stdout
    assert again.stderr.splitlines()[-1] == first.stderr.splitlines()[-1]


# ------------------------------------------------------------------ where the configuration is


def test_pyproject_is_found_from_the_paths_given(tmp_path):
    project = configured(tmp_path / "project", 'instances = ["https://internal.example.com"]\n')
    (project / "b.sh").write_text(OTHER_HOST)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert cli(str(project), cwd=elsewhere).returncode == 1
    assert "/api/v2/projects/$P" in (project / "b.sh").read_text()


def test_the_nearest_project_with_a_table_wins(tmp_path):
    configured(tmp_path, 'instances = ["https://internal.example.com"]\n')
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "inner"\n')  # no table: passed by, as ruff does
    (inner / "b.sh").write_text(OTHER_HOST)
    nested = tmp_path / "nested"
    nested.mkdir()
    (nested / "pyproject.toml").write_text('[tool.datamimic-migrate]\ninstances = []\n')
    (nested / "c.sh").write_text(OTHER_HOST)
    cli("inner", "nested", cwd=tmp_path)
    assert "/api/v2/projects/$P" in (inner / "b.sh").read_text()
    assert (nested / "c.sh").read_text() == OTHER_HOST


def test_exclude_patterns_are_read_from_the_folder_of_the_pyproject_found(tmp_path):
    project = configured(tmp_path / "project", 'exclude = ["legacy/"]\n')
    (project / "legacy").mkdir()
    (project / "legacy" / "old.sh").write_text(V1)
    (project / "legacy.sh").write_text(V1)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = cli("--check", str(project), cwd=elsewhere)
    assert "old.sh" not in result.stdout
    assert "legacy.sh:1:1: DM112" in result.stdout and "a.sh:1:1: DM112" in result.stdout


def test_config_file_option(tmp_path):
    settings = tmp_path / "migrate.toml"
    settings.write_text('[tool.datamimic-migrate]\ninstances = ["https://internal.example.com"]\n')
    (tmp_path / "b.sh").write_text(OTHER_HOST)
    assert cli("--config", str(settings), ".", cwd=tmp_path).returncode == 1
    assert "/api/v2/projects/$P" in (tmp_path / "b.sh").read_text()
    settings.write_text('[tool.datamimic-migrate]\ninstances = "x"\n')
    result = cli("--config", str(settings), ".", cwd=tmp_path)
    assert result.returncode == 2 and f"{settings}: [tool.datamimic-migrate]: instances must be" in result.stderr


# ------------------------------------------------------------------ paths


def test_a_missing_path_is_reported_and_the_run_goes_on(tmp_path):
    (tmp_path / "a.sh").write_text(V1)
    result = cli("missing.sh", "gone/", "a.sh", cwd=tmp_path)
    assert result.returncode == 2
    assert "missing.sh:1:1: DM001 [error] does not exist" in result.stdout
    assert "gone:1:1: DM001 [error] does not exist" in result.stdout
    assert (tmp_path / "a.sh").read_text() == V2
    assert "3 files scanned, 1 changed" in result.stderr


def test_a_symlink_loop_says_so(tmp_path):
    (tmp_path / "loop.sh").symlink_to(tmp_path / "loop.sh")
    (tmp_path / "dangling.sh").symlink_to(tmp_path / "nowhere.sh")
    result = cli("loop.sh", "dangling.sh", cwd=tmp_path)
    assert result.returncode == 2
    assert "loop.sh:1:1: DM001 [error] a symbolic link loop" in result.stdout
    assert f"dangling.sh:1:1: DM001 [error] a symbolic link to a missing file ({tmp_path / 'nowhere.sh'})" in result.stdout


def test_the_same_file_under_two_spellings_is_migrated_and_counted_once(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.sh").write_text(V1)
    (tmp_path / "link.sh").symlink_to(tmp_path / "a.sh")
    result = cli("a.sh", "./a.sh", "sub/../a.sh", str(tmp_path / "a.sh"), "link.sh", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "1 file scanned, 1 changed, 1 call migrated" in result.stderr
    assert result.stdout.count("DM112") == 1
    assert (tmp_path / "a.sh").read_text() == V2
