"""curl read as curl reads it beyond its command line (--url-query, -K config files), and
the other ways scripts make requests (xargs running curl, wget): each call is migrated
or reported on its line, never silently left on v1."""

from __future__ import annotations

import pytest
from conftest import check_transformed

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
