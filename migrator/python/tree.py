"""A parsed Python file: libcst tree, byte offsets of nodes, parents, and the
assignments of each scope, gathered in one pass.

libcst's own metadata (scopes, byte spans) costs several times a parse; this
front end needs only offsets of the nodes it edits and a light scope model
(names assigned once per function, class or module), so it computes them in a
single code-generation pass and a single visit.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import libcst as cst
from libcst._nodes.internal import CodegenState


class ParseError(Exception):
    pass


@dataclass(frozen=False)
class _SpanState(CodegenState):
    """Code generation that records where each node starts and ends (in characters)."""

    spans: dict[cst.CSTNode, tuple[int, int]] = field(default_factory=dict)
    position: int = 0
    _stack: list[int] = field(default_factory=list)

    def add_indent_tokens(self) -> None:
        super().add_indent_tokens()
        for token in self.indent_tokens:
            self.position += len(token)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.position += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._stack.append(self.position)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self._stack.pop()
        self.spans.setdefault(node, (start, self.position))

    @contextmanager
    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
    ) -> Iterator[None]:
        start = self.position
        try:
            yield
        finally:
            end = self.position
            if start_node is not None:
                start = self.spans[start_node][0]
            if end_node is not None:
                end = self.spans[end_node][1]
            self.spans[node] = (start, end)


@dataclass
class Scope:
    """A module, class or function body."""

    node: cst.CSTNode
    kind: str  # module | class | function
    parent: Scope | None
    name: str = ""
    # name -> (value, the scope the value is written in)
    assignments: dict[str, list[tuple[cst.CSTNode, Scope]]] = field(default_factory=lambda: defaultdict(list))
    # In a class: attributes set with self.NAME = ... in its methods.
    self_attributes: dict[str, list[tuple[cst.CSTNode, Scope]]] = field(default_factory=lambda: defaultdict(list))

    def names(self) -> list[str]:
        out = []
        scope: Scope | None = self
        while scope is not None:
            if scope.name:
                out.append(scope.name)
            scope = scope.parent
        return out

    def enclosing_class(self) -> Scope | None:
        scope: Scope | None = self
        while scope is not None and scope.kind != "class":
            scope = scope.parent
        return scope


PARAMETER = cst.Name("__parameter__")  # the value of a name bound as a parameter or loop target


def _child_fields(kind: type) -> tuple[str, ...]:
    """The fields of a node type that can hold expressions or statements (not whitespace or punctuation)."""
    names = []
    for item in dataclasses.fields(kind):
        if item.name in _SKIPPED or item.name.startswith("whitespace"):
            continue
        names.append(item.name)
    return tuple(names)


_SKIPPED = {"lpar", "rpar", "leading_lines", "header", "footer", "semicolon", "comma", "colon", "equal",
            "operator", "lines_after_decorators", "newline", "lbracket", "rbracket", "lbrace", "rbrace", "dot",
            "star", "indent", "relative", "assignment", "arrow", "asynchronous", "default_indent",
            "default_newline", "encoding", "has_trailing_newline"}  # fmt: skip
_FIELDS: dict[type, tuple[str, ...]] = {}
_RECORDED = {
    cst.Call, cst.Name, cst.FunctionDef, cst.ClassDef, cst.Assign, cst.AnnAssign, cst.AugAssign,
    cst.For, cst.CompFor, cst.WithItem, cst.Import, cst.ImportFrom,
}  # fmt: skip


class Tree:
    """One walk: parents, scopes and assignments, calls, and every Name by identifier.

    libcst's visitor rebuilds each node as it goes, which costs more than the
    parse; reading the dataclass fields directly is several times faster.
    """

    def __init__(self, source: bytes) -> None:
        try:
            self.module = cst.parse_module(source)
        except cst.ParserSyntaxError as exc:
            raise ParseError(f"line {exc.raw_line}: {exc.message}") from None
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(str(exc)) from None
        self.source = source
        self.code: str | None = None  # the generated code, filled with the spans
        self.parent: dict[cst.CSTNode, cst.CSTNode] = {}
        self.scope_of: dict[cst.CSTNode, Scope] = {}
        self.calls: list[cst.Call] = []
        self.names: dict[str, list[cst.Name]] = defaultdict(list)
        self.module_scope = Scope(self.module, "module", None)
        self._spans: dict[cst.CSTNode, tuple[int, int]] | None = None
        self._byte_of: list[int] | None = None
        self._walk()

    # ------------------------------------------------------------ the walk

    def _walk(self) -> None:
        # (node, parent, scope); children are pushed in reverse to be seen in source order.
        stack: list[tuple[cst.CSTNode, cst.CSTNode | None, Scope]] = [(self.module, None, self.module_scope)]
        parents = self.parent
        base = cst.CSTNode
        while stack:
            node, parent, scope = stack.pop()
            if parent is not None:
                parents[node] = parent
            kind = type(node)
            inner = self._record(node, scope) if kind in _RECORDED else scope
            fields = _FIELDS.get(kind)
            if fields is None:
                fields = _FIELDS[kind] = _child_fields(kind)
            children: list[cst.CSTNode] = []
            for name in fields:
                value = getattr(node, name)
                if isinstance(value, base):
                    children.append(value)
                elif type(value) is tuple or type(value) is list:
                    for item in value:
                        if isinstance(item, base):
                            children.append(item)
            for child in reversed(children):
                stack.append((child, node, inner))

    def _record(self, node: cst.CSTNode, scope: Scope) -> Scope:
        """Note what the node says; return the scope its children are in."""
        if isinstance(node, cst.Call):
            self.calls.append(node)
            self.scope_of[node] = scope
        elif isinstance(node, cst.Name):
            self.names[node.value].append(node)
            self.scope_of[node] = scope
        elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            kind = "class" if isinstance(node, cst.ClassDef) else "function"
            inner = Scope(node, kind, scope, node.name.value)
            self.scope_of[node] = inner
            scope.assignments[node.name.value].append((node, scope))
            if isinstance(node, cst.FunctionDef):
                for param in (*node.params.params, *node.params.kwonly_params, *node.params.posonly_params):
                    inner.assignments[param.name.value].append((PARAMETER, inner))
            return inner
        elif isinstance(node, cst.Assign):
            for target in node.targets:
                self._assign(target.target, node.value, scope)
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign)):
            self._assign(node.target, node.value if isinstance(node, cst.AnnAssign) else PARAMETER, scope)
        elif isinstance(node, (cst.For, cst.CompFor)):
            self._assign(node.target, PARAMETER, scope)
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            self._assign(node.asname.name, node.item, scope)
        elif isinstance(node, (cst.Import, cst.ImportFrom)) and not isinstance(node.names, cst.ImportStar):
            for alias in node.names:
                bound = alias.asname.name if alias.asname else alias.name
                if isinstance(bound, cst.Name):
                    scope.assignments[bound.value].append((node, scope))
        return scope

    def _assign(self, target: cst.BaseExpression, value: cst.CSTNode | None, scope: Scope) -> None:
        value = PARAMETER if value is None else value
        if isinstance(target, cst.Name):
            scope.assignments[target.value].append((value, scope))
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._assign(element.value, PARAMETER, scope)
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value in ("self", "cls")
        ):
            owner = scope.enclosing_class()
            if owner is not None:
                owner.self_attributes[target.attr.value].append((value, scope))

    # ------------------------------------------------------------ lookups

    def lookup(self, name: str, scope: Scope) -> list[tuple[cst.CSTNode, Scope]]:
        """What ``name`` is assigned in the nearest scope that assigns it (classes are skipped, as Python does)."""
        current: Scope | None = scope
        while current is not None:
            if name in current.assignments and (current is scope or current.kind != "class"):
                return current.assignments[name]
            current = current.parent
        return []

    def class_named(self, name: str) -> Scope | None:
        for node, _ in self.module_scope.assignments.get(name, []):
            if isinstance(node, cst.ClassDef):
                return self.scope_of[node]
        return None

    # ------------------------------------------------------------ positions

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        """Character offsets of a node in the module's code."""
        if self._spans is None:
            state = _SpanState(default_indent=self.module.default_indent, default_newline=self.module.default_newline)
            self.module._codegen(state)
            self._spans = state.spans
            self.code = "".join(state.tokens)
        return self._spans[node]

    def text(self, node: cst.CSTNode) -> str:
        start, end = self.span(node)
        return self.code[start:end]  # type: ignore[index]

    def byte(self, offset: int) -> int:
        """The byte offset in the source of a character offset in the code."""
        if self._byte_of is None:
            self.span(self.module)
            code = self.code or ""
            if code.isascii() and len(code) == len(self.source):
                self._byte_of = []
            else:
                encoding = self.module.encoding
                table = [0]
                for char in code:
                    table.append(table[-1] + len(char.encode(encoding, "surrogateescape")))
                self._byte_of = table
        return self._byte_of[offset] if self._byte_of else offset

    def line_column(self, node: cst.CSTNode) -> tuple[int, int, int]:
        start, end = self.span(node)
        code = self.code or ""
        line = code.count("\n", 0, start) + 1
        column = start - (code.rfind("\n", 0, start) + 1) + 1
        return line, column, code.count("\n", 0, end) + 1
