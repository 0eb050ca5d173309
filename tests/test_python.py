"""The Python front end: call styles, URL styles, request arguments and response reads."""

from __future__ import annotations

import pytest
from conftest import check_noop, check_transformed, run_python, statuses

H = "https://acme.datamimic.io"


def check(before: str, after: str, settings, **changes) -> None:
    check_transformed(before, after, settings, "python", **changes)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            f'requests.get("{H}/api/v1/p1/info")\n',
            f'requests.get("{H}/api/v2/projects/p1")\n',
            id="plain-string",
        ),
        pytest.param(
            f"requests.get('{H}/api/v1/' + pid + '/info')\n",
            f"requests.get('{H}/api/v2/projects/' + pid)\n",
            id="concatenation",
        ),
        pytest.param(
            f'requests.get(("{H}/api/v1/"\n              f"{{pid}}/task/{{tid}}"))\n',
            f'requests.get(("{H}/api/v2/projects/"\n              f"{{pid}}/tasks/{{tid}}/metadata"))\n',
            id="implicit-concatenation",
        ),
        pytest.param(
            f'URL = "{H}/api/v1/{{}}/task/{{}}/log"\nrequests.get(URL.format(pid, tid))\n',
            f'URL = "{H}/api/v2/projects/{{}}/tasks/{{}}/logs?encode=false"\nrequests.get(URL.format(pid, tid))\n',
            id="format-template-in-a-constant",
        ),
        pytest.param(
            f'requests.get("{H}/api/v1/{{p}}/task/{{t}}/log".format(p=pid, t=tid))\n',
            f'requests.get("{H}/api/v2/projects/{{p}}/tasks/{{t}}/logs?encode=false".format(p=pid, t=tid))\n',
            id="format-keywords",
        ),
        pytest.param(
            f'requests.get("{H}/api/v1/%s/task/%s/log" % (pid, tid), params={{}})\n',
            f'requests.get("{H}/api/v2/projects/%s/tasks/%s/logs" % (pid, tid), params={{"encode": "false"}})\n',
            id="percent-format-and-empty-params",
        ),
        pytest.param(
            f'requests.get(f"{H}/api/v1/{{pid}}/task/{{tid}}/log", params={{"encode": "true"}})\n',
            f'requests.get(f"{H}/api/v2/projects/{{pid}}/tasks/{{tid}}/logs", params={{"encode": "true"}})\n',
            id="encode-given-in-params",
        ),
        pytest.param(
            f'session.request("DELETE", url=f"{H}/api/v1/{{pid}}/files/{{name}}")\n',
            f'session.request("DELETE", url=f"{H}/api/v2/projects/{{pid}}/files/{{name}}")\n',
            id="request-method-and-url-keyword",
        ),
        pytest.param(
            f'requests.put(f"{H}/api/v1/{{pid}}/files", files={{"file": ("a b.csv", data)}})\n',
            f'requests.put(f"{H}/api/v2/projects/{{pid}}/files/a%20b.csv", files={{"file": ("a b.csv", data)}})\n',
            id="update-name-from-tuple",
        ),
        pytest.param(
            f'requests.post(f"{H}/api/v1/{{pid}}/files", files={{"file": fh}}, data={{"note": "x"}})\n',
            f'requests.post(f"{H}/api/v2/projects/{{pid}}/files/create-from-upload", files={{"file": fh}}, data={{"note": "x", "file_type": "create", "custom_fields": "{{}}"}})\n',
            id="create-merges-into-data",
        ),
        pytest.param(
            f'requests.put(f"{H}/api/v1/{{pid}}/files/rename", json={{"new_name": "b.xml", "old_name": "a.xml"}})\n',
            f'requests.put(f"{H}/api/v2/projects/{{pid}}/files/a.xml/rename", json={{"new_filename": "b.xml"}})\n',
            id="rename-literal-old-name-last",
        ),
        pytest.param(
            f'class DatamimicApi:\n    BASE = "{H}/api/v1"\n\n    def info(self, pid):\n        return get(f"{{self.BASE}}/{{pid}}/info")\n',
            f'class DatamimicApi:\n    BASE = "{H}/api/v2"\n\n    def info(self, pid):\n        return get(f"{{self.BASE}}/projects/{{pid}}")\n',
            id="class-attribute",
        ),
        pytest.param(
            f'r = requests.get(f"{H}/api/v1/{{p}}/files")\nfor f in r.json().get("files"):\n    print(f.get("name"))\n',
            f'r = requests.get(f"{H}/api/v2/projects/{{p}}/files_uri")\nfor f in r.json()["current_project_files_uri"]:\n    print(f.split("/", 1)[1])\n',
            id="get-instead-of-subscript",
        ),
        pytest.param(
            f'task = requests.get(f"{H}/api/v1/{{p}}/task/{{t}}").json()\nresult = task["result"]\nprint(result[0]["status"])\n',
            f'task = requests.get(f"{H}/api/v2/projects/{{p}}/tasks/{{t}}/metadata").json()\nresult = task\nprint(result["status"])\n',
            id="envelope-split-over-names",
        ),
        pytest.param(
            f'import os\nrequests.put(f"{H}/api/v1/{{p}}/files", files={{"file": open(path, "rb")}})\n',
            f'import os\nrequests.put(f"{H}/api/v1/{{p}}/files", files={{"file": open(path, "rb")}})\n',
            id="update-path-at-run-time-is-unsafe",
        ),
        pytest.param(
            f'requests.put("{H}/api/v1/p/files/rename" , json={{"old_name": o, "new_name": n}})\n',
            f'requests.put(f"{H}/api/v2/projects/p/files/{{o}}/rename" , json={{"new_filename": n}})\n',
            id="a-plain-string-that-must-hold-a-value-becomes-an-f-string",
        ),
        pytest.param(
            "# caf\u00e9\n" + f'requests.get("{H}/api/v1/p1/info")\n',
            "# caf\u00e9\n" + f'requests.get("{H}/api/v2/projects/p1")\n',
            id="non-ascii-before",
        ),
    ],
)
def test_rewrites(before, after, settings):
    check(before, after, settings)


def test_update_path_at_run_time_with_unsafe_fixes(settings):
    check(
        f'import os\nrequests.put(f"{H}/api/v1/{{p}}/files", files={{"file": open(path, "rb")}})\n',
        f'import os\nrequests.put(f"{H}/api/v2/projects/{{p}}/files/{{os.path.basename(path)}}", files={{"file": open(path, "rb")}})\n',
        settings,
        unsafe_fixes=True,
    )


@pytest.mark.parametrize(
    "source",
    [
        pytest.param('requests.get("https://objects.example.net/api/v1/b/files")\n', id="other-service"),
        pytest.param('requests.get("https://api.datamin.io/v1/p/files")\n', id="datamin"),
        pytest.param('print("https://acme.datamimic.io/api/v1/p/files")\n', id="not-a-request"),
        pytest.param('requests.get("https://acme.datamimic.io/api/v1/p/files")  # datamimic-migrate: ignore\n', id="ignored"),
        pytest.param('x = {"files": 1}.get("files")\n', id="no-url"),
    ],
)
def test_left_alone(source, settings):
    check_noop(source, settings, "python")


def test_any_object_get_with_a_v1_url_is_a_call(settings):
    """As the issue says: any .get/.post/... whose URL resolves to a v1 template."""
    check(f'api.get("{H}/api/v1/p/info")\n', f'api.get("{H}/api/v2/projects/p")\n', settings)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(f'requests.get(f"{H}/api/v1/{{p}}/task/{{t}}").json()["task_count"]\n', ("DM107", "review"), id="task-count"),
        pytest.param(f'return_value = requests.get(f"{H}/api/v1/{{p}}/files").json()\n', ("DM101", "review"), id="whole-response"),
        pytest.param(f'print(json.loads(requests.get(f"{H}/api/v1/{{p}}/files").text))\n', ("DM101", "review"), id="parsed-by-hand"),
        pytest.param(f'requests.put(f"{H}/api/v1/{{p}}/files", files={{"file": fh}})\n', ("DM103", "review"), id="update-name-unknown"),
        pytest.param(f'requests.post(f"{H}/api/v1/{{p}}/files", files=files, data=form)\n', ("DM102", "review"), id="create-data-not-literal"),
        pytest.param(f'requests.request(m, f"{H}/api/v1/{{p}}/files")\n', ("DM003", "review"), id="method-at-run-time"),
        pytest.param(f'requests.get(f"{H}/api/v1/{{p}}/file/read/x")\n', ("DM100", "unmapped"), id="unmapped"),
        pytest.param('requests.get("https://ci.example.com/api/v1/{j}/files")\n', ("DM000", "possible"), id="possible"),
    ],
)
def test_reported(source, expected, settings):
    result = check_noop(source, settings, "python")
    assert expected in statuses(result)


def test_shared_constant_used_elsewhere_changes_only_the_calls(settings):
    source = f'API = "{H}/api/v1"\nprint(API)\nrequests.get(f"{{API}}/p/info")\nrequests.get(API + "/" + pid + "/files")\n'
    check(
        source,
        f'API = "{H}/api/v1"\nprint(API)\nrequests.get(f"{{API[:-7] if API.endswith(\'/api/v1\') else API}}/api/v2/projects/p")\n'
        'requests.get((API[:-7] if API.endswith("/api/v1") else API) + "/api/v2" + "/projects/" + pid + "/files_uri")\n',
        settings,
    )
    check(
        source,
        f'API = "{H}/api/v2"\nprint(API)\nrequests.get(f"{{API}}/projects/p")\nrequests.get(API + "/projects/" + pid + "/files_uri")\n',
        settings,
        unsafe_fixes=True,
    )


def test_call_only_rewrite_builds_the_same_url(settings):
    source = f'API = "{H}/api/v1"\nprint(API)\nurl = get(f"{{API}}/p1/task/t1/log")\nother = get(API + "/" + "p1" + "/info")\n'
    namespace: dict = {"print": lambda *a: None, "get": lambda url: url}
    exec(run_python(source, settings, assume_datamimic=True).migrated.decode(), namespace)
    assert namespace["url"] == f"{H}/api/v2/projects/p1/tasks/t1/logs?encode=false"
    assert namespace["other"] == f"{H}/api/v2/projects/p1"


def test_shared_constant_with_an_unmapped_call(settings):
    source = f'API = "{H}/api/v1"\nrequests.get(f"{{API}}/p/info")\nrequests.get(f"{{API}}/p/file/read/x")\n'
    result = run_python(source, settings)
    assert statuses(result) == [("DM003", "review"), ("DM112", "migrated"), ("DM100", "unmapped")]
    assert result.findings[0].message == "this v1 base stays: the call on line 3 still uses it on v1"


def test_shared_constant_in_a_format_field_is_left_for_review(settings):
    source = f'API = "{H}/api/v1"\nprint(API)\nrequests.get("{{}}/p/info".format(API))\n'
    assert statuses(check_noop(source, settings, "python")) == [("DM003", "review"), ("DM112", "review")]


def test_annotate_inserts_a_todo_above_calls_that_need_a_person(settings):
    source = f'def f():\n    return requests.get(f"{H}/api/v1/{{p}}/task/{{t}}").json()["task_count"]\n'
    out = run_python(source, settings, annotate=True).migrated.decode()
    assert out.splitlines()[1].startswith("    # TODO(datamimic-v2): DM107 ")
    assert run_python(out, settings, annotate=True).outcome.value == "unchanged"


def test_unparsable_python_is_reported_and_untouched(settings):
    result = run_python(f'requests.get("{H}/api/v1/p/info"\ndef (:\n', settings)
    assert result.outcome.value == "failed"
    assert statuses(result) == [("DM001", "error")]


def test_a_keyword_argument_is_not_a_read_of_the_variable_of_the_same_name(settings):
    """Found by verify: files=... in a later call was taken for a read of `files`."""
    check(
        f'files = requests.get(f"{H}/api/v1/{{p}}/files").json()["files"]\n'
        'names = [f["name"] for f in files]\n'
        f'requests.post("https://elsewhere.example/upload", files={{"file": fh}})\n',
        f'files = requests.get(f"{H}/api/v2/projects/{{p}}/files_uri").json()["current_project_files_uri"]\n'
        'names = [f.split("/", 1)[1] for f in files]\n'
        f'requests.post("https://elsewhere.example/upload", files={{"file": fh}})\n',
        settings,
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            b'# -*- coding: latin-1 -*-\n# caf\xe9\nrequests.get("https://acme.datamimic.io/api/v1/p/info")  # \xe9\n',
            b'# -*- coding: latin-1 -*-\n# caf\xe9\nrequests.get("https://acme.datamimic.io/api/v2/projects/p")  # \xe9\n',
            id="latin-1",
        ),
        pytest.param(
            b'import requests\r\n\r\nr = requests.get(\r\n    "https://acme.datamimic.io/api/v1/p/task/t"\r\n)\r\nprint(r.json()["result"][0]["status"])',
            b'import requests\r\n\r\nr = requests.get(\r\n    "https://acme.datamimic.io/api/v2/projects/p/tasks/t/metadata"\r\n)\r\nprint(r.json()["status"])',
            id="crlf-no-final-newline",
        ),
        pytest.param(
            b'\xef\xbb\xbfrequests.get("https://acme.datamimic.io/api/v1/p/info")\n',
            b'\xef\xbb\xbfrequests.get("https://acme.datamimic.io/api/v2/projects/p")\n',
            id="bom",
        ),
    ],
)
def test_bytes_around_the_edit_stay(before, after, settings):
    assert run_python(before, settings).migrated == after


def test_text_after_the_last_expression_of_a_concatenation(settings):
    """Found by the property test: '/metadata' after `+ t` could not be written."""
    check(
        f"requests.get('{H}/api/v1/' + p + '/task/' + t)\n",
        f"requests.get('{H}/api/v2/projects/' + p + '/tasks/' + t + \"/metadata\")\n",
        settings,
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            f'r = requests.get(f"{H}/api/v1/p1/files")\nfor f in r.json()["files"]:\n    print(f"- {{f[\'name\']}}")\n',
            f'r = requests.get(f"{H}/api/v2/projects/p1/files_uri")\nfor f in r.json()["current_project_files_uri"]:\n    print(f"- {{f.split(\'/\', 1)[1]}}")\n',
            id="transform-in-double-quoted-f-string",
        ),
        pytest.param(
            f'd = requests.get(f"{H}/api/v1/p1/task/t1").json()\nprint(f"{{d[\'result\'][0][\'status\']}}")\n',
            f'd = requests.get(f"{H}/api/v2/projects/p1/tasks/t1/metadata").json()\nprint(f"{{d[\'status\']}}")\n',
            id="subscript-in-double-quoted-f-string",
        ),
        pytest.param(
            f'd = requests.get(f"{H}/api/v1/p1/task/t1").json()\nprint(f\'{{d["result"][0]["status"]}}\')\n',
            f'd = requests.get(f"{H}/api/v2/projects/p1/tasks/t1/metadata").json()\nprint(f\'{{d["status"]}}\')\n',
            id="subscript-in-single-quoted-f-string",
        ),
        pytest.param(
            f'requests.put(f"{H}/api/v1/p1/files/rename", json={{"old_name": d["name"], "new_name": "x"}})\n',
            f'requests.put(f"{H}/api/v2/projects/p1/files/{{d[\'name\']}}/rename", json={{"new_filename": "x"}})\n',
            id="path-value-with-quotes-into-an-f-string",
        ),
    ],
)
def test_text_written_into_f_string_braces_parses_on_python_3_11(before, after, settings):
    """Before 3.12 an f-string's braces cannot hold its own quote: the rewrite uses the other one."""
    check(before, after, settings)


@pytest.mark.parametrize(
    "prefix",
    [
        pytest.param("\x0c\n", id="form-feed-line"),
        pytest.param("\x0c", id="form-feed-starting-a-line"),
        pytest.param("x = 1 + \\\n    2\n\\\n", id="backslash-alone-on-a-line"),
        pytest.param("if x:\n\ty = 1\n", id="tabs"),
        pytest.param("s = '\U0001f600'\n", id="non-bmp"),
        pytest.param("x = 1\r\n", id="crlf"),
        pytest.param("x = '''a\\\nb'''\n", id="continuation-in-a-string"),
    ],
)
def test_edits_land_on_the_original_bytes(prefix, settings):
    """libcst writes some text back otherwise than it read it: edits are placed on the source's own bytes."""
    before = prefix + f'DATAMIMIC = "{H}/api/v1"\nr = requests.get(f"{{DATAMIMIC}}/p1/task/t1/log")\n'
    after = prefix + f'DATAMIMIC = "{H}/api/v2"\nr = requests.get(f"{{DATAMIMIC}}/projects/p1/tasks/t1/logs?encode=false")\n'
    check(before, after, settings)


def test_edits_in_a_file_with_lone_carriage_returns(settings):
    before = f'import requests\rDATAMIMIC = "{H}/api/v1"\rr = requests.get(f"{{DATAMIMIC}}/p1/info")\r'
    result = run_python(before, settings)
    assert result.migrated.decode() == before.replace("api/v1", "api/v2").replace("/p1/info", "/projects/p1")


@pytest.mark.parametrize(
    ("source", "datamimic"),
    [
        pytest.param('STORE_API = "https://store.internal:9000"\n\ndef sync_to_datamimic(b):\n    return requests.get(f"{STORE_API}/api/v1/{b}/files")\n', False, id="a-base-named-after-another-service"),
        pytest.param('def datamimic_files(p):\n    return requests.get(f"https://s3.amazonaws.com/api/v1/{p}/files")\n', False, id="a-host-of-another-service"),
        pytest.param('class DatamimicClient:\n    def info(self, p):\n        requests.get(f"{self.base}/api/v1/{p}/info")\n', True, id="a-generic-base-borrows-the-class-name"),
        pytest.param('def datamimic_info(p):\n    requests.get(f"http://localhost:8080/api/v1/{p}/info")\n', True, id="localhost-has-no-name-of-its-own"),
        pytest.param('BASE = os.getenv("TDM_URL", "")\nrequests.get(f"{BASE}/api/v1/{p}/info")\n', True, id="an-environment-variable-names-it"),
        pytest.param('requests.get(f"{settings.datamimic.url}/api/v1/{p}/info")\n', True, id="a-settings-attribute-names-it"),
        pytest.param('requests.get(f"{CONFIG[\'datamimic\'][\'url\']}/api/v1/{p}/info")\n', True, id="a-config-dict-names-it"),
        pytest.param('requests.get(f"https://tdm.acme-corp.com/api/v1/{p}/info")\n', True, id="the-host-names-it"),
        pytest.param('requests.get(f"{BASE_URL}/api/v1/{p}/info")\n', False, id="no-evidence-at-all"),
        pytest.param('DATAMIMIC_URL = os.environ["URL"]\nrequests.get(f"{DATAMIMIC_URL}/api/v1/{p}/info")\n', True, id="the-variable-of-an-environment-read"),
        pytest.param(
            '@click.command()\n@click.option("--url", envvar="DATAMIMIC_URL")\ndef info(url, p):\n'
            '    requests.get(f"{url}/api/v1/{p}/info")\n', True, id="a-click-option-sets-it"),
        pytest.param(
            'def info(p, url: str = typer.Option(..., envvar="TDM_URL", help="the object store")):\n'
            '    requests.get(url.rstrip("/") + "/api/v1/" + p + "/info")\n', True, id="a-typer-option-sets-it"),
        pytest.param(
            'ap = argparse.ArgumentParser()\nap.add_argument("--url", default=os.getenv("DATAMIMIC_URL"))\nargs = ap.parse_args()\n'
            'requests.get(f"{args.url}/api/v1/{args.p}/info")\n', True, id="an-argparse-option-sets-it"),
        pytest.param(
            'ap = argparse.ArgumentParser()\nap.add_argument("--datamimic-url")\nargs = ap.parse_args()\n'
            'requests.get("{}/api/v1/{}/info".format(args.datamimic_url, p))\n', True, id="an-argparse-option-names-it"),
        pytest.param(
            '@dataclass\nclass Settings:\n    url: str = os.getenv("TDM_URL", "")\n\n'
            'class Client:\n    def __init__(self, s: Settings):\n        self.s = s\n\n'
            '    def info(self, p):\n        requests.get(f"{self.s.url}/api/v1/{p}/info")\n', True, id="a-settings-field-default"),
        pytest.param(
            '@dataclass\nclass Profile:\n    url: str\n\ndef load():\n    return Profile(url=os.environ["DATAMIMIC_URL"])\n\n'
            'def info(prof: Profile, p):\n    requests.get(f"{prof.url}/api/v1/{p}/info")\n', True, id="what-makes-the-settings-object"),
        pytest.param(
            'class MirrorSettings(BaseSettings):\n    url: str = "https://objects.example.net"\n\n'
            'def info(s: MirrorSettings, p):\n    requests.get(f"{s.url}/api/v1/{p}/info")\n', False, id="a-settings-field-of-another-service"),
        pytest.param(
            '"""Nightly refresh of our DATAMIMIC test project."""\n\ndef info(p):\n    requests.get(f"{BASE}/api/v1/{p}/info")\n', True,
            id="the-module-docstring-names-it"),
        pytest.param(
            '"""Nightly refresh of our DATAMIMIC test project."""\nSTORE = "https://blobby.acme.com"\n'
            'requests.get(f"{STORE}/api/v1/{p}/files")\n', False, id="a-docstring-does-not-overrule-a-named-base"),
        pytest.param(
            '"""Publish what a DATAMIMIC run made to our object store."""\nclass Store:\n    def __init__(self, url):\n'
            '        self.base = f"{url}/api/v1/b"\n\n    def files(self):\n        requests.get(f"{self.base}/files")\n\n'
            'Store(BLOBBY_URL).files()\n', False, id="a-parameter-is-named-by-what-its-callers-pass"),
        pytest.param(
            'class Client:\n    """Talks to DATAMIMIC."""\n\n    def info(self, p):\n        requests.get(f"{self.base}/api/v1/{p}/info")\n', True,
            id="the-class-docstring-names-it"),
    ],
)
def test_the_base_decides_first_then_the_code_around_it(source, datamimic, settings):
    docstring, _, rest = source.partition("\n") if source.startswith('"""') else ("", "", source)
    result = run_python(docstring + "\nimport os\nimport requests\n" + rest, settings)
    rules = {rule for rule, _ in statuses(result)}
    assert (result.outcome.value == "changed") is datamimic, rules
    assert ("DM000" in rules) is not datamimic


@pytest.mark.parametrize(
    ("path", "datamimic"),
    [("datamimic_client.py", True), ("tdm/client.py", True), ("tools/client.py", False)],
)
def test_the_module_or_its_package_names_it(path, datamimic, settings):
    from migrator.python.migrate import migrate_files

    source = b'import requests\n\ndef info(p):\n    return requests.get(f"{BASE}/api/v1/{p}/info")\n'
    planned, _ = migrate_files({path: source}, settings)
    assert bool(planned[path][0]) is datamimic


def test_a_path_datamimic_does_not_have_is_not_made_its_by_the_code_around_it(settings):
    """A Kubernetes call in a tool documented as DATAMIMIC's: a possible call, not one to migrate by hand."""
    source = '"""Audit the DATAMIMIC worker pods."""\nimport requests\n\ndef pods(get):\n    return get("/api/v1/namespaces/tdm/pods")\n'
    assert statuses(run_python(source, settings)) == [("DM000", "possible")]


def test_a_call_is_reported_where_its_url_is_written(settings):
    """url = ... on one line and the request on the next: the finding stands where the
    path is, which is where a person changes it (and where the rewrite edits)."""
    source = (
        'import requests\n\nBASE = "https://acme.datamimic.io/api/v1"\n\n\ndef log(p, t):\n'
        '    url = "/".join([BASE, p, "task", t, "log"])\n    return requests.get(url).text\n'
    )
    assert [f.line for f in run_python(source, settings).findings] == [7]
