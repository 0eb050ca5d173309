"""Property: whatever the quoting and the curl options, a rewritten URL is, when bash
evaluates it, the v2 URL the rule table maps the v1 URL to (by verify's own mapping)."""

from __future__ import annotations

import subprocess

from conftest import migrated, run_shell
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from migrator.verify.emulator import Recorded
from migrator.verify.run import expected_v2

HOST = "https://acme.datamimic.io"
# Path-only rules and the logs' query default: (method, v1 path with {p} and {t} placeholders)
CALLS = [
    ("GET", "/api/v1/{p}/files"),
    ("GET", "/api/v1/{p}/files/data.csv"),
    ("DELETE", "/api/v1/{p}/files/data.csv"),
    ("GET", "/api/v1/{p}/task/{t}"),
    ("GET", "/api/v1/{p}/task/{t}/log"),
    ("GET", "/api/v1/{p}/task/{t}/log?limit=3"),
    ("GET", "/api/v1/{p}/task/{t}/artifacts"),
    ("GET", "/api/v1/{p}/task/{t}/artifacts/download"),
    ("GET", "/api/v1/{p}/task/{t}/artifact/download/report.csv"),
    ("GET", "/api/v1/{p}/info"),
    ("PUT", "/api/v1/{p}/git?branch_name=main"),
]
VALUES = {"p": "proj-1", "t": "task-9"}


def quoted(text: str, style: str) -> str:
    if style == "single":
        return "'" + text + "'"
    if style == "double":
        return '"' + text + '"'
    return text


@st.composite
def scripts(draw):
    method, path = draw(st.sampled_from(CALLS))
    ids = draw(st.sampled_from(["literal", "variables", "braced"]))
    base = draw(st.sampled_from(["inline", "variable", "host-variable"]))
    style = draw(st.sampled_from(["single", "double", "bare"]))
    if ids != "literal" and style == "single":
        style = "double"  # variables do not expand in single quotes
    p = {"literal": VALUES["p"], "variables": "$P", "braced": "${P}"}[ids]
    t = {"literal": VALUES["t"], "variables": "$T", "braced": "${T}"}[ids]
    url_path = path.format(p=p, t=t)
    lines = [f"P={VALUES['p']}", f"T={VALUES['t']}"]
    if base == "variable":
        lines.append(f"BASE={HOST}/api/v1")
        url = "$BASE" + url_path.removeprefix("/api/v1")
        style = "double" if style == "single" else style
    elif base == "host-variable":
        lines.append(f"DATAMIMIC_HOST={HOST}")
        url = "${DATAMIMIC_HOST}" + url_path
        style = "double" if style == "single" else style
    else:
        url = HOST + url_path
    if style == "bare" and "?" in url:
        style = "double"
    options = draw(st.lists(st.sampled_from(["-s", "-sS", "-L", "-H 'Accept: application/json'", "-o out.bin", "--max-time 5"]), max_size=3))
    explicit = draw(st.booleans()) or method != "GET"
    method_option = draw(st.sampled_from([f"-X {method}", f"-X{method}", f"--request {method}"])) if explicit else ""
    parts = ["curl", *options[:1], method_option, quoted(url, style), *options[1:]]
    lines.append(" ".join(part for part in parts if part))
    return method, path.format(**VALUES), "\n".join(lines) + "\n"


def urls_curl_would_fetch(script: str) -> list[str]:
    shim = 'curl() { for a in "$@"; do case "$a" in http*) printf "%s\\n" "$a";; esac; done; }\n'
    result = subprocess.run(["bash", "-c", shim + script], capture_output=True, text=True, check=True)
    return result.stdout.split()


@given(scripts())
@hypothesis_settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_rewritten_url_is_the_mapped_v2_url(settings, example):
    method, v1_path, script = example
    out = migrated(script, settings)
    assert out != script and "v2" in out
    path, _, query = v1_path.partition("?")
    expected = expected_v2(Recorded(method, path, tuple(q.split("=") for q in query.split("&") if q)), settings.table)
    assert expected is not None
    want = HOST + expected.path + ("?" + "&".join(f"{k}={v}" for k, v in expected.query) if expected.query else "")
    [got] = urls_curl_would_fetch(out)
    got_path, _, got_query = got.partition("?")
    assert got_path == HOST + expected.path, out
    assert sorted(q for q in got_query.split("&") if q) == sorted(f"{k}={v}" for k, v in expected.query), (out, want)
    assert run_shell(out, settings).outcome.value == "unchanged"
