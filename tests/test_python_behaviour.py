"""Each response rewrite in Python, checked by running the code: the v1 read on the
guide's v1 response and the migrated read on the v2 response give the same value."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, migrated, run_python, statuses
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

RESPONSES = json.loads((ROOT / "tests" / "data" / "responses.json").read_text())
URLS = {
    "DM101": ("get", "https://acme.datamimic.io/api/v1/p1/files"),
    "DM102": ("post", "https://acme.datamimic.io/api/v1/p1/files"),
    "DM107": ("get", "https://acme.datamimic.io/api/v1/p1/task/t1"),
    "DM109": ("get", "https://acme.datamimic.io/api/v1/p1/task/t1/artifacts"),
}
READS = [
    ("DM101", 'return [f["name"] for f in r.json()["files"]]'),
    ("DM101", 'return r.json()["files"][0]["name"]'),
    ("DM101", 'return r.json()["files"][-1]["name"].upper()'),
    ("DM101", 'return len(r.json()["files"])'),
    ("DM101", 'data = r.json()\n    return sorted(entry["name"] for entry in data["files"])'),
    ("DM101", 'names = []\n    for f in r.json().get("files"):\n        names.append(f.get("name"))\n    return names'),
    ("DM101", 'files = r.json()["files"]\n    return {f["name"] for f in files}'),
    ("DM102", 'return r.json()["location"]'),
    ("DM107", 'return r.json()["result"][0]["status"]'),
    ("DM107", 'task = r.json()["result"][0]\n    return task["name"], task["date_done"]'),
    ("DM109", 'return [a["name"] for a in r.json()]'),
    ("DM109", 'return r.json()[1]["size"]'),
    ("DM109", 'return len(r.json())'),
    # the task envelope as people test it: a test of the list is a test of the task
    ("DM107", 'tasks = r.json().get("result") or []\n    return tasks[0]["status"] if tasks else "PENDING"'),
    ("DM107", 'results = r.json().get("result") or []\n    task = results[0] if results else {}\n    return task.get("status", "PENDING"), task["name"]'),
    ("DM107", 'body = r.json()\n    if not body.get("task_count"):\n        raise LookupError("no task")\n    return body["result"][0]["status"]'),
    ("DM107", 'data = json.loads(r.text)\n    return "done" if data["result"] and data["result"][0]["status"] == "SUCCESS" else "waiting"'),
    # through functions of the run, each call site its own
    ("DM101", 'def names(data):\n        return [f["name"] for f in data["files"]]\n    return names(r.json())'),
    ("DM109", 'def parsed(resp):\n        resp.raise_for_status()\n        return resp.json()\n    return [a["size"] for a in parsed(r)]'),
    # the body of an error answer is not the endpoint's
    ("DM109", 'if not r.ok:\n        raise RuntimeError(r.json().get("detail"))\n    return sorted(a["name"] for a in r.json())'),
    ("DM102", 'if r.status_code >= 400:\n        return None\n    return r.json().get("location")'),
    # a subscript after a looser expression
    ("DM109", 'return [a["type"] for a in r.json() or []]'),
]


class FakeResponse:
    def __init__(self, body):
        self.body = body
        self.text = json.dumps(body)
        self.ok = True
        self.status_code = 200

    def json(self):
        return self.body

    def raise_for_status(self):
        pass


class FakeRequests:
    """Answers like the server of the version the URL asks for."""

    def __init__(self, rule_id):
        self.rule_id = rule_id

    def _answer(self, url, **kwargs):
        version = "v2" if "/api/v2/" in url else "v1"
        return FakeResponse(json.loads(json.dumps(RESPONSES[self.rule_id][version])))

    get = post = put = delete = _answer


def run(source: str, rule_id: str):
    namespace = {"requests": FakeRequests(rule_id), "json": json}
    exec(compile(source, "<migrated>", "exec"), namespace)
    return namespace["read"]()


@pytest.mark.parametrize(("rule_id", "body"), [pytest.param(r, b, id=f"{r}:{b.splitlines()[-1].strip()}") for r, b in READS])
def test_migrated_read_gives_the_same_value(rule_id, body, settings):
    method, url = URLS[rule_id]
    extra = ', files={"file": ("data.csv", b"")}' if rule_id == "DM102" else ""
    source = "def read():\n" + f'    r = requests.{method}("{url}"{extra})\n' + "    " + body + "\n"
    new = migrated(source, settings, "python")
    assert "/api/v2/" in new and new != source
    assert run(source, rule_id) == run(new, rule_id)


def test_get_with_a_default(settings):
    source = (
        'def read():\n    r = requests.get("https://acme.datamimic.io/api/v1/p1/files")\n'
        '    return [f.get("name") for f in r.json().get("files", [])]\n'
    )
    new = migrated(source, settings, "python")
    assert '["current_project_files_uri"]' in new
    assert run(source, "DM101") == run(new, "DM101")


# ---------------------------------------------------------------- read styles combined

# A value of the answer, read as people write it ({d}: the parsed answer).
STYLED_READS = {
    "DM101": [
        '{d}["files"][0]["name"]',
        'len({d}["files"])',
        '[f["name"] for f in {d}["files"]]',
        'sorted(f.get("name") for f in {d}.get("files", []))',
        '{d}["files"][-1]["extension"]',
        '"some" if {d}["files"] else "none"',
        '[f for f in {d}["files"] if f["name"].endswith(".xml")][-1]["name"]',
    ],
    "DM107": [
        '{d}["result"][0]["status"]',
        '({d}.get("result") or [])[0]["name"]',
        '"yes" if {d}["result"] else "no"',
        'bool({d}.get("task_count"))',
        '{d}["task_count"]',
        '[t["status"] for t in {d}["result"]]',
    ],
    "DM109": [
        '[a["name"] for a in {d}]',
        "len({d})",
        '{d}[1]["size"]',
        "{d}",
        'sorted({d}, key=lambda a: a["name"])[0]["type"]',
        'len([a for a in {d} if a["type"] == "csv"])',
        '[a for a in {d} if a["size"] > 1500][0]["name"]',
        '"artifacts" if {d} else "nothing"',
    ],
}
# How the parsed answer reaches the read: (code before read(), lines in read() before the return, the return).
HOLDERS = {
    "inline": ("", "", "return {read}"),
    "name": ("", "    data = r.json()\n", "return {read_data}"),
    "text": ("", "    data = json.loads(r.text)\n", "return {read_data}"),
    "default": ("", "    data = r.json() or {{}}\n", "return {read_data}"),
    "guarded": ("", '    if not r.ok:\n        raise RuntimeError(r.json().get("detail"))\n', "return {read}"),
    "helper": ("def parsed(resp):\n    resp.raise_for_status()\n    return resp.json()\n\n{other}", "", "return {read_parsed}"),
    "passed": ("def pick(data):\n    return {read_data}\n\n", "", "return pick(r.json())"),
    "same-name": ("", "    r = r.json()\n", "return {read_r}"),
    "walrus": ("", "", "return {read_walrus}"),
    "conditional": ("", "    data = r.json() if r.ok else {{}}\n", "return {read_data}"),
    "maybe-none": (
        "def parsed(resp):\n    if resp.status_code == 404:\n        return None\n    return resp.json()\n\n{other}",
        "",
        "return {read_parsed}",
    ),
}
# Another call of the same helper, with its own reads: they must not count for this call.
OTHER = {
    "DM107": 'def other():\n    return [a["name"] for a in parsed(requests.get("https://acme.datamimic.io/api/v1/p1/task/t1/artifacts"))]\n\n',
    "DM101": 'def other():\n    return parsed(requests.get("https://acme.datamimic.io/api/v1/p1/task/t1"))["result"][0]["status"]\n\n',
    "DM109": 'def other():\n    return parsed(requests.get("https://acme.datamimic.io/api/v1/p1/task/t1"))["result"][0]["status"]\n\n',
}


@st.composite
def styled_programs(draw):
    rule_id = draw(st.sampled_from(sorted(STYLED_READS)))
    read = draw(st.sampled_from(STYLED_READS[rule_id]))
    before, prelude, returned = HOLDERS[draw(st.sampled_from(sorted(HOLDERS)))]
    method, url = URLS[rule_id]
    forms = {
        "read": read.format(d="r.json()"),
        "read_data": read.format(d="data"),
        "read_parsed": read.format(d="parsed(r)"),
        "read_r": read.format(d="r"),
        "read_walrus": read.format(d="(data := r.json())"),
    }
    source = (
        before.format(other=OTHER[rule_id], **forms)
        + f'def read():\n    r = requests.{method}("{url}")\n'
        + prelude.format()
        + "    "
        + returned.format(**forms)
        + "\n"
    )
    assume(_compiles(source))  # := may not stand in a comprehension's iterable
    return rule_id, source


def _compiles(source: str) -> bool:
    try:
        compile(source, "<program>", "exec")
    except SyntaxError:
        return False
    return True


@given(styled_programs())
@hypothesis_settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_read_in_any_style_gives_the_same_value_or_keeps_its_call(settings, example):
    rule_id, source = example
    new = migrated(source, settings, "python")
    if new == source:
        assert (rule_id, "review") in statuses(run_python(source, settings)), source
        return
    assert run(source, rule_id) == run(new, rule_id), new
