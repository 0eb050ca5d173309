"""A parsed Python file: libcst tree, byte offsets of nodes, parents, and the
assignments of each scope, gathered in one pass.

libcst's own metadata (scopes, byte spans) costs several times a parse; this
front end needs only offsets of the nodes it edits and a light scope model
(names assigned once per function, class or module), so it computes them in a
single code-generation pass and a single visit.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

import libcst as cst
from libcst._nodes.internal import CodegenState

from migrator.edits import ByteEdit
from migrator.frontend import CannotRewrite


class ParseError(Exception):
    pass


@dataclass(frozen=False)
class _SpanState(CodegenState):
    """Code generation that records where each node starts and ends (in characters), by the
    node's id: libcst nodes hash in Python, and this runs for every node of a module."""

    spans: dict[int, tuple[int, int]] = field(default_factory=dict)
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
        key = id(node)
        if key not in self.spans:  # the syntactic position, recorded inside, counts
            self.spans[key] = (start, self.position)

    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None, end_node: cst.CSTNode | None = None
    ) -> _SyntacticPosition:
        return _SyntacticPosition(self, node, start_node, end_node)


class _SyntacticPosition:
    """``with state.record_syntactic_position(node)``: a class, as a generator-based context
    manager costs several times more and libcst enters one for most nodes."""

    __slots__ = ("state", "node", "start_node", "end_node", "start")

    def __init__(self, state: _SpanState, node: cst.CSTNode, start_node: cst.CSTNode | None, end_node: cst.CSTNode | None) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node

    def __enter__(self) -> None:
        self.start = self.state.position

    def __exit__(self, *exc: object) -> None:
        spans = self.state.spans
        start = self.start if self.start_node is None else spans[id(self.start_node)][0]
        end = self.state.position if self.end_node is None else spans[id(self.end_node)][1]
        spans[id(self.node)] = (start, end)


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
    globals: set[str] = field(default_factory=set)  # names a function declares global
    # name -> (its annotation, the scope it is written in): the type of a field or variable
    annotations: dict[str, tuple[cst.BaseExpression, Scope]] = field(default_factory=dict)

    def enclosing_class(self) -> Scope | None:
        scope: Scope | None = self
        while scope is not None and scope.kind != "class":
            scope = scope.parent
        return scope


def lookup(name: str, scope: Scope) -> list[tuple[cst.CSTNode, Scope]]:
    """What ``name`` is assigned in the nearest scope that assigns it (classes are skipped, as Python does)."""
    current: Scope | None = scope
    while current is not None:
        if name in current.assignments and (current is scope or current.kind != "class"):
            found = current.assignments[name]
            # NAME = None, set for real later (a global filled in by main()): the later value counts.
            real = [entry for entry in found if not (isinstance(entry[0], cst.Name) and entry[0].value == "None")]
            return real if len(real) == 1 else found
        current = current.parent
    return []


PARAMETER = cst.Name("__parameter__")  # the value of a name bound as a parameter or loop target


@dataclass
class Binding:
    """What a parameter stands for in one call: the argument, where it is written, and the
    variables it came through there."""

    value: cst.CSTNode
    scope: Scope
    via: tuple = ()


@dataclass(eq=False)
class Frame(Scope):
    """A function's scope as one call sees it: its parameters bound to that call's arguments."""

    bindings: dict[str, Binding] = field(default_factory=dict)
    function: Scope | None = None  # the function's own scope, whose assignments a frame shares

    @classmethod
    def of(cls, function: Scope, bindings: dict[str, Binding]) -> Frame:
        return cls(function.node, function.kind, function.parent, function.name, function.assignments,
                   function.self_attributes, function.globals, function.annotations, bindings=bindings,
                   function=function)  # fmt: skip


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


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """A node's children that hold code, in source order: libcst's ``children`` runs a
    visitor over every field, whitespace included, and costs many times this."""
    kind = type(node)
    fields = _FIELDS.get(kind)
    if fields is None:
        fields = _FIELDS[kind] = _child_fields(kind)
    out: list[cst.CSTNode] = []
    for name in fields:
        value = getattr(node, name)
        kind = type(value)
        if kind is tuple or kind is list:
            out.extend(item for item in value if _is_node(type(item)))
        elif _is_node(kind):
            out.append(value)
    return out


def dotted(node: cst.CSTNode) -> str:
    """``a.b.c`` of a name or attribute chain; "" for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{dotted(node.value)}.{node.attr.value}"
    return ""


_NODE_TYPES: dict[type, bool] = {}


def _is_node(kind: type) -> bool:
    # isinstance() against libcst's abstract classes goes through ABCMeta on every call:
    # asked once per type, the walk costs a third less.
    known = _NODE_TYPES.get(kind)
    if known is None:
        known = _NODE_TYPES[kind] = issubclass(kind, cst.CSTNode)
    return known
_RECORDED = {
    cst.Call, cst.Name, cst.FunctionDef, cst.ClassDef, cst.Assign, cst.AnnAssign, cst.AugAssign,
    cst.For, cst.CompFor, cst.WithItem, cst.Import, cst.ImportFrom, cst.SimpleString, cst.FormattedString,
    cst.Global,
}  # fmt: skip


class Tree:
    """One walk: parents, scopes and assignments, calls, and every Name by identifier.

    libcst's visitor rebuilds each node as it goes, which costs more than the
    parse; reading the dataclass fields directly is several times faster.
    """

    def __init__(self, source: bytes, path: str = "", base: int = 0) -> None:
        try:
            self.module = cst.parse_module(source)
        except cst.ParserSyntaxError as exc:
            raise ParseError(f"line {exc.raw_line}: {exc.message}") from None
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(str(exc)) from None
        self.source = source
        # Offsets are global: this module's code starts at ``base``, so that in a run of
        # several modules a position also says which module it is in.
        self.path = path
        self.base = base
        self.code: str | None = None  # the generated code, filled with the spans
        self.parent: dict[cst.CSTNode, cst.CSTNode] = {}
        self.scope_of: dict[cst.CSTNode, Scope] = {}
        self.calls: list[cst.Call] = []
        self.strings: list[cst.SimpleString | cst.FormattedString] = []
        self.star_imports: list[cst.ImportFrom] = []  # from m import *: names read where the walk does not bind them
        self.names: dict[str, list[cst.Name]] = defaultdict(list)
        self.module_scope = Scope(self.module, "module", None)
        self._spans: dict[int, tuple[int, int]] | None = None  # by id(node)
        self._align: _Alignment | None = None
        self._walk()

    # ------------------------------------------------------------ the walk

    def _walk(self) -> None:
        # (node, parent, scope); children are pushed in reverse to be seen in source order.
        stack: list[tuple[cst.CSTNode, cst.CSTNode | None, Scope]] = [(self.module, None, self.module_scope)]
        parents = self.parent
        while stack:
            node, parent, scope = stack.pop()
            if parent is not None:
                parents[node] = parent
            kind = type(node)
            inner = self._record(node, scope) if kind in _RECORDED else scope
            for child in reversed(children(node)):
                stack.append((child, node, inner))

    def _record(self, node: cst.CSTNode, scope: Scope) -> Scope:
        """Note what the node says; return the scope its children are in."""
        # Exact types: libcst's node classes are abstract-based, and isinstance() on them is
        # slow enough to matter on every node of every module.
        kind = type(node)
        if kind is cst.Call:
            self.calls.append(node)
            self.scope_of[node] = scope
        elif kind is cst.SimpleString or kind is cst.FormattedString:
            self.strings.append(node)
            self.scope_of[node] = scope
        elif kind is cst.Name:
            self.names[node.value].append(node)
            self.scope_of[node] = scope
        elif kind is cst.FunctionDef or kind is cst.ClassDef:
            inner = Scope(node, "class" if kind is cst.ClassDef else "function", scope, node.name.value)
            self.scope_of[node] = inner
            scope.assignments[node.name.value].append((node, scope))
            if kind is cst.FunctionDef:
                params = node.params
                stars = [star for star in (params.star_arg, params.star_kwarg) if isinstance(star, cst.Param)]
                for param in (*params.params, *params.kwonly_params, *params.posonly_params, *stars):
                    inner.assignments[param.name.value].append((PARAMETER, inner))
            return inner
        elif kind is cst.Assign:
            for target in node.targets:
                self._assign(target.target, node.value, scope)
        elif kind is cst.AnnAssign or kind is cst.AugAssign:
            self._assign(node.target, node.value if kind is cst.AnnAssign else PARAMETER, scope)
            if kind is cst.AnnAssign:
                self._annotate(node.target, node.annotation.annotation, scope)
        elif kind is cst.For or kind is cst.CompFor:
            self._assign(node.target, PARAMETER, scope)
        elif kind is cst.WithItem and node.asname is not None:
            self._assign(node.asname.name, node.item, scope)
        elif kind is cst.Global:
            scope.globals.update(item.name.value for item in node.names)
        elif kind is cst.ImportFrom and isinstance(node.names, cst.ImportStar):
            self.star_imports.append(node)
        elif kind is cst.Import or kind is cst.ImportFrom:
            for alias in node.names:
                bound = alias.asname.name if alias.asname else alias.name
                if isinstance(bound, cst.Name):
                    scope.assignments[bound.value].append((node, scope))
        return scope

    def _annotate(self, target: cst.BaseExpression, annotation: cst.BaseExpression, scope: Scope) -> None:
        """``client: DatamimicClient`` (a dataclass field, a variable) and ``self.client: Client = ...``."""
        if isinstance(target, cst.Name):
            scope.annotations[target.value] = (annotation, scope)
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
            owner = scope.enclosing_class()
            if owner is not None:
                owner.annotations[target.attr.value] = (annotation, scope)

    def _assign(self, target: cst.BaseExpression, value: cst.CSTNode | None, scope: Scope) -> None:
        value = PARAMETER if value is None else value
        if isinstance(target, cst.Name):
            # ``global NAME`` in a function: the assignment is the module's.
            home = self.module_scope if target.value in scope.globals else scope
            home.assignments[target.value].append((value, scope))
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
        return lookup(name, scope)

    def fstring_quotes(self, node: cst.CSTNode) -> frozenset[str]:
        """The quote characters of the f-strings whose braces hold ``node``: Pythons before 3.12
        refuse those quotes (and backslashes) in there."""
        quotes = set()
        current: cst.CSTNode | None = node
        while current is not None:
            if isinstance(current, cst.FormattedString) and current is not node:
                quotes.add(current.quote[0])
            current = self.parent.get(current)
        return frozenset(quotes)

    # ------------------------------------------------------------ positions

    def span(self, node: cst.CSTNode) -> tuple[int, int]:
        """Character offsets of a node in the module's code (global: from ``base``)."""
        if self._spans is None:
            state = _SpanState(default_indent=self.module.default_indent, default_newline=self.module.default_newline)
            self.module._codegen(state)
            self._spans = {key: (start + self.base, end + self.base) for key, (start, end) in state.spans.items()}
            self.code = "".join(state.tokens)
        return self._spans[id(node)]

    def code_at(self, start: int, end: int) -> str:
        """The code between two global offsets."""
        self.span(self.module)
        return self.code[start - self.base : end - self.base]  # type: ignore[index]

    def text(self, node: cst.CSTNode) -> str:
        return self.code_at(*self.span(node))

    def byte(self, offset: int) -> int:
        """The byte offset in the source of a character offset in the code (nearest, for positions)."""
        offset -= self.base
        text_offset = self._aligned(offset)
        if text_offset is None:
            text_offset = self._nearest(offset)
        return self._to_byte(text_offset)

    def byte_range(self, start: int, end: int) -> tuple[int, int]:
        """The source bytes of code characters [start, end); ValueError when they are not
        written in the source exactly as in the code (an edit there could lose bytes)."""
        start, end = start - self.base, end - self.base
        alignment = self._alignment()
        for code_start, code_end, text_start in alignment.blocks:
            if code_start <= start and end <= code_end:
                return self._to_byte(text_start + start - code_start), self._to_byte(text_start + end - code_start)
        raise ValueError("libcst does not write this part of the file back as it reads it")

    def byte_span(self, node: cst.CSTNode) -> tuple[int, int]:
        """Where a node stands in the source, in bytes."""
        start, end = self.span(node)
        return self.byte(start), self.byte(end)

    def byte_edit(self, start: int, end: int, text: str) -> ByteEdit:
        """Replace code characters [start, end) by ``text``, as an edit of the source's bytes."""
        try:
            first, last = self.byte_range(start, end)
        except ValueError as exc:
            raise CannotRewrite(str(exc)) from None
        return ByteEdit(first, last, text.encode(self.module.encoding, "surrogateescape"), self.path)

    def replace_node(self, node: cst.CSTNode, text: str) -> ByteEdit:
        return self.byte_edit(*self.span(node), text)

    def line_column(self, node: cst.CSTNode) -> tuple[int, int, int]:
        """1-based line and column of a node in the source, and its last line."""
        start, end = self.span(node)
        start, end = start - self.base, end - self.base
        text = self._alignment().text
        first = self._aligned(start)
        first = self._nearest(start) if first is None else first
        last = self._aligned(end)
        last = self._nearest(end) if last is None else last
        line = text.count("\n", 0, first) + 1
        column = first - (text.rfind("\n", 0, first) + 1) + 1
        return line, column, text.count("\n", 0, last) + 1

    # libcst regenerates a few things otherwise than it read them (a line holding only
    # a backslash, a form feed that starts a line, a lone CR that ends the file), so
    # offsets in its code are mapped onto the source through an alignment of the two.

    def _alignment(self) -> _Alignment:
        if self._align is None:
            self.span(self.module)
            code = self.code or ""
            text = self.source.decode(self.module.encoding, "surrogateescape")
            blocks = [(0, len(code), 0)] if code == text else _equal_blocks(code, text)
            byte_of = None
            if not (text.isascii() and len(text) == len(self.source)):
                byte_of = [0]
                for char in text:
                    byte_of.append(byte_of[-1] + len(char.encode(self.module.encoding, "surrogateescape")))
            self._align = _Alignment(text, blocks, byte_of)
        return self._align

    def _aligned(self, offset: int) -> int | None:
        for code_start, code_end, text_start in self._alignment().blocks:
            if code_start <= offset <= code_end:
                return text_start + offset - code_start
        return None

    def _nearest(self, offset: int) -> int:
        blocks = self._alignment().blocks
        before = [b for b in blocks if b[1] <= offset]
        if not before:
            return 0
        return before[-1][2] + before[-1][1] - before[-1][0]

    def _to_byte(self, text_offset: int) -> int:
        byte_of = self._alignment().byte_of
        return byte_of[text_offset] if byte_of is not None else text_offset


@dataclass(frozen=True)
class _Alignment:
    text: str  # the source, decoded
    blocks: list[tuple[int, int, int]]  # (code start, code end, source start) of text both have alike
    byte_of: list[int] | None  # byte offset of each character of text; None when they are the same


def _lines(text: str) -> list[str]:
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _equal_blocks(code: str, text: str) -> list[tuple[int, int, int]]:
    """The runs of characters the code and the source have in common: lines first, then
    characters within the few lines that differ."""
    code_lines, text_lines = _lines(code), _lines(text)
    code_at = [0]
    for line in code_lines:
        code_at.append(code_at[-1] + len(line))
    text_at = [0]
    for line in text_lines:
        text_at.append(text_at[-1] + len(line))
    blocks: list[tuple[int, int, int]] = []
    matcher = difflib.SequenceMatcher(None, code_lines, text_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            blocks.append((code_at[i1], code_at[i2], text_at[j1]))
        elif tag == "replace":
            chars = difflib.SequenceMatcher(None, code[code_at[i1] : code_at[i2]], text[text_at[j1] : text_at[j2]], autojunk=False)
            for a, b, size in chars.get_matching_blocks():
                if size:
                    blocks.append((code_at[i1] + a, code_at[i1] + a + size, text_at[j1] + b))
    merged: list[tuple[int, int, int]] = []
    for block in blocks:
        if merged and merged[-1][1] == block[0] and merged[-1][2] + merged[-1][1] - merged[-1][0] == block[2]:
            merged[-1] = (merged[-1][0], block[1], merged[-1][2])
        else:
            merged.append(block)
    return merged
