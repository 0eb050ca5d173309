"""The flow across functions: URL builders and request wrappers read through at each call
site, and one plan for what they share. Proven by running the programs: every request a
migrated program makes is either the v2 request its v1 request maps to (the call was
migrated) or exactly the v1 request it made before (the call was reported and left), and
never a v1 path on a v2 base."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import migrated, run_python, statuses
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from migrator.findings import Status
from migrator.verify.emulator import Recorded
from migrator.verify.run import expected_v2

HOST = "https://acme.datamimic.io"


class Recorder:
    """A requests-like module and session: records each request, answers like v1 or v2."""

    def __init__(self):
        self.seen: list[tuple[str, str]] = []

    def request(self, method, url, **kwargs):
        self.seen.append((method.upper(), url))
        return _Response(url)

    def get(self, url, **kw):
        return self.request("GET", url, **kw)

    def post(self, url, **kw):
        return self.request("POST", url, **kw)

    def put(self, url, **kw):
        return self.request("PUT", url, **kw)

    def delete(self, url, **kw):
        return self.request("DELETE", url, **kw)

    def Session(self):  # noqa: N802 - requests' name
        return self


class _Response:
    def __init__(self, url):
        self.url = url
        self.status_code = 200
        self.text = "log line\n"

    def raise_for_status(self):
        pass

    def json(self):
        if "/api/v2/" in self.url:
            return {"status": "SUCCESS", "current_project_files_uri": ["p/a.csv"], "task_count": None}
        return {"task_count": 1, "result": [{"status": "SUCCESS"}], "files": [{"name": "a.csv", "extension": "csv"}]}


def requests_made(source: str) -> list[tuple[str, str]]:
    recorder = Recorder()
    exec(compile(source, "<program>", "exec"), {"requests": recorder, "__name__": "__main__", "print": lambda *a: None})
    return recorder.seen


def assert_one_plan(source: str, settings) -> str:
    """Run the original and the migrated program: each request is its v2 form or unchanged."""
    new = migrated(source, settings, "python")
    before, after = requests_made(source), requests_made(new)
    assert len(before) == len(after)
    for (method, old_url), (new_method, new_url) in zip(before, after):
        assert method == new_method
        path = old_url.removeprefix(HOST)
        expected = expected_v2(Recorded(method, path.split("?")[0], ()), settings.table)
        if new_url == old_url:
            continue  # left on v1: the call must have been reported (checked by the callers)
        assert expected is not None, f"{old_url} became {new_url}"
        assert new_url.removeprefix(HOST).split("?")[0] == expected.path, f"{old_url} became {new_url}"
    return new


WRAPPED = '''\
BASE = "{HOST}/api/v1/p1"


def api(path):
    return f"{{BASE}}{{path}}"


def main():
    s = requests.Session()
    s.get(api("/info")).raise_for_status()
    r = s.get(api("/task/t1"))
    print(r.json()["result"][0]["status"])
{extra}

if __name__ == "__main__":
    main()
'''


def test_a_url_builder_is_read_through_and_its_base_moves_when_every_call_migrates(settings):
    source = WRAPPED.format(HOST=HOST, extra="")
    new = assert_one_plan(source, settings)
    assert 'BASE = "https://acme.datamimic.io/api/v2/projects/p1"' in new
    assert 's.get(api("")).raise_for_status()' in new and 'api("/tasks/t1/metadata")' in new


def test_a_call_that_stays_on_v1_keeps_the_shared_base_on_v1(settings):
    """One call reads .task_count, which v2 lacks: it stays, so BASE and the wrapper stay too."""
    source = WRAPPED.format(HOST=HOST, extra='    print(s.get(api("/task/t1")).json()["task_count"])')
    result = run_python(source, settings)
    assert "migrated" not in {status for _, status in statuses(result)}
    assert_one_plan(source, settings)


REQUEST_WRAPPER = '''\
class DatamimicClient:
    def __init__(self, root, project):
        self.root = root
        self.project = project
        self.session = requests.Session()

    @property
    def base_url(self):
        return f"{{self.root}}/api/v1/{{self.project}}"

    def _url(self, path):
        return f"{{self.base_url}}/{{path.lstrip('/')}}"

    def _request(self, method, path, **kw):
        resp = self.session.request(method, self._url(path), **kw)
        resp.raise_for_status()
        return resp

    def status(self, task_id):
        return self._request("GET", f"/task/{{task_id}}").json()["result"][0]["status"]

    def log(self, task_id):
        return self._request("GET", f"task/{{task_id}}/log").text


client = DatamimicClient("{HOST}", "p1")
print(client.status("t1"), client.log("t1"))
'''


def test_a_request_wrapper_makes_each_call_site_a_request(settings):
    source = REQUEST_WRAPPER.format(HOST=HOST)
    new = assert_one_plan(source, settings)
    assert '"/api/v2/projects/' in new or "/api/v2/projects/" in new
    assert 'f"/tasks/{task_id}/metadata"' in new and '.json()["status"]' in new
    assert 'f"tasks/{task_id}/logs?encode=false"' in new


# ------------------------------------------------------------------ the property


ENDPOINTS = [
    ("GET", "/info", "r.raise_for_status()"),
    ("GET", "/files", 'print([f["name"] for f in r.json()["files"]])'),
    ("GET", "/task/t1", 'print(r.json()["result"][0]["status"])'),
    ("GET", "/task/t1/log", "print(r.text)"),
    ("DELETE", "/files/a.csv", "r.raise_for_status()"),
]
# Reads that v2 has no equivalent for: the call must stay on v1, reported.
BLOCKING = {"/files": 'print(r.json()["files"][0]["extension"])', "/task/t1": 'print(r.json()["task_count"])'}


def _segments(path: str) -> str:
    return ", ".join(repr(segment) for segment in path.strip("/").split("/"))


# Compositions of BASE and a call's path: (path, index of the call) -> (URL, a constant it needs).
JOINS = {
    "join-parts": lambda path, index: (f"api({_segments(path)})", ""),
    "urljoin": lambda path, index: (f"urljoin(ROOT, {path.lstrip('/')!r})", ""),
    "urljoin-absolute": lambda path, index: (f'urljoin(ORIGIN, API_PATH + {path!r})', ""),
    "posixpath": lambda path, index: (f"posixpath.join(BASE, {_segments(path)})", ""),
    "format-constant": lambda path, index: (f"URL_{index}.format(base=BASE)", f'URL_{index} = "{{base}}{path}"'),
    "percent-constant": lambda path, index: (f"URL_{index} % (BASE,)", f'URL_{index} = "%s{path}"'),
}


@st.composite
def programs(draw):
    style = draw(st.sampled_from(["constant", "builder", "method", "property", "task-builder", *JOINS]))
    with_project = draw(st.booleans())
    base = f"{HOST}/api/v1" + ("/p1" if with_project else "")
    prefix = "" if with_project else "/p1"
    calls = draw(st.lists(st.sampled_from(range(len(ENDPOINTS))), min_size=1, max_size=4))
    blocked = draw(st.sets(st.sampled_from(range(len(calls))), max_size=2))
    lines = ["import posixpath", "from urllib.parse import urljoin", "", f'BASE = "{base}"', "session = requests.Session()", ""]
    if style == "join-parts":
        lines += ["def api(*parts):", '    return "/".join([BASE, *parts])', ""]
    if style == "urljoin":
        lines += ['ROOT = BASE + "/"', ""]
    if style == "urljoin-absolute":  # the host of ORIGIN, the path of API_PATH
        lines = [line for line in lines if not line.startswith("BASE =")]
        lines += [f'ORIGIN = "{HOST}/tdm/"', f'API_PATH = "{base.removeprefix(HOST)}"', ""]
    if style == "builder":
        lines += ["def api(path):", '    return BASE + path', ""]
    if style == "task-builder":
        # A builder holding part of the path: a call's change may land in the builder's own text.
        lines += ["def task_url(tid):", f'    return f"{{BASE}}{prefix}/task/{{tid}}"', ""]
    if style in ("method", "property"):
        lines += ["class Datamimic:"]
        if style == "property":
            lines += ["    @property", "    def base(self):", "        return BASE", ""]
        getter = "self.base" if style == "property" else "BASE"
        lines += ["    def url(self, path):", f'        return f"{{{getter}}}{{path}}"', "", "dm = Datamimic()", ""]
    for index, endpoint in enumerate(calls):
        method, path, read = ENDPOINTS[endpoint]
        if index in blocked and path in BLOCKING:
            read = BLOCKING[path]
        if style == "task-builder" and not path.startswith("/task/t1"):
            url = f'BASE + "{prefix}{path}"'
        elif style == "task-builder":
            url = 'task_url("t1")' + (f' + "{path[len("/task/t1"):]}"' if path != "/task/t1" else "")
        elif style in JOINS:
            url, constant = JOINS[style](prefix + path, index)
            lines += [constant] if constant else []
        else:
            url = None
        url = url or {
            "constant": f'BASE + "{prefix}{path}"',
            "builder": f'api("{prefix}{path}")',
            "method": f'dm.url("{prefix}{path}")',
            "property": f'dm.url("{prefix}{path}")',
        }[style]
        lines += [f"r = session.request({method!r}, {url})", read]
    return "\n".join(lines) + "\n"


@hypothesis_settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(programs())
def test_every_request_is_its_v2_form_or_left_as_it_was(settings, program):
    result = run_python(program, settings)
    new = assert_one_plan(program, settings)
    left = [f for f in result.findings if f.status is not Status.MIGRATED]
    if new == program:
        return
    # Whatever stayed on v1 is reported.
    before, after = requests_made(program), requests_made(new)
    if any(old == same for old, same in zip(before, after)):
        assert left, "a call stayed on v1 with no finding"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param('def api(path):\n    return f"{BASE}{path}"\n\nBASE = "https://objects.example.net/api/v1"\nrequests.get(api("/b/files"))\n', id="a-builder-of-another-service"),
    ],
)
def test_builders_of_other_services_are_left_alone(source, settings):
    result = run_python(source, settings)
    assert result.outcome.value == "unchanged"


def test_modules_of_a_run_are_one_program(tmp_path, settings):
    """The base in a settings module, the paths in a client module: migrated together."""
    from migrator import engine

    package = tmp_path / "tdm"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "settings.py").write_text('API = "https://tdm.acme.com/api/v1"\n')
    (package / "client.py").write_text(
        "import requests\n\nfrom .settings import API\n\n\ndef info(project):\n"
        '    return requests.get(f"{API}/{project}/info").status_code\n'
    )
    results = {r.path: r for r in engine.run(engine.plan([tmp_path]), settings, jobs=1)}
    settings_py, client_py = str(package / "settings.py"), str(package / "client.py")
    assert results[settings_py].migrated.decode() == 'API = "https://tdm.acme.com/api/v2"\n'
    assert 'f"{API}/projects/{project}"' in results[client_py].migrated.decode()


def test_a_constant_another_module_uses_in_a_call_that_stays_does_not_move(tmp_path, settings):
    from migrator import engine

    (tmp_path / "settings.py").write_text('API = "https://tdm.acme.com/api/v1"\n')
    (tmp_path / "a.py").write_text('import requests\nfrom settings import API\nrequests.get(f"{API}/p/info")\n')
    (tmp_path / "b.py").write_text('import requests\nfrom settings import API\nprint(requests.get(f"{API}/p/task/t").json()["task_count"])\n')
    results = {Path(r.path).name: r for r in engine.run(engine.plan([tmp_path]), settings, jobs=1)}
    assert results["settings.py"].outcome.value == "unchanged"
    assert "API[:-7] if API.endswith('/api/v1') else API" in results["a.py"].migrated.decode()
    assert [f.status.value for f in results["b.py"].findings if f.rule == "DM107"][0] == "review"


def test_a_builder_two_calls_would_change_differently_stays(settings):
    """task_url(tid) is read by a metadata call (which needs /metadata after the id, in the
    builder) and by a log call (which does not): the builder cannot take both."""
    source = (
        f'BASE = "{HOST}/api/v1/p1"\n\n\ndef task_url(tid):\n    return f"{{BASE}}/task/{{tid}}"\n\n\n'
        'r = requests.get(task_url("t1"))\nprint(r.json()["result"][0]["status"])\n'
        'print(requests.get(task_url("t1") + "/log").text)\n'
    )
    new = assert_one_plan(source, settings)
    assert 'return f"{BASE}/task/{tid}"' in new


CLIENT_PASSED_TO_HELPERS = '''import httpx


def push_one(client, name):
    client.put("/p1/files", files={"file": (name, b"a,b\\n")}).raise_for_status()


def status(client, task_id):
    return client.get(f"/p1/task/{task_id}").json()["result"][0]["status"]
%s

def main():
    with httpx.Client(base_url="https://acme.datamimic.io/api/v1", headers={"Authorization": "Bearer t"}) as client:
        for name in ["a.csv", "b.csv"]:
            push_one(client, name)
        print(status(client, "t1"))%s


main()
'''


def test_a_client_passed_to_helpers_moves_with_its_requests(settings, tmp_path):
    """The helpers' paths and the client's base_url change together: proven on a v2-only server."""
    from migrator.verify.run import verify

    source = CLIENT_PASSED_TO_HELPERS % ("", "")
    new = migrated(source, settings, "python")
    assert 'base_url="https://acme.datamimic.io/api/v2"' in new
    result = verify(tmp_path / "p.py", "python", source.encode(), new.encode(), settings.table, timeout=30)
    assert [f.message for f in result.findings if f.status is Status.REVIEW] == []


def test_a_client_one_helper_keeps_on_v1_keeps_its_base(settings):
    """A helper makes an unmapped request on the same client: the base stays, and so must
    every path on it; each says why."""
    unmapped = '\n\ndef read(client, name):\n    return client.get(f"/p1/file/read/{name}").text\n'
    source = CLIENT_PASSED_TO_HELPERS % (unmapped, '\n        print(read(client, "a.csv"))')
    result = run_python(source, settings)
    assert result.outcome.value == "unchanged"
    assert ("DM100", "unmapped") in statuses(result)
    assert ("DM103", "review") in statuses(result) and ("DM107", "review") in statuses(result)
    blocked = [f.message for f in result.findings if f.rule == "DM103"]
    assert "is also used by the call on line 13, which stays on v1" in blocked[0]


CALLABLES = '''import functools
import time

import requests

BASE = "https://acme.datamimic.io/api/v1/p1"
session = requests.Session()
session.headers["Authorization"] = "Bearer t"
get = functools.partial(session.get, timeout=30)


class Client:
    def __init__(self):
        self._put = functools.partial(session.request, "PUT", timeout=30)

    def pull(self, branch):
        return self._put(f"{BASE}/git", params={"branch_name": branch}).status_code


def with_retries(fn, *args, attempts=3, **kwargs):
    for _ in range(attempts):
        resp = fn(*args, **kwargs)
        if resp.status_code < 500:
            resp.raise_for_status()
            return resp
        time.sleep(0.1)
    raise RuntimeError("gave up")


print(get(f"{BASE}/info").status_code)
print(Client().pull("main"))
print(with_retries(session.get, f"{BASE}/task/t1/log", params={"encode": "false"}, attempts=2).text)
'''


def test_requests_through_partials_and_a_retry_helper_migrate(settings, tmp_path):
    """functools.partial(session.get), a partial kept on self, and with_retries(session.get, url):
    each call site is a request, proven on a v2-only server."""
    from migrator.verify.run import verify

    new = migrated(CALLABLES, settings, "python")
    assert "/api/v1" not in new and "/api/v2/projects/p1" in new
    result = verify(tmp_path / "p.py", "python", CALLABLES.encode(), new.encode(), settings.table, timeout=30)
    assert [f.message for f in result.findings if f.status is Status.REVIEW] == []


def test_a_retry_helper_whose_own_parameters_take_the_arguments_is_not_followed(settings):
    """def retry(fn, url, *args): the URL binds to a parameter of its own, not to the request."""
    source = (
        'import requests\n\ndef retry(fn, tries, *args, **kwargs):\n    return fn(*args, **kwargs)\n\n'
        'retry(requests.get, 3, "https://acme.datamimic.io/api/v1/p1/info")\n'
    )
    assert run_python(source, settings).outcome.value == "unchanged"


FACTORY = '''import os

import httpx


def client_for(base_url, token, **kw):
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, **kw)


def tdm_client(project):
    base = f"https://acme.datamimic.io/api/v1/{project}"
    return client_for(base, os.environ.get("DATAMIMIC_TOKEN", "t"))


def k8s_client():
    return client_for("https://k8s.internal:6443/api/v1", "sa-token")


with tdm_client("p1") as c:
    print(c.get("/task/t1").raise_for_status().json()["result"][0]["status"])
    print(c.get("/task/t1/log", params={"encode": "false"}).text)
'''


def test_a_client_factory_moves_its_own_base_and_not_the_other_services(settings, tmp_path):
    """The base goes into tdm_client's text, which only the DATAMIMIC clients get: the factory
    client_for, which the Kubernetes client shares, does not change. httpx's raise_for_status()
    returns the response: the read after it is the response's too."""
    from migrator.verify.run import verify

    new = migrated(FACTORY, settings, "python")
    assert 'f"https://acme.datamimic.io/api/v2/projects/{project}"' in new
    assert '.raise_for_status().json()["status"]' in new
    assert 'client_for("https://k8s.internal:6443/api/v1", "sa-token")' in new
    result = verify(tmp_path / "p.py", "python", FACTORY.encode(), new.encode(), settings.table, timeout=30)
    assert [f.message for f in result.findings if f.status is Status.REVIEW] == []


AIOHTTP = '''import aiohttp

BASE = "https://acme.datamimic.io/api/v1/p1/"


async def info(session, path):
    async with session.get(path) as resp:
        return await resp.text()


async def main():
    async with aiohttp.ClientSession(base_url=BASE) as session:
        print(await info(session, "%s"))
'''


@pytest.mark.parametrize(
    ("path", "migrates"),
    [("task/t1/log", True), ("/task/t1/log", False)],
    ids=["relative-appends", "absolute-replaces-the-path"],
)
def test_aiohttp_joins_a_path_as_a_browser_does(path, migrates, settings):
    """aiohttp's base_url + "info" appends; "/info" replaces the base's path (yarl's join): not
    a DATAMIMIC v1 URL at all, so it is not taken for one."""
    result = run_python(AIOHTTP % path, settings)
    assert (result.outcome.value == "changed") is migrates
    if migrates:
        assert 'BASE = "https://acme.datamimic.io/api/v2/projects/p1/"' in result.migrated.decode()
        assert 'info(session, "tasks/t1/logs?encode=false")' in result.migrated.decode()


def test_a_path_that_would_take_the_clients_joining_slash_stays(settings):
    """httpx joins base_url and path with one "/" of its own: project info on a client whose
    base ends at the project would request ".../projects/p1/", not the v2 URL."""
    source = "import httpx\n\nwith httpx.Client(base_url='https://acme.datamimic.io/api/v1/p1') as c:\n    print(c.get('/info').status_code)\n"
    result = run_python(source, settings)
    assert result.outcome.value == "unchanged" and ("DM112", "review") in statuses(result)


def test_a_helper_passed_on_as_a_value_may_get_other_clients(settings):
    """fetch is also handed to a scheduler that calls it with a client the flow cannot see:
    the client its visible caller passes is not the only one, so its base does not move."""
    source = (
        "import httpx\n\ndef fetch(client):\n    return client.get('/info').status_code\n\n"
        "with httpx.Client(base_url='https://acme.datamimic.io/api/v1/p1') as c:\n    print(fetch(c))\n"
        "    jobs = [fetch]\n"
    )
    assert run_python(source, settings).outcome.value == "unchanged"


def test_a_version_kept_alone_in_a_settings_module_is_read(tmp_path, settings):
    """API_VERSION = "v1" joined into the URL in another module: neither file holds "api/v1",
    and both are read as one program (here the client's wrapper also reads resp.json().get(),
    which is a dict's get, not a second request)."""
    from migrator import engine

    (tmp_path / "settings.py").write_text('API_VERSION = "v1"\n')
    (tmp_path / "client.py").write_text(
        "import requests\n\nfrom settings import API_VERSION\n\nDATAMIMIC_URL = 'https://tdm.acme.com'\n\n\n"
        "def _request(method, path):\n"
        '    resp = requests.request(method, "/".join([DATAMIMIC_URL, "api", API_VERSION, "p1", path]))\n'
        "    if not resp.ok:\n        raise RuntimeError(resp.json().get('detail'))\n    return resp\n\n\n"
        "def log(task):\n    return _request('GET', f'task/{task}/log').text\n"
    )
    results = {Path(r.path).name: r for r in engine.run(engine.plan([tmp_path]), settings, jobs=1)}
    assert [f.rule for f in results["client.py"].findings] == ["DM108"]
    assert results["settings.py"].migrated == b'API_VERSION = "v2"\n'
    client = results["client.py"].migrated.decode()
    assert '"api", API_VERSION, "projects/p1", path' in client and "f'tasks/{task}/logs?encode=false'" in client


HOOK = '''class TdmHook:
    def __init__(self, api_root%s):
        self.api_root = api_root

    def run(self, endpoint):
        url = f"{self.api_root}{endpoint}"
        return requests.get(url, timeout=10)


def main():
    hook = TdmHook(%s)
    print(hook.run("/task/t1").json()["result"][0]["status"])
    hook.run("/info").raise_for_status()


main()
'''


@pytest.mark.parametrize(
    "default, argument",
    [(f'="{HOST}/api/v1/p1"', ""), ("", f'"{HOST}/api/v1/p1"')],
    ids=["every-caller-takes-the-default", "one-caller-gives-it"],
)
def test_a_parameter_filled_one_way_is_that_value(default, argument, settings):
    """The hook's root is its parameter's default, or the one constructor call's argument; the
    URL is a local of the wrapper built from it: each call site is a request, and the root
    moves with them."""
    new = assert_one_plan(HOOK % (default, argument), settings)
    assert f'"{HOST}/api/v2/projects/p1"' in new and 'hook.run("/tasks/t1/metadata").json()["status"]' in new


def test_a_parameter_filled_two_ways_is_not_guessed(settings):
    source = (HOOK % ("", f'"{HOST}/api/v1/p1"')).replace("\n\nmain()", f'\n\nTdmHook("{HOST}/api/v1/p2").run("/info")\nmain()')
    new = assert_one_plan(source, settings)
    assert f'"{HOST}/api/v1/p1"' in new


def _folder_behaves_alike(folder: Path, command: list[str], settings, tmp_path: Path) -> list[str]:
    """Migrate ``folder`` in place and run it before (on v1) and after (on v2 alone): the
    migrated program's requests, in order, are the v2 forms of the original's."""
    from migrator import engine
    from migrator.verify.run import run_program

    before = run_program(folder, command, 30, ("v1",), ("*",), scratch=tmp_path / "before")
    assert before.returncode == 0, before.stdout
    results = list(engine.run(engine.plan([folder]), settings, jobs=1))
    for result in results:
        if result.outcome.value == "changed":
            Path(result.path).write_bytes(result.migrated)
    after = run_program(folder, command, 30, ("v2",), ("*",), scratch=tmp_path / "after")
    assert after.returncode == 0, after.stdout
    assert after.stdout == before.stdout
    assert [r.path for r in after.requests] == [expected_v2(r, settings.table).path for r in before.requests]
    return [f"{Path(r.path).name}: {f.rule} {f.status.value}" for r in results for f in r.findings]


def test_a_root_built_in_settings_and_joined_in_a_hook_moves_as_one(tmp_path, settings):
    """tdm-dag's shape: the settings module builds the root, the hook takes it as its default
    and urljoins each endpoint. "projects/" belongs inside the join, before the caller's path
    (placed after the join it broke every request)."""
    program = tmp_path / "dag"
    (program / "plugins").mkdir(parents=True)
    (program / "tdm_settings.py").write_text(
        'import os\n\nTDM_API_ROOT = os.getenv("DATAMIMIC_URL", "https://tdm.acme-corp.com") + "/api/v1/"\n'
        'TDM_PROJECT = os.getenv("PROJECT_ID", "p1")\nTDM_TOKEN = os.getenv("DATAMIMIC_TOKEN", "")\n'
    )
    (program / "plugins" / "tdm_hook.py").write_text(
        "from urllib.parse import urljoin\n\nimport requests\n\nimport tdm_settings\n\n\nclass TdmHook:\n"
        "    def __init__(self, api_root: str = tdm_settings.TDM_API_ROOT) -> None:\n        self.api_root = api_root\n\n"
        '    def run(self, endpoint: str, method: str = "GET", **kw):\n'
        "        url = urljoin(self.api_root, endpoint)\n"
        '        auth = {"Authorization": "Bearer " + tdm_settings.TDM_TOKEN}\n'
        '        resp = requests.request(method, url, headers=auth, timeout=kw.pop("timeout", 60), **kw)\n'
        "        resp.raise_for_status()\n        return resp\n"
    )
    (program / "run_dag.py").write_text(
        "import os\n\nimport tdm_settings as cfg\nfrom plugins.tdm_hook import TdmHook\n\nPROJECT = cfg.TDM_PROJECT\n\n\n"
        'print(TdmHook().run(f"{PROJECT}/info").status_code)\n'
        'print(TdmHook().run(f"{PROJECT}/task/{os.environ[\'TASK_ID\']}/log").text)\n'
    )
    findings = _folder_behaves_alike(program, ["python", "run_dag.py"], settings, tmp_path)
    assert findings == ["run_dag.py: DM112 migrated", "run_dag.py: DM108 migrated"]


def test_a_settings_property_a_client_of_another_module_keeps_on_v1_does_not_move(tmp_path, settings):
    """``httpx.Client(base_url=cfg.api_base)`` in the client module, the property in the
    settings module: /info cannot be reached under a base ending at the project (httpx's
    joining slash), so it stays on v1, and so must the property every call goes through."""
    from migrator import engine

    (tmp_path / "config.py").write_text(
        "class Config:\n    url = 'https://tdm.acme.com'\n    project_id = 'p1'\n\n"
        "    @property\n    def api_base(self):\n        return f'{self.url}/api/v1/{self.project_id}'\n"
    )
    (tmp_path / "client.py").write_text(
        "import httpx\nfrom config import Config\n\n\nclass Client:\n"
        "    def __init__(self, cfg: Config):\n        self._client = httpx.Client(base_url=cfg.api_base)\n\n"
        "    def info(self):\n        return self._client.get('/info').status_code\n\n"
        "    def log(self, task_id):\n        return self._client.get(f'/task/{task_id}/log').text\n"
    )
    results = {Path(r.path).name: r for r in engine.run(engine.plan([tmp_path]), settings, jobs=1)}
    assert results["config.py"].outcome.value == "unchanged"
    assert results["client.py"].outcome.value == "unchanged"
    assert {(f.rule, f.status.value) for f in results["client.py"].findings} >= {("DM112", "review"), ("DM108", "review")}


def test_an_objects_attribute_of_the_same_name_is_no_use_of_a_local_url(settings):
    """``url = task_url + ...`` in one function, ``err.url`` of an HTTPError in another: the
    attribute is not the variable, so the call rewrites its own URL."""
    source = (
        f'import requests\n\nAPI = "{HOST}/api/v1/"\n\n\ndef main():\n'
        '    url = API + "p1/task/t1/log"\n    return requests.get(url).text\n\n\n'
        "try:\n    main()\nexcept requests.HTTPError as err:\n    print(err.url)\n"
    )
    result = run_python(source, settings)
    assert statuses(result) == [("DM108", "migrated")]


def test_a_call_through_a_shared_wrapper_is_reported_where_its_path_is_written(settings):
    """_request() serves every method; task() writes the path and is called once: the call
    is reported on task()'s line, where a reader finds it, not at the far call of task()."""
    source = (
        "import httpx\n\n\nclass Api:\n    def __init__(self):\n"
        "        self._client = httpx.Client(base_url='https://acme.datamimic.io/api/v1/p1')\n\n"
        "    def _request(self, method, path):\n        resp = self._client.request(method, path)\n"
        "        resp.raise_for_status()\n        return resp\n\n"
        "    def info(self):\n        return self._request('GET', '/info').json()\n\n"
        "    def task(self, task_id):\n        return self._request('GET', f'/task/{task_id}').json()['result'][0]\n\n\n"
        "api = Api()\nprint(api.info()['name'])\nprint(api.task('t1')['status'])\n"
    )
    result = run_python(source, settings)
    lines = {f.rule: f.line for f in result.findings}
    assert lines["DM107"] == source.splitlines().index("    def task(self, task_id):") + 2


DECORATED = '''def task(fn):
    return fn


@task
def fetch(base):
    return requests.get(f"{base}/info").status_code


print(fetch("%s/api/v1/p1"))
'''


def test_a_wrapper_a_decorator_may_call_keeps_its_text(settings):
    """A scheduler's @task (a CLI's @command, a fixture) calls the function with arguments of
    its own: removing "/info" from its body would break those calls, as it would for a
    function passed on as a value."""
    result = run_python(DECORATED % HOST, settings)
    assert result.outcome.value == "unchanged"
    assert "is also used by the decorator on line 5" in " ".join(f.message for f in result.findings)
    assert run_python((DECORATED % HOST).replace("@task\n", ""), settings).outcome.value == "changed"


def test_a_method_that_builds_urls_is_held_by_a_call_that_stays(settings):
    """dm.url(path) reaches the method as an attribute: a use of url() all the same, so the
    task call that stays on v1 keeps its text (found by the property above: the info call
    moved it, and the task call went to /api/v2/p1/task/t1)."""
    source = (
        f'BASE = "{HOST}/api/v1"\nsession = requests.Session()\n\n\nclass Datamimic:\n'
        '    def url(self, path):\n        return f"{BASE}{path}"\n\n\ndm = Datamimic()\n'
        'session.request("GET", dm.url("/p1/info")).raise_for_status()\n'
        'print(session.request("GET", dm.url("/p1/task/t1")).json()["task_count"])\n'
    )
    assert assert_one_plan(source, settings) == source


# A click CLI: the group makes the client into ctx.obj, each command receives it with @pass_obj.
CLICK_OBJ = '''\
"""Inspect DATAMIMIC tasks."""
from urllib.parse import urljoin

import click


class Api:
    def __init__(self, url, project):
        self.root = urljoin(url + "/", f"api/v1/{{project}}/")
        self.http = requests.Session()

    def get(self, rel, **kw):
        return self.http.get(urljoin(self.root, rel), **kw)


@click.group()
@click.option("--url", envvar="DATAMIMIC_URL")
@click.option("--project")
@click.pass_context
def cli(ctx, url, project):
    ctx.obj = Api(url, project)


@cli.command()
@click.argument("task_id")
@click.pass_obj
def status(api, task_id):
    print(api.get(f"task/{{task_id}}").json()["result"][0]["status"])


@cli.command()
@click.argument("task_id")
@click.pass_obj
def log(api, task_id):
    print(api.get(f"task/{{task_id}}/log").text{extra})


if __name__ == "__main__":
    for command in ("status", "log"):
        cli(["--url", "{HOST}", "--project", "p1", command, "t1"], standalone_mode=False)
'''


def test_a_client_a_click_group_hands_its_commands_is_their_wrapper(settings):
    new = assert_one_plan(CLICK_OBJ.format(HOST=HOST, extra=""), settings)
    assert 'f"api/v2/projects/{project}/"' in new
    assert 'api.get(f"tasks/{task_id}/metadata").json()["status"]' in new
    assert 'api.get(f"tasks/{task_id}/logs?encode=false").text' in new


def test_a_command_reading_what_v2_lacks_keeps_the_clients_base_and_every_call_says_why(settings):
    source = CLICK_OBJ.format(HOST=HOST, extra='.splitlines()[0], api.get(f"task/{task_id}").json()["task_count"]')
    result = run_python(source, settings)
    lines = {f.line for f in result.findings if f.status is not Status.MIGRATED}
    assert {9, 28, 35} <= lines  # the base, and each call
    assert assert_one_plan(source, settings) == source


INSTANCE_BASE = '''\
class DatamimicClient:
    def __init__(self, base):
        self.base = base

    def info(self):
        requests.get(self.base + "/info").raise_for_status()
{extra}

c = DatamimicClient("{HOST}/api/v1/p1")
c.info()
'''


def test_an_instance_base_moves_only_with_every_request_on_it(settings):
    """The constructor's one argument is read by every method through self.base: it is shared
    by them, not the text of one call. The task call reads .task_count (v2 lacks it) and
    stays, so the base stays too; alone, the info call moves it."""
    count = '\n    def task_count(self, task_id):\n        return requests.get(f"{self.base}/task/{task_id}").json()["task_count"]\n'
    source = INSTANCE_BASE.format(HOST=HOST, extra=count) + 'print(c.task_count("t1"))\n'
    assert assert_one_plan(source, settings) == source
    assert "/api/v2/projects/p1" in assert_one_plan(INSTANCE_BASE.format(HOST=HOST, extra=""), settings)


SESSION_CONFTEST = '''\
import pytest
import requests


class DatamimicSession(requests.Session):
    def __init__(self, base_url):
        super().__init__()
        self.base_url = base_url

    def request(self, method, url, *args, **kwargs):
        return super().request(method, self.base_url + url, *args, **kwargs)


@pytest.fixture
def dm():
    session = DatamimicSession("https://acme.datamimic.io/api/v1/p1")
    yield session
    session.close()
'''


def pytest_suite(tmp_path, settings, test: str, conftest: str = SESSION_CONFTEST) -> dict:
    from migrator import engine

    (tmp_path / "conftest.py").write_text(conftest)
    (tmp_path / "test_tdm.py").write_text(test)
    return {Path(r.path).name: r for r in engine.run(engine.plan([tmp_path]), settings, jobs=1)}


def test_a_fixture_session_that_prefixes_its_base_migrates_with_the_tests_calls(tmp_path, settings):
    """pytest fills a test's dm with what the conftest.py fixture yields, a requests.Session
    whose request() prefixes the project's v1 base: dm.get("/info") is that request, and the
    base moves with the paths of the tests (which import nothing of the conftest.py)."""
    results = pytest_suite(tmp_path, settings, 'def test_info(dm):\n    dm.get("/info").raise_for_status()\n')
    assert 'DatamimicSession("https://acme.datamimic.io/api/v2/projects/p1")' in results["conftest.py"].migrated.decode()
    assert 'dm.get("").raise_for_status()' in results["test_tdm.py"].migrated.decode()


def test_a_fixture_session_a_test_keeps_on_v1_keeps_its_base_and_says_so(tmp_path, settings):
    test = (
        'def test_info(dm):\n    dm.get("/info").raise_for_status()\n\n\n'
        'def test_count(dm):\n    assert dm.get("/task/t1").json()["task_count"] == 1\n'
    )
    results = pytest_suite(tmp_path, settings, test)
    assert results["conftest.py"].outcome.value == "unchanged" and results["test_tdm.py"].outcome.value == "unchanged"
    assert {f.line for f in results["test_tdm.py"].findings} >= {2, 6}


BASE_URL_FIXTURE = 'import pytest\n\n\n@pytest.fixture(scope="session")\ndef base_url():\n    return "https://acme.datamimic.io/api/v1/p1"\n'
BASE_URL_TESTS = 'import requests\n\n\ndef test_info(base_url):\n    requests.get(f"{base_url}/info").raise_for_status()\n'


def test_a_base_url_fixture_moves_with_every_test_that_names_it(tmp_path, settings):
    results = pytest_suite(tmp_path, settings, BASE_URL_TESTS, BASE_URL_FIXTURE)
    assert '"https://acme.datamimic.io/api/v2/projects/p1"' in results["conftest.py"].migrated.decode()
    assert 'requests.get(f"{base_url}")' in results["test_tdm.py"].migrated.decode()


def test_a_base_url_fixture_a_test_keeps_on_v1_stays(tmp_path, settings):
    """A test in another module than the fixture is a use of it all the same."""
    count = '\n\ndef test_count(base_url):\n    assert requests.get(base_url + "/task/t1").json()["task_count"] == 1\n'
    results = pytest_suite(tmp_path, settings, BASE_URL_TESTS + count, BASE_URL_FIXTURE)
    assert results["conftest.py"].outcome.value == "unchanged" and results["test_tdm.py"].outcome.value == "unchanged"
    assert "the call on line 9, which stays on v1" in " ".join(f.message for f in results["test_tdm.py"].findings)


DATACLASS_CLIENT = '''\
"""Our DATAMIMIC client."""
from dataclasses import dataclass

import requests


@dataclass
class DataMimic:
    host: str

    def __post_init__(self):
        self.base_url = f"{self.host}/api/v1/p1"
        self.files_url = f"{self.base_url}/files"

    def read(self, name):
        return requests.get(f"{self.files_url}/{name}").content

    def get(self, path):
        return requests.get(f"{self.base_url}{path}")
'''


def test_a_method_whose_endpoint_its_class_sets_is_reported_at_its_request(tmp_path, settings):
    """read() goes to files_url whatever its caller passes: its request is where the call is
    written, not the script's dm.read(...) in another module. get(path) takes its endpoint
    from its caller: that call is reported in the script, and a message about it there names
    the script."""
    from migrator import engine

    (tmp_path / "dmclient.py").write_text(DATACLASS_CLIENT)
    (tmp_path / "smoke.py").write_text(
        'from dmclient import DataMimic\n\ndm = DataMimic("https://acme.datamimic.io")\n'
        'print(dm.read("a.csv"))\nprint(dm.get("/task/t1").json()["task_count"])\n'
    )
    results = {Path(r.path).name: r for r in engine.run(engine.plan([tmp_path]), settings, jobs=1)}
    client = {f.rule: f for f in results["dmclient.py"].findings}
    assert client["DM104"].line == DATACLASS_CLIENT.splitlines().index("    def read(self, name):") + 2
    assert {f.line for f in results["smoke.py"].findings if f.rule == "DM107"} == {5}
    assert "smoke.py:5" in client["DM003"].message
