"""Module constants that other files import: found after a run, so that a
constant holding the v1 base is not rewritten under its importers' feet.

Only modules whose constant the run changed are looked at, and only the Python
files of their project folder (above the top package) are read.
"""

from __future__ import annotations

import bisect
import os
import re
from pathlib import Path

from migrator.findings import FileResult, Outcome

_MODULE_ASSIGNMENT = re.compile(rb"^([A-Za-z_]\w*)\s*(?::[^=\n]*)?=(?!=)[^\n]*", re.MULTILINE)


def _rewritten_constants(result: FileResult) -> set[bytes]:
    """Module-level names of a migrated Python file whose assignment the migration changed."""
    kept = {m.group() for m in _MODULE_ASSIGNMENT.finditer(result.migrated)}
    return {m.group(1) for m in _MODULE_ASSIGNMENT.finditer(result.original) if m.group() not in kept}


def _project_folder(path: Path) -> Path:
    """The folder a module is imported from: above its top package, or its own folder."""
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
    return folder


def _importers(wanted: dict[Path, set[bytes]], paths: list[Path], max_size: int) -> set[tuple[str, str]]:
    """Which (module, name) of ``wanted`` another Python file under the module's project folder imports."""
    files = sorted(os.path.abspath(path) for path in paths if path.suffix == ".py")
    found: set[tuple[str, str]] = set()
    for module_path, names in wanted.items():
        module = module_path.stem
        own = os.path.abspath(module_path)
        folder = os.path.join(_project_folder(Path(own)), "")
        # The files under the folder are a run of the sorted list.
        for index in range(bisect.bisect_left(files, folder), len(files)):
            name_of_file = files[index]
            if not name_of_file.startswith(folder):
                break
            if name_of_file == own:
                continue
            try:
                text = Path(name_of_file).read_bytes()[:max_size]
            except OSError:
                continue
            if module.encode() not in text:
                continue
            for name in names:
                imports = rb"\bfrom\s+[\w.]*\b" + module.encode() + rb"\s+import\s*\(?[\w\s,]*\b" + name + rb"\b"
                if re.search(imports, text) or re.search(rb"\b" + module.encode() + rb"\." + name + rb"\b", text):
                    found.add((module, name.decode()))
    return found


def imported_elsewhere(results: list[FileResult], paths: list[Path], max_size: int) -> set[tuple[str, str]]:
    """(module, name) of the constants the run rewrote that another file of the run imports."""
    wanted: dict[Path, set[bytes]] = {}
    for result in results:
        if result.outcome is Outcome.CHANGED and result.path.endswith(".py"):
            names = _rewritten_constants(result)
            if names:
                wanted[Path(result.path)] = names
    return _importers(wanted, paths, max_size) if wanted else set()
