"""Programs the migration breaks today: each one runs against v1 as it was written, and its
migrated form does something else against v2 (or, with the calls it reports left on v1,
against a server that answers both). Each is an expected failure until the lead fixes it;
the reason says what breaks.

The oracle is verify's: the original runs against an emulator of v1, the migrated program
against one of v2 alone, and every request, the output and the exit status must correspond.
A call the migration leaves on v1 and reports is no breakage: then the migrated program runs
against both versions and must do all the original did.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import check_noop, run

from migrator import engine, gate
from migrator.findings import Outcome, Status
from migrator.verify.run import compare, run_program, run_script

TIMEOUT = 60

SHELL_HEAD = """#!/bin/bash
set -euo pipefail
P=$PROJECT_ID
AUTH="Authorization: Bearer $DATAMIMIC_TOKEN"
"""
PYTHON_HEAD = """import os
import requests

P = os.environ["PROJECT_ID"]
T = os.environ["TASK_ID"]
H = {"Authorization": "Bearer " + os.environ["DATAMIMIC_TOKEN"]}
"""


def problems(source: str, settings, table, kind: str) -> list[str]:
    """What the migrated program does otherwise than the original, not explained by a call
    the migration reported and left on v1; empty when the migration kept the program working."""
    name = "script.py" if kind == "python" else "script.sh"
    result = run(source, settings, kind)
    assert result.outcome.value in ("changed", "unchanged"), result.reason
    out = result.migrated or source.encode()
    found = [] if gate.problem(kind, source.encode(), out) is None else ["the migrated program fails the gate"]
    before = run_script(name, kind, source.encode(), TIMEOUT, ("v1",), ("*",))
    assert before.returncode == 0, f"the original does not run against v1: {before.stdout[-2000:]}"
    after = run_script(name, kind, out, TIMEOUT, ("v2",), ("*",))
    differences = compare(before, after, table, ("*",))
    left = [f for f in result.findings if f.status is not Status.MIGRATED and f.status.blocks]
    if differences and left:
        mixed = run_script(name, kind, out, TIMEOUT, ("v1", "v2"), ("*",))
        differences = compare(before, mixed, table, ("*",), left_on_v1=True)
    return found + differences


def folder_problems(files: dict[str, str], command: list[str], tmp_path: Path, settings, table) -> list[str]:
    """As :func:`problems`, for a program of several files run as ``command``: the folder is
    migrated as one run, as the command line migrates it."""
    original, copy = tmp_path / "original", tmp_path / "migrated"
    original.mkdir()
    for name, text in files.items():
        (original / name).write_text(text)
    shutil.copytree(original, copy)
    results = engine.run(engine.plan([copy]), settings, jobs=1)
    for result in results:
        assert result.outcome is not Outcome.FAILED, result.reason
        if result.outcome is Outcome.CHANGED:
            Path(result.path).write_bytes(result.migrated)
    before = run_program(original, command, TIMEOUT, ("v1",), ("*",))
    assert before.returncode == 0, f"the original does not run against v1: {before.stdout[-2000:]}"
    after = run_program(copy, command, TIMEOUT, ("v2",), ("*",))
    differences = compare(before, after, table, ("*",))
    left = [f for r in results for f in r.findings if f.status is not Status.MIGRATED and f.status.blocks]
    if differences and left:
        mixed = run_program(copy, command, TIMEOUT, ("v1", "v2"), ("*",))
        differences = compare(before, mixed, table, ("*",), left_on_v1=True)
    return differences


# ------------------------------------------------------------------ shell: hidden uses of a base
# A base variable moves to v2 when every call the migrator sees on it migrates; these scripts
# use it in a way it does not see, through a call that stays on v1 (its read of .task_count has
# no v2 form), so that call goes to /api/v2/<project>/task/<id>, which exists nowhere.

SHELL_BASE = SHELL_HEAD + """BASE="$DATAMIMIC_URL/api/v1"
curl -sf "$BASE/$P/files" -H "$AUTH" | jq -r '.files[].name'
"""


def test_shell_base_used_inside_eval(settings, table):
    source = SHELL_BASE + """eval "curl -sf \\"\\$BASE/$P/task/$TASK_ID\\" -H \\"\\$AUTH\\"" | jq '.task_count'\n"""
    assert problems(source, settings, table, "shell") == []


def test_shell_base_used_in_a_command_string(settings, table):
    source = SHELL_BASE + """cmd='curl -sf "$BASE/$P/task/$TASK_ID" -H "$AUTH"'\neval "$cmd" | jq '.task_count'\n"""
    assert problems(source, settings, table, "shell") == []


def test_shell_base_used_in_a_trap(settings, table):
    source = SHELL_BASE + """trap 'curl -sf "$BASE/$P/task/$TASK_ID" -H "$AUTH" | jq .task_count' EXIT\n"""
    assert problems(source, settings, table, "shell") == []


def test_shell_base_used_in_an_alias(settings, table):
    source = SHELL_BASE + (
        """alias meta='curl -sf "$BASE/$P/task/$TASK_ID" -H "$AUTH"'\nshopt -s expand_aliases\nmeta | jq '.task_count'\n"""
    )
    assert problems(source, settings, table, "shell") == []


def test_shell_base_used_by_indirect_expansion(settings, table):
    source = SHELL_BASE + """name=BASE\ncurl -sf "${!name}/$P/task/$TASK_ID" -H "$AUTH" | jq '.task_count'\n"""
    assert problems(source, settings, table, "shell") == []


def test_shell_base_used_through_a_nameref(settings, table):
    source = SHELL_BASE + """declare -n ref=BASE\ncurl -sf "$ref/$P/task/$TASK_ID" -H "$AUTH" | jq '.task_count'\n"""
    assert problems(source, settings, table, "shell") == []


def test_shell_base_passed_in_a_prefix_assignment(settings, table):
    reader = (
        'import os, urllib.request as u; '
        'print(u.urlopen(u.Request(os.environ["API"] + "/" + os.environ["PROJECT_ID"] + "/info", '
        'headers={"Authorization": "Bearer " + os.environ["DATAMIMIC_TOKEN"]})).status)'
    )
    source = SHELL_BASE + f"""API="$BASE" python3 -c '{reader}'\n"""
    assert problems(source, settings, table, "shell") == []


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(
            """files() { curl -sf "$BASE/$P/files" -H "$AUTH" | jq -c .; }\nfiles | jq -r '.files[].name'\n""",
            id="wrapper-function",
        ),
        pytest.param(
            """r=$(curl -sf "$BASE/$P/files" -H "$AUTH" | jq -c .)\necho "$r" | jq -r '.files[].name'\n""",
            id="captured",
        ),
    ],
)
def test_shell_pretty_printed_response_read_further(code, settings, table):
    source = SHELL_HEAD + 'BASE="$DATAMIMIC_URL/api/v1"\n' + code
    assert problems(source, settings, table, "shell") == []


# ------------------------------------------------------------------ jq: reads of the whole answer
# A filter that reads the response without naming a key (length, keys, has, .[], .., paths,
# getpath, tostream, tojson, a key held in a variable) is taken for no read: the call
# migrates and the filter computes something else on v2's answer.

FILES = SHELL_HEAD + """curl -sf "$DATAMIMIC_URL/api/v1/$P/files" -H "$AUTH" | jq -r {filter}\n"""


@pytest.mark.parametrize(
    "jq_filter",
    [
        pytest.param("'length'", id="length"),
        pytest.param("'keys[0]'", id="keys"),
        pytest.param("""'has("files")'""", id="has"),
        pytest.param("'[.[]] | length'", id="iterate-values"),
        pytest.param("'.[] | length'", id="each-value"),
        pytest.param("'[..|.name? // empty] | length'", id="recursive-descent"),
        pytest.param("'[paths] | length'", id="paths"),
        pytest.param("""'getpath(["files"]) | length'""", id="getpath"),
        pytest.param("'tostream | select(length==2) | .[1]'", id="tostream"),
        pytest.param("'tojson | length'", id="tojson"),
        pytest.param("'map_values(length) | tojson'", id="map-values"),
        pytest.param("--arg k files '.[$k] | length'", id="key-in-a-variable"),
        pytest.param("'first(.[])[0].name'", id="first-value"),
    ],
)
def test_jq_whole_answer_reads(jq_filter, settings, table):
    assert problems(FILES.format(filter=jq_filter), settings, table, "shell") == []


ARTIFACTS = SHELL_HEAD + """curl -sf "$DATAMIMIC_URL/api/v1/$P/task/$TASK_ID/artifacts" -H "$AUTH" | jq -r {filter}\n"""


@pytest.mark.parametrize(
    "jq_filter",
    [
        # sort_by's result is a list again, and its .[0] was rewritten to .artifacts[0]
        pytest.param("'sort_by(.size) | .[0].name'", id="index-after-sort-by"),
        # a slice of the root became .[0:1].artifacts
        pytest.param("'.[0:1][].name'", id="slice"),
        # reverse was left on the whole answer, and the index after it became .artifacts[0]
        pytest.param("'reverse | .[0].name'", id="index-after-reverse"),
        pytest.param("'map(select(.size > 0)) | .[0].name'", id="index-after-map"),
    ],
)
def test_jq_artifacts_root_rewritten_in_the_wrong_place(jq_filter, settings, table):
    assert problems(ARTIFACTS.format(filter=jq_filter), settings, table, "shell") == []


TASK = SHELL_HEAD + """curl -sf "$DATAMIMIC_URL/api/v1/$P/task/$TASK_ID" -H "$AUTH" | jq -r {filter}\n"""


@pytest.mark.parametrize(
    "jq_filter",
    [
        # v1's task has no "result"; v2's metadata has one (the outcome text)
        pytest.param("'.result[0].result'", id="task-result-field"),
        # the second task of a one-task list is null on v1, and became the task's status
        pytest.param("'.result[1].status'", id="second-task"),
    ],
)
def test_jq_task_list_read_that_is_not_the_task(jq_filter, settings, table):
    assert problems(TASK.format(filter=jq_filter), settings, table, "shell") == []


def test_python_task_result_field(settings, table):
    source = PYTHON_HEAD + (
        'r = requests.get(f"{os.environ[\'DATAMIMIC_URL\']}/api/v1/{P}/task/{T}", headers=H)\n'
        'print(r.json()["result"][0].get("result"))\n'
    )
    assert problems(source, settings, table, "python") == []


# ------------------------------------------------------------------ Python: hidden uses of a base


def test_python_attribute_read_through_getattr(settings, table):
    source = PYTHON_HEAD + '''
class Client:
    def __init__(self):
        self.base = os.environ["DATAMIMIC_URL"] + "/api/v1"

    def files(self):
        r = requests.get(f"{self.base}/{P}/files", headers=H)
        return [f["name"] for f in r.json()["files"]]


c = Client()
print(c.files())
r = requests.get(getattr(c, "base") + f"/{P}/task/{T}", headers=H)
print(r.json()["task_count"])
'''
    assert problems(source, settings, table, "python") == []


NAMES = PYTHON_HEAD + """API = os.environ["DATAMIMIC_URL"] + "/api/v1"


def names():
    r = requests.get(f"{API}/{P}/files", headers=H)
    return [f["name"] for f in r.json()["files"]]


print(names())
{other}
"""


@pytest.mark.parametrize(
    "base",
    [
        pytest.param('globals()["API"]', id="globals"),
        pytest.param("sys.modules[__name__].API", id="sys-modules"),
        pytest.param('eval("API")', id="eval"),
    ],
)
def test_python_constant_read_by_name(base, settings, table):
    other = f'import sys\nr = requests.get({base} + f"/{{P}}/task/{{T}}", headers=H)\nprint(r.json()["task_count"])'
    assert problems(NAMES.replace("{other}", other), settings, table, "python") == []


# ------------------------------------------------------------------ shell: assignments not seen
# A variable's value is taken from its one visible assignment; these commands assign it too, so
# the value the migration planned for is not the one the call sends.

LOG = SHELL_HEAD + """Q=""
{assign}
curl -sf "$DATAMIMIC_URL/api/v1/$P/task/$TASK_ID/log${{Q}}" -H "$AUTH"
"""


@pytest.mark.parametrize(
    "assign",
    [
        pytest.param('printf -v Q "?lines=%d" 5', id="printf-v"),
        pytest.param(': "${Q:=?lines=5}"', id="default-assignment"),
        pytest.param('eval "Q=\\"?lines=5\\""', id="eval"),
        pytest.param('source <(echo "Q=\\"?lines=5\\"")', id="source-process-substitution"),
        pytest.param('select Q in "?lines=5"; do break; done <<< "1"', id="select"),
    ],
)
def test_shell_query_variable_assigned_unseen(assign, settings, table):
    assert problems(LOG.format(assign=assign), settings, table, "shell") == []


def test_shell_base_reassigned_by_printf_v(settings, table):
    source = SHELL_HEAD + """API="$DATAMIMIC_URL/api/v1"
printf -v API "%s/api/v1" "$DATAMIMIC_URL"
curl -sf "$API/$P/files" -H "$AUTH" | jq -r '.files[].name'
"""
    assert problems(source, settings, table, "shell") == []


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(
            'with open("files.json", "wb") as fh:\n    fh.write(r.content)\n'
            'with open("files.json") as fh:\n    print(json.load(fh)["files"][0]["name"])\n',
            id="open",
        ),
        pytest.param(
            'Path("files.json").write_text(r.text)\nprint(json.loads(Path("files.json").read_text())["files"][0]["name"])\n',
            id="pathlib",
        ),
    ],
)
def test_python_saved_response_read_back(code, settings, table):
    source = "import json\nfrom pathlib import Path\n" + PYTHON_HEAD + (
        'API = os.environ["DATAMIMIC_URL"] + "/api/v1"\nr = requests.get(f"{API}/{P}/files", headers=H)\n' + code
    )
    assert problems(source, settings, table, "python") == []


# ------------------------------------------------------------------ Python: query defaults
# The logs' encode default goes into the URL as ?encode=false; when the call's params may
# carry encode too (forwarded **kwargs, a dict of options, a params parameter), the request
# carries both.

LOG_API = 'API = os.environ["DATAMIMIC_URL"] + "/api/v1"\n'


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(
            'def log(**kw):\n    return requests.get(f"{API}/{P}/task/{T}/log", headers=H, **kw).text\n\n\n'
            'print(log(params={"encode": "true"}))\n',
            id="kwargs",
        ),
        pytest.param(
            'opts = {"headers": H, "params": {"encode": "true"}}\nprint(requests.get(f"{API}/{P}/task/{T}/log", **opts).text)\n',
            id="options-dict",
        ),
        pytest.param(
            'def log(params=None):\n    return requests.get(f"{API}/{P}/task/{T}/log", headers=H, params=params).text\n\n\n'
            'print(log())\nprint(log({"encode": "true"}))\n',
            id="params-parameter",
        ),
    ],
)
def test_python_encode_default_beside_forwarded_params(code, settings, table):
    assert problems(PYTHON_HEAD + LOG_API + code, settings, table, "python") == []


# ------------------------------------------------------------------ shell: a response saved to a file
# curl -o out.json, then jq on out.json, is followed; the same file reached by another spelling
# (./out.json, $PWD/out.json, a glob) or read by another program is taken for no read, so the
# call migrates and that read gets v2's answer.

SAVED = SHELL_HEAD + """curl -sf "$DATAMIMIC_URL/api/v1/$P/files" -H "$AUTH" -o out.json
jq -r '.files | length' out.json
{other}
"""


@pytest.mark.parametrize(
    "other",
    [
        pytest.param("jq -r '.files[0].extension' ./out.json", id="dot-slash"),
        pytest.param("""jq -r '.files[0].extension' "$PWD/out.json\"""", id="pwd"),
        pytest.param("jq -r '.files[0].extension' o*.json", id="glob"),
        pytest.param(
            """python3 -c 'import json; print(json.load(open("out.json"))["files"][0]["name"])'""", id="python-reads-it"
        ),
    ],
)
def test_shell_saved_response_read_elsewhere(other, settings, table):
    assert problems(SAVED.format(other=other), settings, table, "shell") == []


# ------------------------------------------------------------------ Python: bodies


def test_python_rename_body_derived_from_a_staying_body(settings, table):
    source = PYTHON_HEAD + '''API = os.environ["DATAMIMIC_URL"] + "/api/v1"
body = {"old_name": "customers.csv", "new_name": "clients.csv"}
r = requests.put(f"{API}/{P}/files/rename", headers=H, json=body)
print(r.status_code)
body2 = dict(body, old_name="clients.csv", new_name="customers.csv")
r = requests.put(f"{API}/{P}/files/rename", headers=H, json=body2)
print(r.status_code)
'''
    assert problems(source, settings, table, "python") == []


# ------------------------------------------------------------------ Python: other modules
# A module constant moves to v2 when its module's calls all migrate and no other file imports
# it; these importers reach it in ways not counted as an import of it, and their call, which
# stays (.task_count has no v2 form), goes to /api/v2/<project>/task/<id>.

CFG = PYTHON_HEAD + """API = os.environ["DATAMIMIC_URL"] + "/api/v1"


def names():
    r = requests.get(f"{API}/{P}/files", headers=H)
    return [f["name"] for f in r.json()["files"]]
"""


@pytest.mark.parametrize(
    "main",
    [
        pytest.param(
            "from cfg import *\n\nprint(names())\n"
            'r = requests.get(f"{API}/{P}/task/{T}", headers=H)\nprint(r.json()["task_count"])\n',
            id="star-import",
        ),
        pytest.param(
            'import importlib\n\ncfg = importlib.import_module("cfg")\nprint(cfg.names())\n'
            'r = cfg.requests.get(f"{cfg.API}/{cfg.P}/task/{cfg.T}", headers=cfg.H)\nprint(r.json()["task_count"])\n',
            id="importlib",
        ),
    ],
)
def test_python_constant_reached_from_another_module(main, tmp_path, settings, table):
    assert folder_problems({"cfg.py": CFG, "main.py": main}, ["python", "main.py"], tmp_path, settings, table) == []


# ------------------------------------------------------------------ Python: the oldest Python
# The gate checks that the output parses on every Python the original parses on (3.8 up), but
# a base stripped in place uses str.removesuffix, which Python 3.8 does not have.

OLD_PYTHON = """import json
import os
import urllib.request

API = os.environ["DATAMIMIC_URL"] + "/api/v1"
P = os.environ["PROJECT_ID"]
T = os.environ["TASK_ID"]
H = {"Authorization": "Bearer " + os.environ["DATAMIMIC_TOKEN"]}

with urllib.request.urlopen(urllib.request.Request(f"{API}/{P}/files", headers=H)) as r:
    print([f["name"] for f in json.load(r)["files"]])
with urllib.request.urlopen(urllib.request.Request(f"{API}/{P}/task/{T}", headers=H)) as r:
    print(json.load(r)["task_count"])
"""


def python38() -> str:
    """A Python 3.8 interpreter: on PATH, or one pyenv installed (its shim may not be active)."""
    candidates = [shutil.which("python3.8"), *map(str, sorted(Path.home().glob(".pyenv/versions/3.8*/bin/python3.8")))]
    for candidate in filter(None, candidates):
        found = subprocess.run([candidate, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True)
        if found.returncode == 0:
            return found.stdout.strip()
    pytest.skip("needs a Python 3.8 (python3.8 on PATH, or under ~/.pyenv/versions): the oldest Python the gate promises")


def test_python_base_stripped_on_python38(tmp_path, settings, table):
    files = {"tool.py": OLD_PYTHON, "pyproject.toml": '[project]\nname = "tool"\nrequires-python = ">=3.8"\n'}
    assert folder_problems(files, [python38(), "tool.py"], tmp_path, settings, table) == []


# ------------------------------------------------------------------ precision: other services
# "dm" counts as DATAMIMIC at the start of a name's word (dmctl, DM_API); DMS (a document
# management system, AWS's Database Migration Service), DMZ and DM (direct messages) start so
# too, and their /api/v1 calls are rewritten, even beside a host of their own.


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        pytest.param(
            'import os\nimport requests\n\nDMS_URL = os.environ["DMS_URL"]  # our document management system\n\n\n'
            "def list_folder(folder):\n"
            '    r = requests.get(f"{DMS_URL}/api/v1/{folder}/files")\n'
            '    return [f["name"] for f in r.json()["files"]]\n',
            "python",
            id="document-management-system",
        ),
        pytest.param(
            '#!/bin/bash\n# Send a direct message with the report\nDM_API="https://chat.example.com/api/v1"\n'
            'curl -sf "$DM_API/$CHANNEL/info" -H "Authorization: Bearer $CHAT_TOKEN"\n',
            "shell",
            id="direct-messages-with-a-host-of-its-own",
        ),
        pytest.param(
            'import requests\n\nDMZ_PROXY = "https://dmz-gw.internal/api/v1"\n\n\n'
            'def info(tenant):\n    return requests.get(f"{DMZ_PROXY}/{tenant}/info").json()\n',
            "python",
            id="dmz-gateway",
        ),
        pytest.param(
            '#!/bin/bash\ncurl -sf "https://dmarc.example.com/api/v1/$DOMAIN/info" -H "Authorization: Bearer $T"\n',
            "shell",
            id="dmarc-host",
        ),
        pytest.param(
            '#!/bin/bash\ncurl -sf "https://api.tdmarket.io/api/v1/$SHOP/files" | jq ".files | length"\n',
            "shell",
            id="tdmarket-host",
        ),
        pytest.param(
            'import requests\n\n\ndef fetch_dmesg(host):\n    return requests.get(f"http://{host}/api/v1/{host}/info").json()\n',
            "python",
            id="dmesg-function",
        ),
        pytest.param(
            '#!/bin/bash\nDMESG_URL="http://kernel-logs.internal/api/v1"\ncurl -sf "$DMESG_URL/$NODE/task/$ID/log"\n',
            "shell",
            id="dmesg-name-with-a-host-of-its-own",
        ),
    ],
)
def test_other_service_named_like_dm(source, kind, settings):
    check_noop(source, settings, kind)


# ------------------------------------------------------------------ silent misses
# A DATAMIMIC v1 call whose URL never spells "api/v1" in one string: the file is not even a
# candidate (or the call is only a possible one), so --check passes on a program that calls v1.

MISSED = PYTHON_HEAD + """DATAMIMIC_URL = os.environ["DATAMIMIC_URL"]
{call}
print(len(r.json()["files"]))
"""


@pytest.mark.parametrize(
    "call",
    [
        pytest.param('API_VERSION = "v1"\nr = requests.get(f"{DATAMIMIC_URL}/api/{API_VERSION}/{P}/files", headers=H)', id="version-constant"),
        pytest.param('r = requests.get(DATAMIMIC_URL + "/api/" "v1/" + P + "/files", headers=H)', id="implicit-concatenation"),
        pytest.param('r = requests.get("/".join([DATAMIMIC_URL, "api", "v1", P, "files"]), headers=H)', id="slash-join"),
        pytest.param('V = 1\nr = requests.get(f"{DATAMIMIC_URL}/api/v{V}/{P}/files", headers=H)', id="version-number"),
        pytest.param(
            'from urllib.parse import urljoin\nr = requests.get(urljoin(DATAMIMIC_URL, f"api/v1/{P}/files"), headers=H)',
            id="urljoin-relative",
        ),
    ],
)
def test_python_v1_call_not_spelled_api_v1(call, settings):
    result = run(MISSED.replace("{call}", call), settings, "python")
    assert any(f.status.blocks for f in result.findings), [(f.rule, f.status.value) for f in result.findings]


@pytest.mark.parametrize(
    "url",
    [
        pytest.param('V=v1\ncurl -sf "$DATAMIMIC_URL/api/$V/$P/files"', id="version-variable"),
        pytest.param('API=$DATAMIMIC_URL/api\ncurl -sf "$API/v1/$P/files"', id="api-root-variable"),
        pytest.param('curl -sf "$DATAMIMIC_URL/api/v"1"/$P/files"', id="quotes-inside-the-word"),
    ],
)
def test_shell_v1_call_not_spelled_api_v1(url, settings):
    source = SHELL_HEAD + url + """ -H "$AUTH" | jq '.files | length'\n"""
    result = run(source, settings, "shell")
    assert any(f.status.blocks for f in result.findings), [(f.rule, f.status.value) for f in result.findings]
