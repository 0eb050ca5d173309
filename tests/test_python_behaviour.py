"""Each response rewrite in Python, checked by running the code: the v1 read on the
guide's v1 response and the migrated read on the v2 response give the same value."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, migrated

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
]


class FakeResponse:
    def __init__(self, body):
        self.body = body

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
    namespace = {"requests": FakeRequests(rule_id)}
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
