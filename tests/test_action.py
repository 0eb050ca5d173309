"""The GitHub Action: action.yml, and the scripts its steps run, run here as the runner runs
them (a fake GITHUB_STEP_SUMMARY and GITHUB_OUTPUT, the INPUT_* variables the action sets)."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
V1 = 'curl -s "https://acme.datamimic.io/api/v1/$P/info"\n'
REVIEW = "curl -s https://acme.datamimic.io/api/v1/p/task/t | jq .task_count\n"


def test_a_composite_action_with_its_inputs():
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) >= {"paths", "instances", "unsafe-fixes", "fail-on-findings", "sarif-file"}
    check = next(step for step in ACTION["runs"]["steps"] if step.get("id") == "check")
    for name in ("paths", "instances", "unsafe-fixes", "fail-on-findings", "sarif-file"):
        variable = "INPUT_" + name.upper().replace("-", "_")
        assert check["env"][variable] == "${{ inputs.%s }}" % name
    assert ACTION["outputs"]["sarif-file"]["value"] == "${{ steps.check.outputs.sarif-file }}"


@pytest.mark.parametrize("step", [s for s in ACTION["runs"]["steps"] if "run" in s], ids=lambda s: s["id"])
def test_every_step_runs_a_script_of_the_repository(step):
    script = re.fullmatch(r'"\$GITHUB_ACTION_PATH/(scripts/[\w-]+\.sh)"', step["run"]).group(1)
    path = ROOT / script
    assert path.stat().st_mode & stat.S_IXUSR, f"{script} is not executable"
    assert subprocess.run(["bash", "-n", str(path)]).returncode == 0
    assert step["shell"] == "bash"


@pytest.fixture
def runner(tmp_path):
    """Run scripts/action-check.sh in a checkout, as the action's check step does."""
    work = tmp_path / "work"
    work.mkdir()
    tool = tmp_path / "bin" / "datamimic-migrate"
    tool.parent.mkdir()
    tool.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m migrator "$@"\n')
    tool.chmod(0o755)
    summary, outputs = tmp_path / "step-summary.md", tmp_path / "github-output"
    summary.write_text("earlier step\n")

    def run(**inputs: str) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "DATAMIMIC_MIGRATE": str(tool),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_OUTPUT": str(outputs),
            "RUNNER_TEMP": str(tmp_path),
            **{"INPUT_" + key.upper(): value for key, value in inputs.items()},
        }
        return subprocess.run([str(ROOT / "scripts" / "action-check.sh")], cwd=work, env=env, capture_output=True, text=True)

    return work, run, summary, outputs


def test_the_check_annotates_summarises_and_writes_sarif(runner):
    work, run, summary, outputs = runner
    (work / "deploy.sh").write_text(V1 + REVIEW)
    result = run(paths=".", fail_on_findings="true")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("::notice file=deploy.sh,line=1,col=1,title=DM112 fixable::")
    assert "::warning file=deploy.sh,line=2,col=1,title=DM107 review::" in result.stdout
    written = summary.read_text()
    assert written.startswith("earlier step\n## datamimic-migrate report\n")  # appended, as GitHub asks
    assert "| Calls needing review | 2 |" in written
    sarif = json.loads((work / "datamimic-migrate.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {"DM107", "DM112"}
    assert outputs.read_text() == "sarif-file=datamimic-migrate.sarif\nexit-code=1\n"
    assert (work / "deploy.sh").read_text() == V1 + REVIEW  # a check writes nothing
    assert [p.name for p in summary.parent.glob("datamimic-migrate.*")] == []  # its temporary folder is gone


def test_the_inputs_reach_the_tool(runner):
    work, run, summary, outputs = runner
    (work / "a").mkdir()
    (work / "a" / "x.sh").write_text('curl -s "https://tdm.example.com/api/v1/$P/info"\n')
    (work / "b").mkdir()
    (work / "b" / "y.sh").write_text(V1)
    (work / "c").mkdir()
    (work / "c" / "z.sh").write_text(V1)
    result = run(paths="a\nb", instances="https://tdm.example.com  https://other.example.com",
                 fail_on_findings="false", sarif_file="dm.sarif", unsafe_fixes="true")
    assert result.returncode == 0  # fail-on-findings: false
    files = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
             for r in json.loads((work / "dm.sarif").read_text())["runs"][0]["results"]}
    assert files == {"a/x.sh", "b/y.sh"}  # c/ was not asked for; a/'s host is an instance
    assert "exit-code=0" in outputs.read_text()


def test_an_error_fails_the_job_even_when_findings_do_not(runner):
    work, run, summary, outputs = runner
    (work / "bad.sh").write_text(V1 + "if then (\n")
    assert run(fail_on_findings="false").returncode == 2


def test_a_report_too_large_for_a_job_summary_keeps_its_tables(runner):
    work, run, summary, outputs = runner
    long = "x" * 3000
    body = "".join(f'curl -s "https://acme.datamimic.io/api/v1/p{i}/task/t{i}?q={long}" | jq .task_count\n' for i in range(300))
    (work / "many.sh").write_text(body)
    run()
    written = summary.read_text()
    assert len(written) < 1_000_000
    assert "| Calls needing review | 600 |" in written
    assert "### `many.sh`" not in written and "see the SARIF report (datamimic-migrate.sarif)" in written
