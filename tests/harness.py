"""The realistic corpus: programs written the way DATAMIMIC's users wrote their v1 code
(platform client libraries, data engineers' notebooks and DAGs, CLIs, ops scripts,
CI pipelines, Makefiles, Dockerfiles, runbooks), each in ``tests/programs/<team>/<name>/``
with a ``program.toml`` that says how it runs and where its v1 calls are.

This module loads them and turns each into a command the emulator can judge: a
script runs as its team runs it; a GitLab job's variables and script lines, a
GitHub job's steps and a Dockerfile's ARG/ENV/RUN lines become a shell driver,
read from the file as it is (so the migrated file is run the same way).
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent / "programs"
HARNESS = ".harness"  # files the driver writes into the scratch copy


@dataclass(frozen=True)
class Call:
    file: str
    line: int
    endpoint: str
    cell: int | None = None  # for a notebook: the cell, and ``line`` is within its source
    note: str = ""


@dataclass(frozen=True)
class Program:
    path: Path
    title: str
    kind: str
    run: tuple[str, ...] = ()
    job: str = ""
    negative: bool = False
    calls: tuple[Call, ...] = ()
    other_hosts: tuple[str, ...] = ()  # another service's hosts the run reaches

    @property
    def name(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"

    @property
    def runnable(self) -> bool:
        return bool(self.run) or self.kind in ("ci", "dockerfile")

    def sources(self) -> dict[str, bytes]:
        """Every file of the program but its manifest, by relative path."""
        return {
            str(p.relative_to(self.path)): p.read_bytes()
            for p in sorted(self.path.rglob("*"))
            if p.is_file() and p.name != "program.toml" and "__pycache__" not in p.parts
        }


def load() -> list[Program]:
    programs = []
    for manifest in sorted(ROOT.glob("*/*/program.toml")):
        data = tomllib.loads(manifest.read_text())
        calls = tuple(Call(**call) for call in data.pop("call", []))
        data.pop("author", None)
        programs.append(
            Program(
                manifest.parent,
                data["title"],
                data["kind"],
                tuple(data.get("run", ())),
                data.get("job", ""),
                data.get("negative", False),
                calls,
                tuple(data.get("other_hosts", ())),
            )
        )
    return programs


# ------------------------------------------------------------------ drivers


@dataclass
class Driver:
    command: list[str]
    files: dict[str, bytes] = field(default_factory=dict)


def driver(program: Program, files: dict[str, bytes]) -> Driver:
    """How to run the program whose files are ``files`` (the original or the migrated ones)."""
    if program.kind == "ci":
        path = next(name for name in files if name.endswith((".yml", ".yaml")) and _is_ci(name))
        text = files[path].decode()
        if path.endswith(".gitlab-ci.yml"):
            return _gitlab(text, program.job)
        return _github(text, program.job)
    if program.kind == "dockerfile":
        path = next(name for name in files if Path(name).name.startswith("Dockerfile"))
        return _dockerfile(files[path].decode())
    return Driver(list(program.run))


def _is_ci(name: str) -> bool:
    return name.endswith(".gitlab-ci.yml") or "/workflows/" in f"/{name}"


def _export(name: str, value: str) -> str:
    # Double quotes: a variable's $REFERENCES expand, as GitLab and Actions expand them.
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
    return f'export {name}="{escaped}"\n'


def _gitlab(text: str, job: str) -> Driver:
    document = yaml.safe_load(text)

    def resolved(name: str) -> dict:
        entry = dict(document[name])
        parents = entry.pop("extends", [])
        merged: dict = {}
        for parent in [parents] if isinstance(parents, str) else parents:
            merged.update(resolved(parent))
        for key, value in entry.items():
            if key == "variables" and "variables" in merged:
                value = {**merged["variables"], **value}
            merged[key] = value
        return merged

    entry = resolved(job)
    default = document.get("default", {}) or {}
    variables = {**(document.get("variables") or {}), **(entry.get("variables") or {})}
    lines = ["set -eo pipefail\n"]
    lines += [_export(k, str(v["value"] if isinstance(v, dict) else v)) for k, v in variables.items()]
    for key in ("before_script", "script"):
        steps = entry.get(key, default.get(key, []) if key == "before_script" else [])
        lines += [str(step).rstrip("\n") + "\n" for step in _flatten(steps)]
    return Driver(["bash", f"{HARNESS}-job.sh"], {f"{HARNESS}-job.sh": "".join(lines).encode()})


def _flatten(steps) -> list:
    out = []
    for step in [steps] if isinstance(steps, str) else steps or []:
        out.extend(_flatten(step) if isinstance(step, list) else [step])
    return out


_EXPRESSION = re.compile(r"\$\{\{\s*(?:secrets|vars|env)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def _github(text: str, job: str) -> Driver:
    document = yaml.safe_load(text)
    entry = document["jobs"][job]
    base_env = {**(document.get("env") or {}), **(entry.get("env") or {})}
    files: dict[str, bytes] = {}
    driver_lines = ["set -e\n"]
    for number, step in enumerate(entry.get("steps", [])):
        if "run" not in step:
            continue  # uses: an action, which the harness does not run
        env = {**base_env, **(step.get("env") or {})}
        exports = "".join(_export(k, _EXPRESSION.sub(r"${\1}", str(v))) for k, v in env.items())
        body = _EXPRESSION.sub(r"${\1}", str(step["run"]))
        shell = str(step.get("shell", "bash"))
        name = f"{HARNESS}-step{number}"
        if shell.startswith("python"):
            files[f"{name}.py"] = body.encode()
            driver_lines.append(f"( {exports.replace(chr(10), '; ')} exec python3 {name}.py )\n")
        else:
            files[f"{name}.sh"] = (exports + body).encode()
            driver_lines.append(f"bash --noprofile --norc -eo pipefail {name}.sh\n")
    files[f"{HARNESS}-job.sh"] = "".join(driver_lines).encode()
    return Driver(["bash", f"{HARNESS}-job.sh"], files)


def _dockerfile(text: str) -> Driver:
    """ARG defaults and ENV as exports, each RUN in a shell of its own, in order."""
    logical = re.sub(r"\\\r?\n", "\\\n", text)
    lines = ["set -e\n"]
    instruction: list[str] = []
    for raw in logical.splitlines(keepends=True) + ["\n"]:
        if instruction and instruction[-1].rstrip("\n").endswith("\\"):
            instruction.append(raw)
            continue
        if instruction:
            lines.append(_docker_instruction("".join(instruction)))
        instruction = [raw] if raw.strip() and not raw.lstrip().startswith("#") else []
    return Driver(["bash", f"{HARNESS}-build.sh"], {f"{HARNESS}-build.sh": "".join(lines).encode()})


def _docker_instruction(text: str) -> str:
    keyword, _, rest = text.strip().partition(" ")
    keyword = keyword.upper()
    if keyword == "ARG":
        # Docker gives a build argument to the RUN commands after it as an environment variable.
        name, _, default = rest.strip().partition("=")
        return f'export {name}="${{{name}:-{default.strip(chr(34))}}}"\n'
    if keyword == "ENV":
        rest = rest.replace("\\\n", " ")
        pairs = shlex.split(rest) if "=" in rest else [rest.split(None, 1)[0] + "=" + rest.split(None, 1)[1]]
        return "".join(_export(*pair.split("=", 1)) for pair in pairs)
    if keyword == "RUN" and not rest.lstrip().startswith("["):
        return f"sh -c {shlex.quote(rest)}\n"
    return ""


# ------------------------------------------------------------------ notebooks


def notebook_cell_line(data: bytes, cell: int, line: int) -> int:
    """The line of the notebook file where line ``line`` (1-based) of cell ``cell``'s source is."""
    cells = json.loads(data)["cells"]
    wanted = "".join(cells[cell]["source"]).splitlines()[line - 1]
    # The same text may stand in earlier cells too: take the occurrence that belongs to this one.
    earlier = sum("".join(c["source"]).splitlines().count(wanted) for c in cells[:cell])
    earlier += "".join(cells[cell]["source"]).splitlines()[: line - 1].count(wanted)
    text = data.decode()
    encoded = json.dumps(wanted)[1:-1]
    at = -1
    for _ in range(earlier + 1):
        at = text.index(encoded, at + 1)
    return text.count("\n", 0, at) + 1
