"""The shell front end: curl as people write it, and what it must leave alone."""

from __future__ import annotations

import pytest
from conftest import check_noop, check_transformed, migrated, run_shell, statuses

H = "https://acme.datamimic.io"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            f"curl -XPOST {H}/api/v1/p1/files -F file=@a.csv\n",
            f"curl -XPOST {H}/api/v2/projects/p1/files/create-from-upload -F file=@a.csv -F 'file_type=create' -F 'custom_fields={{}}'\n",
            id="glued-method-unquoted-url",
        ),
        pytest.param(
            f"curl -sX PUT '{H}/api/v1/p1/files' --form 'file=@out/b.csv;type=text/csv'\n",
            f"curl -sX PUT '{H}/api/v2/projects/p1/files/b.csv' --form 'file=@out/b.csv;type=text/csv'\n",
            id="update-filename-from-upload-path",
        ),
        pytest.param(
            f"curl -X PUT '{H}/api/v1/p1/files' -F 'file=@tmp.csv;filename=real name.csv'\n",
            f"curl -X PUT '{H}/api/v2/projects/p1/files/real%20name.csv' -F 'file=@tmp.csv;filename=real name.csv'\n",
            id="update-explicit-filename-encoded",
        ),
        pytest.param(
            f"curl --url '{H}/api/v1/p1/info'\n",
            f"curl --url '{H}/api/v2/projects/p1'\n",
            id="url-option",
        ),
        pytest.param(
            f"curl -d '{{\"task_type\": \"standard\"}}' \"{H}/api/v1/$P/generate\"\n",
            f"curl -d '{{\"task_type\": \"standard\"}}' \"{H}/api/v2/projects/$P/generate\"\n",
            id="post-implied-by-data",
        ),
        pytest.param(
            f"curl \"{H}/api/v1/$P/task/$T/log?limit=5\"\n",
            f"curl \"{H}/api/v2/projects/$P/tasks/$T/logs?limit=5&encode=false\"\n",
            id="logs-default-added-to-query",
        ),
        pytest.param(
            f"curl -G \"{H}/api/v1/$P/task/$T/log\" -d encode=true\n",
            f"curl -G \"{H}/api/v2/projects/$P/tasks/$T/logs\" -d encode=true\n",
            id="logs-encode-sent-with-G",
        ),
        pytest.param(
            f"BASE={H}/api/v1\ncurl \"$BASE/$P/files\" | jq -r '.files[].name'\ncurl \"$BASE/$P/info\"\n",
            f"BASE={H}/api/v2\ncurl \"$BASE/projects/$P/files_uri\" | jq -r '.current_project_files_uri[] | sub(\"^[^/]*/\"; \"\")'\ncurl \"$BASE/projects/$P\"\n",
            id="base-variable-every-use-migrates",
        ),
        pytest.param(
            f"TASK=t-1\ncurl \"{H}/api/v1/$P/task/$TASK\"\n",
            f"TASK=t-1\ncurl \"{H}/api/v2/projects/$P/tasks/$TASK/metadata\"\n",
            id="text-after-a-variable-goes-in-the-call",
        ),
        pytest.param(
            f"URL=\"{H}/api/v1/$P/task/$T\"\ncurl \"$URL\" | jq .result[0].status\n",
            f"URL=\"{H}/api/v2/projects/$P/tasks/$T\"\ncurl \"$URL/metadata\" | jq .status\n",
            id="whole-url-in-variable",
        ),
        pytest.param(
            f"r=$(curl -s \"{H}/api/v1/$P/task/$T\")\njq -r '.result[0] | .status' <<< \"$r\"\n",
            f"r=$(curl -s \"{H}/api/v2/projects/$P/tasks/$T/metadata\")\njq -r '.status' <<< \"$r\"\n",
            id="herestring-reader-across-pipe",
        ),
        pytest.param(
            f"a=$(curl -s \"{H}/api/v1/$P/task/$T/artifacts\")\necho \"$a\" | jq length\nprintf '%s' \"$a\" | jq '.[0].name'\n",
            f"a=$(curl -s \"{H}/api/v2/projects/$P/tasks/$T/artifacts/metadata\")\necho \"$a\" | jq '.artifacts | length'\nprintf '%s' \"$a\" | jq '.artifacts[0].name'\n",
            id="artifacts-wrapped",
        ),
        pytest.param(
            f"curl \"{H}/api/v1/$P/files\" | jq '.files | length'\n",
            f"curl \"{H}/api/v2/projects/$P/files_uri\" | jq '.current_project_files_uri | length'\n",
            id="files-length",
        ),
        pytest.param(
            f"curl -X POST \"{H}/api/v1/$P/files\" -F \"file=@$F\" | jq -r \".location\"\n",
            f"curl -X POST \"{H}/api/v2/projects/$P/files/create-from-upload\" -F \"file=@$F\" -F 'file_type=create' -F 'custom_fields={{}}' | jq -r \".list_files_uri[0]\"\n",
            id="double-quoted-filter",
        ),
        pytest.param(
            f"curl -X POST \"{H}/api/v1/$P/files\" -F file_type=create -F 'file=@a.csv'\n",
            f"curl -X POST \"{H}/api/v2/projects/$P/files/create-from-upload\" -F file_type=create -F 'file=@a.csv' -F 'custom_fields={{}}'\n",
            id="form-field-already-present",
        ),
        pytest.param(
            f"curl -X PUT \"{H}/api/v1/$P/files/rename\" -d '{{\"old_name\": \"a b.xml\", \"new_name\": \"c.xml\"}}'\n",
            f"curl -X PUT \"{H}/api/v2/projects/$P/files/a%20b.xml/rename\" -d '{{\"new_filename\": \"c.xml\"}}'\n",
            id="rename-name-percent-encoded",
        ),
        pytest.param(
            f"curl -X PUT '{H}/api/v1/'\"$P\"'/files/rename' --data-raw '{{\"old_name\":\"'\"$OLD\"'\",\"new_name\":\"'\"$NEW\"'\"}}'\n",
            f"curl -X PUT '{H}/api/v2/projects/'\"$P\"'/files/'\"$OLD\"'/rename' --data-raw '{{\"new_filename\":\"'\"$NEW\"'\"}}'\n",
            id="rename-spliced-quotes-compact-json",
        ),
        pytest.param(
            "datamimic_files() {\n  curl -s \"$1/api/v1/$2/files\" | jq -r '.files[0].name'\n}\n",
            "datamimic_files() {\n  curl -s \"$1/api/v2/projects/$2/files_uri\" | jq -r '.current_project_files_uri[0] | sub(\"^[^/]*/\"; \"\")'\n}\n",
            id="evidence-from-enclosing-function",
        ),
        pytest.param(
            "for t in a b; do\n  curl -s \"$DATAMIMIC_HOST/api/v1/$P/task/$t/artifacts/download\" -o \"$t.zip\"\ndone\n",
            "for t in a b; do\n  curl -s \"$DATAMIMIC_HOST/api/v2/projects/$P/tasks/$t/artifacts/download\" -o \"$t.zip\"\ndone\n",
            id="evidence-from-variable-name-in-loop",
        ),
        pytest.param(
            f"curl -s \"{H}/api/v1/$P/files\" \\\r\n  -H 'accept: application/json'\r\n",
            f"curl -s \"{H}/api/v2/projects/$P/files_uri\" \\\r\n  -H 'accept: application/json'\r\n",
            id="crlf-line-endings",
        ),
        pytest.param(
            f"curl -X POST '{H}/api/v1/p/files' \\\r\n  -F 'file=@a.csv'\r\n",
            f"curl -X POST '{H}/api/v2/projects/p/files/create-from-upload' \\\r\n  -F 'file=@a.csv' \\\r\n  -F 'file_type=create' \\\r\n  -F 'custom_fields={{}}'\r\n",
            id="crlf-continuations-for-new-fields",
        ),
    ],
)
def test_rewrites(before, after, settings):
    check_transformed(before, after, settings)


def test_update_with_variable_path_is_unsafe(settings):
    source = f"curl -X PUT \"{H}/api/v1/$P/files\" -F \"file=@$DIR/model.xml\"\n"
    result = check_noop(source, settings)
    assert statuses(result) == [("DM103", "unsafe")]
    assert "--unsafe-fixes" in result.findings[0].message
    check_transformed(
        source,
        f"curl -X PUT \"{H}/api/v2/projects/$P/files/$(basename \"$DIR/model.xml\")\" -F \"file=@$DIR/model.xml\"\n",
        settings,
        unsafe_fixes=True,
    )


def test_shared_base_used_elsewhere_changes_only_the_call(settings):
    source = f"API={H}/api/v1\necho \"$API\"\ncurl \"$API/$P/info\"\n"
    check_transformed(source, f"API={H}/api/v1\necho \"$API\"\ncurl \"${{API%/api/v*}}/api/v2/projects/$P\"\n", settings)


def test_shared_base_used_elsewhere_is_changed_with_unsafe_fixes(settings):
    source = f"API={H}/api/v1\necho \"$API\"\ncurl \"$API/$P/info\"\n"
    result = run_shell(source, settings, unsafe_fixes=True)
    assert result.migrated.decode() == f"API={H}/api/v2\necho \"$API\"\ncurl \"$API/projects/$P\"\n"


def test_shared_base_with_an_unmapped_call(settings):
    source = f"API={H}/api/v1/\ncurl \"$API$P/info\"\ncurl \"$API$P/file/read/x\"\n"
    result = run_shell(source, settings)
    # The base stays for the unmapped call, and its line says so (no silent misses).
    assert statuses(result) == [("DM003", "review"), ("DM112", "migrated"), ("DM100", "unmapped")]
    assert "line 3" in result.findings[0].message
    assert result.migrated.decode().splitlines()[1] == 'curl "${API%/api/v*}/api/v2/projects/$P"'


def urls_curl_would_fetch(script: str) -> list[str]:
    import subprocess

    shim = 'curl() { for a in "$@"; do case "$a" in http*) printf "%s\\n" "$a";; esac; done; }\n'
    return subprocess.run(["bash", "-c", shim + script], capture_output=True, text=True, check=True).stdout.split()


def test_base_variable_shared_through_another_variable(settings):
    """URL holds more than the base: the call strips it with an expansion bash evaluates."""
    source = f"API={H}/api/v1\nURL=\"$API/$P\"\necho \"$API\" >&2\ncurl \"$URL/info\"\n"
    result = run_shell(source, settings)
    assert statuses(result) == [("DM003", "review"), ("DM112", "migrated")]
    out = result.migrated.decode()
    assert out.splitlines()[3] == 'curl "${URL%/api/v*}/api/v2/projects/$P"'
    assert urls_curl_would_fetch("P=p1\n" + out) == [f"{H}/api/v2/projects/p1"]


@pytest.mark.parametrize(
    ("lines", "call", "expected"),
    [
        pytest.param(
            ["API=$URL/api/v1/$PROJECT", "TASK_API=$API/task/$TASK_ID", "echo \"$API\" >&2"],
            'curl "$TASK_API/artifact/download/$name"',
            "https://h.datamimic.io/api/v2/projects/p1/tasks/t1/artifacts/r.csv/download",
            id="base-two-variables-deep",
        ),
        pytest.param(
            ["readonly API=$URL/api/v1/$PROJECT", "readonly FILES=$API/files", "export FILES", "./notify.sh"],
            'curl "$FILES/$n"',
            "https://h.datamimic.io/api/v2/projects/p1/files/r.csv",
            id="readonly-files-constant",
        ),
        pytest.param(
            ["base=\"$URL/api/v1/$PROJECT/task/$TASK_ID\"", "echo \"$base\" >&2"],
            'curl -s "$base/log?encode=true"',
            "https://h.datamimic.io/api/v2/projects/p1/tasks/t1/logs?encode=true",
            id="whole-task-url-in-a-variable",
        ),
        pytest.param(
            ["API=${DATAMIMIC_URL:-$URL}/api/v1/${PROJECT:-demo}", "echo \"$API\" >&2"],
            'curl -s "$API/info"',
            "https://h.datamimic.io/api/v2/projects/p1",
            id="defaults-in-the-value",
        ),
    ],
)
def test_a_base_holding_more_than_api_v1_is_stripped_per_call(lines, call, expected, settings):
    """When the base cannot move, each call rewrites itself with an expansion bash evaluates."""
    preamble = "URL=https://h.datamimic.io\nPROJECT=p1\nTASK_ID=t1\nname=r.csv\nn=r.csv\n"
    source = preamble + "\n".join(lines) + "\n" + call + "\n"
    out = migrated(source, settings)
    assert out.splitlines()[: len(lines) + 5] == source.splitlines()[: len(lines) + 5]
    assert urls_curl_would_fetch(out) == [expected]


def test_a_variable_changed_between_base_and_call_keeps_the_call_on_v1(settings):
    source = f"API={H}/api/v1/$P/task/$T\necho \"$API\"\nT=other\ncurl \"$API/log\"\n"
    result = run_shell(source, settings)
    assert ("DM108", "review") in statuses(result)
    assert result.outcome.value == "unchanged"


@pytest.mark.parametrize("value", ["https://a.datamimic.io/api/v1", "https://a.datamimic.io/api/v1/"])
def test_call_only_rewrite_gives_the_same_url_in_bash(value, settings, tmp_path):
    import subprocess

    slash = "" if value.endswith("/") else "/"
    source = f"API={value}\necho \"$API\" >&2\ncurl \"${{API}}{slash}p1/task/t1/log\"\n"
    out = migrated(source, settings)
    script = out.replace("curl ", "echo ")
    printed = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=True).stdout
    assert printed == "https://a.datamimic.io/api/v2/projects/p1/tasks/t1/logs?encode=false\n"


def test_one_variable_two_rules(settings):
    check_transformed(
        f"U={H}/api/v1/$P/files\ncurl \"$U\"\ncurl -X POST \"$U\" -F file=@a\n",
        f"U={H}/api/v2/projects/$P/files\ncurl \"${{U}}_uri\"\n"
        f"curl -X POST \"$U/create-from-upload\" -F file=@a -F 'file_type=create' -F 'custom_fields={{}}'\n",
        settings,
    )


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("curl -s https://objects.example.net/api/v1/b/files | jq '.files[].name'\n", id="object-store"),
        pytest.param("curl -s https://ci.example.com/api/v1/job/task/42\n", id="ci-server"),
        pytest.param("curl -s https://api.datamin.io/v1/p/files\n", id="datamin-io"),
        pytest.param("curl -X POST https://x.example/api/ingestion/file/sync/start\n", id="ingestion"),
        pytest.param("curl https://x.example/api/1/rest/public/apim/apis\n", id="apim"),
        pytest.param(f"curl {H}/api/v1/p/files # datamimic-migrate: ignore\n", id="ignore-comment"),
        pytest.param(f"# datamimic-migrate: ignore[DM101]\ncurl {H}/api/v1/p/files\n", id="ignore-comment-line-before"),
        pytest.param(f"curl {H}/api/v2/projects/p/files_uri\n", id="already-v2"),
    ],
)
def test_left_alone(source, settings):
    result = check_noop(source, settings)
    assert all(status in ("possible",) for _, status in statuses(result))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("echo https://acme.datamimic.io/api/v1/p/files\n", ("DM003", "review"), id="not-curl"),
        pytest.param("# curl https://acme.datamimic.io/api/v1/p/files\n", ("DM003", "review"), id="comment"),
        pytest.param("kubectl get --raw /api/v1/namespaces/datamimic/pods\n", ("DM000", "possible"), id="no-base-of-its-own"),
        pytest.param("# backs up DATAMIMIC exports\nSTORE=https://s3.example.com/api/v1/b\necho $STORE\n", ("DM000", "possible"), id="another-service"),
    ],
)
def test_a_v1_url_no_request_uses_is_reported_not_rewritten(source, expected, settings):
    """No silent misses: every /api/v1 the script holds ends with a rewrite or a finding."""
    result = check_noop(source, settings)
    assert statuses(result) == [expected]


def test_a_v1_url_in_a_file_that_says_nothing_of_datamimic_is_not_reported(settings):
    assert check_noop('K8S=$KUBE_API/api/v1/namespaces/$NS\necho "$K8S"\n', settings).findings == ()


def test_ignore_names_only_its_rules(settings):
    check_noop(f"# datamimic-migrate: ignore[DM101]\ncurl {H}/api/v1/p/files\n", settings)
    result = run_shell(f"curl {H}/api/v1/p/files # datamimic-migrate: ignore[DM105]\n", settings)
    assert statuses(result) == [("DM101", "migrated")]


def test_trailing_ignore_does_not_cover_the_next_line(settings):
    result = run_shell(f"curl {H}/api/v1/p/info # datamimic-migrate: ignore\ncurl {H}/api/v1/p/files\n", settings)
    assert statuses(result) == [("DM101", "migrated")]


def test_possible_call_is_reported_not_rewritten(settings):
    result = check_noop("curl -s https://ci.example.com/api/v1/job/files\n", settings)
    assert statuses(result) == [("DM000", "possible")]


@pytest.mark.parametrize(
    ("changes", "source"),
    [
        pytest.param({"assume_datamimic": True}, "curl -s https://tdm.example.com/api/v1/p/info\n", id="assume"),
        pytest.param({"instances": ("https://tdm.example.com",)}, "curl -s https://tdm.example.com/api/v1/p/info\n", id="instance"),
        pytest.param({"instances": ("tdm.example.com/",)}, "curl -s http://tdm.example.com/api/v1/p/info\n", id="instance-no-scheme"),
    ],
)
def test_configured_evidence(changes, source, settings):
    assert "/api/v2/projects/p" in run_shell(source, settings, **changes).migrated.decode()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(f"curl {H}/api/v1/p/task/t | jq .task_count\n", ("DM107", "review"), id="task-count"),
        pytest.param(f"curl -X POST {H}/api/v1/p/generate | jq -r .id\n", ("DM114", "review"), id="generate-response"),
        pytest.param(f"curl {H}/api/v1/p/files | jq -s .\n", ("DM101", "review"), id="jq-slurp"),
        pytest.param(f"curl {H}/api/v1/p/files | jq -f filter.jq\n", ("DM101", "review"), id="jq-filter-file"),
        pytest.param(f"curl {H}/api/v1/p/files | jq '.files | map(.uri)'\n", ("DM101", "review"), id="unmapped-read-in-map"),
        pytest.param(f"curl -X PUT {H}/api/v1/p/files | jq .location\n", ("DM103", "review"), id="update-without-upload"),
        pytest.param(f"curl -X PUT {H}/api/v1/p/files/rename -d @body.json\n", ("DM106", "review"), id="body-from-file"),
        pytest.param(f"curl -X PUT {H}/api/v1/p/files/rename -d 'old_name=a'\n", ("DM106", "review"), id="body-not-json"),
        pytest.param(f"curl -X \"$M\" {H}/api/v1/p/files\n", ("DM003", "review"), id="method-at-run-time"),
        pytest.param(f"curl -X PATCH {H}/api/v1/p/files\n", ("DM100", "unmapped"), id="method-not-mapped"),
        pytest.param(f"curl {H}/api/v1/p/files/update -X PUT\n", ("DM100", "unmapped"), id="listed-unmapped"),
        pytest.param(f"curl {H}/api/v1/p/whatever/else\n", ("DM100", "unmapped"), id="unknown-path"),
        pytest.param(f"curl \"{H}/api/v1/p/task/t/log?$Q\"\n", ("DM108", "review"), id="query-at-run-time"),
        pytest.param(f"curl $'{H}/api/v1/p/info'\n", ("DM112", "review"), id="ansi-c-quoted-url"),
    ],
)
def test_reported(source, expected, settings):
    result = run_shell(source, settings)
    assert expected in statuses(result)
    finding = next(f for f in result.findings if (f.rule, f.status.value) == expected)
    assert finding.line == 1 and finding.message


def test_old_message_wording_is_reported(settings):
    source = f"curl -s -X DELETE {H}/api/v1/p/files/a.csv\n[ \"$(cat last.log)\" = 'File deleted successfully' ]\n"
    result = run_shell(source, settings)
    assert ("DM105", "review") in statuses(result)
    assert [f.line for f in result.findings if f.status.value == "review"] == [2]


def test_a_raw_response_compared_is_an_unknown_use_reported_at_both_places(settings):
    source = f"out=$(curl -s -X DELETE {H}/api/v1/p/files/a.csv)\n[ \"$out\" = '{{\"message\": \"x\"}}' ]\n"
    result = check_noop(source, settings)
    assert [(f.line, f.rule, f.status.value) for f in result.findings] == [(1, "DM105", "review"), (2, "DM105", "review")]


def test_select_and_ignore(settings):
    source = f"curl {H}/api/v1/p/files\ncurl {H}/api/v1/p/info\n"
    assert statuses(run_shell(source, settings, select=frozenset({"DM112"}))) == [("DM112", "migrated")]
    assert statuses(run_shell(source, settings, ignore=frozenset({"DM112"}))) == [("DM101", "migrated")]


def test_unparsable_script_is_reported_and_untouched(settings):
    result = run_shell(f"curl {H}/api/v1/p/files\nif then fi (\n", settings)
    assert result.outcome.value == "failed"
    assert statuses(result) == [("DM001", "error")]
    assert "line" in result.reason


def test_an_exported_base_is_read_by_other_programs_so_only_the_call_changes(settings):
    check_transformed(
        f"export API={H}/api/v1\ncurl \"$API/$P/info\"\n./deploy.sh\n",
        f"export API={H}/api/v1\ncurl \"${{API%/api/v*}}/api/v2/projects/$P\"\n./deploy.sh\n",
        settings,
    )


def test_an_exported_base_moves_when_the_script_starts_no_program(settings):
    """Only curl, jq and such read the environment the script exports: nothing else sees it."""
    check_transformed(
        f"export API={H}/api/v1\ncurl \"$API/$P/info\" | jq -r .name\n",
        f"export API={H}/api/v2\ncurl \"$API/projects/$P\" | jq -r .name\n",
        settings,
    )


@pytest.mark.parametrize(
    "held",
    [
        pytest.param('for f in *.csv; do\n  curl -X PUT "$FILES" -F "file=@$f"\ndone\n', id="unsafe-update"),
        pytest.param('curl -X PUT "$FILES" -F "file=@a.csv"  # datamimic-migrate: ignore\n', id="ignore-comment"),
    ],
)
def test_a_shared_variable_never_moves_while_one_of_its_calls_stays(held, settings):
    """The PUT stays on v1 (its fix is unsafe, or ignored): the variable must keep its v1 value,
    and the POST strips it itself."""
    source = f'FILES="{H}/api/v1/$P/files"\n{held}curl -X POST "$FILES" -F "file=@b.csv"\n'
    result = run_shell(source, settings)
    out = (result.migrated or source.encode()).decode()
    assert out.splitlines()[0] == source.splitlines()[0]
    assert [line for line in out.splitlines() if "PUT" in line] == [line for line in source.splitlines() if "PUT" in line]
    assert urls_curl_would_fetch("P=p1\n" + out.replace("for f in *.csv", "for f in a.csv"))[-1] == (
        f"{H}/api/v2/projects/p1/files/create-from-upload"
    )


def test_a_shared_base_moves_without_the_held_call_only_when_the_calls_strip_it(settings):
    source = f'API="{H}/api/v1"\ncurl -X PUT "$API/$P/files" -F "file=@$F"\ncurl "$API/$P/info"\n'
    result = run_shell(source, settings)
    assert statuses(result) == [("DM003", "review"), ("DM103", "unsafe"), ("DM112", "migrated")]
    assert result.migrated.decode().splitlines()[0] == f'API="{H}/api/v1"'
    assert result.migrated.decode().splitlines()[2] == 'curl "${API%/api/v*}/api/v2/projects/$P"'


@pytest.mark.parametrize(
    ("source", "datamimic"),
    [
        pytest.param('sync_to_datamimic() {\n  curl -s "$STORE_API/api/v1/$1/info"\n}\n', False, id="a-base-named-after-another-service"),
        pytest.param('datamimic_info() {\n  curl -s "https://artifactory.acme.com/api/v1/$1/info"\n}\n', False, id="a-host-of-another-service"),
        pytest.param('dm_api() {\n  curl -s "$BASE_URL/api/v1/$1/info"\n}\n', True, id="a-generic-base-borrows-the-function-name"),
        pytest.param('TDM_URL=https://tdm.acme.com\ncurl -s "$TDM_URL/api/v1/$P/info"\n', True, id="the-variable-names-it"),
        pytest.param('curl -s "$BASE_URL/api/v1/$P/info"\n', False, id="no-evidence-at-all"),
    ],
)
def test_the_base_decides_first_then_the_code_around_it(source, datamimic, settings):
    result = run_shell(source, settings)
    assert (result.outcome.value == "changed") is datamimic
    assert ("DM000" in {rule for rule, _ in statuses(result)}) is not datamimic


def test_a_project_that_changes_after_the_base_is_taken_from_the_base_itself(settings):
    source = f"API={H}/api/v1/$P\necho \"$API\" >&2\nP=other\ncurl \"$API/files/a.csv\"\n"
    out = migrated(source, settings)
    assert out.splitlines()[3] == 'curl "${API%/api/v*}/api/v2/projects/${API#*/api/v*/}/files/a.csv"'
    assert urls_curl_would_fetch("P=p1\n" + out) == [f"{H}/api/v2/projects/p1/files/a.csv"]


# ---------------------------------------------------------------- where a response goes (issue 9)

T = f"{H}/api/v1/p/task/t"  # task metadata: its response changes shape in v2


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            f"meta=$(curl -s {T})\nif ! echo \"$meta\" | jq -e '.result[0].status == \"SUCCESS\"' >/dev/null; then exit 1; fi\n",
            f"meta=$(curl -s {H}/api/v2/projects/p/tasks/t/metadata)\nif ! echo \"$meta\" | jq -e '.status == \"SUCCESS\"' >/dev/null; then exit 1; fi\n",
            id="negated-pipeline-read",
        ),
        pytest.param(
            f"curl -s -o task.json {T}\njq -r '.result[0].status' task.json\n",
            f"curl -s -o task.json {H}/api/v2/projects/p/tasks/t/metadata\njq -r '.status' task.json\n",
            id="o-file-read-later-by-jq",
        ),
        pytest.param(
            f"curl -s {T} > \"$tmp\"\nstatus=$(jq -r '.result[0].status' < \"$tmp\")\n",
            f"curl -s {H}/api/v2/projects/p/tasks/t/metadata > \"$tmp\"\nstatus=$(jq -r '.status' < \"$tmp\")\n",
            id="redirect-then-stdin-of-jq",
        ),
        pytest.param(
            f"until jq -e '.result[0].status == \"SUCCESS\"' <(curl -s {T}) >/dev/null; do sleep 1; done\n",
            f"until jq -e '.status == \"SUCCESS\"' <(curl -s {H}/api/v2/projects/p/tasks/t/metadata) >/dev/null; do sleep 1; done\n",
            id="process-substitution-file-of-jq",
        ),
        pytest.param(
            f"curl -s {T} | tee last.json | jq -r '.result[0].name'\n",
            f"curl -s {H}/api/v2/projects/p/tasks/t/metadata | tee last.json | jq -r '.name'\n",
            id="tee-to-a-file-nothing-reads",
        ),
        pytest.param(
            f"r=$(curl -s {T})\n[ -z \"$r\" ] && exit 1\necho \"$r\" >&2\n",
            f"r=$(curl -s {H}/api/v2/projects/p/tasks/t/metadata)\n[ -z \"$r\" ] && exit 1\necho \"$r\" >&2\n",
            id="status-test-and-shown",
        ),
        pytest.param(
            f"die() {{ echo \"ERROR: $*\" >&2; exit 1; }}\nr=$(curl -s {T}) || die \"no task: ${{r:-empty}}\"\n",
            f"die() {{ echo \"ERROR: $*\" >&2; exit 1; }}\nr=$(curl -s {H}/api/v2/projects/p/tasks/t/metadata) || die \"no task: ${{r:-empty}}\"\n",
            id="passed-to-a-function-that-only-prints",
        ),
        pytest.param(
            f"get() {{ curl -s \"$@\"; }}\nget {T} | jq -r '.result[0].status'\n",
            f"get() {{ curl -s \"$@\"; }}\nget {H}/api/v2/projects/p/tasks/t/metadata | jq -r '.status'\n",
            id="output-through-a-function",
        ),
        pytest.param(
            f"curl -s -o \"$f\" {T}\njq . \"$f\" >/dev/null\ncurl -s -o \"$f\" {T}/artifacts\njq -r '.[].name' \"$f\"\n",
            f"curl -s -o \"$f\" {H}/api/v2/projects/p/tasks/t/metadata\njq . \"$f\" >/dev/null\n"
            f"curl -s -o \"$f\" {H}/api/v2/projects/p/tasks/t/artifacts/metadata\njq -r '.artifacts[].name' \"$f\"\n",
            id="a-later-write-of-the-same-file-wins",
        ),
    ],
)
def test_understood_uses_of_a_response(before, after, settings):
    check_transformed(before, after, settings)


@pytest.mark.parametrize(
    ("source", "use_line", "why"),
    [
        pytest.param(f"r=$(curl -s {T})\necho \"$r\" | grep -q SUCCESS\n", 2, "grep", id="grep"),
        pytest.param(f"r=$(curl -s {T})\nnotify \"$r\"\n", 2, "notify", id="passed-to-a-program"),
        pytest.param(f"r=$(curl -s {T})\ncheck() {{ [ \"$1\" = ok ]; }}\ncheck \"$r\"\n", 3, "function check()", id="passed-to-a-function"),
        pytest.param(f"curl -s -o t.json {T}\nwc -c < t.json\n", 2, "wc", id="file-read-by-another-tool"),
        pytest.param(f"curl -s {T} | while read -r line; do echo \"$line\"; done\n", 1, "line by line", id="while-read"),
        pytest.param(f"r=$(curl -s {T})\nmsg=\"task: $r\"\n", 2, "string", id="in-a-string"),
        pytest.param(f"r=$(curl -s {T})\nexport r\n", 1, "exported", id="exported"),
        pytest.param(f"curl -s -O {H}/api/v1/p/task/t/artifact/download/a.csv\n", 1, "-O", id="remote-name-changes"),
    ],
)
def test_an_unknown_use_keeps_the_call_on_v1_with_a_finding_at_both_places(source, use_line, why, settings):
    result = check_noop(source, settings)
    lines = {f.line for f in result.findings if f.status.value == "review"}
    assert 1 in lines and use_line in lines, statuses(result)
    assert any(why in f.message for f in result.findings), [f.message for f in result.findings]


def test_a_file_another_step_reads_is_an_unknown_use(settings):
    workflow = (
        "jobs:\n  a:\n    steps:\n"
        f"      - run: curl -s {H}/api/v1/p/task/t/artifacts -o artifacts.json\n"
        "      - shell: python\n        run: |\n          import json\n          print(json.load(open('artifacts.json'))[0])\n"
    )
    result = check_noop(workflow, settings, "ci")
    assert any("artifacts.json is read elsewhere" in f.message for f in result.findings)


# ---------------------------------------------------------------- words tree-sitter cuts


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            "BASE=https://tdm.acme.com/api/v1\nFILES_URL=$BASE/$P/files\ncurl -s \"$FILES_URL\" | jq '.files | length'\n",
            "BASE=https://tdm.acme.com/api/v2\nFILES_URL=$BASE/projects/$P/files\ncurl -s \"${FILES_URL}_uri\" | jq '.current_project_files_uri | length'\n",
            id="assignment-cut-after-second-dollar",
        ),
        pytest.param(
            "export X=$TDM_URL/api/v1/$P/files\ncurl -s \"$X/a.csv\" -o a.csv\n",
            "export X=$TDM_URL/api/v2/projects/$P/files\ncurl -s \"$X/a.csv\" -o a.csv\n",
            id="export-cut",
        ),
        pytest.param(
            "curl -s $TDM_URL/api/v1/$P/files/$F -o f\n",
            "curl -s $TDM_URL/api/v2/projects/$P/files/$F -o f\n",
            id="argument-cut",
        ),
    ],
)
def test_words_the_parser_cuts_are_read_whole(before, after, settings):
    check_transformed(before, after, settings)


def test_a_shared_variable_with_a_cut_word_is_never_changed_under_a_held_use(settings):
    """issue 9: FILES_URL used by a PUT whose fix is not applied and by a POST."""
    source = (
        "BASE=https://tdm.acme.com/api/v1\nFILES_URL=$BASE/$P/files\n"
        "curl -X PUT -F \"file=@$F\" \"$FILES_URL\"\ncurl -X POST -F 'file=@a.csv' \"$FILES_URL\"\n"
    )
    out = migrated(source, settings)
    assert out.splitlines()[:2] == source.splitlines()[:2]
    assert out.splitlines()[2] == source.splitlines()[2]
    assert urls_curl_would_fetch("P=p1\n" + out)[-1] == "https://tdm.acme.com/api/v2/projects/p1/files/create-from-upload"


# ---------------------------------------------------------------- wrapper functions (issue 11, item 1)

WRAPPER = 'dm_api() {\n  local method=$1 path=$2\n  shift 2\n  curl -sS -X "$method" -H "Authorization: Bearer $T" "$@" "$TDM_API$path"\n}\n'


@pytest.mark.parametrize(
    ("calls", "after_calls", "api"),
    [
        pytest.param(
            'dm_api GET "/files/$f" -o "$f"\ndm_api GET /task/$id | jq -r \'.result[0].status\'\n',
            'dm_api GET "/files/$f" -o "$f"\ndm_api GET /tasks/$id/metadata | jq -r \'.status\'\n',
            "TDM_API=https://tdm.acme.com/api/v2/projects/$P\n",
            id="path-argument-and-base-together",
        ),
        pytest.param(
            "dm_api POST /files -F \"file=@$f\" | jq -r .location\n",
            "dm_api POST /files/create-from-upload -F \"file=@$f\" -F 'file_type=create' -F 'custom_fields={}' | jq -r '.list_files_uri[0]'\n",
            "TDM_API=https://tdm.acme.com/api/v2/projects/$P\n",
            id="form-fields-through-the-args",
        ),
        pytest.param(
            "dm_api GET /info | jq -r .name\n",
            'dm_api GET "" | jq -r .name\n',
            "TDM_API=https://tdm.acme.com/api/v2/projects/$P\n",
            id="info-path-becomes-empty",
        ),
    ],
)
def test_wrapper_calls_are_completed_at_each_call_site(calls, after_calls, api, settings):
    before = "TDM_API=https://tdm.acme.com/api/v1/$P\n" + WRAPPER + calls
    check_transformed(before, api + WRAPPER + after_calls, settings)


def test_a_wrapper_call_that_stays_on_v1_keeps_the_others_and_says_why(settings):
    source = "TDM_API=https://tdm.acme.com/api/v1/$P\n" + WRAPPER + "dm_api GET /info\ndm_api POST /generate -d '{}' | jq -r .task_id\n"
    result = check_noop(source, settings)
    info = next(f for f in result.findings if f.rule == "DM112")
    assert info.status.value == "review" and "line 8" in info.message


SLICE_WRAPPER = 'dm_curl() { curl -fsS -H "Authorization: Bearer $T" "$DM_BASE$1" "${@:2}"; }\n'


def test_a_wrapper_passing_its_arguments_after_the_path_takes_the_callers_options(settings):
    """``"${@:2}"``: -X POST and -F at the call site are the request's, so this is a create."""
    calls = 'dm_curl "/$P/files" -X POST -F "file=@$f" | jq -r .location\n'
    check_transformed(
        "DM_BASE=https://tdm.acme.com/api/v1\n" + SLICE_WRAPPER + calls,
        "DM_BASE=https://tdm.acme.com/api/v2\n"
        + SLICE_WRAPPER
        + 'dm_curl "/projects/$P/files/create-from-upload" -X POST -F "file=@$f" -F \'file_type=create\' -F \'custom_fields={}\' '
        "| jq -r '.list_files_uri[0]'\n",
        settings,
    )


def test_a_base_with_a_default_is_stripped_at_the_call_it_may_come_from_the_environment(settings):
    base = 'DM_BASE="${DM_BASE:-https://tdm.acme.com/api/v1}"\n'
    check_transformed(
        base + 'curl -fsS "$DM_BASE/$P/info" | jq -r .name\n',
        base + 'curl -fsS "${DM_BASE%/api/v*}/api/v2/projects/$P" | jq -r .name\n',
        settings,
    )


@pytest.mark.parametrize(
    "source",
    [
        pytest.param('curl -fsS "${DM_BASE:-https://tdm.acme.com/api/v1}/$P/info"\n', id="default-in-the-url"),
        pytest.param('DM_BASE="${DM_BASE:-https://tdm.acme.com/api/v1}"\n' + SLICE_WRAPPER + 'dm_curl "/$P/info"\n', id="through-a-wrapper"),
    ],
)
def test_a_default_base_a_call_cannot_strip_is_reported_on_the_call(source, settings):
    result = check_noop(source, settings)
    call = next(f for f in result.findings if f.rule == "DM112")
    assert call.status.value == "review" and call.line == source.count("\n")


def test_nested_wrappers_and_their_positional_parameters(settings):
    source = (
        "TDM_URL=https://tdm.acme.com\n"
        'tdm_api() {\n  _m=$1; _p=$2; shift 2\n  curl -sS -X "$_m" "$@" "$TDM_URL/api/v1/$PROJECT$_p"\n}\n'
        'tdm_json() {\n  _m=$1; _p=$2; shift 2\n  tdm_api "$_m" "$_p" -H "accept: application/json" "$@"\n}\n'
        "tdm_json GET /files | jq -r '.files[].name'\ntdm_json DELETE \"/files/$1\"\n"
    )
    out = migrated(source, settings)
    assert '"$TDM_URL/api/v2/projects/$PROJECT$_p"' in out
    assert "tdm_json GET /files_uri | jq -r '.current_project_files_uri[] | sub(\"^[^/]*/\"; \"\")'" in out


# ---------------------------------------------------------------- bodies (issue 11, item 4)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            f"curl -X POST {H}/api/v1/p/generate/advanced -d @- <<EOF\n{{\"envs\": \"$E\", \"crontab\": \"$C\", \"queue\": \"q\"}}\nEOF\n",
            f"curl -X POST {H}/api/v2/projects/p/generate/schedule -d @- <<EOF\n{{\"crontab\": \"$C\"}}\nEOF\n",
            id="heredoc",
        ),
        pytest.param(
            f"curl -X PUT {H}/api/v1/p/files/rename --data-binary @- <<'EOF'\n{{\"old_name\": \"a.csv\", \"new_name\": \"b.csv\"}}\nEOF\n",
            f"curl -X PUT {H}/api/v2/projects/p/files/a.csv/rename --data-binary @- <<'EOF'\n{{\"new_filename\": \"b.csv\"}}\nEOF\n",
            id="quoted-heredoc",
        ),
        pytest.param(
            f"jq -n --arg o \"$1\" --arg n \"$2\" '{{old_name: $o, new_name: $n}}' | curl -X PUT -d @- {H}/api/v1/p/files/rename\n",
            f"jq -n --arg o \"$1\" --arg n \"$2\" '{{new_filename: $n}}' | curl -X PUT -d @- {H}/api/v2/projects/p/files/\"$1\"/rename\n",
            id="jq-n-piped-in",
        ),
        pytest.param(
            f"BODY=$(jq -n --arg c \"$CRON\" '{{envs: \"s\", crontab: $c, infinite: false}}')\ncurl -X POST -d \"$BODY\" {H}/api/v1/p/generate/advanced\n",
            f"BODY=$(jq -n --arg c \"$CRON\" '{{crontab: $c}}')\ncurl -X POST -d \"$BODY\" {H}/api/v2/projects/p/generate/schedule\n",
            id="variable-built-by-jq-n",
        ),
        pytest.param(
            f"payload=$(cat <<EOF\n{{\"envs\": \"$E\", \"crontab\": \"$C\"}}\nEOF\n)\ncurl -X POST -d \"$payload\" {H}/api/v1/p/generate/advanced\n",
            f"payload=$(cat <<EOF\n{{\"crontab\": \"$C\"}}\nEOF\n)\ncurl -X POST -d \"$payload\" {H}/api/v2/projects/p/generate/schedule\n",
            id="cat-heredoc-substitution",
        ),
        pytest.param(
            f"curl -X PUT -d \"$(jq -nc --arg o \"$a\" --arg n \"$b\" '{{old_name: $o, new_name: $n}}')\" {H}/api/v1/p/files/rename\n",
            f"curl -X PUT -d \"$(jq -nc --arg o \"$a\" --arg n \"$b\" '{{new_filename: $n}}')\" {H}/api/v2/projects/p/files/\"$a\"/rename\n",
            id="jq-substitution-in-the-argument",
        ),
    ],
)
def test_bodies_written_the_way_people_write_them(before, after, settings):
    check_transformed(before, after, settings)


@pytest.mark.parametrize(
    ("source", "why"),
    [
        pytest.param(f"curl -X PUT --data-binary @body.json {H}/api/v1/p/files/rename\n", "read from a file", id="file"),
        pytest.param(f"curl -X PUT -d \"$(build_body)\" {H}/api/v1/p/files/rename\n", "built at run time", id="function"),
        pytest.param(f"make_body | curl -X PUT -d @- {H}/api/v1/p/files/rename\n", "make_body", id="piped-from-a-command"),
    ],
)
def test_bodies_the_migrator_cannot_see_are_reported(source, why, settings):
    result = check_noop(source, settings)
    assert any(why in f.message for f in result.findings), [f.message for f in result.findings]


# ---------------------------------------------------------------- what tree-sitter cannot read


def test_a_zsh_script_is_migrated_where_it_parses(settings):
    source = (
        "#!/bin/zsh\nprint -u2 \"usage: ${0:t}\"\nlocal api=https://tdm.acme.com/api/v1/$P\n"
        "curl -fsS \"$api/task/$id/artifacts\" | jq -r '.[].name'\n"
        "meta=$(curl -fsS \"$api/task/$id\")\nlines=( ${(f)meta} )\n"
    )
    result = run_shell(source, settings)
    assert ("DM109", "migrated") in statuses(result)
    held = [f for f in result.findings if f.rule == "DM107"]
    assert held and all(f.status.value == "review" for f in held)
    assert any("does not parse" in f.message for f in held)


def test_a_script_mostly_unreadable_still_fails(settings):
    result = run_shell("curl https://tdm.acme.com/api/v1/p/files\n(((( ]] }}} ))\n" * 1 + "if then fi (\n" * 3, settings)
    assert result.outcome.value == "failed"


def test_a_statement_the_parser_ran_into_the_command_above_is_read_again(settings):
    """tree-sitter-bash may read the next statement as more arguments of a pipeline's last command."""
    import pathlib

    program = pathlib.Path(__file__).parent / "programs" / "sh-sre" / "push-descriptors" / "push-descriptors.sh"
    out = migrated(program.read_text(), settings)
    assert "files_uri" in out and "$remote.current_project_files_uri" in out


# ---------------------------------------------------------------- no silent misses (issue 11, item 7)


def test_a_path_only_known_at_run_time_is_not_called_unmapped(settings):
    result = check_noop('API=https://tdm.acme.com/api/v1/$P\ncurl -s -o "$out" "$API${path[$check]}"\n', settings)
    messages = [f.message for f in result.findings]
    assert any("only known at run time" in m for m in messages) and not any("no v2 mapping" in m for m in messages)


def test_dm000_guesses_with_the_method(settings):
    result = check_noop('curl -X POST -F "file=@a" "https://store.example.com/api/v1/$B/files"\n', settings)
    assert "DM102 Create file" in result.findings[0].message


def test_a_kubernetes_base_named_k8s_is_another_services(settings):
    """K8S_API is one word, k8s: the base names something else, even where a namespace
    variable after it says datamimic (tdm-pods-check)."""
    source = (
        "K8S_API=${K8S_API:-http://127.0.0.1:8001}\nDATAMIMIC_NS=datamimic\n"
        'curl -fsS "$K8S_API/api/v1/namespaces/$DATAMIMIC_NS/pods" | jq ".items | length"\n'
    )
    assert statuses(run_shell(source, settings)) == [("DM000", "possible")]
