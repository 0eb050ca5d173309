"""Code embedded in other files: Markdown, CI YAML, Dockerfiles, Makefiles,
notebooks and subprocess calls. Everything around the code stays byte-identical."""

from __future__ import annotations

import json

import pytest
from conftest import check_noop, check_transformed, run, statuses

H = "https://acme.datamimic.io"


@pytest.mark.parametrize(
    ("kind", "before", "after"),
    [
        pytest.param(
            "markdown",
            f"Text\n\n```sh\ncurl {H}/api/v1/p/info\n```\n",
            f"Text\n\n```sh\ncurl {H}/api/v2/projects/p\n```\n",
            id="markdown-fence",
        ),
        pytest.param(
            "markdown",
            f"> quote\n>\n> ```bash\n> curl -X POST {H}/api/v1/p/files \\\n>   -F file=@a\n> ```\n",
            f"> quote\n>\n> ```bash\n> curl -X POST {H}/api/v2/projects/p/files/create-from-upload \\\n>   -F file=@a \\\n"
            ">   -F 'file_type=create' \\\n>   -F 'custom_fields={}'\n> ```\n",
            id="markdown-block-quote",
        ),
        pytest.param(
            "markdown",
            f"1. step\n\n   ```console\n   $ curl -X POST {H}/api/v1/p/files \\\n       -F file=@a.csv\n   output\n   ```\n",
            f"1. step\n\n   ```console\n   $ curl -X POST {H}/api/v2/projects/p/files/create-from-upload \\\n       -F file=@a.csv \\\n"
            "       -F 'file_type=create' \\\n       -F 'custom_fields={}'\n   output\n   ```\n",
            id="console-in-a-list-new-lines-indented",
        ),
        pytest.param(
            "markdown",
            f"```sh\nAPI={H}/api/v1/p\n```\n\n1. Compare with (`curl -s \"$API/files\" | jq -r '.files | length'`).\n",
            f"```sh\nAPI={H}/api/v2/projects/p\n```\n\n1. Compare with (`curl -s \"$API/files_uri\" | jq -r '.current_project_files_uri | length'`).\n",
            id="markdown-inline-command-with-a-block-base",
        ),
        pytest.param(
            "markdown",
            f"~~~python\nrequests.get(\"{H}/api/v1/p/info\")\n",
            f"~~~python\nrequests.get(\"{H}/api/v2/projects/p\")\n",
            id="unclosed-python-fence",
        ),
        pytest.param(
            "ci",
            "steps:\n  - run: curl -s \"${{ secrets.DATAMIMIC_URL }}/api/v1/$P/files/$F\" -o f\n",
            "steps:\n  - run: curl -s \"${{ secrets.DATAMIMIC_URL }}/api/v2/projects/$P/files/$F\" -o f\n",
            id="actions-expression-kept",
        ),
        pytest.param(
            "ci",
            f"job:\n  script:\n    - |\n      curl -X POST {H}/api/v1/p/files \\\n        -F file=@a.csv\n",
            f"job:\n  script:\n    - |\n      curl -X POST {H}/api/v2/projects/p/files/create-from-upload \\\n        -F file=@a.csv \\\n"
            "        -F 'file_type=create' \\\n        -F 'custom_fields={}'\n",
            id="gitlab-block-scalar-indentation",
        ),
        pytest.param(
            "dockerfile",
            f"FROM x\nrun curl -s {H}/api/v1/p/info \\\n  -o i.json\n",
            f"FROM x\nrun curl -s {H}/api/v2/projects/p \\\n  -o i.json\n",
            id="dockerfile-run",
        ),
        pytest.param(
            "makefile",
            "u:\n\tcurl -X PUT $(DM)/api/v1/p/files -F \"file=@$$F\"\n",
            "u:\n\tcurl -X PUT $(DM)/api/v1/p/files -F \"file=@$$F\"\n",
            id="makefile-unsafe-left",
        ),
        pytest.param(
            "makefile",
            f"l:\n\t@curl \"{H}/api/v1/$$P/task/$(T)/log\"\n",
            f"l:\n\t@curl \"{H}/api/v2/projects/$$P/tasks/$(T)/logs?encode=false\"\n",
            id="makefile-dollars",
        ),
    ],
)
def test_rewrites(kind, before, after, settings):
    check_transformed(before, after, settings, kind)


def test_makefile_unsafe_fix_doubles_dollars(settings):
    result = run("u:\n\tcurl -X PUT $(DM)/api/v1/p/files -F \"file=@$$F\"\n", settings, "makefile", unsafe_fixes=True, assume_datamimic=True)
    assert result.migrated.decode() == 'u:\n\tcurl -X PUT $(DM)/api/v2/projects/p/files/"$$(basename "$$F")" -F "file=@$$F"\n'


@pytest.mark.parametrize(
    ("kind", "source"),
    [
        pytest.param("markdown", f"```text\ncurl {H}/api/v1/p/info\n```\n", id="other-language"),
        pytest.param("markdown", f"Prose about {H}/api/v1/p/info.\n", id="prose"),
        pytest.param("ci", f"env:\n  URL: {H}/api/v1/p/info\n", id="not-a-step"),
    ],
)
def test_left_alone(kind, source, settings):
    check_noop(source, settings, kind)


@pytest.mark.parametrize(
    ("kind", "source", "line"),
    [
        pytest.param("dockerfile", f'FROM x\nRUN ["curl", "{H}/api/v1/p/info"]\n', 2, id="exec-form"),
        pytest.param("dockerfile", f"RUN <<EOF\ncurl {H}/api/v1/p/info\nEOF\n", 1, id="heredoc"),
        pytest.param("ci", f"job:\n  script:\n    - 'curl {H}/api/v1/p/info'\n", 3, id="quoted-scalar"),
    ],
)
def test_code_in_forms_not_rewritten_is_reported(kind, source, line, settings):
    result = check_noop(source, settings, kind)
    assert statuses(result) == [("DM003", "review")]
    assert result.findings[0].line == line


def test_a_block_that_does_not_parse_is_reported_not_fatal(settings):
    result = check_noop(f"```sh\ncurl {H}/api/v1/p/files?(\n```\n", settings, "markdown")
    assert statuses(result) == [("DM001", "review")]
    assert result.findings[0].line == 2


def test_bad_yaml_fails_the_file(settings):
    result = run("steps:\n  - run: a: b: api/v1\n", settings, "ci")
    assert result.outcome.value == "failed"


def test_notebook_changes_only_the_strings_it_rewrites(settings):
    notebook = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "outputs": [{"text": ["api/v1 \u00e9"]}], "execution_count": 3,
             "source": ["import requests\n", f"r = requests.get(\"{H}/api/v1/p/task/t\")  # \u00e9\n",
                        "print(r.json()[\"result\"][0][\"status\"])\n", "!curl -s \"" + H + "/api/v1/p/info\""]},
        ],
        "metadata": {"kernelspec": {"language": "python"}}, "nbformat": 4, "nbformat_minor": 5,
    }
    before = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    result = run(before, settings, "notebook")
    after = result.migrated.decode()
    old_lines, new_lines = before.splitlines(), after.splitlines()
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    assert len(old_lines) == len(new_lines) and len(changed) == 3
    migrated = json.loads(after)
    assert migrated["cells"][0]["source"] == [
        "import requests\n",
        f"r = requests.get(\"{H}/api/v2/projects/p/tasks/t/metadata\")  # \u00e9\n",
        'print(r.json()["status"])\n',
        "!curl -s \"" + H + "/api/v2/projects/p\"",
    ]
    migrated["cells"][0]["source"] = notebook["cells"][0]["source"]
    assert migrated == notebook
    assert run(after, settings, "notebook").outcome.value == "unchanged"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            f'subprocess.run(["curl", "-s", "-X", "DELETE", f"{H}/api/v1/{{pid}}/files/{{name}}"], check=True)\n',
            f'subprocess.run(["curl", "-s", "-X", "DELETE", f"{H}/api/v2/projects/{{pid}}/files/{{name}}"], check=True)\n',
            id="subprocess-run",
        ),
        pytest.param(
            f'subprocess.call(("curl", "--url", "{H}/api/v1/p/task/t/log", "-o", "log.txt"))\n',
            f'subprocess.call(("curl", "--url", "{H}/api/v2/projects/p/tasks/t/logs?encode=false", "-o", "log.txt"))\n',
            id="subprocess-tuple-url-option",
        ),
    ],
)
def test_subprocess_curl(before, after, settings):
    check_transformed(before, after, settings, "python")


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(f'out = subprocess.check_output(["curl", "-s", "{H}/api/v1/p/task/t"])\n', id="output-parsed"),
        pytest.param(f'subprocess.run(["curl", "-F", "file=@a", "{H}/api/v1/p/files"])\n', id="form-changes"),
    ],
)
def test_subprocess_curl_reported(source, settings):
    result = check_noop(source, settings, "python")
    assert "review" in {s for _, s in statuses(result)}


def test_annotate_leaves_a_notebook_valid_json(settings):
    notebook = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                           "source": [f"requests.get(\"{H}/api/v1/p/task/t\").json()[\"task_count\"]\n"]}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    source = json.dumps(notebook, indent=1)
    result = run(source, settings, "notebook", annotate=True)
    assert ("DM107", "review") in statuses(result)
    assert result.outcome.value == "unchanged"


CI_WITH_ENV = f"""env:
  DATAMIMIC_URL: {H}/api/v1
jobs:
  a:
    steps:
      - run: curl -s "$DATAMIMIC_URL/$P/info"
      - run: |
          curl -s "$DATAMIMIC_URL/$P/task/$T/log"
"""


CI_WITH_AN_ACTION = CI_WITH_ENV.replace("    steps:\n", "    steps:\n      - uses: acme/deploy@v1\n")


def test_a_base_in_ci_env_that_an_action_may_read_is_stripped_in_the_steps(settings):
    """An action a step uses gets the job's environment: the variable may be read there."""
    check_transformed(
        CI_WITH_AN_ACTION,
        CI_WITH_AN_ACTION.replace('"$DATAMIMIC_URL/$P/info"', '"${DATAMIMIC_URL%/api/v*}/api/v2/projects/$P"').replace(
            '"$DATAMIMIC_URL/$P/task/$T/log"', '"${DATAMIMIC_URL%/api/v*}/api/v2/projects/$P/tasks/$T/logs?encode=false"'
        ),
        settings,
        "ci",
    )


def test_a_base_in_ci_env_changes_when_only_the_steps_read_it(settings):
    """Steps that run only curl and such tools: nothing else reads the variable, it moves."""
    check_transformed(
        CI_WITH_ENV,
        CI_WITH_ENV.replace("/api/v1", "/api/v2")
        .replace('"$DATAMIMIC_URL/$P/info"', '"$DATAMIMIC_URL/projects/$P"')
        .replace('"$DATAMIMIC_URL/$P/task/$T/log"', '"$DATAMIMIC_URL/projects/$P/tasks/$T/logs?encode=false"'),
        settings,
        "ci",
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            f"job:\n  script:\n    - >\n      curl -s\n      {H}/api/v1/p/info\n",
            f"job:\n  script:\n    - >\n      curl -s\n      {H}/api/v2/projects/p\n",
            id="folded-lines",
        ),
        pytest.param(
            f"job:\n  script:\n    - >\n      curl -X POST\n      -F file=@a.csv\n      {H}/api/v1/p/files\n",
            f"job:\n  script:\n    - >\n      curl -X POST\n      -F file=@a.csv -F 'file_type=create' -F 'custom_fields={{}}'\n"
            f"      {H}/api/v2/projects/p/files/create-from-upload\n",
            id="folded-new-fields-stay-on-the-line",
        ),
    ],
)
def test_folded_ci_steps_are_one_shell_line(before, after, settings):
    check_transformed(before, after, settings, "ci")


# ---------------------------------------------------------------- variables of build files (issue 11, item 6)

MAKEFILE = """API := $(DATAMIMIC_URL)/api/v1/$(PROJECT)
CURL := curl -sS --fail -H "Authorization: Bearer $(TOKEN)"

info:
\t@$(CURL) $(API)/info | jq -r .name
logs:
\t@$(CURL) "$(API)/task/$$(cat build/task_id)/log?encode=false"
"""


def test_a_makefile_variable_moves_with_the_recipes_that_use_it(settings):
    check_transformed(
        MAKEFILE,
        MAKEFILE.replace("/api/v1/$(PROJECT)", "/api/v2/projects/$(PROJECT)")
        .replace("$(API)/info", "$(API)")
        .replace("$(API)/task/$$(cat build/task_id)/log", "$(API)/tasks/$$(cat build/task_id)/logs"),
        settings,
        "makefile",
    )


def test_a_makefile_variable_a_held_recipe_uses_is_reported_not_stripped(settings):
    source = MAKEFILE + "gen:\n\t@$(CURL) -X POST -d '{}' $(API)/generate | jq -r .task_id\n"
    result = check_noop(source, settings, "makefile")
    assert any("make variable API" in f.message for f in result.findings if f.rule == "DM112")


def test_makefile_macros_are_expanded_at_each_call(settings):
    source = (
        'BASE = https://tdm.acme.com/api/v1/$(P)\n'
        "define dm\ncurl -fsS $(2) \"$(BASE)/$(1)\"\nendef\n\n"
        "logs:\n\t@$(call dm,task/$(T)/log?encode=false)\n"
        "art:\n\t@$(call dm,task/$(T)/artifacts/download,-o a.zip)\n"
    )
    check_transformed(
        source,
        source.replace("/api/v1/$(P)", "/api/v2/projects/$(P)")
        .replace("dm,task/$(T)/log?", "dm,tasks/$(T)/logs?")
        .replace("dm,task/$(T)/artifacts/download", "dm,tasks/$(T)/artifacts/download"),
        settings,
        "makefile",
    )


def test_a_dockerfile_env_base_is_stripped_in_each_run(settings):
    source = (
        "FROM alpine\nARG DATAMIMIC_URL=https://tdm.acme.com\nARG P=crm\n"
        "ENV TDM_API=${DATAMIMIC_URL}/api/v1/${P}\n"
        'RUN curl -fsS "${TDM_API}/info" | jq -r .name\n'
    )
    check_transformed(source, source.replace('"${TDM_API}/info"', '"${TDM_API%/api/v*}/api/v2/projects/${P}"'), settings, "dockerfile")


GITLAB = """variables:
  API_V1: "$DATAMIMIC_URL/api/v1"
.auth: &auth
  - export TASK_URL="${API_V1}/${PROJECT_ID}/task/${TASK_ID}"
a:
  before_script: *auth
  script:
    - curl -sSf "$TASK_URL/log?encode=true" | base64 -d
b:
  before_script: *auth
  script:
    - curl -sSf "$TASK_URL/artifacts" | jq length
"""


def test_gitlab_quoted_variables_and_anchors(settings):
    check_transformed(
        GITLAB,
        GITLAB.replace('"$DATAMIMIC_URL/api/v1"', '"$DATAMIMIC_URL/api/v2"')
        .replace("${API_V1}/${PROJECT_ID}/task/${TASK_ID}", "${API_V1}/projects/${PROJECT_ID}/tasks/${TASK_ID}")
        .replace('"$TASK_URL/log?encode=true"', '"$TASK_URL/logs?encode=true"')
        .replace('"$TASK_URL/artifacts" | jq length', "\"$TASK_URL/artifacts/metadata\" | jq '.artifacts | length'"),
        settings,
        "ci",
    )


def test_findings_in_yaml_carry_the_document_lines(settings):
    source = "a:\n  script:\n    - |\n      echo start\n      curl -s https://tdm.acme.com/api/v1/p/task/t | jq .task_count\n"
    result = check_noop(source, settings, "ci")
    assert {f.line for f in result.findings} == {5}


def test_prose_and_comments_with_a_v1_url_are_reported(settings):
    markdown = "# Runbook\n\nThe old API lives at https://tdm.acme.com/api/v1/ until June.\n\n```sh\necho hi\n```\n"
    result = check_noop(markdown, settings, "markdown")
    assert [(f.rule, f.line) for f in result.findings] == [("DM003", 3)]
    ci = "# calls https://objects.example.com/api/v1/b/files too\njob:\n  script:\n    - echo datamimic\n"
    assert [(f.rule, f.line) for f in check_noop(ci, settings, "ci").findings] == [("DM000", 1)]
