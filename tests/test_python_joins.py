"""URLs composed the ways people compose them: urljoin, "/".join with a function's
``*parts``, posixpath.join, str.format and % templates held in names, urlunsplit of what
urlsplit took apart. Each program is migrated and run: every request it makes is the v2
form of the one the original made, or (reported) the very same request; another service's
URL composed the same way is left byte-identical. A value the migrator knows only in part
(the host urljoin keeps of a base URL) is never written back as if it were all of it."""

from __future__ import annotations

import pytest
from conftest import check_noop, migrated, run_python, statuses
from test_python_flow import HOST, assert_one_plan, requests_made

from migrator.findings import Status
from migrator.verify.run import verify

# Programs whose every request migrates. They run with a stand-in `requests` (see
# test_python_flow.Recorder) and must not import it.
MIGRATED = {
    "urljoin on an absolute path keeps the base's host only": f"""
import os
from urllib.parse import urljoin

API_ROOT = urljoin(os.environ.get("DM_JOINS_URL", "{HOST}/tdm/"), "/api/v1/")


def call(path):
    return requests.get(urljoin(API_ROOT, path))


call("p1/info").raise_for_status()
print(call("p1/task/t1").json()["result"][0]["status"])
""",
    "urljoin relative to a root held by the client": f"""
from urllib.parse import urljoin


class DatamimicApi:
    def __init__(self, url, project):
        # trailing slash matters for urljoin
        self.root = urljoin(url.rstrip("/") + "/", f"api/v1/{{project}}/")
        self.http = requests.Session()

    def fetch(self, rel, **kw):
        r = self.http.get(urljoin(self.root, rel), **kw)
        r.raise_for_status()
        return r


api = DatamimicApi("{HOST}", "p1")
print(api.fetch("task/t1").json()["result"][0]["status"])
print(api.fetch("task/t1/log").text)
print(api.fetch("files").status_code)
""",
    "urljoin relative to a base its one caller passes": f"""
from urllib.parse import urljoin


def api_base(url, project):
    return f"{{url.rstrip('/')}}/api/v1/{{project}}/"


def sync(session, base):
    session.put(urljoin(base, "git"), params={{"branch_name": "main"}}).raise_for_status()
    print([f["name"] for f in session.get(urljoin(base, "files")).json()["files"]])


sync(requests.Session(), api_base("{HOST}", "p1"))
""",
    "urljoin drops what follows the base's last slash": f"""
from urllib.parse import urljoin

FIRST = "{HOST}/api/v1/p1/files/a.csv"
print(requests.get(FIRST).text)
print(requests.get(urljoin(FIRST, "b.csv")).text)
""",
    "a function's *parts joined with '/'": f"""
VARS = {{"datamimic_url": "{HOST}/", "project": "p1"}}


def _url(*parts):
    return "/".join([VARS["datamimic_url"].rstrip("/"), "api/v1", VARS["project"], *parts])


requests.put(_url("git")).raise_for_status()
r = requests.get(_url("task", "t1"))
print(r.json()["result"][0]["status"])
print(requests.get(_url("task", "t1", "log")).text)
""",
    "'/'.join of a tuple and of a list with an f-string": f"""
BASE = "{HOST}/api/v1"
project = "p1"
requests.put("/".join((BASE, project, "git"))).raise_for_status()
print([f["name"] for f in requests.get("/".join([f"{{BASE}}/{{project}}", "files"])).json()["files"]])
""",
    "posixpath.join of many parts and of *parts": f"""
import posixpath

DATAMIMIC_API = "{HOST}/api/v1/"


def url(*parts):
    return posixpath.join(DATAMIMIC_API, "p1", *parts)


print(requests.get(posixpath.join(DATAMIMIC_API, "p1", "task", "t1", "log")).text)
print([f["name"] for f in requests.get(url("files")).json()["files"]])
requests.delete(url("files", "a.csv")).raise_for_status()
""",
    "format templates in a constant and a class attribute, keywords and **mapping": f"""
class Paths:
    TASK = "{{base}}/api/v1/{{project}}/task/{{task}}"


TASK_LOG = "{{base}}/api/v1/{{project}}/task/{{task}}/log"
ids = {{"project": "p1", "task": "t1"}}
r = requests.get(Paths.TASK.format(base="{HOST}", **ids))
print(r.json()["result"][0]["status"])
print(requests.get(TASK_LOG.format_map({{"base": "{HOST}", "project": "p1", "task": "t1"}})).text)
""",
    "% templates in a constant, with a tuple and a mapping": f"""
FILES = "%s/api/v1/%s/files"
INFO = "%(base)s/api/v1/%(project)s/info"
print([f["name"] for f in requests.get(FILES % ("{HOST}", "p1")).json()["files"]])
requests.get(INFO % {{"base": "{HOST}", "project": "p1"}}).raise_for_status()
""",
    "urlunsplit of what urlsplit took apart, posixpath.join in it": f"""
import posixpath
from urllib.parse import urlsplit, urlunsplit

DATAMIMIC_URL = "{HOST}/"


def v1_url(root, *parts):
    scheme, netloc, path, _, _ = urlsplit(root)
    return urlunsplit((scheme, netloc, posixpath.join(path or "/", "api/v1", *parts), "", ""))


r = requests.get(v1_url(DATAMIMIC_URL, "p1", "task", "t1"))
print(r.json()["result"][0]["status"])
print([f["name"] for f in requests.get(v1_url(DATAMIMIC_URL, "p1", "files")).json()["files"]])
""",
    "str.format templates in a dict, chosen by a key a wrapper passes on": f"""
BASE = "{HOST}/api/v1"
ENDPOINTS = {{
    "info": "{{base}}/{{project}}/info",
    "files": "{{base}}/{{project}}/files",
}}


def _url(name):
    return ENDPOINTS[name].format(base=BASE, project="p1")


def call(name):
    return requests.get(_url(name))


call("info").raise_for_status()
print([f["name"] for f in call("files").json()["files"]])
""",
    "a str.format template a builder fills with a constant": f"""
BASE = "{HOST}/api/v1"
INFO = "{{base}}/p1/info"


def url(template):
    return template.format(base=BASE)


requests.get(url(INFO)).raise_for_status()
""",
    "string.Template routes, substituted with a mapping and keywords": f"""
import string
from string import Template

INFO = Template("${{base}}/api/v1/$project/info")
TASK = string.Template("$base/api/v1/${{project}}/task/$task")
ids = {{"project": "p1"}}
requests.get(INFO.substitute(ids, base="{HOST}")).raise_for_status()
r = requests.get(TASK.safe_substitute(base="{HOST}", task="t1", **ids))
print(r.json()["result"][0]["status"])
""",
    "text after what lstrip keeps": f"""
FILES = "/files"
print([f["name"] for f in requests.get(f"{HOST}/api/v1/p1/" + FILES.lstrip("/")).json()["files"]])
""",
    "text after str() of a number": f"""
BASE = "{HOST}/api/v1"
task = 7
r = requests.get("/".join([BASE, "p1", "task", str(task)]))
print(r.json()["result"][0]["status"])
""",
}


@pytest.mark.parametrize("name", MIGRATED)
def test_every_request_becomes_its_v2_form(name, settings):
    source = MIGRATED[name]
    new = assert_one_plan(source, settings)
    unchanged = [old for old, same in zip(requests_made(source), requests_made(new)) if old == same]
    assert not unchanged, new


# Compositions whose result the migrator cannot know exactly: reported, never guessed.
REPORTED = {
    "urljoin on a base that ends with a value known only at run time": f"""
from urllib.parse import urljoin
project = "p1"
requests.get(urljoin(f"{HOST}/api/v1/{{project}}", "files"))
""",
    "urljoin of a path with '..' in it": f"""
from urllib.parse import urljoin
requests.get(urljoin("{HOST}/api/v1/p1/", "../p1/files"))
""",
    "a part of a joined value as a path parameter": f"""
import posixpath
folder, name = "data/", "a.csv"
requests.put("{HOST}/api/v1/p1/files/rename", json={{"old_name": posixpath.join(folder, name), "new_name": "b.csv"}})
""",
    "a part of a name's value as a path parameter": f"""
NAME = "/a.csv"
requests.put("{HOST}/api/v1/p1/files/rename", json={{"old_name": NAME.lstrip("/"), "new_name": "b.csv"}})
""",
    "text after an 'or' expression": f"""
import sys
BASE = "{HOST}/api/v1"
tid = sys.argv[1] if len(sys.argv) > 5 else ""
r = requests.get("/".join([BASE, "p1", "task", tid or "t1"]))
print(r.json()["result"][0]["status"])
""",
    "a template in a dict whose entries are set elsewhere too": f"""
ENDPOINTS = {{"info": "{HOST}/api/v1/{{project}}/info"}}
ENDPOINTS["info"] = ENDPOINTS["info"].replace("/info", "/info/")


def call(name):
    return requests.get(ENDPOINTS[name].format(project="p1"))


call("info").raise_for_status()
""",
    "a string.Template whose fields a **mapping not written out may fill": f"""
from string import Template

ROUTES = {{"info": Template("$base/api/v1/$project/info")}}


def url(route, **kw):
    return ROUTES[route].substitute({{"base": "{HOST}", "project": "p1"}}, **kw)


requests.get(url("info", project="p2")).raise_for_status()
""",
    "the one call of an artifact file through *parts": f"""
def _url(*parts):
    return "/".join(["{HOST}/api/v1", "p1", *parts])


requests.get(_url("task", "t1", "artifact", "download", "a.csv")).raise_for_status()
""",
}


@pytest.mark.parametrize("name", REPORTED)
def test_what_cannot_be_known_exactly_is_reported_and_left(name, settings):
    source = REPORTED[name]
    result = run_python(source, settings)
    assert result.outcome.value == "unchanged", result.migrated.decode()
    assert [f for f in result.findings if f.status is not Status.MIGRATED]
    assert_one_plan(source, settings)


# Another service's API composed the same ways (its own host, base names of its own).
OTHER = "https://objects.example.net"
NOT_DATAMIMIC = [
    f'from urllib.parse import urljoin\nSTORE_ROOT = urljoin("{OTHER}/x/", "/api/v1/")\nrequests.get(urljoin(STORE_ROOT, "b1/files"))\n',
    f'from urllib.parse import urljoin\nrequests.get(urljoin("{OTHER}/api/v1/b1/", "files"))\n',
    f'def store_url(*parts):\n    return "/".join(["{OTHER}", "api/v1", *parts])\nrequests.get(store_url("b1", "files"))\n',
    f'import posixpath\nSTORE_API = "{OTHER}/api/v1"\nrequests.get(posixpath.join(STORE_API, "b1", "files", "k"))\n',
    f'STORE_FILES = "{{}}/api/v1/{{}}/files"\nrequests.get(STORE_FILES.format("{OTHER}", "b1"))\n',
    f'STORE_FILES = "%s/api/v1/%s/files"\nrequests.get(STORE_FILES % ("{OTHER}", "b1"))\n',
    f'from string import Template\nSTORE = Template("$root/api/v1/$b/files")\nrequests.get(STORE.substitute(root="{OTHER}", b="b1"))\n',
    f'import posixpath\nfrom urllib.parse import urlsplit, urlunsplit\nSTORE_URL = "{OTHER}"\n'
    'scheme, netloc, path, _, _ = urlsplit(STORE_URL)\n'
    'requests.get(urlunsplit((scheme, netloc, posixpath.join(path or "/", "api/v1", "b1", "files"), "", "")))\n',
]


@pytest.mark.parametrize("source", NOT_DATAMIMIC)
def test_another_services_url_composed_the_same_way_is_left_alone(source, settings):
    result = check_noop(source, settings, "python")
    assert {rule for rule, _ in statuses(result)} <= {"DM000"}


# Run against the emulator: the original against v1, the migrated program against v2 alone.
VERIFIED = {
    # A path parameter v2 takes from the body, escaped for the % template it goes into.
    "a name into a % template": """
RENAME = "%s/api/v1/%s/files/rename"
requests.put(RENAME % (HOST, "demo-project"), json={"old_name": "script/report.sql", "new_name": "r.sql"}, headers=AUTH)
""",
    # ... written as the expression that holds it, not as the field of the template it filled.
    "a name from a format call": """
stem = "customers"
requests.put(f"{HOST}/api/v1/demo-project/files/rename", json={"old_name": "{}.csv".format(stem), "new_name": "c.csv"}, headers=AUTH)
""",
    "a urllib Request built in a helper from urljoin, opened with urlopen": """
import os
import urllib.request
from urllib.parse import urljoin

API_ROOT = urljoin(os.environ.get("DATAMIMIC_URL", HOST), "/api/v1/")


def call(method, path):
    req = urllib.request.Request(urljoin(API_ROOT, path), method=method)
    req.add_header("Authorization", AUTH["Authorization"])
    with urllib.request.urlopen(req, timeout=30) as resp:
        return resp.status


print(call("GET", "demo-project/files"), call("PUT", "demo-project/git?branch_name=main"))
""",
}


@pytest.mark.parametrize("name", VERIFIED)
def test_the_migrated_program_does_against_v2_what_the_original_did_against_v1(name, settings, tmp_path):
    source = f'import requests\n\nHOST = "{HOST}"\nAUTH = {{"Authorization": "Bearer t"}}\n' + VERIFIED[name]
    new = migrated(source, settings, "python")
    assert "/api/v1" not in new
    result = verify(tmp_path / "p.py", "python", source.encode(), new.encode(), settings.table, timeout=30)
    assert [f.message for f in result.findings if f.status is Status.REVIEW] == []


def test_parts_joined_onto_a_base_joined_in_another_module(tmp_path, settings):
    """dmsync's client: _url(*parts) joins onto self._base, itself "/".join of a settings
    property and the project; the base moves in the settings module, "projects/" in the client."""
    from dataclasses import replace

    from migrator import engine

    package = tmp_path / "dmsync"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text(
        "from dataclasses import dataclass\n\n\n@dataclass(frozen=True)\nclass Settings:\n"
        '    url: str = "https://tdm.acme.com"\n    project: str = ""\n\n    @property\n'
        '    def api_root(self) -> str:\n        return self.url.rstrip("/") + "/api/v1"\n'
    )
    client = (
        "import requests\n\nfrom .settings import Settings\n\n\nclass ProjectClient:\n"
        "    def __init__(self, settings: Settings):\n"
        '        self._base = "/".join([settings.api_root, settings.project])\n'
        "        self._session = requests.Session()\n\n"
        "    def _url(self, *parts):\n"
        '        return "/".join([self._base, *parts])\n\n'
        "    def read_file(self, name):\n"
        '        return self._session.request("GET", self._url("files", name)).content\n\n'
        '    def update_from_git(self, branch="main"):\n'
        '        return self._session.request("PUT", self._url("git"), params={"branch_name": branch}).status_code\n'
    )
    (package / "client.py").write_text(client)
    results = {r.path: r for r in engine.run(engine.plan([tmp_path]), replace(settings, assume_datamimic=True), jobs=1)}
    assert results[str(package / "settings.py")].migrated.decode().endswith('return self.url.rstrip("/") + "/api/v2"\n')
    assert results[str(package / "client.py")].migrated.decode() == client.replace(
        "settings.project]", '"projects/" + settings.project]'
    )


def test_a_call_through_a_dict_of_templates_is_reported_where_its_template_is_written(settings):
    source = f"""
BASE = "{HOST}/api/v1"
ENDPOINTS = {{
    "task": "{{base}}/{{project}}/task/{{task}}",
}}


def call(name, task):
    return requests.get(ENDPOINTS[name].format(base=BASE, project="p1", task=task))


print(call("task", "t1").json()["task_count"])
"""
    result = run_python(source, settings)
    assert ("DM107", 4) in {(f.rule, f.line) for f in result.findings if f.status is not Status.MIGRATED}
    assert assert_one_plan(source, settings) == source
