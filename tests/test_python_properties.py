"""Property: whatever way a Python program builds the URL, the migrated program, when
run, requests the v2 URL the rule table maps the v1 URL to (by verify's own mapping)."""

from __future__ import annotations

from conftest import migrated
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from migrator.verify.emulator import Recorded
from migrator.verify.run import expected_v2

HOST = "https://acme.datamimic.io"
CALLS = [
    ("get", "GET", "/api/v1/{p}/files"),
    ("get", "GET", "/api/v1/{p}/files/{f}"),
    ("delete", "DELETE", "/api/v1/{p}/files/{f}"),
    ("get", "GET", "/api/v1/{p}/task/{t}"),
    ("get", "GET", "/api/v1/{p}/task/{t}/log"),
    ("get", "GET", "/api/v1/{p}/task/{t}/artifacts/download"),
    ("get", "GET", "/api/v1/{p}/task/{t}/artifact/download/{f}"),
    ("get", "GET", "/api/v1/{p}/info"),
    ("put", "PUT", "/api/v1/{p}/git"),
]
VALUES = {"p": "proj-1", "t": "task-9", "f": "data.csv"}


@st.composite
def programs(draw):
    function, method, template = draw(st.sampled_from(CALLS))
    style = draw(st.sampled_from(["fstring", "concat", "format", "percent", "constant-fstring", "constant-concat", "attribute"]))
    names = [n for n in ("p", "t", "f") if "{" + n + "}" in template]
    path = template.removeprefix("/api/v1")
    lines = [f"{n} = {VALUES[n]!r}" for n in names]
    if style == "fstring":
        url = 'f"' + HOST + "/api/v1" + path + '"'
    elif style == "concat":
        pieces = [repr(piece) if i % 2 == 0 else piece for i, piece in enumerate(_split(HOST + "/api/v1" + path))]
        url = " + ".join(p for p in pieces if p != "''")
    elif style == "format":
        url = repr(HOST + "/api/v1" + path) + ".format(" + ", ".join(f"{n}={n}" for n in names) + ")"
    elif style == "percent":
        text = HOST + "/api/v1" + path
        for n in names:
            text = text.replace("{" + n + "}", "%s")
        url = repr(text) + " % (" + "".join(f"{n}, " for n in names) + ")"
    elif style == "constant-fstring":
        lines.insert(0, f"DATAMIMIC_API = {HOST + '/api/v1'!r}")
        url = 'f"{DATAMIMIC_API}' + path + '"'
    elif style == "constant-concat":
        lines.insert(0, f"BASE = {HOST!r} + '/api/v1'")
        pieces = [repr(piece) if i % 2 == 0 else piece for i, piece in enumerate(_split(path))]
        url = "BASE + " + " + ".join(p for p in pieces if p != "''")
    else:
        lines.insert(0, f"class Datamimic:\n    api = {HOST + '/api/v1'!r}")
        url = 'f"{Datamimic.api}' + path + '"'
    lines.append(f"requests.{function}({url})")
    return method, template.format(**VALUES), "\n".join(lines) + "\n"


def _split(text: str) -> list[str]:
    """'a/{p}/b' -> ['a/', 'p', '/b']: literal and name alternately."""
    out, rest = [], text
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        out += [before, name]
    return out + [rest]


class Recorder:
    def __init__(self):
        self.urls = []

    def __getattr__(self, name):
        return lambda url, **kwargs: self.urls.append(url)


@given(programs())
@hypothesis_settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_requested_url_is_the_mapped_v2_url(settings, example):
    method, v1_path, program = example
    out = migrated(program, settings, "python")
    assert out != program and "v2" in out, program
    expected = expected_v2(Recorded(method, v1_path, ()), settings.table)
    requests = Recorder()
    exec(compile(out, "<migrated>", "exec"), {"requests": requests})
    [url] = requests.urls
    path, _, query = url.partition("?")
    assert path == HOST + expected.path, out
    assert sorted(q for q in query.split("&") if q) == sorted(f"{k}={v}" for k, v in expected.query), out
