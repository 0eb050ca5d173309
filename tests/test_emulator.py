"""The DATAMIMIC emulator, through a real HTTP client on loopback."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request

import pytest

from migrator.verify.emulator import PROJECT, TASK, Emulator

AUTH = {"Authorization": "Bearer t"}


def call(api: Emulator, method: str, path: str, headers=None, body: bytes | None = None, kind: str = "application/json"):
    request = urllib.request.Request(api.url + path, data=body, method=method, headers={**(AUTH if headers is None else headers), "Content-Type": kind})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def multipart(fields: dict[str, str], filename: str) -> tuple[bytes, str]:
    boundary = "XyZ"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n\r\ndata\r\n--{boundary}--\r\n')
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def api():
    with Emulator() as emulator:
        yield emulator


def test_listens_on_loopback_only(api):
    assert api.server.server_address[0] == "127.0.0.1"


def test_401_without_a_bearer_token(api):
    assert call(api, "GET", f"/api/v2/projects/{PROJECT}/files_uri", headers={})[0] == 401


def test_files_in_both_shapes(api):
    status, body = call(api, "GET", f"/api/v1/{PROJECT}/files")
    assert status == 200 and {f["name"] for f in json.loads(body)["files"]} >= {"customers.csv"}
    status, body = call(api, "GET", f"/api/v2/projects/{PROJECT}/files_uri")
    assert f"{PROJECT}/customers.csv" in json.loads(body)["current_project_files_uri"]


def test_create_needs_file_type_in_v2_and_conflicts_with_an_existing_file(api):
    body, kind = multipart({}, "new.csv")
    assert call(api, "POST", f"/api/v2/projects/{PROJECT}/files/create-from-upload", body=body, kind=kind)[0] == 422
    body, kind = multipart({"file_type": "create"}, "new.csv")
    status, answer = call(api, "POST", f"/api/v2/projects/{PROJECT}/files/create-from-upload", body=body, kind=kind)
    assert status == 200 and json.loads(answer) == {"list_files_uri": [f"{PROJECT}/new.csv"]}
    assert call(api, "POST", f"/api/v2/projects/{PROJECT}/files/create-from-upload", body=body, kind=kind)[0] == 409


def test_404_for_unknown_files_and_tasks(api):
    assert call(api, "GET", f"/api/v2/projects/{PROJECT}/files/nope.csv")[0] == 404
    assert call(api, "DELETE", f"/api/v1/{PROJECT}/files/nope.csv")[0] == 404
    assert call(api, "GET", f"/api/v2/projects/{PROJECT}/tasks/other/metadata")[0] == 404


def test_logs_encode_defaults_differ(api):
    plain = call(api, "GET", f"/api/v1/{PROJECT}/task/{TASK}/log")[1]
    encoded = call(api, "GET", f"/api/v2/projects/{PROJECT}/tasks/{TASK}/logs")[1]
    assert base64.b64decode(encoded) == plain
    assert call(api, "GET", f"/api/v2/projects/{PROJECT}/tasks/{TASK}/logs?encode=false")[1] == plain


def test_every_request_is_recorded(api):
    call(api, "PUT", f"/api/v1/{PROJECT}/files/rename", body=b'{"old_name": "customers.csv", "new_name": "x.csv"}')
    [recorded] = api.requests
    assert (recorded.method, recorded.path, recorded.json, recorded.status) == (
        "PUT", f"/api/v1/{PROJECT}/files/rename", {"old_name": "customers.csv", "new_name": "x.csv"}, 200,
    )


def test_answers_as_an_http_proxy(api):
    proxy = urllib.request.ProxyHandler({"http": api.url})
    opener = urllib.request.build_opener(proxy)
    request = urllib.request.Request(f"http://acme.datamimic.io/api/v1/{PROJECT}/info", headers=AUTH)
    with opener.open(request, timeout=5) as response:
        assert json.loads(response.read())["identifier"] == PROJECT


def test_a_body_too_large_is_refused_unread_and_the_emulator_goes_on(api):
    """A script cannot fill verify's memory by posting to the emulator."""
    import socket

    from migrator.verify.emulator import MAX_BODY

    with socket.create_connection(api.server.server_address, timeout=5) as client:
        client.sendall(f"POST /api/v1/{PROJECT}/files HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"
                       f"Content-Length: {MAX_BODY + 1}\r\n\r\n".encode())
        assert client.recv(100).startswith(b"HTTP/1.1 413 ")
    assert call(api, "GET", f"/api/v1/{PROJECT}/info")[0] == 200
    assert [r.status for r in api.requests] == [413, 200]
