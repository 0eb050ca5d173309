"""A DATAMIMIC External API emulator: v1 and v2 from one in-memory project, on loopback.

Request and response shapes, defaults and status codes follow the migration
guide: 401 without a bearer token, 404 for an unknown file or task, 409 when a
created file exists, logs' ``encode`` defaulting to false in v1 and true in v2.
Every request is recorded, with the body it was answered. Serving v2 only, it answers
v1 paths 404, as DATAMIMIC will once v1 is removed. It also answers requests sent to it as an HTTP
proxy (absolute URLs), so scripts with a literal ``http://`` host reach it too.
It listens on 127.0.0.1 only.
"""

from __future__ import annotations

import base64
import io
import json
import re
import socket
import threading
import zipfile
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

PROJECT = "demo-project"
TASK = "550e8400-e29b-41d4-a716-446655440000"
LOG = "2024-01-01 10:00:30 generating customers\n2024-01-01 10:05:00 done\n"
# A request body past this is answered 413 unread: a script cannot fill verify's memory.
MAX_BODY = 16 << 20


@dataclass(frozen=True)
class Recorded:
    """One request as the emulator saw it: what a migrated script is judged by."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    json: object = None
    form: tuple[tuple[str, str], ...] = ()  # field -> value, or "@filename" for a file
    status: int = 0
    answer: bytes = field(default=b"", compare=False, repr=False)  # the body the emulator sent back
    host: str = field(default="", compare=False)  # the host the script addressed

    def datamimic(self, instances: tuple[str, ...] = ()) -> bool:
        """Whether the script addressed DATAMIMIC: the emulator's own address (DATAMIMIC_URL),
        a host that says so, or a configured instance ("*": every host). Other hosts stand
        for other services."""
        host = self.host.lower()
        return host.startswith("127.0.0.1:") or "datamimic" in host or any(i == "*" or _host_of(i) == host for i in instances)

    def describe(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.query)
        text = f"{self.method} {self.path}" + (f"?{query}" if query else "")
        if self.json is not None:
            text += f" json={json.dumps(self.json, sort_keys=True)}"
        if self.form:
            text += " form=" + ",".join(f"{k}={v}" for k, v in sorted(self.form))
        return text


@dataclass
class Project:
    files: dict[str, bytes] = field(
        default_factory=lambda: {
            "datamimic.xml": b"<setup/>\n",
            "customers.csv": b"id,name\n1,Ada\n",
            "script/report.sql": b"select 1;\n",
        }
    )
    artifacts: dict[str, bytes] = field(
        default_factory=lambda: {"customers.json": b'[{"id": 1}]\n', "report.csv": b"id\n1\n"}
    )

    def task(self, version: str, project_id: str = PROJECT) -> dict:
        task = {
            "id": 123,
            "task_id": TASK,
            "project_id": project_id,
            "status": "SUCCESS",
            "datamimic_status": "SUCCESS",
            "name": "data_generation_task",
            "date_queued": "2024-01-01T10:00:00Z",
            "date_started": "2024-01-01T10:00:30Z",
            "date_done": "2024-01-01T10:05:00Z",
        }
        if version == "v1":
            return {"task_count": 1, "result": [task]}
        return {**task, "folder": "userdata", "user_email": "user@example.com", "result": "Task completed successfully",
                "traceback": None, "eta": None, "routing_key": "default", "exception_type": None, "kwargs": None,
                "args": None, "meta": None}  # fmt: skip


class Emulator:
    """The server: ``with Emulator() as api: ... api.url ... api.requests``."""

    def __init__(
        self,
        versions: tuple[str, ...] = ("v1", "v2"),
        instances: tuple[str, ...] = (),
        listener: socket.socket | None = None,
        port: int = 0,
    ) -> None:
        """Serve on ``listener`` (a socket listening in a sandbox's own network) or on
        127.0.0.1:``port`` (any free port when it is 0 or taken)."""
        # The API versions DATAMIMIC's hosts serve (v2 alone, once v1 is removed); other
        # services' hosts are answered alike in every run.
        self.versions = versions
        self.instances = instances
        self.project = Project()
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        emulator = self

        class Handler(_Handler):
            owner = emulator

        if listener is not None:
            self.server = ThreadingHTTPServer(listener.getsockname(), Handler, bind_and_activate=False)
            self.server.socket.close()
            self.server.socket = listener
            self.server.server_address = listener.getsockname()
        else:
            try:
                self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
            except OSError:
                self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Emulator:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def record(self, request: Recorded) -> None:
        with self._lock:
            self.requests.append(request)


def _host_of(url: str) -> str:
    return urlsplit(url if "://" in url else f"//{url}").netloc.lower()


_ROUTES: list[tuple[str, str, re.Pattern[str], str]] = []


def route(version: str, method: str, template: str):
    """Register a handler for a path template of one API version."""
    pattern = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template) + "$")

    def register(function):
        _ROUTES.append((version, method, pattern, function.__name__))
        return function

    return register


class _Handler(BaseHTTPRequestHandler):
    owner: Emulator
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass  # quiet: the recorded requests are the log

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    # ------------------------------------------------------------ plumbing

    def dispatch(self) -> int | None:
        parts = urlsplit(self.path)  # absolute when the emulator is used as a proxy
        path = unquote(parts.path)
        self.query = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.body, self.json_body, self.form, self.uploads = b"", None, {}, {}
            self.recorded = Recorded(self.command, path, (), host=parts.netloc or self.headers.get("Host", ""))
            self.close_connection = True  # the body is not read
            return self.send(413, {"detail": f"verify's emulator takes bodies up to {MAX_BODY} bytes"})
        self.body = self.rfile.read(length) if length else b""
        self.json_body, self.form, self.uploads = self.parse_body()
        self.recorded = Recorded(
            self.command,
            path,
            tuple(parse_qsl(parts.query, keep_blank_values=True)),
            self.json_body,
            tuple([*self.form.items(), *((k, "@" + name) for k, (name, _) in self.uploads.items())]),
            host=parts.netloc or self.headers.get("Host", ""),
        )
        self.handle_api(path)

    def parse_body(self) -> tuple[object, dict[str, str], dict[str, tuple[str, bytes]]]:
        kind = self.headers.get("Content-Type", "")
        if kind.startswith("multipart/form-data"):
            message = BytesParser(policy=HTTP).parsebytes(b"Content-Type: " + kind.encode() + b"\r\n\r\n" + self.body)
            form: dict[str, str] = {}
            uploads: dict[str, tuple[str, bytes]] = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                filename = part.get_filename()
                payload = part.get_payload(decode=True) or b""
                if filename is not None:
                    uploads[name] = (filename, payload)
                else:
                    form[name] = payload.decode("utf-8", "replace")
            return None, form, uploads
        if self.body:
            try:
                return json.loads(self.body), {}, {}
            except ValueError:
                return None, dict(parse_qsl(self.body.decode("utf-8", "replace"))), {}
        return None, {}, {}

    def send(self, status: int, body: object, kind: str = "application/json") -> int:
        data = body if isinstance(body, bytes) else (json.dumps(body) if kind == "application/json" else str(body)).encode()
        # Recorded before the answer leaves, so a client that has its answer finds its request recorded.
        self.owner.record(Recorded(**{**self.recorded.__dict__, "status": status, "answer": data}))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        return status

    def handle_api(self, path: str) -> int:
        if not self.headers.get("Authorization", "").startswith("Bearer "):
            return self.send(401, {"detail": "Not authenticated"})
        for version, method, pattern, name in _ROUTES:
            match = pattern.match(path)
            if match and method == self.command and version not in self.owner.versions and self.recorded.datamimic(self.owner.instances):
                return self.send(404, {"detail": f"Not found: API {version} is not served here"})
            if match and method == self.command:
                params = match.groupdict()
                # Any project id is the one project: scripts name theirs as their teams do.
                self.project_id = params.get("project_id", PROJECT)
                if "task_id" in params and params["task_id"] != TASK:
                    return self.send(404, {"detail": "Task not found"})
                return getattr(self, name)(version, **{k: v for k, v in params.items() if k not in ("project_id", "task_id")})
        return self.send(404, {"detail": f"Not found: {self.command} {path}"})

    @property
    def files(self) -> dict[str, bytes]:
        return self.owner.project.files

    def uploaded(self) -> tuple[str, bytes] | None:
        return self.uploads.get("file")

    # ------------------------------------------------------------ files

    @route("v1", "GET", "/api/v1/{project_id}/files")
    def list_v1(self, version: str) -> int:
        files = [{"name": n, "extension": n.rsplit(".", 1)[-1], "uri": f"{self.project_id}/{n}"} for n in sorted(self.files)]
        return self.send(200, {"files": files})

    @route("v2", "GET", "/api/v2/projects/{project_id}/files_uri")
    def list_v2(self, version: str) -> int:
        return self.send(200, {"current_project_files_uri": [f"{self.project_id}/{n}" for n in sorted(self.files)],
                               "global_project_files_uri": {}})  # fmt: skip

    @route("v1", "POST", "/api/v1/{project_id}/files")
    @route("v2", "POST", "/api/v2/projects/{project_id}/files/create-from-upload")
    def create(self, version: str) -> int:
        upload = self.uploaded()
        if upload is None or (version == "v2" and self.form.get("file_type") != "create"):
            return self.send(422, {"detail": "file and file_type=create are required"})
        name, data = upload
        if name in self.files:
            return self.send(409, {"detail": f"File '{name}' already exists"})
        self.files[name] = data
        if version == "v1":
            return self.send(200, {"message": "Success", "location": f"{self.project_id}/{name}"})
        return self.send(200, {"list_files_uri": [f"{self.project_id}/{name}"]})

    @route("v1", "PUT", "/api/v1/{project_id}/files")
    @route("v2", "PUT", "/api/v2/projects/{project_id}/files/{filename}")
    def update(self, version: str, filename: str | None = None) -> int:
        upload = self.uploaded()
        if upload is None:
            return self.send(422, {"detail": "file is required"})
        name = filename if version == "v2" else upload[0]
        if name not in self.files:
            return self.send(404, {"detail": f"File '{name}' not found"})
        self.files[name] = upload[1]
        if version == "v1":
            return self.send(200, {"message": "File updated successfully", "location": f"{self.project_id}/{name}"})
        return self.send(200, {"message": f"File '{name}' updated successfully"})

    @route("v1", "PUT", "/api/v1/{project_id}/files/rename")
    def rename_v1(self, version: str) -> int:
        body = self.json_body if isinstance(self.json_body, dict) else {}
        return self.rename(version, str(body.get("old_name")), str(body.get("new_name")))

    @route("v2", "PUT", "/api/v2/projects/{project_id}/files/{filename}/rename")
    def rename_v2(self, version: str, filename: str) -> int:
        body = self.json_body if isinstance(self.json_body, dict) else {}
        return self.rename(version, filename, str(body.get("new_filename")))

    def rename(self, version: str, old: str, new: str) -> int:
        if old not in self.files:
            return self.send(404, {"detail": f"File '{old}' not found"})
        self.files[new] = self.files.pop(old)
        if version == "v1":
            return self.send(200, {"message": f"Successfully renamed to {new}", "location": f"{self.project_id}/{new}"})
        message = f"File '{old}' renamed successfully to '{new}'"
        return self.send(200, {"message": message, "location": f"{self.project_id}/{new}"})

    @route("v1", "GET", "/api/v1/{project_id}/files/{filename}")
    @route("v2", "GET", "/api/v2/projects/{project_id}/files/{filename}")
    def read(self, version: str, filename: str) -> int:
        if filename not in self.files:
            return self.send(404, {"detail": f"File '{filename}' not found"})
        return self.send(200, self.files[filename], "application/octet-stream")

    @route("v1", "DELETE", "/api/v1/{project_id}/files/{filename}")
    @route("v2", "DELETE", "/api/v2/projects/{project_id}/files/{filename}")
    def delete(self, version: str, filename: str) -> int:
        if self.files.pop(filename, None) is None:
            return self.send(404, {"detail": f"File '{filename}' not found"})
        if version == "v1":
            return self.send(200, {"message": "File deleted successfully"})
        return self.send(200, {"message": f"File '{filename}' deleted successfully"})

    # ------------------------------------------------------------ tasks

    @route("v1", "GET", "/api/v1/{project_id}/task/{task_id}")
    @route("v2", "GET", "/api/v2/projects/{project_id}/tasks/{task_id}/metadata")
    def task(self, version: str) -> int:
        return self.send(200, self.owner.project.task(version, self.project_id))

    @route("v1", "GET", "/api/v1/{project_id}/task/{task_id}/log")
    @route("v2", "GET", "/api/v2/projects/{project_id}/tasks/{task_id}/logs")
    def log(self, version: str) -> int:
        default = "false" if version == "v1" else "true"
        encode = self.query.get("encode", default).lower() == "true"
        text = base64.b64encode(LOG.encode()).decode() if encode else LOG
        return self.send(200, text, "text/plain")

    @route("v1", "GET", "/api/v1/{project_id}/task/{task_id}/artifacts")
    @route("v2", "GET", "/api/v2/projects/{project_id}/tasks/{task_id}/artifacts/metadata")
    def artifacts(self, version: str) -> int:
        items = [{"name": n, "type": n.rsplit(".", 1)[-1], "size": len(d)} for n, d in self.owner.project.artifacts.items()]
        if version == "v1":
            return self.send(200, items)
        return self.send(200, {"artifacts": [{**item, "metadata": {"rows": 1}} for item in items]})

    @route("v1", "GET", "/api/v1/{project_id}/task/{task_id}/artifacts/download")
    @route("v2", "GET", "/api/v2/projects/{project_id}/tasks/{task_id}/artifacts/download")
    def download_all(self, version: str) -> int:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in sorted(self.owner.project.artifacts.items()):
                archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data)
        return self.send(200, buffer.getvalue(), "application/zip")

    @route("v1", "GET", "/api/v1/{project_id}/task/{task_id}/artifact/download/{name}")
    @route("v2", "GET", "/api/v2/projects/{project_id}/tasks/{task_id}/artifacts/{name}/download")
    def download_one(self, version: str, name: str) -> int:
        if name not in self.owner.project.artifacts:
            return self.send(404, {"detail": f"Artifact '{name}' not found"})
        return self.send(200, self.owner.project.artifacts[name], "application/octet-stream")

    # ------------------------------------------------------------ project

    @route("v1", "GET", "/api/v1/{project_id}/info")
    @route("v2", "GET", "/api/v2/projects/{project_id}")
    def info(self, version: str) -> int:
        return self.send(200, {"identifier": self.project_id, "name": "demo-json", "type": "standard"})

    @route("v1", "PUT", "/api/v1/{project_id}/git")
    @route("v2", "PUT", "/api/v2/projects/{project_id}/git")
    def git(self, version: str) -> int:
        return self.send(200, {"message": f"Project updated from branch {self.query.get('branch_name', 'main')}"})

    @route("v1", "POST", "/api/v1/{project_id}/generate")
    @route("v2", "POST", "/api/v2/projects/{project_id}/generate")
    def generate(self, version: str) -> int:
        if version == "v1":
            return self.send(200, {"task_id": TASK})
        return self.send(200, {"returncode": 0, "message": "Task scheduled", "data": {"task_id": TASK}})

    @route("v1", "POST", "/api/v1/{project_id}/generate/advanced")
    @route("v2", "POST", "/api/v2/projects/{project_id}/generate/schedule")
    def schedule(self, version: str) -> int:
        body = self.json_body if isinstance(self.json_body, dict) else {}
        crontab = body.get("crontab", "")
        return self.send(200, {"job_id": "job-1", "message": f'Job "job-1" successfully created.\nSchedule: <crontab: {crontab}>'})
