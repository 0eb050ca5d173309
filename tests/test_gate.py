"""The last check before a write: a migrated file parses as well as the original did, or it
is left untouched and reported as a bug of ours, with the rule whose fix broke it."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import ROOT, run

from migrator import gate, ruletable
from migrator.config import Settings


@pytest.mark.parametrize(
    ("kind", "original", "new"),
    [
        pytest.param("python", "x = 1\n", "x = (1\n", id="python-syntax"),
        pytest.param("python", 'f"{a}"\n', 'f"{a["b"]}"\n', id="f-string-quote-before-3.12"),
        pytest.param("python", 'f"{a}"\n', 'f"{a[\'\\n\']}"\n', id="f-string-backslash-before-3.12"),
        pytest.param("python", "x = 1\n", "match x:\n    case 1:\n        pass\n", id="newer-syntax-than-the-original-needed"),
        pytest.param("shell", "echo a\n", "echo 'a\n", id="shell-open-quote"),
        pytest.param("shell", "if true; then echo a; fi\n", "if true; then echo a\n", id="shell-missing-fi"),
        pytest.param("notebook", '{"cells": []}', '{"cells": [}', id="notebook-json"),
        pytest.param("ci", "jobs:\n  a:\n    run: x\n", "jobs:\n  a:\n  run: x\n", id="yaml-keys-moved"),
        pytest.param("markdown", "```sh\necho a\n```\n", "```sh\necho a\n``\n", id="markdown-fence"),
        pytest.param("markdown", "```sh\necho a\n```\n", "```sh\necho 'a\n```\n", id="markdown-block-no-longer-parses"),
        pytest.param("makefile", "a:\n\techo a\n", "a:\n\techo 'a\n", id="makefile-recipe"),
    ],
)
def test_a_broken_output_is_caught(kind, original, new):
    assert gate.problem(kind, original.encode(), new.encode()) is not None


@pytest.mark.parametrize(
    ("kind", "original", "new"),
    [
        pytest.param("python", "x = 1\n", "x = 2\n", id="python"),
        pytest.param("python", "match x:\n    case 1:\n        a = 1\n", "match x:\n    case 1:\n        a = 2\n", id="python-3.10-syntax-kept"),
        pytest.param("shell", "echo 'a\n", "echo 'b\n", id="shell-as-broken-as-before"),
        pytest.param("ci", "jobs:\n  a:\n    run: x\n", "jobs:\n  a:\n    run: y\n", id="yaml-values"),
        pytest.param("markdown", "```sh\necho a\n```\n", "```sh\necho a \\\n  b\n```\n", id="markdown-lines-added"),
    ],
)
def test_a_sound_output_passes(kind, original, new):
    assert gate.problem(kind, original.encode(), new.encode()) is None


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="the running Python reads PEP 701 f-strings")
def test_pep_701_f_strings_fail_on_this_python_too():
    assert gate.problem("python", b'f"{a}"\n', b'f"{a["b"]}"\n').startswith("the output does not parse as Python 3.")


BROKEN_TABLE = (ROOT / "rules" / "rules.toml").read_text().replace(
    """python = '{value}.split("/", 1)[1]'""", """python = '{value}.split("/", 1'"""
)
SOURCE = 'import requests\n\nr = requests.get("https://acme.datamimic.io/api/v1/p1/files")\nnames = [f["name"] for f in r.json()["files"]]\n'


def test_a_rewrite_that_would_break_the_file_leaves_it_untouched(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text(BROKEN_TABLE)
    result = run(SOURCE, Settings(ruletable.load(rules)), "python")
    assert result.outcome.value == "failed" and result.migrated == b""
    (finding,) = result.findings
    assert (finding.rule, finding.status.value, finding.line) == ("DM101", "error", 3)
    assert "would break the file" in finding.message and "bug of datamimic-migrate" in finding.message


def test_the_cli_exits_2_and_writes_nothing(tmp_path):
    import subprocess

    rules = tmp_path / "rules.toml"
    rules.write_text(BROKEN_TABLE)
    script = tmp_path / "client.py"
    script.write_text(SOURCE)
    result = subprocess.run(
        [sys.executable, "-m", "migrator", "--rules", str(rules), str(script)], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert script.read_text() == SOURCE
    assert "DM101 [error] internal error" in result.stdout


def test_a_notebook_cell_that_would_break_is_refused(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text(BROKEN_TABLE)
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": SOURCE.splitlines(keepends=True)}
    notebook = json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1)
    result = run(notebook, Settings(ruletable.load(rules)), "notebook")
    assert result.outcome.value == "failed"


def _newer_python() -> str | None:
    import shutil
    import subprocess

    for name in ("python3.14", "python3.13", "python3.12"):
        path = shutil.which(name)
        if path and subprocess.run([path, "-c", "pass"], capture_output=True).returncode == 0:
            return path
    return None


@pytest.mark.skipif(_newer_python() is None, reason="needs python3.12 or newer on PATH to read f-strings as PEP 701 does")
def test_on_python_3_12_the_old_f_string_rules_are_still_checked():
    import subprocess

    code = "from migrator import gate; print(gate.problem('python', b'f\"{a}\"\\n', b'f\"{a[\"b\"]}\"\\n'))"
    out = subprocess.run([_newer_python(), "-c", code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
    assert "needs Python 3.12" in out
