"""Secrets never reach a report; ``--diff`` stays raw so ``git apply`` takes it.

The corpus in tests/data/secrets plants secrets the way people write them, in
shell, Python, Markdown, CI YAML, a Dockerfile, a Makefile and a notebook, each
beside a v1 call so that it shows in the diff's context. Every planted secret is
written ``<2 to 5 lowercase letters>-<12 or more letters and digits>``, or is one
of ``OTHER_SECRETS``; tokens in the formats of real services are written by the
test (so that no scanner takes this repository for a leak).
"""

from __future__ import annotations

import html
import json
import os
import random
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from migrator.report.secrets import mask

CORPUS = ROOT / "tests" / "data" / "secrets"
OTHER_SECRETS = ["Zq81mXv7Lp2Rs9Ka", "YWRtaW46YmFzaWMtUHc5WHEzSHE=", "c3ZjOnBiLUdiN0huOUptMUtGRnk="]
FORMAT = re.compile(r"\b[a-z]{2,5}-[A-Za-z0-9]{12,}\b")
# What a reader needs stays: variables, CI expressions, f-string fields, commands.
READABLE = ["$TOK", "${DATAMIMIC_TOKEN:-", "$DATAMIMIC_TOKEN", "${{ secrets.DATAMIMIC_TOKEN }}", "{api_token}", "$(cat token.txt)",
            "$CI_JOB_TOKEN", "$(TOKEN)", "$API_KEY", "$AUTH_HEADER", "Authorization: Bearer ", "-u admin:", "https://svc:"]


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "migrator", *args], cwd=cwd, env=environment, capture_output=True, text=True)


def _tokens_of_services() -> tuple[str, list[str]]:
    """A script with tokens in the formats of real services, under names that say nothing:
    only their form tells they are secrets (detect-secrets' plugins know them)."""
    pick = random.Random(12)

    def chars(n: int, alphabet: str = string.ascii_letters + string.digits) -> str:
        return "".join(pick.choice(alphabet) for _ in range(n))

    upper = string.ascii_uppercase + string.digits
    tokens = {
        "UPSTREAM": "ghp_" + chars(36),
        "MIRROR": "glpat-" + chars(20),
        "NOTIFY": "xox" + "b-" + chars(12, string.digits) + "-" + chars(12, string.digits) + "-" + chars(24),
        "HOOK": "https://hooks.slack.com/services/T" + chars(8, upper) + "/B" + chars(8, upper) + "/" + chars(24),
        "AWS_ID": "AKIA" + chars(16, upper),
        "BILLING": "sk_" + "live_" + chars(24),
        "SESSION_JWT": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaSJ9." + chars(43),
        "MODEL": "sk-" + chars(20) + "T3BlbkFJ" + chars(20),
    }
    lines = ["#!/bin/sh", 'HOST="https://acme.datamimic.io"']
    for name, token in tokens.items():
        lines += [f"{name}={token}", f'curl -s "$HOST/api/v1/p1/info" -H "X-Upstream: ${name}"']
    return "\n".join(lines) + "\n", list(tokens.values())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[str]]:
    folder = tmp_path_factory.mktemp("secrets")
    shutil.copytree(CORPUS, folder, dirs_exist_ok=True)
    script, tokens = _tokens_of_services()
    (folder / "services.sh").write_text(script)
    planted = sorted({*FORMAT.findall("".join(p.read_text() for p in CORPUS.rglob("*") if p.is_file())), *OTHER_SECRETS, *tokens})
    return folder, planted


def test_the_corpus_plants_every_secret_where_a_report_would_show_it(corpus):
    folder, planted = corpus
    assert len(planted) >= 60
    diff = cli("--diff", ".", cwd=folder).stdout
    assert [secret for secret in planted if secret not in diff] == []


def _report_text(path: Path) -> str:
    """A report as a reader sees it: JSON strings decoded, HTML entities unescaped."""
    text = path.read_text()
    if path.suffix in (".json", ".sarif"):
        strings: list[str] = []

        def walk(node: object) -> None:
            if isinstance(node, str):
                strings.append(node)
            elif isinstance(node, dict):
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(json.loads(text))
        return "\n".join(strings)
    # The page as it reads: its code is coloured word by word, in tags a secret would run across.
    return html.unescape(re.sub(r"<[^>]+>", "", text)) if path.suffix == ".html" else text


@pytest.mark.parametrize("name", ["r.md", "r.html", "r.json", "r.sarif"])
def test_no_planted_secret_reaches_a_report(corpus, name):
    folder, planted = corpus
    result = cli("--check", "--report", f"../{folder.name}-{name}", ".", cwd=folder)
    assert result.returncode == 1, result.stderr
    text = _report_text(folder.parent / f"{folder.name}-{name}")
    assert "api/v2/projects/p1" in text
    assert [secret for secret in planted if secret in text] == []
    if name == "r.json":  # the one with each file's diff
        assert [readable for readable in READABLE if readable not in text] == []


def test_no_planted_secret_reaches_github_annotations(corpus):
    folder, planted = corpus
    result = cli("--check", "--output-format", "github", ".", cwd=folder)
    assert "::notice" in result.stdout or "::warning" in result.stdout or result.stdout == ""
    assert [secret for secret in planted if secret in result.stdout] == []


def test_diff_stays_raw_in_ci_so_git_apply_takes_it(corpus, tmp_path):
    folder, planted = corpus
    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
    diff = cli("--diff", ".", cwd=tmp_path, env={"CI": "true"}).stdout
    assert all(secret in diff for secret in planted)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply", "-"], cwd=tmp_path, input=diff, text=True, check=True)
    assert cli("--check", ".", cwd=tmp_path).returncode == 0
    assert "dmt-4Hn7Qw2Er9Ty6U" in (tmp_path / "deploy.sh").read_text()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # Assigned to a name or key that says it is secret, in each language.
        pytest.param("export DATAMIMIC_TOKEN=dmt-123abc", "export DATAMIMIC_TOKEN=****", id="shell-export"),
        pytest.param('api_key = "abc"', 'api_key = "****"', id="python-assignment"),
        pytest.param('token: str = "abc"', 'token: str = "****"', id="python-annotated"),
        pytest.param('requests.get(url, params={"token": "abc"})', 'requests.get(url, params={"token": "****"})', id="params"),
        pytest.param('TOKEN = os.getenv("DATAMIMIC_TOKEN", "abc")', 'TOKEN = os.getenv("DATAMIMIC_TOKEN", "****")', id="getenv-default"),
        pytest.param('{"password": "abc", "user": "bob"}', '{"password": "****", "user": "bob"}', id="json"),
        pytest.param("password: abc def  # note", "password: ****  # note", id="yaml"),
        pytest.param('    "TOKEN = \\"abc\\"\\n",', '    "TOKEN = \\"****\\"\\n",', id="notebook-json-string"),
        pytest.param("TOKEN := abc", "TOKEN := ****", id="makefile"),
        pytest.param("T=${DATAMIMIC_TOKEN:-abc123}", "T=${DATAMIMIC_TOKEN:-****}", id="parameter-default"),
        # Assigned to a variable the code then sends as a credential.
        pytest.param('TOK=abc123\ncurl -H "Authorization: Bearer $TOK" "$URL"', 'TOK=****\ncurl -H "Authorization: Bearer $TOK" "$URL"',
                     id="shell-variable-used-as-bearer"),
        pytest.param('tok = "abc"\nh = {"Authorization": f"Bearer {tok}"}', 'tok = "****"\nh = {"Authorization": f"Bearer {tok}"}',
                     id="python-variable-in-f-string"),
        pytest.param('tok = "abc"\nh = {"Authorization": "Bearer " + tok}', 'tok = "****"\nh = {"Authorization": "Bearer " + tok}',
                     id="python-variable-concatenated"),
        # Authorization-like headers, however quoted or joined.
        pytest.param('curl -H Authorization:\\ Bearer\\ abc123 "$URL"', 'curl -H Authorization:\\ Bearer\\ **** "$URL"', id="escaped-spaces"),
        pytest.param("curl -H 'Authorization: Bearer '\"abc123\" x", "curl -H 'Authorization: Bearer '\"****\" x", id="adjacent-quotes"),
        pytest.param('curl -H "Authorization: Bearer ${TOKEN:-abc123}" x', 'curl -H "Authorization: Bearer ${TOKEN:-****}" x', id="default"),
        pytest.param('h = {"Authorization": "Bearer " + "abc123"}', 'h = {"Authorization": "Bearer " + "****"}', id="python-plus"),
        pytest.param("h = {'Authorization': f\"Bearer {'abc123'}\"}", "h = {'Authorization': f\"Bearer {'****'}\"}", id="f-string-literal"),
        pytest.param('h = {"Authorization": "Bearer %s" % "abc123"}', 'h = {"Authorization": "Bearer %s" % "****"}', id="percent"),
        pytest.param('h = {"Authorization": "Bearer {}".format("abc")}', 'h = {"Authorization": "Bearer {}".format("****")}', id="format"),
        pytest.param('session.headers["Authorization"] = "Bearer abc"', 'session.headers["Authorization"] = "Bearer ****"', id="subscript"),
        pytest.param('curl -H "Authorization: Basic dXNlcjpwYXNz" x', 'curl -H "Authorization: Basic ****" x', id="basic"),
        pytest.param('curl -H "Authorization: token ghx123" x', 'curl -H "Authorization: token ****" x', id="token-scheme"),
        pytest.param('curl -H "PRIVATE-TOKEN: glx123" x', 'curl -H "PRIVATE-TOKEN: ****" x', id="private-token"),
        pytest.param('curl -H "Cookie: session=abc; csrf=def" x', 'curl -H "Cookie: ****" x', id="cookie"),
        pytest.param("curl --oauth2-bearer abc123 x", "curl --oauth2-bearer **** x", id="oauth2-bearer"),
        # Credentials in URLs and pairs: the user stays, the password goes.
        pytest.param('curl "https://svc:pass123@host/x"', 'curl "https://svc:****@host/x"', id="url-user-password"),
        pytest.param('curl "$HOST/x?auth=abc123&y=2"', 'curl "$HOST/x?auth=****&y=2"', id="query-auth"),
        pytest.param('curl "$HOST/x?x=1&sig=abc123"', 'curl "$HOST/x?x=1&sig=****"', id="query-sig"),
        pytest.param('curl -u admin:pass123 "$URL"', 'curl -u admin:**** "$URL"', id="curl-user"),
        pytest.param('requests.get(url, auth=("u", "p4ss"))', 'requests.get(url, auth=("u", "****"))', id="auth-tuple"),
        pytest.param('requests.get(url, auth=HTTPBasicAuth("u", "p4ss"))', 'requests.get(url, auth=HTTPBasicAuth("u", "****"))', id="basic-auth"),
        pytest.param("-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----",
                     "-----BEGIN RSA PRIVATE KEY-----\n****\n-----END RSA PRIVATE KEY-----", id="private-key"),
    ],
)
def test_a_secret_is_masked_by_where_it_stands(before, after):
    assert mask(before) == after


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('curl -H "Authorization: Bearer $TOKEN" "$URL"', id="variable"),
        pytest.param('curl -u "$USER:$PASS" "$URL"', id="variables-in-a-pair"),
        pytest.param("token: ${{ secrets.T }}", id="ci-expression"),
        pytest.param('headers={"Authorization": f"Bearer {token}"}', id="f-string-field"),
        pytest.param('requests.get(url, headers={"Authorization": "Bearer " + get_token()})', id="call"),
        pytest.param("requests.get(url, auth=auth, headers=headers)", id="python-names"),
        pytest.param("def login(user, password=None, token=DEFAULT):", id="parameters"),
        pytest.param("password: str", id="annotation"),
        pytest.param("x = sorted(items, key=lambda k: k.name)", id="key-function"),
        pytest.param("# Use Basic authentication here", id="prose"),
        pytest.param('curl -s "$API/task/$TASK_ID/log" -H "Authorization: Bearer $TOKEN" | jq -r .status', id="sample-line"),
    ],
)
def test_references_stay_readable(text):
    assert mask(text) == text
