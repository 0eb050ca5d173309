"""Request bodies as teams write them: a dict literal in the call, a name holding one and
filled over several lines, ``dict(k=v)``, ``{**defaults, ...}``, params chosen at run time.
Each program is migrated and then run: the original against a v1 server, the migrated one
against a v2-only server, and every request must be the v2 form of the one it replaces."""

from __future__ import annotations

import pytest
from conftest import migrated, run_python, statuses

from migrator.findings import Status
from migrator.verify.run import verify

HEAD = """import requests

BASE = "https://acme.datamimic.io/api/v1"
AUTH = {"Authorization": "Bearer t"}
"""

MIGRATED = {
    "payload filled over several lines": """
payload = {"envs": "stage", "crontab": "0 0 * * *"}
payload["queue"] = "default"
payload["infinite"] = False
requests.post(f"{BASE}/p1/generate/advanced", json=payload, headers=AUTH).raise_for_status()
""",
    "a body in a function's local": """
def schedule(project):
    body = {
        "envs": "stage",
        "crontab": "15 3 * * 1",
        "queue": "default",
        "infinite": False,
    }
    requests.post(f"{BASE}/{project}/generate/advanced", json=body, headers=AUTH).raise_for_status()

schedule("p1")
""",
    "an upload wrapper with one caller takes the form fields itself": """
class Client:
    def create(self, project, name):
        return requests.post(f"{BASE}/{project}/files", files={"file": (name, b"a,b\\n")}, headers=AUTH)

Client().create("p1", "a.csv").raise_for_status()
""",
    "dict(k=v) renamed and moved into the path": """
old, new = "a.csv", "b.csv"
r = requests.put(f"{BASE}/p1/files/rename", json=dict(old_name=old, new_name=new), headers=AUTH)
print(r.status_code)
""",
    "logs params chosen at run time": """
import sys
raw = len(sys.argv) > 5
params = {"encode": "true"} if raw else {}
r = requests.get(f"{BASE}/p1/task/t1/log", params=params, headers=AUTH)
print(r.text)
""",
    "logs params in a name": """
params = {"limit": "10"}
print(requests.get(f"{BASE}/p1/task/t1/log", params=params, headers=AUTH).text)
""",
    "a dict the caller hands a urllib wrapper that sends json.dumps of it": """
import json
import urllib.request


def _request(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method, headers={**AUTH, "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)


def schedule(crontab):
    body = {"envs": "stage", "crontab": crontab, "queue": "default", "infinite": False}
    return _request("POST", "/p1/generate/advanced", body)


_request("GET", "/p1/info")
schedule("0 0 * * *")
""",
    "upload with the file in a name": """
with open("data.csv", "w") as out:
    out.write("a,b\\n1,2\\n")
upload = {"file": open("data.csv", "rb")}
r = requests.put(f"{BASE}/p1/files", files=upload, headers=AUTH)
print(r.status_code)
""",
    "one upload sent by an update and a create": """
files = {"file": ("a.csv", b"a,b\\n")}
print(requests.put(f"{BASE}/p1/files", files=files, headers=AUTH).status_code)
print(requests.post(f"{BASE}/p1/files", files=files, headers=AUTH).status_code)
""",
}

# Bodies whose keys the code does not show: reported, left as they were.
LEFT = {
    "a body spread from elsewhere": """
def rename(extra):
    requests.put(f"{BASE}/p1/files/rename", json={**extra}, headers=AUTH)
""",
    "a body changed after the call": """
body = {"old_name": "a.csv", "new_name": "b.csv"}
requests.put(f"{BASE}/p1/files/rename", json=body, headers=AUTH)
body["new_name"] = "c.csv"
""",
    "a body another call sends too": """
body = {"envs": "stage", "crontab": "0 0 * * *", "queue": "q", "infinite": False}
requests.post(f"{BASE}/p1/generate/advanced", json=body, headers=AUTH)
requests.post("https://audit.example.org/log", json=body)
""",
    "a dict handed to a urllib wrapper and kept by the caller": """
import json
import urllib.request


def _request(path, body):
    req = urllib.request.Request(BASE + path, data=json.dumps(body).encode(), headers=AUTH)
    return urllib.request.urlopen(req).read()


body = {"envs": "stage", "crontab": "0 0 * * *", "queue": "q", "infinite": False}
_request("/p1/generate/advanced", body)
print(body["queue"])
""",
    "a body updated by a method": """
body = {"envs": "stage", "crontab": "0 0 * * *"}
body.update(queue="q", infinite=False)
requests.post(f"{BASE}/p1/generate/advanced", json=body, headers=AUTH)
""",
}


@pytest.mark.parametrize("name", MIGRATED)
def test_the_migrated_program_makes_the_v2_requests(name, settings, tmp_path):
    source = HEAD + MIGRATED[name]
    new = migrated(source, settings, "python")
    assert "/api/v1" not in new
    result = verify(tmp_path / "p.py", "python", source.encode(), new.encode(), settings.table, timeout=30)
    assert [f.message for f in result.findings if f.status is Status.REVIEW] == []


@pytest.mark.parametrize("name", LEFT)
def test_a_body_the_code_does_not_show_is_reported_and_left(name, settings):
    source = HEAD + LEFT[name]
    result = run_python(source, settings)
    assert result.outcome.value == "unchanged"
    assert ("DM106", "review") in statuses(result) or ("DM115", "review") in statuses(result)


def test_dropped_keys_take_their_lines_and_commas_with_them(settings):
    source = HEAD + MIGRATED["payload filled over several lines"]
    assert migrated(source, settings, "python") == HEAD.replace("v1", "v2") + (
        '\npayload = {"crontab": "0 0 * * *"}\n'
        'requests.post(f"{BASE}/projects/p1/generate/schedule", json=payload, headers=AUTH).raise_for_status()\n'
    )


def test_form_fields_a_shared_wrapper_would_take_leave_its_calls(settings):
    """Two calls of one upload function: data= inside it is text both share, and data= at
    a call site it does not hand on is a TypeError: both stay, reported once, where the
    function writes the request."""
    source = HEAD + (
        "\ndef create(project, name):\n"
        '    return requests.post(f"{BASE}/{project}/files", files={"file": (name, b"x")}, headers=AUTH)\n\n'
        'create("p1", "a.csv")\ncreate("p1", "b.csv")\n'
    )
    result = run_python(source, settings)
    assert result.outcome.value == "unchanged"
    assert [(f.rule, f.line) for f in result.findings] == [("DM003", 3), ("DM102", 7)]
    # The upload has files=, in the function: the reason is where the fields would go.
    assert "would go into a function other calls share" in result.findings[1].message
