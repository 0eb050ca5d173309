"""v1 URLs in files the migrator reads but never rewrites are findings with their line (DM004),
under the precision rule of the front ends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run

V2_LOGS = "GET /api/v2/projects/{project_id}/tasks/{task_id}/logs (DM108 Task logs)"


def findings(name: str, text: str, settings, **changes) -> list[tuple[str, str, int, int]]:
    result = run(text, settings, "elsewhere", **changes)
    assert result.outcome.value == "unchanged"  # never written
    return [(f.rule, f.status.value, f.line, f.column) for f in result.findings]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        pytest.param(".env", "A=1\nDATAMIMIC_FILES=https://tdm.example.com/api/v1/demo/files\n", [("DM004", "review", 2, 17)], id="dotenv"),
        pytest.param(
            "docker-compose.yml",
            'services:\n  x:\n    environment:\n      LOGS: "https://acme.datamimic.io/api/v1/${P}/task/${T}/log"\n',
            [("DM004", "review", 4, 14)],
            id="docker-compose",
        ),
        pytest.param(
            "cronjob.yaml",
            'kind: CronJob\nspec:\n  containers:\n    - args: ["curl", "https://tdm.datamimic.example/api/v1/demo/info"]\n',
            [("DM004", "review", 4, 23)],
            id="kubernetes",
        ),
        pytest.param("client.ts", "const r = await fetch(`${DATAMIMIC_URL}/api/v1/${p}/task/${t}/log`);\n", [("DM004", "review", 1, 24)], id="typescript"),
        pytest.param("main.tf", 'locals { u = "${var.datamimic_url}/api/v1/${var.p}/generate" }\n', [("DM004", "review", 1, 15)], id="terraform"),
        pytest.param("calls.http", "### datamimic\nGET {{host}}/api/v1/{{project}}/files\n", [("DM004", "review", 2, 5)], id="http-file"),
        pytest.param(
            "dm.postman_collection.json",
            '{"info": {"name": "DATAMIMIC"}, "url": "{{base}}/api/v1/:projectId/task/:taskId/log"}\n',
            [("DM004", "review", 1, 41)],
            id="postman",
        ),
    ],
)
def test_a_datamimic_v1_url_is_reported_where_it_is(name, text, expected, settings):
    assert findings(name, text, settings) == expected


def test_the_message_names_the_v2_path_and_its_rule(settings):
    result = run("LOGS=https://acme.datamimic.io/api/v1/$P/task/$T/log\n", settings, "elsewhere")
    assert result.findings[0].message == (
        "v1 URL /api/v1/{…}/task/{…}/log in a file the migrator does not rewrite: migrate it by hand to " + V2_LOGS
    )


def test_a_method_on_the_line_picks_the_mapping(settings):
    source = 'fetch(`${DATAMIMIC}/api/v1/${p}/files/report.csv`, { method: "DELETE" })\n'
    message = run(source, settings, "elsewhere").findings[0].message
    assert message.endswith("DELETE /api/v2/projects/{project_id}/files/{filename} (DM105 Delete file)")


def test_the_v1_base_url_alone_is_reported(settings):
    result = run("DATAMIMIC_URL=https://tdm.example.com/api/v1\n", settings, "elsewhere")
    assert [(f.rule, f.status.value) for f in result.findings] == [("DM004", "review")]
    assert "v2's base is /api/v2" in result.findings[0].message


@pytest.mark.parametrize(
    ("text", "expected", "changes"),
    [
        pytest.param("STORE=https://storage.example.com/api/v1/buckets/files\n", [("DM000", "possible", 1, 7)], {}, id="no-evidence-is-possible"),
        pytest.param("STORE=https://storage.example.com/api/v1/buckets/files\n", [("DM004", "review", 1, 7)], {"assume_datamimic": True}, id="assume"),
        pytest.param("STORE=https://tdm.example.com/api/v1/buckets/files\n", [("DM004", "review", 1, 7)], {"instances": ("https://tdm.example.com",)}, id="instance"),
        pytest.param("KUBE=https://kube.example.com/api/v1/namespaces/x/pods\n", [], {}, id="not-datamimic-shaped"),
        pytest.param(
            "DATAMIMIC_URL=https://tdm.example.com\nKUBE=https://kube.example.com/api/v1/namespaces/x/pods\n",
            [],
            {},
            id="the-word-in-the-file-does-not-make-any-path-datamimic",
        ),
        pytest.param("URL=https://acme.datamimic.io/api/v1/demo/unknown/thing\n", [("DM100", "unmapped", 1, 5)], {}, id="own-evidence-unmapped"),
        pytest.param(
            "DATAMIMIC_URL=https://tdm.example.com\nSTORE=https://storage.example.com/api/v1/b/files\n",
            [("DM000", "possible", 2, 7)],
            {},
            id="an-own-host-wins-over-the-file",
        ),
        pytest.param("# datamimic\nFILES=${BASE}/api/v1/${P}/files\n", [("DM004", "review", 2, 7)], {}, id="a-base-without-a-name-borrows-the-file"),
        pytest.param("DATAMIMIC=https://acme.datamimic.io/api/v2/projects/demo/files_uri\n", [], {}, id="already-v2"),
    ],
)
def test_precision(text, expected, changes, settings):
    assert findings(".env", text, settings, **changes) == expected


def test_ignore_comments_and_rule_selection(settings):
    text = "# datamimic-migrate: ignore\nA=https://acme.datamimic.io/api/v1/p/info\nB=https://acme.datamimic.io/api/v1/p/info\n"
    assert findings(".env", text, settings) == [("DM004", "review", 3, 3)]
    assert findings(".env", text, settings, ignore=frozenset({"DM004"})) == []
    assert findings(".env", text, settings, ignore=frozenset({"DM112"})) == []


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "migrator", *args], cwd=cwd, env=env, capture_output=True, text=True)


def test_what_is_left_covers_the_whole_repository(tmp_path):
    """A run that rewrote every script still exits 1 while a .env holds a v1 URL; such
    files are never written, not even with --annotate."""
    (tmp_path / "a.sh").write_text('curl -s "https://acme.datamimic.io/api/v1/$P/info"\n')
    env = "DATAMIMIC_LOGS=https://acme.datamimic.io/api/v1/$P/task/$T/log\n"
    (tmp_path / ".env").write_text(env)
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "api.js").write_text("fetch(`${DATAMIMIC}/api/v1/${p}/info`)\n")
    cli("--annotate", ".", cwd=tmp_path)
    second = cli("--check", ".", cwd=tmp_path)
    assert second.returncode == 1
    assert second.stdout.splitlines() == [
        ".env:1:16: DM004 [review] v1 URL /api/v1/{…}/task/{…}/log in a file the migrator does not rewrite:"
        " migrate it by hand to " + V2_LOGS,
        "web/api.js:1:8: DM004 [review] v1 URL /api/v1/{…}/info in a file the migrator does not rewrite:"
        " migrate it by hand to GET /api/v2/projects/{project_id} (DM112 Project information)",
    ]
    assert (tmp_path / ".env").read_text() == env


@pytest.mark.parametrize("name", ["settings.ini", "setup.cfg", "application.properties"])
def test_configuration_files_with_a_v1_url_are_read_and_reported(name, settings, tmp_path):
    """No silent misses: a program's settings name its base as often as its code does."""
    from migrator import engine

    (tmp_path / name).write_text("datamimic_url = https://acme.datamimic.io/api/v1/demo/files\n")
    [result] = engine.run(engine.plan([tmp_path]), settings, jobs=1)
    assert result.outcome.value == "unchanged"
    assert [(f.rule, f.line) for f in result.findings] == [("DM004", 1)]
