"""Read-only gateway in front of DATAMIMIC for the QA dashboard.

The dashboard must never see the project token, so it talks to this WSGI app
(gunicorn gateway:app in prod) which adds the token and trims the answers.

    python gateway.py --selftest   # exercises every route in-process, writes selftest/
"""
import io
import json
import re
import sys
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import requests

import settings

CONF = settings.load()
DM = CONF.datamimic
http = requests.Session()
http.headers["Authorization"] = f"Bearer {DM.token}"


def upstream(path: str) -> str:
    return f"{DM.url.rstrip('/')}/api/v1/{DM.project}/{path.lstrip('/')}"


def json_response(start_response, status, payload):
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def route_project(start_response):
    r = http.get(upstream("info"), timeout=DM.timeout)
    if r.status_code != 200:
        return json_response(start_response, "502 Bad Gateway", {"error": r.status_code})
    info = r.json()
    return json_response(start_response, "200 OK", {"id": info["identifier"], "name": info["name"]})


def route_task(start_response, task_id):
    r = http.get(upstream(f"task/{task_id}"), timeout=DM.timeout)
    if r.status_code == 404:
        return json_response(start_response, "404 Not Found", {"error": "unknown task"})
    r.raise_for_status()
    hits = r.json()["result"]
    t = hits[0]
    return json_response(start_response, "200 OK", {"status": t["status"], "started": t["date_started"], "done": t["date_done"]})


def route_log(start_response, task_id):
    r = http.get(upstream(f"task/{task_id}/log"), params={"encode": "false"}, timeout=DM.timeout)
    r.raise_for_status()
    lines = r.text.splitlines()[-50:]
    return json_response(start_response, "200 OK", {"tail": lines})


def route_artifact(start_response, task_id, name):
    r = http.get(upstream(f"task/{task_id}/artifact/download/{name}"), timeout=DM.timeout)
    if not r.ok:
        return json_response(start_response, "502 Bad Gateway", {"error": r.status_code})
    start_response("200 OK", [("Content-Type", r.headers.get("Content-Type", "application/octet-stream"))])
    return [r.content]


ROUTES = [
    (re.compile(r"^/project$"), route_project),
    (re.compile(r"^/tasks/([\w-]+)$"), route_task),
    (re.compile(r"^/tasks/([\w-]+)/log$"), route_log),
    (re.compile(r"^/tasks/([\w-]+)/artifacts/([\w.-]+)$"), route_artifact),
]


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    for pattern, handler in ROUTES:
        m = pattern.match(path)
        if m:
            if m.groups() and CONF.allowed_tasks and m.group(1) not in CONF.allowed_tasks:
                return json_response(start_response, "403 Forbidden", {"error": "task not allowed"})
            return handler(start_response, *m.groups())
    return json_response(start_response, "404 Not Found", {"error": "no route"})


def _call(path):
    environ = {"PATH_INFO": path, "wsgi.input": io.BytesIO()}
    setup_testing_defaults(environ)
    seen = {}

    def start_response(status, headers):
        seen["status"] = status

    body = b"".join(app(environ, start_response))
    return seen["status"], body


def selftest():
    out = Path("selftest")
    out.mkdir(exist_ok=True)
    task = CONF.allowed_tasks[0]
    failures = 0
    for path, fname in [
        ("/project", "project.json"),
        (f"/tasks/{task}", "task.json"),
        (f"/tasks/{task}/log", "log.json"),
        (f"/tasks/{task}/artifacts/customers.json", "customers.json"),
        ("/nope", "nope.json"),
    ]:
        status, body = _call(path)
        (out / fname).write_bytes(body)
        print(f"{status:<16} {path}  {body[:80]!r}")
        failures += not status.startswith("200") and path != "/nope"
    return 1 if failures else 0


if __name__ == "__main__":
    if "--selftest" in sys.argv:
        sys.exit(selftest())
    from wsgiref.simple_server import make_server

    make_server("0.0.0.0", 8080, app).serve_forever()
