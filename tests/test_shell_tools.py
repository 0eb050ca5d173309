"""curl read as curl reads it beyond its command line (--url-query, -K config files), and
the other ways scripts make requests (xargs running curl, wget): each call is migrated
or reported on its line, never silently left on v1."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import check_noop, check_transformed, statuses

from migrator import engine

H = "https://acme.datamimic.io"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            f'curl -s --url "{H}/api/v1/$P/task/$T/log" --url-query encode=false\n',
            f'curl -s --url "{H}/api/v2/projects/$P/tasks/$T/logs" --url-query encode=false\n',
            id="url-query",
        ),
        pytest.param(
            f'curl -s -G "{H}/api/v1/$P/task/$T/log" --data-urlencode encode=true\n',
            f'curl -s -G "{H}/api/v2/projects/$P/tasks/$T/logs" --data-urlencode encode=true\n',
            id="get-data-urlencode",
        ),
    ],
)
def test_a_query_curl_adds_counts_as_the_calls_query(before, after, settings):
    check_transformed(before, after, settings)


def test_a_call_that_reads_a_curl_config_file_is_reported_not_rewritten(settings):
    """-K may set the method, a body, the output or another URL: the command line alone
    does not say what the call is."""
    source = 'dm() { curl -K ci/datamimic.curlrc -K "$auth" "$@"; }\ndm --url "' + H + '/api/v1/$P/task/$T" | jq -r .result[0].status\n'
    result = check_noop(source, settings)
    assert statuses(result) == [("DM107", "review")]
    assert 'ci/datamimic.curlrc, "$auth" (-K)' in result.findings[0].message


def test_a_url_line_of_a_curl_config_file_is_reported_on_its_line(tmp_path, settings):
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "project-info.curlrc").write_text('# curl -K ci/project-info.curlrc\nurl = "http://datamimic.qa.internal/api/v1/demo-project/info"\noutput = "info.json"\n')
    (tmp_path / ".curlrc").write_text("--url https://tdm.acme.com/api/v1/p/files\n")
    results = {Path(r.path).name: r for r in engine.run(engine.plan([tmp_path]), settings, jobs=1)}
    assert [(f.rule, f.line) for f in results["project-info.curlrc"].findings] == [("DM004", 2)]
    assert "/api/v2/projects/{project_id}" in results["project-info.curlrc"].findings[0].message
    assert [(f.rule, f.line) for f in results[".curlrc"].findings] == [("DM004", 1)]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            f'ls names | xargs -r -P 4 -I{{}} curl -sS -o "out/{{}}" "{H}/api/v1/$P/files/{{}}"\n',
            f'ls names | xargs -r -P 4 -I{{}} curl -sS -o "out/{{}}" "{H}/api/v2/projects/$P/files/{{}}"\n',
            id="xargs-placeholder",
        ),
        pytest.param(
            f'echo "$T" | xargs -n1 -P2 -- curl -s -o /dev/null -X DELETE "{H}/api/v1/$P/files/a.xml"\n',
            f'echo "$T" | xargs -n1 -P2 -- curl -s -o /dev/null -X DELETE "{H}/api/v2/projects/$P/files/a.xml"\n',
            id="xargs-options-and-double-dash",
        ),
    ],
)
def test_curl_run_by_xargs_is_a_call(before, after, settings):
    check_transformed(before, after, settings)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            f'wget -qO- --header "Authorization: Bearer $T" "{H}/api/v1/$P/task/$ID" | jq -r .result[0].status\n',
            f'wget -qO- --header "Authorization: Bearer $T" "{H}/api/v2/projects/$P/tasks/$ID/metadata" | jq -r .status\n',
            id="stdout-into-jq",
        ),
        pytest.param(
            f'wget -q -O meta.json "{H}/api/v1/$P/task/$ID"\njq -r \'.result[0].status\' meta.json\n',
            f'wget -q -O meta.json "{H}/api/v2/projects/$P/tasks/$ID/metadata"\njq -r \'.status\' meta.json\n',
            id="saved-and-read",
        ),
        pytest.param(
            f'API={H}/api/v1/$P\nfetch() {{\n  wget -q --header="$AUTH" -O "$2" "$1" || exit 2\n}}\nfetch "$API/info" info.json\n',
            f'API={H}/api/v2/projects/$P\nfetch() {{\n  wget -q --header="$AUTH" -O "$2" "$1" || exit 2\n}}\nfetch "$API" info.json\n',
            id="wrapper-function",
        ),
    ],
)
def test_a_wget_get_is_migrated_in_its_url(before, after, settings):
    check_transformed(before, after, settings)


@pytest.mark.parametrize(
    ("source", "rule"),
    [
        pytest.param(f'wget -q --post-file=model.xml -O - "{H}/api/v1/$P/files"\n', "DM102", id="upload"),
        pytest.param(f'wget -q --method=DELETE -O /dev/null "{H}/api/v1/$P/files/a.xml"\n', "DM105", id="other-method"),
        pytest.param(f'wget -q -O - -i more-urls.txt "{H}/api/v1/$P/files/a.xml"\n', "DM104", id="input-file"),
    ],
)
def test_a_wget_call_that_is_more_than_a_get_is_reported_on_its_line(source, rule, settings):
    result = check_noop(source, settings)
    assert statuses(result) == [(rule, "review")]
    assert result.findings[0].line == 1
