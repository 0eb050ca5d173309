"""A notebook's Python cells run top to bottom in one namespace: they are one module for
the Python front end, and every edit goes back into the JSON string of its cell."""

from __future__ import annotations

import json

from conftest import migrated, run, statuses

H = "https://acme.datamimic.io"


def notebook(*cells: str) -> str:
    """A notebook as Jupyter writes it: each cell's source a list of lines."""
    code = [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": cell.splitlines(keepends=True)}
        for cell in cells
    ]
    return json.dumps({"cells": code, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1) + "\n"


def sources(text: str) -> list[str]:
    return ["".join(cell["source"]) for cell in json.loads(text)["cells"]]


def test_a_constant_of_the_first_cell_is_used_by_a_call_in_the_third(settings):
    before = notebook(
        f'import requests\nAPI = "{H}/api/v1"\n',
        "PROJECT = 'p'\n",
        'requests.get(f"{API}/{PROJECT}/files").raise_for_status()\n',
    )
    after = sources(migrated(before, settings, "notebook"))
    assert after == [f'import requests\nAPI = "{H}/api/v2"\n', "PROJECT = 'p'\n", 'requests.get(f"{API}/projects/{PROJECT}/files_uri").raise_for_status()\n']


def test_a_response_read_in_a_later_cell_is_rewritten_there(settings):
    before = notebook(
        f'import requests\nr = requests.get("{H}/api/v1/p/task/t")\n',
        "meta = r.json()\n",
        'print(meta["result"][0]["status"])\n',
    )
    after = sources(migrated(before, settings, "notebook"))
    assert after[2] == 'print(meta["status"])\n'


def test_a_shell_escape_with_python_values_is_the_call_it_makes(settings):
    before = notebook(
        f'API = "{H}/api/v1/p"\n',
        '!curl -s "{API}/info" | jq .\n',
        f'!curl -s "{H}/api/v1/p/task/t/log"\n',
    )
    after = sources(migrated(before, settings, "notebook"))
    assert after == [f'API = "{H}/api/v2/projects/p"\n', '!curl -s "{API}" | jq .\n', f'!curl -s "{H}/api/v2/projects/p/tasks/t/logs?encode=false"\n']


def test_a_cell_that_does_not_parse_is_reported_and_the_others_migrate(settings):
    before = notebook(
        f'import requests\nAPI = "{H}/api/v1"\n',
        "print 'python 2'\n",
        'requests.get(f"{API}/p/files")\n',
    )
    result = run(before, settings, "notebook")
    assert ("DM001", "review") in statuses(result)
    bad = next(f for f in result.findings if f.rule == "DM001")
    assert "print 'python 2'" in before.splitlines()[bad.line - 1]
    after = sources(result.migrated.decode())
    assert after == [f'import requests\nAPI = "{H}/api/v2"\n', "print 'python 2'\n", 'requests.get(f"{API}/projects/p/files_uri")\n']
    assert run(result.migrated, settings, "notebook").outcome.value == "unchanged"


def test_magics_and_other_cells_stay_byte_for_byte(settings):
    before = notebook(
        f'%matplotlib inline\nimport requests\nAPI = "{H}/api/v1"\n',
        "%%time\nr = requests.get(f\"{API}/p/files\")\n",
        "%%html\n<b>not python</b>\n",
    )
    out = migrated(before, settings, "notebook")
    old, new = before.splitlines(), out.splitlines()
    assert [i for i, (a, b) in enumerate(zip(old, new)) if a != b] == [i for i, line in enumerate(old) if "/api/v1" in line or "/p/files" in line]
    assert len(old) == len(new)
