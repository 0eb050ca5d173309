"""Which Python modules of a run are one program: the modules that hold a v1 URL, and every
module of the run that imports one of them (or is imported by one), found before any is
parsed.

A settings module holds the base, a client module imports it and holds the paths, a
script imports the client and reads the responses: only the first holds the candidate
string, so the others are found by their imports. A module is read for this only if it
names one of the program's modules; the import lines are read with a pattern, not a parser.
"""

from __future__ import annotations

import re
from pathlib import Path

_IMPORT = re.compile(
    rb"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(?:\(([^)]*)\)|([^\n#;]*))|import[ \t]+([^\n#;]+))", re.MULTILINE
)

# importlib.import_module("cfg"), __import__("cfg"): an import the statements do not show.
_IMPORT_CALL = re.compile(rb"""\b(?:import_module|__import__)\(\s*[rb]?["']([\w.]+)["']""")


def module_name(path: Path) -> str:
    """The dotted name a module is imported by: the packages (folders with __init__.py) above it."""
    parts = [path.stem] if path.name != "__init__.py" else []
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


def _imports(data: bytes, name: str, is_package: bool) -> set[str]:
    """The dotted names a module imports (relative ones made absolute, with their members)."""
    found: set[str] = set()
    package = name.split(".") if is_package else name.split(".")[:-1]
    for match in _IMPORT.finditer(data):
        source, grouped, listed, plain = (group.decode("ascii", "replace") if group else "" for group in match.groups())
        members = grouped or listed
        if plain:
            found.update(part.split()[0] for part in plain.split(",") if part.split())
            continue
        dots = len(source) - len(source.lstrip("."))
        base = source.lstrip(".")
        if dots:
            parent = package[: len(package) - (dots - 1)] if dots > 1 else package
            base = ".".join([*parent, base] if base else parent)
        found.add(base)
        for item in members.split(","):
            member = item.split()[0] if item.split() else ""
            if member and member not in ("*", "\\"):
                found.add(f"{base}.{member}")
    found.update(match.group(1).decode("ascii", "replace") for match in _IMPORT_CALL.finditer(data))
    return found


def _words(name: str) -> set[bytes]:
    return {part.encode() for part in name.split(".") if part}


def groups(candidates: dict[str, bytes], python_files: list[Path], max_size: int) -> list[dict[str, bytes]]:
    """The programs the candidate modules belong to: each a dict of path -> bytes, the
    candidates with the modules of the run that import them or that they import."""
    known: dict[str, bytes] = dict(candidates)
    names = {path: module_name(Path(path)) for path in known}
    others = [p for p in python_files if str(p) not in known and p.suffix in (".py", ".pyw")]
    by_name: dict[str, list[str]] = {}
    for path in [*map(Path, known), *others]:
        by_name.setdefault(module_name(path), []).append(str(path))

    def read(path: str) -> bytes | None:
        try:
            with open(path, "rb") as stream:
                return stream.read(max_size + 1)
        except OSError:
            return None

    edges: dict[str, set[str]] = {path: set() for path in known}
    members = {name: path for path, name in names.items()}
    pending = list(known)
    scanned: set[str] = set()
    while pending:
        # Modules the program imports.
        path = pending.pop()
        for imported in _imports(known[path], names[path], path.endswith("__init__.py")):
            for dotted in (imported, imported.rsplit(".", 1)[0]):
                for other in by_name.get(dotted, []):
                    data = other in known or read(other)
                    if other not in known and isinstance(data, bytes) and len(data) <= max_size:
                        known[other], names[other], members[dotted] = data, dotted, other
                        edges[other] = set()
                        pending.append(other)
                    if other in known:
                        edges[path].add(other)
                        edges[other].add(path)
        # Modules that import the program: only those that name one of its modules are read.
        words = {word for name in names.values() for word in _words(name)}
        for other in others:
            key = str(other)
            if key in known or key in scanned:
                continue
            data = read(key)
            pytest = any(_fixtures_of(Path(path), other) for path in names)
            if data is None or len(data) > max_size or not (pytest or any(word in data for word in words)):
                continue
            name = module_name(other)
            imported = _imports(data, name, other.name == "__init__.py")
            # "from settings.config import API" may be config.py seen from another folder.
            joined = [path for path, member in names.items() if any(_same_module(member, dotted) for dotted in imported)]
            joined += [path for path in names if path not in joined and _fixtures_of(Path(path), other)]
            if not joined:
                continue
            scanned.add(key)
            known[key], names[key] = data, name
            edges[key] = set(joined)
            for path in joined:
                edges[path].add(key)
            pending.append(key)
    # Connected modules are one program.
    out: list[dict[str, bytes]] = []
    seen: set[str] = set()
    for start in candidates:
        if start in seen:
            continue
        component, stack = {}, [start]
        while stack:
            path = stack.pop()
            if path in seen:
                continue
            seen.add(path)
            component[path] = known[path]
            stack.extend(edges.get(path, ()))
        out.append(component)
    return out


def _fixtures_of(first: Path, second: Path) -> bool:
    """Whether pytest links the two modules with no import: a conftest.py's fixtures fill the
    parameters of the tests in its folder and below."""
    for conftest, test in ((first, second), (second, first)):
        if conftest.name == "conftest.py" and _is_test(test) and conftest.parent in (test.parent, *test.parent.parents):
            return True
    return False


def _is_test(path: Path) -> bool:
    return path.suffix == ".py" and (path.name.startswith("test_") or path.stem.endswith("_test") or path.name == "conftest.py")


def _same_module(name: str, imported: str) -> bool:
    return name == imported or imported.endswith("." + name) or name.endswith("." + imported)
