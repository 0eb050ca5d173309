"""``datamimic-migrate verify``: run a script before and after migration against
the emulator, and compare what each did.

The original runs against a fresh emulator that serves v1, and the migrated script
against one that serves only v2, as DATAMIMIC will once v1 is removed: a call left
on v1 fails there and is named. Each v1 request of the first run is mapped through the rule table to the v2
request it should have become, and compared with what the second run sent,
and so is everything the two runs printed. Scripts reach the emulator through
DATAMIMIC_URL and an HTTP proxy setting; ``https://`` URLs are sent as
``http://`` to it (curl through a shim, Python through sitecustomize), the same
in both runs. Every child process is stopped when the run ends, on a timeout or
on Ctrl-C.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from migrator.findings import FileResult, Finding, Outcome, Status
from migrator.ruletable import Rule, RuleTable
from migrator.verify.emulator import PROJECT, TASK, Emulator, Recorded

TOKEN = "verify-token"

_CURL_SHIM = """#!/bin/sh
# datamimic-migrate verify: send https:// URLs to the emulator as http://, through its proxy.
for argument do
  shift
  case "$argument" in https://*) argument="http://${argument#https://}" ;; esac
  set -- "$@" "$argument"
done
exec "%(curl)s" --proxy "%(proxy)s" "$@"
"""

_SITECUSTOMIZE = '''"""datamimic-migrate verify: send https:// URLs to the emulator as http:// (its proxy does the rest),
for requests, httpx, aiohttp and urllib."""


def _plain(url):
    if isinstance(url, str) and url.startswith("https://"):
        return "http://" + url[len("https://"):]
    return url


try:
    import requests.sessions

    _request = requests.sessions.Session.request

    def request(self, method, url, *args, **kwargs):
        return _request(self, method, _plain(url), *args, **kwargs)

    requests.sessions.Session.request = request
except ImportError:
    pass

try:
    import httpx

    def _send(original):
        def send(self, request, *args, **kwargs):
            if request.url.scheme == "https":
                request.url = request.url.copy_with(scheme="http")
            return original(self, request, *args, **kwargs)

        return send

    httpx.Client.send = _send(httpx.Client.send)
    httpx.AsyncClient.send = _send(httpx.AsyncClient.send)
except ImportError:
    pass

try:
    import aiohttp

    _session_init = aiohttp.ClientSession.__init__
    _session_request = aiohttp.ClientSession._request

    def session_init(self, *args, **kwargs):
        kwargs["trust_env"] = True  # the proxy setting reaches the emulator
        _session_init(self, *args, **kwargs)

    def session_request(self, method, url, *args, **kwargs):
        return _session_request(self, method, _plain(str(url)) if str(url).startswith("https://") else url, *args, **kwargs)

    aiohttp.ClientSession.__init__ = session_init
    aiohttp.ClientSession._request = session_request
except ImportError:
    pass

import urllib.request

_init = urllib.request.Request.__init__


def _request_init(self, url, *args, **kwargs):
    _init(self, _plain(url), *args, **kwargs)


urllib.request.Request.__init__ = _request_init
'''


@dataclass
class Run:
    requests: list[Recorded]
    stdout: str
    returncode: int | None  # None: stopped after the timeout


def _environment(emulator: Emulator, shims: Path, home: Path) -> dict[str, str]:
    return {
        "PATH": f"{shims}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "DATAMIMIC_URL": emulator.url,
        "DATAMIMIC_TOKEN": TOKEN,
        "TOKEN": TOKEN,
        "PROJECT_ID": PROJECT,
        "PROJECT": PROJECT,
        "TASK_ID": TASK,
        "http_proxy": emulator.url,
        "HTTP_PROXY": emulator.url,
        "no_proxy": "",
        "NO_PROXY": "",
        "PYTHONPATH": str(shims),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def _prepare(folder: Path, emulator: Emulator, code: bytes) -> Path:
    shims = folder / "shims"
    shims.mkdir()
    curl = shutil.which("curl")
    if curl:
        shim = shims / "curl"
        shim.write_text(_CURL_SHIM % {"curl": curl, "proxy": emulator.url})
        shim.chmod(0o755)
    (shims / "sitecustomize.py").write_text(_SITECUSTOMIZE)
    # Files the script uploads (-F file=@data.csv, open("data.csv")) must exist to be sent.
    for name in set(re.findall(rb"@([\w./-]+\.\w+)|open\([\"']([\w./-]+)[\"']", code)):
        path = next(n for n in name if n).decode()
        if not path.startswith("/") and ".." not in path:
            target = folder / "work" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"content of {path}\n")
    (folder / "work").mkdir(exist_ok=True)
    return shims


def run_script(
    name: str, kind: str, code: bytes, timeout: float, versions: tuple[str, ...] = ("v1", "v2"), instances: tuple[str, ...] = ()
) -> Run:
    """Run one script against a fresh emulator serving ``versions``, in a folder of its own."""
    with Emulator(versions, instances) as emulator, tempfile.TemporaryDirectory(prefix="datamimic-verify-") as temporary:
        folder = Path(temporary)
        shims = _prepare(folder, emulator, code)
        work = folder / "work"
        script = work / Path(name).name
        script.write_bytes(code)
        command = [sys.executable, str(script)] if kind == "python" else ["bash", str(script), PROJECT, TOKEN]
        process = subprocess.Popen(
            command,
            cwd=work,
            env=_environment(emulator, shims, folder),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # one process group: stopped as a whole
        )
        try:
            stdout, _ = process.communicate(timeout=timeout)
            returncode: int | None = process.returncode
        except subprocess.TimeoutExpired:
            stdout, returncode = b"", None
        finally:
            if process.poll() is None or returncode is None:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
        return Run(list(emulator.requests), stdout.decode("utf-8", "replace"), returncode)


def run_program(
    folder: Path,
    command: list[str],
    timeout: float,
    versions: tuple[str, ...] = ("v1", "v2"),
    instances: tuple[str, ...] = (),
    files: dict[str, bytes] | None = None,
) -> Run:
    """Run ``command`` in a scratch copy of ``folder`` (with ``files`` written over it, as
    relative path -> bytes) against a fresh emulator serving ``versions``."""
    with Emulator(versions, instances) as emulator, tempfile.TemporaryDirectory(prefix="datamimic-verify-") as temporary:
        scratch = Path(temporary)
        shutil.copytree(folder, scratch / "work", symlinks=True)
        for name, data in (files or {}).items():
            (scratch / "work" / name).write_bytes(data)
        shims = _prepare(scratch, emulator, b"")
        command = [sys.executable if word in ("python", "python3") else word for word in command[:1]] + command[1:]
        process = subprocess.Popen(
            command,
            cwd=scratch / "work",
            env=_environment(emulator, shims, scratch),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            stdout, _ = process.communicate(timeout=timeout)
            returncode: int | None = process.returncode
        except subprocess.TimeoutExpired:
            stdout, returncode = b"", None
        finally:
            if process.poll() is None or returncode is None:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait()
        return Run(list(emulator.requests), stdout.decode("utf-8", "replace"), returncode)


# ------------------------------------------------------------------ expectations


def _template(text: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(text)) + "$")


def expected_v2(request: Recorded, table: RuleTable) -> Recorded | None:
    """The v2 request a v1 request should become, by the rule table; None if it is not v1 or has no mapping."""
    for rule in table.rules:
        match = _template(rule.v1.text).match(request.path)
        if match and request.method in rule.methods:
            return _apply(rule, request, match.groupdict())
    return None


def _apply(rule: Rule, request: Recorded, params: dict[str, str]) -> Recorded:
    form = dict(request.form)
    body = dict(request.json) if isinstance(request.json, dict) else request.json
    for name, source in rule.request.path_params:
        kind, _, key = source.partition(":")
        if kind == "upload":
            params[name] = str(form.get(key, "")).removeprefix("@")
        elif isinstance(body, dict):
            params[name] = str(body.get(key, ""))
    path = rule.v2.text
    for name, value in params.items():
        path = path.replace("{" + name + "}", value)
    query = dict(request.query)
    for key, value in rule.request.query_defaults:
        query.setdefault(key, value)
    if isinstance(body, dict) and rule.request.changes_body:
        consumed = {source.partition(":")[2] for _, source in rule.request.path_params if source.startswith("body:")}
        renames = dict(rule.request.body_rename)
        body = {renames.get(k, k): v for k, v in body.items() if k not in consumed and k not in rule.request.body_drop}
    for key, value in rule.request.form_add:
        form.setdefault(key, value)
    return Recorded(request.method, path, tuple(sorted(query.items())), body, tuple(sorted(form.items())))


def _normal(request: Recorded) -> Recorded:
    return Recorded(request.method, request.path, tuple(sorted(request.query)), request.json, tuple(sorted(request.form)))


def _passed_through(run: Run, others: list[Recorded]) -> str:
    """The run's output with each JSON answer it printed as it came (not parsed) written as
    ``<answer N>``: a raw answer has v2's shape after migration, and that is the same behaviour."""
    out = run.stdout
    for number, (request, other) in enumerate(zip(run.requests, others), start=1):
        text = request.answer.decode("utf-8", "replace")
        if request.answer != other.answer and text[:1] in "{[" and len(text) > 2:
            out = out.replace(text, f"<answer {number}>")
    return out


def compare(before: Run, after: Run, table: RuleTable, instances: tuple[str, ...] = ()) -> list[str]:
    """What the migrated run did differently from what the original run should have become."""
    problems = []
    if before.returncode is None or after.returncode is None:
        which = "the original" if before.returncode is None else "the migrated script"
        return [f"{which} did not finish in time and was stopped"]
    for request in after.requests:
        if request.path.startswith("/api/v1/") and request.datamimic(instances):
            problems.append(f"the migrated script still calls v1, which v2 does not serve: {request.describe()}")
    expected = [(r.datamimic(instances) and expected_v2(r, table)) or _normal(r) for r in before.requests]
    got = [_normal(r) for r in after.requests]
    for number, (original, want, have) in enumerate(zip(before.requests, expected, got), start=1):
        # A host verify cannot tell is DATAMIMIC's may be another service's: left as it
        # was, or migrated exactly, both are right.
        lenient = not original.datamimic(instances) and have == expected_v2(original, table)
        if want != have and not lenient:
            problems.append(f"request {number}: expected {want.describe()}, got {have.describe()}")
    if len(expected) != len(got):
        problems.append(f"the original made {len(expected)} requests, the migrated script {len(got)}")
    before_out = _passed_through(before, after.requests)
    after_out = _passed_through(after, before.requests)
    if before_out != after_out:
        old, new = before_out.splitlines(), after_out.splitlines()
        line = next((i for i, (a, b) in enumerate(zip(old, new), start=1) if a != b), min(len(old), len(new)) + 1)
        first_old = old[line - 1] if line <= len(old) else "(nothing)"
        first_new = new[line - 1] if line <= len(new) else "(nothing)"
        problems.append(f"output differs from line {line}: {first_old!r} became {first_new!r}")
    if before.returncode != after.returncode:
        problems.append(f"exit status {before.returncode} became {after.returncode}")
    return problems


def verify(
    path: Path, kind: str, original: bytes, migrated: bytes, table: RuleTable, timeout: float, instances: tuple[str, ...] = ()
) -> FileResult:
    before = run_script(path.name, kind, original, timeout, ("v1",), instances)
    after = run_script(path.name, kind, migrated, timeout, ("v2",), instances)
    problems = compare(before, after, table, instances)
    findings = tuple(Finding("DM002", Status.REVIEW, 1, 1, problem) for problem in problems)
    unknown = sorted({r.host for r in before.requests if not r.datamimic(instances) and expected_v2(r, table)})
    if unknown:
        note = (
            f"requests to {', '.join(unknown)} were checked leniently (left on v1 or migrated exactly): verify "
            "cannot tell such a host is DATAMIMIC's; name it with --instance to check it strictly"
        )
        findings += (Finding("DM002", Status.POSSIBLE, 1, 1, note),)
    if not before.requests and not problems:
        findings = (Finding("DM002", Status.POSSIBLE, 1, 1, "the script made no request to the emulator: nothing was compared"),)
    return FileResult(str(path), Outcome.UNCHANGED, findings)
