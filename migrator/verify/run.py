"""``datamimic-migrate verify``: run a script before and after migration against
the emulator, and compare what each did.

The original runs against a fresh emulator that serves v1, and the migrated script
against one that serves only v2, as DATAMIMIC will once v1 is removed: a call left
on v1 fails there and is named. Each v1 request of the first run is mapped through the rule table to the v2
request it should have become, and compared with what the second run sent,
and so is everything the two runs printed. Scripts reach the emulator through
DATAMIMIC_URL and an HTTP proxy setting; ``https://`` URLs are sent as
``http://`` to it (curl through a shim, Python through sitecustomize), the same
in both runs.

Both runs happen in the strongest sandbox the machine offers
(:mod:`migrator.verify.sandbox`), in the same scratch folder path, with the emulator
at the same address. Every process of a run is stopped when the script ends, on a
timeout or on Ctrl-C; a background child that still holds the output does not make
the run wait. Each run's address space is capped (MEMORY), and so is each file it
writes (FILE_SIZE) and what verify keeps of its output (OUTPUT): past that, the
script is stopped and the run says so.
"""

from __future__ import annotations

import contextlib
import os
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from migrator.findings import FileResult, Finding, Outcome, Status
from migrator.ruletable import Rule, RuleTable
from migrator.verify import sandbox as sandboxes
from migrator.verify.emulator import PROJECT, TASK, Emulator, Recorded
from migrator.verify.sandbox import Sandbox

TOKEN = "verify-token"
MEMORY = 2 << 30  # bytes of address space a script may use
FILE_SIZE = 256 << 20  # bytes in any one file it writes
OUTPUT = 1 << 20  # bytes of its output verify keeps; past that the script is stopped
# After the script ends, what its children write meanwhile is still read for this long.
DRAIN = 0.2

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
    returncode: int | None  # None: stopped (after the timeout, or past OUTPUT)
    stopped: str = ""  # "timeout", "output", or why the sandbox did not start
    sandbox: Sandbox = sandboxes.NONE


def _environment(url: str, shims: Path, home: Path) -> dict[str, str]:
    return {
        "PATH": f"{shims}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "DATAMIMIC_URL": url,
        "DATAMIMIC_TOKEN": TOKEN,
        "TOKEN": TOKEN,
        "PROJECT_ID": PROJECT,
        "PROJECT": PROJECT,
        "TASK_ID": TASK,
        "http_proxy": url,
        "HTTP_PROXY": url,
        "no_proxy": "",
        "NO_PROXY": "",
        "PYTHONPATH": str(shims),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def _fresh(scratch: Path) -> None:
    """Empty ``work`` (what the script sees as its folder), ``home`` and ``shims`` folders."""
    for part in ("work", "home", "shims"):
        shutil.rmtree(scratch / part, ignore_errors=True)
        (scratch / part).mkdir(parents=True)


def _shims(shims: Path, url: str) -> None:
    """curl's and Python's shims, which send https:// URLs to the emulator as http://."""
    curl = shutil.which("curl")
    if curl:
        shim = shims / "curl"
        shim.write_text(_CURL_SHIM % {"curl": curl, "proxy": url})
        shim.chmod(0o755)
    (shims / "sitecustomize.py").write_text(_SITECUSTOMIZE)


def _uploads(work: Path, code: bytes) -> None:
    """Files the script uploads (-F file=@data.csv, open("data.csv")): they must exist to be sent."""
    for found in set(re.findall(rb"@([\w./-]+\.\w+)|open\([\"']([\w./-]+)[\"']", code)):
        path = next(n for n in found if n).decode()
        if not path.startswith("/") and ".." not in path:
            target = work / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"content of {path}\n")


@contextlib.contextmanager
def _scratch(folder: Path | None) -> Iterator[Path]:
    if folder is not None:
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="datamimic-verify-") as temporary:
        yield Path(temporary)


def run_script(
    name: str,
    kind: str,
    code: bytes,
    timeout: float,
    versions: tuple[str, ...] = ("v1", "v2"),
    instances: tuple[str, ...] = (),
    sandbox: Sandbox | None = None,
    folder: Path | None = None,
    port: int = 0,
) -> Run:
    """Run one script against a fresh emulator serving ``versions``, in ``sandbox`` (the
    strongest one here by default), in ``folder`` (a new one by default; its contents are
    replaced). Outside a network of its own the emulator takes ``port`` when it is free."""
    sandbox = sandbox or sandboxes.best()
    with _scratch(folder) as scratch:
        _fresh(scratch)
        _uploads(scratch / "work", code)
        (scratch / "work" / Path(name).name).write_bytes(code)
        script = sandbox.folder(scratch) / "work" / Path(name).name
        command = [sys.executable, str(script)] if kind == "python" else ["bash", str(script), PROJECT, TOKEN]
        return _run(scratch, command, timeout, versions, instances, sandbox, port)


def run_program(
    folder: Path,
    command: list[str],
    timeout: float,
    versions: tuple[str, ...] = ("v1", "v2"),
    instances: tuple[str, ...] = (),
    files: dict[str, bytes] | None = None,
    sandbox: Sandbox | None = None,
    scratch: Path | None = None,
    port: int = 0,
) -> Run:
    """Run ``command`` in a scratch copy of ``folder`` (with ``files`` written over it, as
    relative path -> bytes) against a fresh emulator serving ``versions``, as
    :func:`run_script` runs a script."""
    sandbox = sandbox or sandboxes.best()
    with _scratch(scratch) as place:
        _fresh(place)
        shutil.copytree(folder, place / "work", symlinks=True, dirs_exist_ok=True)
        for name, data in (files or {}).items():
            (place / "work" / name).write_bytes(data)
        command = [sys.executable if word in ("python", "python3") else word for word in command[:1]] + command[1:]
        return _run(place, command, timeout, versions, instances, sandbox, port)


def _run(
    scratch: Path, command: list[str], timeout: float, versions: tuple[str, ...], instances: tuple[str, ...], sandbox: Sandbox, port: int
) -> Run:
    """Run ``command`` in ``sandbox``, in ``scratch``'s ``work`` folder, against a fresh emulator."""
    inside = sandbox.folder(scratch)
    if sandbox.network:
        url = f"http://127.0.0.1:{sandboxes.PORT}"
        ours, theirs = socket.socketpair()
        channel = theirs.fileno()
    else:
        emulator = Emulator(versions, instances, port=port)
        url, ours, theirs, channel = emulator.url, None, None, -1
    _shims(scratch / "shims", url)
    launch = sandboxes.launcher(channel, sandboxes.PORT, MEMORY, FILE_SIZE, command)
    process = subprocess.Popen(
        sandbox.command(scratch, launch),
        cwd=scratch / "work",
        env=_environment(url, inside / "shims", inside / "home"),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        pass_fds=(channel,) if theirs is not None else (),
        start_new_session=True,  # one process group: stopped as a whole
    )
    try:
        if ours is not None:
            theirs.close()
            listener, why = _listener(ours, timeout)
            if listener is None:
                return Run([], "", None, f"the sandbox did not start: {why}", sandbox)
            emulator = Emulator(versions, instances, listener=listener)
        with emulator:
            stdout, stopped = _output(process, timeout)
            if stopped:
                _stop(process)
            returncode = None if stopped else process.wait()
            return Run(list(emulator.requests), stdout.decode("utf-8", "replace"), returncode, stopped, sandbox)
    finally:
        _stop(process)
        if ours is not None:
            ours.close()


def _listener(channel: socket.socket, timeout: float) -> tuple[socket.socket | None, str]:
    """The emulator's socket, listening in the sandbox's own network, from the launcher."""
    channel.settimeout(timeout)
    try:
        message, fds, _, _ = socket.recv_fds(channel, 1024, 1)
    except OSError as error:
        return None, str(error)
    if not fds:
        return None, message.decode("utf-8", "replace") or "the launcher ended before it listened"
    return socket.socket(fileno=fds[0]), ""


def _output(process: subprocess.Popen[bytes], timeout: float) -> tuple[bytes, str]:
    """What the script printed, up to OUTPUT bytes, and why it was stopped ("" if it was
    not). Reading ends soon after the script ends, even while a background child it
    left behind still holds the output open."""
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    out = bytearray()
    ended = None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while True:
            now = time.monotonic()
            if ended is None and process.poll() is not None:
                ended = now
            if ended is not None and now - ended > DRAIN:
                return bytes(out), ""
            if now >= deadline:
                return bytes(out), "timeout"
            if not selector.select(min(deadline - now, DRAIN)):
                continue
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                return bytes(out), ""
            out += chunk
            if len(out) > OUTPUT:
                return bytes(out[:OUTPUT]), "output"


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the run's process group: in a sandbox, that ends the sandbox and everything in it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
    if process.stdout is not None:
        process.stdout.close()


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


def _key(request: Recorded) -> str:
    """What makes two requests the same, as text that sorts."""
    return repr((request.method, request.path, request.query, request.json, request.form, request.status))


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


def compare(before: Run, after: Run, table: RuleTable, instances: tuple[str, ...] = (), left_on_v1: bool = False) -> list[str]:
    """What the migrated run did differently from what the original run should have become.

    With ``left_on_v1`` (the migration left calls on v1 and reported them, and the migrated
    run had a server that answers both versions) a request may also be the original's,
    unchanged; all else, output and exit status included, must be as the original's."""
    problems = []
    for run, which in ((before, "the original"), (after, "the migrated script")):
        if run.stopped == "timeout":
            return [f"{which} did not finish in time and was stopped"]
        if run.stopped not in ("", "output"):
            return [f"{which} did not run: {run.stopped}"]
    if before.stopped != after.stopped:
        which, other = ("the original", "the migrated script") if before.stopped else ("the migrated script", "the original")
        problems.append(f"{which} printed more than {OUTPUT >> 20} MiB and was stopped; {other} did not")
    for request in after.requests:
        if request.path.startswith("/api/v1/") and request.datamimic(instances) and not left_on_v1:
            problems.append(f"the migrated script still calls v1, which v2 does not serve: {request.describe()}")
    expected = [(r.datamimic(instances) and expected_v2(r, table)) or _normal(r) for r in before.requests]
    got = [_normal(r) for r in after.requests]
    if left_on_v1:  # a call left as it was makes the original's request (in any order: threads race)
        made = Counter(map(_key, got))
        for i, request in enumerate(before.requests):
            unchanged = _normal(request)
            if made[_key(unchanged)] > 0 and unchanged != expected[i]:
                made[_key(unchanged)] -= 1
                expected[i] = unchanged
    if sorted(map(_key, expected)) == sorted(map(_key, got)):
        got = expected  # the same requests in another order: concurrent ones (asyncio.gather) race
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
    if before.returncode != after.returncode and before.stopped == after.stopped:
        problems.append(f"exit status {before.returncode} became {after.returncode}")
    return problems


def verify(
    path: Path,
    kind: str,
    original: bytes,
    migrated: bytes,
    table: RuleTable,
    timeout: float,
    instances: tuple[str, ...] = (),
    sandbox: Sandbox | None = None,
) -> FileResult:
    """Run the original against v1 and the migrated script against v2 alone, in the same
    sandbox, folder path and emulator address, and report what differs as DM002."""
    sandbox = sandbox or sandboxes.best()
    with tempfile.TemporaryDirectory(prefix="datamimic-verify-") as temporary:
        port = _free_port()
        before = run_script(path.name, kind, original, timeout, ("v1",), instances, sandbox, Path(temporary), port)
        after = run_script(path.name, kind, migrated, timeout, ("v2",), instances, sandbox, Path(temporary), port)
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
        # Two runs that send nothing agree, and prove nothing: not a success.
        reason = "nothing compared: the script made no request to the emulator, so nothing is proven"
        return FileResult(str(path), Outcome.SKIPPED, _notes(before, after), reason=reason)
    return FileResult(str(path), Outcome.UNCHANGED, findings + _notes(before, after))


def _notes(before: Run, after: Run) -> tuple[Finding, ...]:
    """What a reader must know about how the runs went: what the sandbox did not isolate,
    and output that was cut."""
    notes = [before.sandbox.note]
    if "output" in (before.stopped, after.stopped):
        notes.append(f"the script printed more than {OUTPUT >> 20} MiB: it was stopped there, and only that much was compared")
    return tuple(Finding("DM002", Status.POSSIBLE, 1, 1, note) for note in notes if note)


def _free_port() -> int:
    """A port for the emulator of both runs outside a sandbox's own network, so that a
    script that prints DATAMIMIC_URL prints the same in both."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
