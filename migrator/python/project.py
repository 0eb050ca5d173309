"""The Python modules of one run, read as one program.

Each module keeps its own tree; offsets are global (module k's code starts at
k << 32), so a position also names its module, and a fix may edit several
modules: the base in a settings module, the path in a client class, the read in
the script that calls it. Names imported from another module of the run
(``from .settings import API_ROOT``, ``import tdm_client``) resolve into it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import PurePosixPath

import libcst as cst

from migrator.edits import ByteEdit
from migrator.python.tree import ParseError, Scope, Tree, dotted, lookup

_MODULE_SIZE = 1 << 32


class Project:
    def __init__(self, sources: dict[str, bytes]) -> None:
        self.trees: dict[str, Tree] = {}
        self.errors: dict[str, ParseError] = {}
        for number, (path, source) in enumerate(sources.items()):
            try:
                self.trees[path] = Tree(source, path, number * _MODULE_SIZE)
            except ParseError as exc:
                self.errors[path] = exc
        self._by_base = {tree.base: tree for tree in self.trees.values()}
        self._owner: dict[cst.CSTNode, Tree] = {}
        self.parent: dict[cst.CSTNode, cst.CSTNode] = {}
        self.scope_of: dict[cst.CSTNode, Scope] = {}
        self.names: dict[str, list[cst.Name]] = defaultdict(list)
        self.calls: list[cst.Call] = []
        self.strings: list[cst.SimpleString | cst.FormattedString] = []
        for tree in self.trees.values():
            self._owner[tree.module] = tree
            self._owner.update(dict.fromkeys(tree.parent, tree))
            self.parent.update(tree.parent)
            self.scope_of.update(tree.scope_of)
            for name, nodes in tree.names.items():
                self.names[name].extend(nodes)
            self.calls.extend(tree.calls)
            self.strings.extend(tree.strings)
        self.modules = {_module_name(path): tree for path, tree in self.trees.items() if path}
        self._imports: dict[tuple[int, str], list | None] = {}  # by (id of the import, name)

    # ---------------------------------------------------------------- where things are

    def tree_of(self, node: cst.CSTNode) -> Tree:
        return self._owner[node]

    def owns(self, node: cst.CSTNode) -> bool:
        return node in self._owner

    def tree_at(self, offset: int) -> Tree:
        return self._by_base[offset - offset % _MODULE_SIZE]

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        return self.tree_of(node).span(node)

    def text(self, node: cst.CSTNode) -> str:
        return self.tree_of(node).text(node)

    def code_at(self, start: int, end: int) -> str:
        return self.tree_at(start).code_at(start, end)

    def line_column(self, node: cst.CSTNode) -> tuple[int, int, int]:
        return self.tree_of(node).line_column(node)

    def fstring_quotes(self, node: cst.CSTNode) -> frozenset[str]:
        return self.tree_of(node).fstring_quotes(node)

    def byte(self, offset: int) -> int:
        return self.tree_at(offset).byte(offset)

    def byte_span(self, node: cst.CSTNode) -> tuple[int, int]:
        return self.tree_of(node).byte_span(node)

    def byte_edit(self, start: int, end: int, text: str) -> ByteEdit:
        return self.tree_at(start).byte_edit(start, end, text)

    def replace_node(self, node: cst.CSTNode, text: str) -> ByteEdit:
        return self.tree_of(node).replace_node(node, text)

    def path_of(self, node: cst.CSTNode) -> str:
        return self.tree_of(node).path

    # ---------------------------------------------------------------- names

    def lookup(self, name: str, scope: Scope) -> list[tuple[cst.CSTNode, Scope]]:
        """What ``name`` is bound to where ``scope`` sees it, through imports from modules of the run."""
        found = lookup(name, scope)
        if len(found) == 1 and isinstance(found[0][0], (cst.Import, cst.ImportFrom)):
            # Names are looked up many times over (each call of a wrapper reads it again); what
            # an import binds does not change during a run.
            key = (id(found[0][0]), name)
            if key not in self._imports:
                self._imports[key] = self.imported(found[0][0], name, found[0][1])
            if self._imports[key] is not None:
                return self._imports[key]
        return found

    def imported(self, node: cst.Import | cst.ImportFrom, name: str, scope: Scope, depth: int = 0) -> list | None:
        """The binding a name imported from a module of the run has there."""
        if depth > 4 or isinstance(node.names, cst.ImportStar):
            return None
        alias = next((a for a in node.names if _bound(a) == name), None)
        if alias is None:
            return None
        here = self.tree_of(node)
        if isinstance(node, cst.Import):
            module = self._resolve(dotted(alias.name), here, 0)
            return [(module.module, module.module_scope)] if module is not None and alias.asname is not None else None
        relative = len(node.relative)
        base = dotted(node.module) if node.module is not None else ""
        original = dotted(alias.name)
        target = self._resolve(f"{base}.{original}" if base else original, here, relative)
        if target is not None:  # from package import module
            return [(target.module, target.module_scope)]
        module = self._resolve(base, here, relative)
        if module is None:
            return None
        found = lookup(original, module.module_scope)
        if len(found) == 1 and isinstance(found[0][0], (cst.Import, cst.ImportFrom)):
            return self.imported(found[0][0], original, found[0][1], depth + 1) or found
        return found or None

    def module_by_import(self, node: cst.Import, name: str) -> Tree | None:
        """The module ``import pkg`` (or ``import pkg.mod``) binds ``name`` to, if it is of the run."""
        alias = next((a for a in node.names if _bound(a) == name), None)
        if alias is None:
            return None
        imported = dotted(alias.name) if alias.asname is not None else dotted(alias.name).split(".")[0]
        return self._resolve(imported, self.tree_of(node), 0)

    def _resolve(self, dotted: str, here: Tree, relative: int) -> Tree | None:
        if not here.path:
            return None  # a file read alone: no module of the run to import from
        if relative:
            package = _module_name(here.path).split(".")
            if not here.path.endswith("__init__.py"):
                package = package[:-1]
            package = package[: len(package) - (relative - 1)] if relative > 1 else package
            dotted = ".".join([*package, dotted] if dotted else package)
        if dotted in self.modules:
            return self.modules[dotted]
        # An absolute import of a package of the run, whatever folder above it the run starts in;
        # of several, the one nearest the importer.
        matches = [tree for name, tree in self.modules.items() if name.endswith("." + dotted)]
        if len(matches) > 1:
            nearness = {id(tree): len(_common(tree.path, here.path)) for tree in matches}
            best = max(nearness.values())
            matches = [tree for tree in matches if nearness[id(tree)] == best]
        return matches[0] if len(matches) == 1 else None


def _bound(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return dotted(alias.name).split(".")[0]


def _module_name(path: str) -> str:
    """The dotted module name of a file, from the packages (folders with __init__.py) it is in."""
    parts = PurePosixPath(path.replace("\\", "/")).with_suffix("").parts
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(part for part in parts if re.fullmatch(r"\w+", part))


def _common(first: str, second: str) -> tuple[str, ...]:
    a, b = PurePosixPath(first).parts, PurePosixPath(second).parts
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]
