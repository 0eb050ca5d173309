"""Responses as people read them (migrator/python/reads.py, lifetimes.py): what is a read of
which call's response, what is no read at all, and what a reviewer is told when a read keeps a
call on v1. The values the rewritten reads compute are checked by running them in
test_python_behaviour.py."""

from __future__ import annotations

import pytest
from conftest import check_noop, check_transformed, run_python, statuses

H = "https://acme.datamimic.io/api/v1"
V2 = "https://acme.datamimic.io/api/v2"


def check(before: str, after: str, settings) -> None:
    check_transformed(before, after, settings, "python")


def messages(result) -> list[str]:
    return [f"{f.line} {f.rule} {f.status.value}: {f.message}" for f in result.findings]


# ---------------------------------------------------------------- how long a name holds a response


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            f'r = requests.get(f"{H}/{{p}}/files")\nnames = [f["name"] for f in r.json()["files"]]\n'
            f'r = requests.get(f"{H}/{{p}}/task/{{t}}")\nstatus = r.json()["result"][0]["status"]\n',
            f'r = requests.get(f"{V2}/projects/{{p}}/files_uri")\nnames = [f.split("/", 1)[1] for f in r.json()["current_project_files_uri"]]\n'
            f'r = requests.get(f"{V2}/projects/{{p}}/tasks/{{t}}/metadata")\nstatus = r.json()["status"]\n',
            id="a-new-response-in-the-same-name-ends-the-old-ones-life",
        ),
        pytest.param(
            f'def sizes(ps):\n    r = None\n    for p in ps:\n        if r is not None:\n            print(len(r.json()["files"]))\n'
            f'        r = requests.get(f"{H}/{{p}}/files")\n',
            f'def sizes(ps):\n    r = None\n    for p in ps:\n        if r is not None:\n            print(len(r.json()["current_project_files_uri"]))\n'
            f'        r = requests.get(f"{V2}/projects/{{p}}/files_uri")\n',
            id="read-in-the-next-turn-of-the-loop",
        ),
        pytest.param(
            f'r = requests.get(f"{H}/p/files")\n\ndef names():\n    return [f["name"] for f in r.json()["files"]]\n',
            f'r = requests.get(f"{V2}/projects/p/files_uri")\n\ndef names():\n    return [f.split("/", 1)[1] for f in r.json()["current_project_files_uri"]]\n',
            id="read-in-a-function-of-the-module",
        ),
        pytest.param(
            f'for f in requests.get(f"{H}/p/files").json()["files"]:\n    pass\nlast = f["name"]\n',
            f'for f in requests.get(f"{V2}/projects/p/files_uri").json()["current_project_files_uri"]:\n    pass\nlast = f.split("/", 1)[1]\n',
            id="loop-variable-after-the-loop",
        ),
        pytest.param(
            f'def names(p):\n    for f in requests.get(f"{H}/{{p}}/files").json()["files"]:\n        print(f["name"])\n'
            '    for f in ["a", "b"]:\n        print(f)\n',
            f'def names(p):\n    for f in requests.get(f"{V2}/projects/{{p}}/files_uri").json()["current_project_files_uri"]:\n        print(f.split("/", 1)[1])\n'
            '    for f in ["a", "b"]:\n        print(f)\n',
            id="a-second-loop-over-the-same-name-holds-its-own-elements",
        ),
    ],
)
def test_a_name_holds_the_response_until_it_is_bound_anew(before, after, settings):
    check(before, after, settings)


@pytest.mark.parametrize("skip", ["", "        if p == 'skip':\n            continue\n"], ids=["runs-to-the-end", "a-continue-skips-the-rebinding"])
def test_a_response_comes_round_a_loop_only_if_not_bound_anew_before_the_body_ends(skip, settings):
    source = (
        "def show(ps):\n    r = None\n    for p in ps:\n        if r is not None:\n            print(r.json()[\"files\"][0][\"name\"])\n"
        f'        r = requests.get(f"{H}/{{p}}/files")\n' + skip + f'        r = requests.get(f"{H}/{{p}}/info")\n'
    )
    found = statuses(run_python(source, settings))
    assert (("DM101", "review") in found) == bool(skip), found


def test_a_response_parsed_into_its_own_name_is_read_there(settings):
    check(
        f'def names(p):\n    r = requests.get(f"{H}/{{p}}/files")\n    r = r.json()\n    return [f["name"] for f in r["files"]]\n',
        f'def names(p):\n    r = requests.get(f"{V2}/projects/{{p}}/files_uri")\n    r = r.json()\n    return [f.split("/", 1)[1] for f in r["current_project_files_uri"]]\n',
        settings,
    )


def test_the_value_of_an_assignment_expression_is_read_too(settings):
    check(
        f'if (data := requests.get(f"{H}/p/task/t").json())["result"]:\n    print(data["result"][0]["status"])\n',
        f'if (data := requests.get(f"{V2}/projects/p/tasks/t/metadata").json()):\n    print(data["status"])\n',
        settings,
    )


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        pytest.param(
            f'def push(name, fh, exists):\n    if exists:\n        r = requests.put(f"{H}/p/files", files={{"file": (name, fh)}})\n'
            f'    else:\n        r = requests.post(f"{H}/p/files", files={{"file": (name, fh)}})\n    print(r.json()["location"])\n',
            6,
            "Create file response: r.json()[\"location\"] reads .location: r here may also hold what line 3 gives it",
            id="two-branches-one-read",
        ),
        pytest.param(
            f'def names(p, info):\n    r = requests.get(f"{H}/{{p}}/files")\n    if info: r = requests.get(f"{H}/{{p}}/info")\n'
            '    return [f["name"] for f in r.json()["files"]]\n',
            4,
            'List files response: f["name"] reads .files[].name: r here may also hold what line 3 gives it',
            id="bound-anew-on-a-one-line-if",
        ),
        pytest.param(
            f'def names(p, cached):\n    data = {{}}\n    if not cached:\n        data = requests.get(f"{H}/{{p}}/files").json()\n'
            '    return [f["name"] for f in data.get("files", [])]\n',
            5,
            'List files response: f["name"] reads .files[].name: data here may also hold what line 2 gives it',
            id="a-default-in-the-same-name",
        ),
        pytest.param(
            f'def files(p):\n    r = requests.get(f"{H}/{{p}}/files")\n    if r.status_code == 404:\n        return {{}}\n    return r.json()\n\n'
            'def names(p):\n    return [f["name"] for f in files(p).get("files", [])]\n',
            8,
            'List files response: f["name"] reads .files[].name: files() also returns {} (line 4), whose .get() gives its default where v2\'s form would fail',
            id="another-return-of-the-function",
        ),
        pytest.param(
            f'def files(p, remote):\n    info = requests.get(f"{H}/{{p}}/task/t/artifacts").json() if remote else [{{"name": "local.json"}}]\n'
            '    return [a["name"] for a in info]\n',
            3,
            'List task artifacts response: a["name"] reads .[].name: it may also be [{"name": "local.json"}] (line 2)',
            id="the-other-branch-of-a-conditional",
        ),
        pytest.param(
            f'def files(p):\n    data = requests.get(f"{H}/{{p}}/files").json() or {{"files": [{{"name": "x"}}]}}\n    return [f["name"] for f in data["files"]]\n',
            3,
            'List files response: f["name"] reads .files[].name: requests.get(...).json() or {"files": [{"name": "x"}]} may also be {"files": [{"name": "x"}]}',
            id="a-default-that-is-not-empty",
        ),
    ],
)
def test_a_read_of_a_name_that_may_hold_another_value_keeps_the_call(source, line, message, settings):
    result = run_python(source, settings)
    assert result.migrated is None or b'["current_project_files_uri"]' not in result.migrated
    assert any(m.startswith(f"{line} ") and m.endswith(message) for m in messages(result)), messages(result)


# ---------------------------------------------------------------- reads that belong to their call site


def test_a_helper_several_calls_share_reads_each_response_at_its_call_site(settings):
    """prefect-seed-publish: ``_json(r)`` is every call's; what it returns, each caller reads its own way."""
    helper = "def _json(r):\n    r.raise_for_status()\n    return r.json()\n\n"
    check(
        helper
        + f'def artifacts(p, t):\n    return [a["name"] for a in _json(requests.get(f"{H}/{{p}}/task/{{t}}/artifacts"))]\n\n'
        f'def status(p, t):\n    return _json(requests.get(f"{H}/{{p}}/task/{{t}}"))["result"][0]["status"]\n',
        helper
        + f'def artifacts(p, t):\n    return [a["name"] for a in _json(requests.get(f"{V2}/projects/{{p}}/tasks/{{t}}/artifacts/metadata"))["artifacts"]]\n\n'
        f'def status(p, t):\n    return _json(requests.get(f"{V2}/projects/{{p}}/tasks/{{t}}/metadata"))["status"]\n',
        settings,
    )


def test_a_wrappers_response_is_read_at_each_call_site_its_own_way(settings):
    wrapper = (
        "class Client:\n    def _request(self, method, path, **kw):\n"
        '        resp = requests.request(method, "{base}" + path, **kw)\n        resp.raise_for_status()\n        return resp\n\n'
    )
    check(
        wrapper.format(base=f"{H}/p")
        + '    def names(self):\n        return [f["name"] for f in self._request("GET", "/files").json()["files"]]\n\n'
        '    def status(self, t):\n        return self._request("GET", f"/task/{t}").json()["result"][0]["status"]\n\n'
        '    def count(self, t):\n        data = self._request("GET", f"/task/{t}/artifacts").json()\n        return len(data)\n',
        wrapper.format(base=f"{V2}/projects/p")
        + '    def names(self):\n        return [f.split("/", 1)[1] for f in self._request("GET", "/files_uri").json()["current_project_files_uri"]]\n\n'
        '    def status(self, t):\n        return self._request("GET", f"/tasks/{t}/metadata").json()["status"]\n\n'
        '    def count(self, t):\n        data = self._request("GET", f"/tasks/{t}/artifacts/metadata").json()\n        return len(data["artifacts"])\n',
        settings,
    )


def test_parsed_data_passed_to_a_function_is_read_there_and_returned_to_its_caller(settings):
    check(
        'def names(data):\n    return [f["name"] for f in data["files"]]\n\n'
        f'def first(p):\n    return names(requests.get(f"{H}/{{p}}/files").json())[0]\n',
        'def names(data):\n    return [f.split("/", 1)[1] for f in data["current_project_files_uri"]]\n\n'
        f'def first(p):\n    return names(requests.get(f"{V2}/projects/{{p}}/files_uri").json())[0]\n',
        settings,
    )


def test_an_answer_a_helper_returns_and_its_caller_drops_is_no_read(settings):
    check(
        "class Client:\n    def _check(self, resp):\n        if resp.status_code >= 400:\n"
        '            raise RuntimeError(resp.json().get("detail", resp.text))\n        return resp.json()\n\n'
        f'    def create(self, p, fh):\n        resp = requests.post(f"{H}/{{p}}/files", files={{"file": fh}})\n        return self._check(resp)\n\n'
        "def upload(p, fh):\n    Client().create(p, fh)\n",
        "class Client:\n    def _check(self, resp):\n        if resp.status_code >= 400:\n"
        '            raise RuntimeError(resp.json().get("detail", resp.text))\n        return resp.json()\n\n'
        f'    def create(self, p, fh):\n        resp = requests.post(f"{V2}/projects/{{p}}/files/create-from-upload", files={{"file": fh}}, data={{"file_type": "create", "custom_fields": "{{}}"}})\n'
        "        return self._check(resp)\n\n"
        "def upload(p, fh):\n    Client().create(p, fh)\n",
        settings,
    )


# ---------------------------------------------------------------- what is no read of the body


@pytest.mark.parametrize(
    "uses",
    [
        pytest.param("r.raise_for_status()\nprint(r.status_code, r.ok, r.headers['content-type'])\n", id="status-and-headers"),
        pytest.param('Path("artifacts.json").write_bytes(r.content)\n', id="content-written-with-write_bytes"),
        pytest.param('Path("artifacts.json").write_text(r.text)\n', id="text-written-with-write_text"),
        pytest.param('with open("a.json", "wb") as fh:\n    for chunk in r.iter_content(8192):\n        fh.write(chunk)\n', id="iter_content"),
        pytest.param("r.json()\n", id="parsed-and-dropped"),
        pytest.param("if r:\n    print('ok')\nif r is None:\n    pass\n", id="truth-and-identity-of-the-response"),
        pytest.param('if not r.ok:\n    raise RuntimeError(r.json()["detail"])\n', id="the-body-of-an-error-answer"),
        pytest.param('if r.status_code >= 400:\n    print(r.json().get("detail"))\nelse:\n    print("fine")\n', id="error-status-test"),
    ],
)
def test_uses_that_do_not_depend_on_the_bodys_shape(uses, settings):
    before = f'r = requests.get(f"{H}/{{p}}/task/{{t}}/artifacts")\n' + uses
    after = f'r = requests.get(f"{V2}/projects/{{p}}/tasks/{{t}}/artifacts/metadata")\n' + uses
    check(before, after, settings)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            f'with urlopen(f"{H}/{{p}}/task/{{t}}/artifacts") as resp, open("a.json", "wb") as fh:\n    shutil.copyfileobj(resp, fh)\n',
            f'with urlopen(f"{V2}/projects/{{p}}/tasks/{{t}}/artifacts/metadata") as resp, open("a.json", "wb") as fh:\n    shutil.copyfileobj(resp, fh)\n',
            id="copyfileobj-of-a-urllib-response",
        ),
        pytest.param(
            f'with urlopen(f"{H}/{{p}}/task/{{t}}/artifacts") as resp:\n    names = [a["name"] for a in json.load(resp)]\n',
            f'with urlopen(f"{V2}/projects/{{p}}/tasks/{{t}}/artifacts/metadata") as resp:\n    names = [a["name"] for a in json.load(resp)["artifacts"]]\n',
            id="json-load-of-the-response",
        ),
        pytest.param(
            f'resp = urlopen(f"{H}/{{p}}/task/{{t}}/artifacts")\nnames = [a["name"] for a in json.loads(resp.read().decode("utf-8"))]\n',
            f'resp = urlopen(f"{V2}/projects/{{p}}/tasks/{{t}}/artifacts/metadata")\nnames = [a["name"] for a in json.loads(resp.read().decode("utf-8"))["artifacts"]]\n',
            id="json-loads-of-the-decoded-body",
        ),
        pytest.param(
            f'r = requests.get(f"{H}/{{p}}/task/{{t}}/artifacts")\nsizes = [a["size"] for a in json.loads(r.text)]\n',
            f'r = requests.get(f"{V2}/projects/{{p}}/tasks/{{t}}/artifacts/metadata")\nsizes = [a["size"] for a in json.loads(r.text)["artifacts"]]\n',
            id="json-loads-of-the-text",
        ),
        pytest.param(
            f'async def names(client, p, t):\n    async with client.get(f"{H}/{{p}}/task/{{t}}/artifacts") as resp:\n'
            '        return [a["name"] for a in await resp.json()]\n',
            f'async def names(client, p, t):\n    async with client.get(f"{V2}/projects/{{p}}/tasks/{{t}}/artifacts/metadata") as resp:\n'
            '        return [a["name"] for a in (await resp.json())["artifacts"]]\n',
            id="await-resp-json",
        ),
    ],
)
def test_json_reads_of_every_kind(before, after, settings):
    check(before, after, settings)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            f'r = requests.get(f"{H}/p/task/t/artifacts")\nfor a in sorted(r.json(), key=lambda a: a["size"]):\n    print(a["name"])\n',
            f'r = requests.get(f"{V2}/projects/p/tasks/t/artifacts/metadata")\nfor a in sorted(r.json()["artifacts"], key=lambda a: a["size"]):\n    print(a["name"])\n',
            id="what-v2-adds-goes-inside-sorted",
        ),
        pytest.param(
            f'r = requests.get(f"{H}/p/task/t/artifacts")\nfirst = list(reversed(r.json()))[0]["name"]\n',
            f'r = requests.get(f"{V2}/projects/p/tasks/t/artifacts/metadata")\nfirst = list(reversed(r.json()["artifacts"]))[0]["name"]\n',
            id="and-inside-list-of-reversed",
        ),
        pytest.param(
            f'r = requests.get(f"{H}/p/task/t")\nname = (r.json().get("result") or [])[0]["name"]\n',
            f'r = requests.get(f"{V2}/projects/p/tasks/t/metadata")\nname = (r.json() or [])["name"]\n',
            id="steps-after-parentheses",
        ),
        pytest.param(
            f'r = requests.get(f"{H}/p/task/t/artifacts")\nn = len(r.json() or [])\n',
            f'r = requests.get(f"{V2}/projects/p/tasks/t/artifacts/metadata")\nn = len((r.json() or [])["artifacts"])\n',
            id="steps-after-an-or-get-parentheses",
        ),
    ],
)
def test_steps_v2_adds_land_where_they_mean_the_same(before, after, settings):
    check(before, after, settings)


def test_a_comprehension_that_keeps_some_elements_is_read_as_the_list_it_filters(settings):
    """artifact-shipper: ``[a for a in resp.json() if ...]`` and then its elements and its length."""
    body = (
        '    artifacts = [a for a in resp.json(){v2} if not only or a["name"] in only]\n'
        '    for art in artifacts:\n        print(art["name"], art.get("type"))\n    return len(artifacts)\n'
    )
    check(
        f'def pull(only):\n    resp = requests.get(f"{H}/p/task/t/artifacts")\n' + body.format(v2=""),
        f'def pull(only):\n    resp = requests.get(f"{V2}/projects/p/tasks/t/artifacts/metadata")\n' + body.format(v2='["artifacts"]'),
        settings,
    )


# ---------------------------------------------------------------- the task envelope as people test it


def test_a_test_of_the_task_list_becomes_a_test_of_the_task(settings):
    """gen_worker: ``tasks = data.get("result") or []`` then ``tasks[0][...] if tasks``."""
    check(
        f'def wait(p, t):\n    data = json.loads(requests.get(f"{H}/{{p}}/task/{{t}}").text)\n    tasks = data.get("result") or []\n'
        '    status = tasks[0]["status"] if tasks else "PENDING"\n    if status == "SUCCESS":\n        return tasks[0]\n\n'
        'print(wait("p", "t")["name"])\n',
        f'def wait(p, t):\n    data = json.loads(requests.get(f"{V2}/projects/{{p}}/tasks/{{t}}/metadata").text)\n    tasks = data or []\n'
        '    status = tasks["status"] if tasks else "PENDING"\n    if status == "SUCCESS":\n        return tasks\n\n'
        'print(wait("p", "t")["name"])\n',
        settings,
    )


def test_a_test_of_the_task_count_becomes_a_test_of_the_task(settings):
    """nightly-export: ``if not body.get("task_count"): raise``."""
    check(
        f'def get(p, t):\n    body = requests.get(f"{H}/{{p}}/task/{{t}}").json()\n    if not body.get("task_count"):\n'
        '        raise LookupError(t)\n    return body["result"][0]["status"]\n',
        f'def get(p, t):\n    body = requests.get(f"{V2}/projects/{{p}}/tasks/{{t}}/metadata").json()\n    if not body:\n'
        '        raise LookupError(t)\n    return body["status"]\n',
        settings,
    )


@pytest.mark.parametrize(
    ("read", "message"),
    [
        pytest.param('print(body["task_count"])', 'body["task_count"] reads .task_count: v2 has no task_count', id="task-count-shown"),
        pytest.param('print(body["result"][0])', 'body["result"][0] reads .result[0]: v2 returns the task object itself', id="the-whole-task"),
        pytest.param('for t in body["result"]:\n    print(t["status"])', 't["status"] reads .result[].status: v2 returns the task object itself, not a list', id="loop-over-the-tasks"),
    ],
)
def test_other_reads_of_the_task_envelope_are_reported(read, message, settings):
    result = check_noop(f'body = requests.get(f"{H}/p/task/t").json()\n{read}\n', settings, "python")
    assert any(message in m for m in messages(result)), messages(result)


# ---------------------------------------------------------------- what a reviewer is told


def test_a_blocked_call_names_the_read_that_blocks_it(settings):
    source = (
        f'def ls(p):\n    r = requests.get(f"{H}/{{p}}/files")\n    files = r.json()["files"]\n'
        "    for f in sorted(files, key=lambda f: f[\"name\"]):\n        print(f\"{f['extension']:<5} {f['name']}\")\n"
        '    print(f"{len(files)} file(s)")\n'
    )
    assert messages(check_noop(source, settings, "python")) == [
        "2 DM101 review: List files: cannot rewrite safely: its response is used by the read on line 5: f['extension'], "
        "which v2 answers differently; so it stays on v1",
        "5 DM101 review: List files response: f['extension'] reads .files[].extension: v2 lists file URIs "
        '("<project_id>/<path>" strings), not objects with name, extension and uri: rewrite this read of .files by hand',
    ]


def test_a_response_used_whole_is_called_the_whole_answer(settings):
    """async-task-poller: a wrapper's whole answer handed to gather() has no path to name."""
    source = f'def artifacts(p):\n    return requests.get(f"{H}/{{p}}/task/t/artifacts").json()\n\nkeep(artifacts("p"))\n'
    found = [m for m in messages(check_noop(source, settings, "python")) if "response:" in m]
    assert found and all("is the whole answer: v2 wraps the list" in m and " reads .:" not in m for m in found), found


def test_a_urllib_request_sent_where_the_migrator_cannot_see_is_called_the_request(settings):
    """urllib-opener: the Request object passed to a helper is not the response."""
    source = (
        "import urllib.request\n\n"
        f'req = urllib.request.Request("{H}/p/task/t")\nwith send(req) as resp:\n    print(resp.read())\n'
    )
    found = messages(check_noop(source, settings, "python"))
    assert any("req: the request is passed to send(), which the migrator does not follow, so its response is out of sight" in m for m in found), found

def test_a_value_read_once_is_reported_once_wherever_it_goes(settings):
    """generate-and-collect: the task id goes on to a dozen places; the read is where it is taken."""
    source = (
        f'def start(p):\n    r = requests.post(f"{H}/{{p}}/generate", json={{"task_type": "standard"}})\n    return r.json()["task_id"]\n\n'
        'task_id = start("p")\nprint(task_id)\nwait(task_id)\nlog(f"task {task_id}")\n'
    )
    found = messages(check_noop(source, settings, "python"))
    assert [m.split(":")[0] for m in found] == ["2 DM114 review", "3 DM114 review"]
    assert found[0].endswith('its response is used by the read on line 3: r.json()["task_id"], which v2 answers differently; so it stays on v1')
    assert "the guide does not say which of its fields holds what v1 answered (the task id)" in found[1]


def test_a_read_in_a_wrapper_is_reported_once_for_all_its_call_sites(settings):
    source = (
        "class Client:\n    def _request(self, method, path, **kw):\n"
        f'        return requests.request(method, "{H}/p" + path, **kw)\n\n'
        '    def update(self, fh):\n        return self._request("PUT", "/files", files={"file": ("a.csv", fh)}).json()["location"]\n\n'
        "c = Client()\nc.update(a)\nc.update(b)\n"
    )
    result = run_python(source, settings)
    reads = [m for m in messages(result) if "response:" in m]
    assert len(reads) == 1 and reads[0].startswith("6 DM103 review: Update file response: ")
    # Both calls stay for the one text update() writes: one finding there, not one per call.
    assert [m.split(":")[0] for m in messages(result)] == ["3 DM003 review", "6 DM103 review", "6 DM103 review"]


# ---------------------------------------------------------------- a helper that returns from inside a with block


GET_JSON = '''\
import json
import urllib.request
from contextlib import suppress


def opened(url):
    return urllib.request.urlopen(url, timeout=60)


def get_json(url):
    with {manager} as resp:
        return json.load(resp)


meta = get_json("{H}/p1/task/t1")
print(meta.get("result", [])[0].get("status"))
'''


@pytest.mark.parametrize(
    ("manager", "migrates"),
    [
        ("urllib.request.urlopen(url)", True),
        ("opened(url)", True),  # a function of the run that returns what urlopen opened
        ("suppress(ValueError), urllib.request.urlopen(url)", False),  # may swallow: may end with None
    ],
)
def test_a_with_block_that_returns_leaves_its_function_unless_its_manager_may_swallow(manager, migrates, settings):
    result = run_python(GET_JSON.format(manager=manager, H=H), settings)
    assert (("DM107", "migrated") in statuses(result)) is migrates, messages(result)
