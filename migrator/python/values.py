"""Python expressions as URL-model pieces, and writing text back into Python strings.

Strings, f-strings, implicit and ``+`` concatenation, ``str.format``, ``%``
formatting, ``urljoin``, ``.rstrip("/")``, module constants, class attributes
and ``self.x`` set in a method are followed; anything else, including values
read from the environment, is a hole (whose name still counts as evidence).
Offsets are character offsets in the module's code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import libcst as cst

from migrator.python import evidence
from migrator.python.flow import Flow, binding_of, param_default
from migrator.python.project import Project
from migrator.python.tree import PARAMETER, Frame, Scope
from migrator.urls import Content, Hole, Literal, Piece, Via

EXPRESSION = "py-expr"  # between expressions: nothing can be written there
RAW = "py-raw"  # Python source written as it is (a whole new expression)
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_FORMAT_FIELD = re.compile(r"\{[^{}]*\}")
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdrif]")


def _string_context(prefix: str, quote: str, formatted: bool) -> str:
    flags = "".join(sorted(set(prefix.lower()) - {"f", "u"})) + ("f" if formatted else "")
    return f"py:{flags}:{quote}"


def _decode(text: str, start: int, raw: bool, formatted: bool) -> tuple[str, tuple[int, ...]]:
    """The value of string-literal text and the code offset of each character."""
    out: list[str] = []
    offsets: list[int] = []
    i = 0
    while i < len(text):
        char = text[i]
        if formatted and char in "{}" and text[i + 1 : i + 2] == char:
            out.append(char)
            offsets.append(start + i)
            i += 2
            continue
        if char == "\\" and not raw and i + 1 < len(text):
            following = text[i + 1]
            if following == "\n":
                i += 2
                continue
            if following in _ESCAPES:
                out.append(_ESCAPES[following])
                offsets.append(start + i)
                i += 2
                continue
            width = {"x": 2, "u": 4, "U": 8}.get(following)
            if width and re.fullmatch(r"[0-9a-fA-F]+", text[i + 2 : i + 2 + width] or "-"):
                out.append(chr(int(text[i + 2 : i + 2 + width], 16)))
                offsets.append(start + i)
                i += 2 + width
                continue
        out.append(char)
        offsets.append(start + i)
        i += 1
    offsets.append(start + len(text))
    return "".join(out), tuple(offsets)


class Values:
    def __init__(self, tree: Project) -> None:
        self.tree = tree
        self.flow = Flow(tree)
        # (start, end) of a plain string's text -> the string, to drop a string an edit empties
        self.strings: dict[tuple[int, int], cst.SimpleString] = {}

    def pieces(
        self, node: cst.CSTNode, scope: Scope, via: tuple[Via, ...] = (), depth: int = 0, context: str = EXPRESSION
    ) -> list[Piece]:
        if depth > 8:
            return [self.hole(node, context, via)]
        if isinstance(node, cst.SimpleString):
            return self.simple_string(node, via)
        if isinstance(node, cst.ConcatenatedString):
            return self.pieces(node.left, scope, via, depth) + self.pieces(node.right, scope, via, depth)
        if isinstance(node, cst.FormattedString):
            return self.formatted_string(node, scope, via, depth)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            return self.pieces(node.left, scope, via, depth) + self.pieces(node.right, scope, via, depth)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
            return self.percent_format(node, scope, via, depth)
        if isinstance(node, (cst.Name, cst.Attribute)):
            return self.variable(node, scope, via, depth, (self.tree.span(node), context, self.tree.text(node)))
        if isinstance(node, cst.Call):
            return self.call(node, scope, via, depth, context)
        if isinstance(node, cst.Subscript):
            env = _environment_name(node)
            return [self.hole(node, context, via, env)]
        return [self.hole(node, context, via)]

    def hole(self, node: cst.CSTNode, context: str, via: tuple[Via, ...], name: str | None = None) -> Hole:
        return Hole(self.tree.text(node), self.tree.span(node), context, name, via)

    # ---------------------------------------------------------------- strings

    def simple_string(self, node: cst.SimpleString, via: tuple[Via, ...]) -> list[Piece]:
        prefix = node.prefix
        if "b" in prefix.lower():
            return [self.hole(node, EXPRESSION, via)]
        quote = node.quote
        start = self.tree.span(node)[0] + len(prefix) + len(quote)
        body = node.value[len(prefix) + len(quote) : len(node.value) - len(quote)]
        value, offsets = _decode(body, start, "r" in prefix.lower(), formatted=False)
        self.strings[(start, start + len(body))] = node
        return [Literal(value, offsets, _string_context(prefix, quote, False), via)]

    def formatted_string(self, node: cst.FormattedString, scope: Scope, via: tuple[Via, ...], depth: int) -> list[Piece]:
        context = _string_context(node.prefix, node.quote, True)
        out: list[Piece] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                start = self.tree.span(part)[0]
                value, offsets = _decode(part.value, start, "r" in node.prefix.lower(), formatted=True)
                out.append(Literal(value, offsets, context, via))
                continue
            span = self.tree.span(part)
            inner = self.tree.code_at(span[0] + 1, span[1] - 1)
            plain = part.conversion is None and part.format_spec is None and part.equal is None
            if plain and isinstance(part.expression, (cst.Name, cst.Attribute)):
                out.extend(self.variable(part.expression, scope, via, depth, (span, context, inner)))
            elif plain and isinstance(part.expression, cst.Call):
                found = self.call(part.expression, scope, via, depth, context, (span, inner))
                known = not (len(found) == 1 and isinstance(found[0], Hole))
                out.extend(found if known else [Hole(inner, span, context, found[0].name, via)])
            else:
                out.append(Hole(inner, span, context, _environment_name(part.expression), via))
        return out

    def percent_format(self, node: cst.BinaryOperation, scope: Scope, via: tuple[Via, ...], depth: int) -> list[Piece]:
        if not isinstance(node.left, cst.SimpleString):
            return [self.hole(node, EXPRESSION, via)]
        right = node.right
        args = [e.value for e in right.elements] if isinstance(right, cst.Tuple) else [right]
        return self._fill_fields(self.simple_string(node.left, via), _PERCENT_FIELD, args, {}, scope, via, depth)

    def call(
        self,
        node: cst.Call,
        scope: Scope,
        via: tuple[Via, ...],
        depth: int,
        context: str,
        anchor: tuple[tuple[int, int], str] | None = None,
    ) -> list[Piece]:
        """The text a call returns: string methods, joins, and the run's own functions read
        through (``anchor``: where the call is written, when inside an f-string's braces)."""
        func = node.func
        args = [a.value for a in node.args if a.keyword is None and not a.star]
        keywords = {a.keyword.value: a.value for a in node.args if a.keyword is not None}
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        if name == "format" and isinstance(func, cst.Attribute) and isinstance(func.value, cst.SimpleString):
            template = self.simple_string(func.value, via)
            return self._fill_fields(template, _FORMAT_FIELD, args, keywords, scope, via, depth)
        if name in ("rstrip", "strip") and isinstance(func, cst.Attribute) and [self._static(a) for a in args] in ([], ["/"]):
            inner = self.pieces(func.value, scope, via, depth + 1)
            last = inner[-1] if inner else None
            if isinstance(last, Literal) and last.text.endswith("/"):
                return [self.hole(node, context, via)]  # the strip would change the text: not followed
            return inner
        if name == "lstrip" and isinstance(func, cst.Attribute) and [self._static(a) for a in args] == ["/"]:
            inner = self.pieces(func.value, scope, via, depth + 1)
            first = inner[0] if inner else None
            if not isinstance(first, Literal):
                return [self.hole(node, context, via)]
            cut = len(first.text) - len(first.text.lstrip("/"))
            return ([_slice(first, cut, len(first.text))] if cut < len(first.text) else []) + inner[1:]
        if name == "str" and len(args) == 1:
            return self.pieces(args[0], scope, via, depth + 1)
        if name == "join" and isinstance(func, cst.Attribute) and len(args) == 2 and self._dotted(func.value) in ("posixpath", "os.path"):
            first, second = (self.pieces(a, scope, via, depth + 1) for a in args)
            if second and isinstance(second[0], Literal) and second[0].text.startswith("/"):
                return [self.hole(node, context, via)]  # an absolute second part replaces the first
            ends = bool(first) and isinstance(first[-1], Literal) and first[-1].text.endswith("/")
            return first + ([] if ends else [Literal("/", None, EXPRESSION)]) + second
        if name == "join" and isinstance(func, cst.Attribute) and self._static(func.value) is not None and len(args) == 1:
            parts = args[0]
            if isinstance(parts, (cst.List, cst.Tuple)) and not any(isinstance(e, cst.StarredElement) for e in parts.elements):
                separator = [Literal(self._static(func.value), None, EXPRESSION)]  # type: ignore[arg-type]
                out: list[Piece] = []
                for index, element in enumerate(parts.elements):
                    out += (separator if index else []) + self.pieces(element.value, scope, via, depth + 1)
                return [p for p in out if not (isinstance(p, Literal) and not p.text)]
        target = self.flow.target(node, scope)
        returned = self.flow.returned(target.function) if target is not None else None
        frame = self.flow.frame(target, node, scope, via) if returned is not None else None
        if frame is not None:
            span, source = anchor or (self.tree.span(node), self.tree.text(node))
            inner = self.pieces(returned, frame, (*via, Via(f"{name}()", source, span, context, "call")), depth + 1)  # type: ignore[arg-type]
            if not (len(inner) == 1 and isinstance(inner[0], Hole)):
                return inner
        if name == "urljoin" and len(args) == 2:
            base = self.pieces(args[0], scope, via, depth + 1)
            path = self.pieces(args[1], scope, via, depth + 1)
            # urljoin appends only to a base ending in "/", and only a path that is relative.
            ends = bool(base) and isinstance(base[-1], Literal) and base[-1].text.endswith("/")
            relative = bool(path) and not (isinstance(path[0], Literal) and re.match(r"/|[a-z]+:", path[0].text))
            if ends and relative:
                return base + path
            return [self.hole(node, context, via)]
        return [self.hole(node, context, via, _environment_name(node))]

    def _fill_fields(
        self,
        template: list[Piece],
        pattern: re.Pattern[str],
        args: Sequence[cst.BaseExpression],
        keywords: dict[str, cst.BaseExpression],
        scope: Scope,
        via: tuple[Via, ...],
        depth: int,
    ) -> list[Piece]:
        """A format string's text with each field replaced by its argument's value."""
        literal = template[0]
        if not isinstance(literal, Literal) or literal.offsets is None:
            return template
        out: list[Piece] = []
        pos = 0
        position = 0
        for match in pattern.finditer(literal.text):
            out.append(_slice(literal, pos, match.start()))
            field_text = match.group()
            key = field_text.strip("{}%()sdrif")
            argument = keywords.get(key) if key and not key.isdigit() else None
            if argument is None:
                index = int(key) if key.isdigit() else position
                position += 1
                argument = args[index] if index < len(args) else None
            span = (literal.offsets[match.start()], literal.offsets[match.end()])
            if isinstance(argument, (cst.Name, cst.Attribute)):
                out.extend(self.variable(argument, scope, via, depth, (span, literal.context, field_text)))
            else:
                # url.rstrip("/"): still named by what the code says url is.
                inner = self.pieces(argument, scope, via, depth + 1) if isinstance(argument, cst.Call) else []
                name = inner[0].name if len(inner) == 1 and isinstance(inner[0], Hole) else None
                out.append(Hole(field_text, span, literal.context, name, via))
            pos = match.end()
        out.append(_slice(literal, pos, len(literal.text)))
        return [p for p in out if not (isinstance(p, Literal) and not p.text)]

    # ---------------------------------------------------------------- names

    def variable(
        self,
        node: cst.Name | cst.Attribute,
        scope: Scope,
        via: tuple[Via, ...],
        depth: int,
        anchor: tuple[tuple[int, int], str, str],
    ) -> list[Piece]:
        """The value of a name or attribute assigned exactly once, else a hole."""
        span, context, source = anchor
        name = self.tree.text(node)
        hole = Hole(source, span, context, name.split(".")[-1], via)
        found = self.assignments(node, scope)
        if len(found) != 1 or any(v.name == name and v.kind != "argument" for v in via):
            return [_known_by(hole, self._object_names(node, scope) if isinstance(node, cst.Attribute) else [])]
        value, value_scope = found[0]
        if isinstance(scope, Frame) and scope.function is value_scope and value is not PARAMETER:
            value_scope = scope  # a local of the function read through: its parameters stay bound
        if isinstance(node, cst.Attribute) and value_scope.kind == "class" and node.attr.value in value_scope.annotations:
            # An annotated field (a dataclass's): its value is the default, not what instances hold.
            return [_known_by(hole, evidence.of_field(self.tree, value_scope, node.attr.value, None if value is PARAMETER else value))]
        if value is PARAMETER and isinstance(node, cst.Name):
            # A parameter bound to the argument of the call read through: the caller's text.
            binding = binding_of(scope, node.value, value_scope)
            if binding is not None:
                argument = Via(node.value, source, span, context, "argument", via)
                return self.pieces(binding.value, binding.scope, (*binding.via, argument), depth + 1)
        if isinstance(value, cst.FunctionDef) and isinstance(node, cst.Attribute):
            target = self.flow.property(node, scope)
            returned = self.flow.returned(target.function) if target is not None else None
            if returned is not None:
                frame = Frame.of(target.scope, {})  # type: ignore[union-attr]
                return self.pieces(returned, frame, (*via, Via(name, source, span, context)), depth + 1)
        if value is PARAMETER and isinstance(value_scope.node, cst.FunctionDef) and isinstance(node, cst.Name):
            filled = self.flow.filled_alike(value_scope, node.value)
            if filled is None:
                return [_known_by(hole, evidence.of_parameter(self.flow, value_scope, node.value))]
            # Every call leaves it to its default (the function's text, shared), or one call fills it (its text).
            default = filled.value is param_default(value_scope.node, node.value)
            expansion = Via(node.value, source, span, context) if default else Via(node.value, source, span, context, "argument", via)
            return self.pieces(filled.value, filled.scope, (*(via if default else filled.via), expansion), depth + 1)
        if value is PARAMETER or not isinstance(value, cst.BaseExpression):
            return [hole]
        pieces = self.pieces(value, value_scope, (*via, Via(name, source, span, context)), depth + 1)
        if all(isinstance(p, Hole) for p in pieces) and len(pieces) == 1:
            # Nothing known about it: keep the name itself, so it is written back as it was,
            # still known by what it was found to be (self._base = settings.kubernetes.url).
            inner = pieces[0]
            known = " ".join(filter(None, (inner.name, inner.source if inner.source != inner.name else "")))
            return [Hole(source, span, context, known or name.split(".")[-1], via)]
        return pieces

    def _object_names(self, node: cst.Attribute, scope: Scope) -> list[str]:
        """What an attribute's object is known by: ``args.url`` by its add_argument, ``d.url``
        by what ``d`` is (``d = self.settings.datamimic``)."""
        names = evidence.of_argument(self.tree, node)
        if isinstance(node.value, cst.Name):
            found = self.tree.lookup(node.value.value, scope)
            if len(found) == 1 and isinstance(found[0][0], (cst.Name, cst.Attribute)) and found[0][0] is not PARAMETER:
                names.append(self.tree.text(found[0][0]))
        return names

    def origin(self, node: cst.BaseExpression, scope: Scope, depth: int = 0) -> tuple[cst.CSTNode, Scope, str] | None:
        """The expression a name stands for, through its one assignment and through the
        argument a call binds a parameter to; with the name it was last held in."""
        if depth > 8 or not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        found = self.assignments(node, scope)
        if len(found) != 1:
            return None
        value, value_scope = found[0]
        if value is PARAMETER and isinstance(node, cst.Name):
            binding = binding_of(scope, node.value, value_scope)
            if binding is None:
                return None
            if isinstance(binding.value, (cst.Name, cst.Attribute)):
                return self.origin(binding.value, binding.scope, depth + 1)
            return binding.value, binding.scope, node.value
        if isinstance(value, cst.Await):
            value = value.expression
        if isinstance(value, (cst.Name, cst.Attribute)) and value is not PARAMETER:
            return self.origin(value, value_scope, depth + 1)
        return value, value_scope, self.tree.text(node)

    def assignments(self, node: cst.Name | cst.Attribute, scope: Scope) -> list[tuple[cst.CSTNode, Scope]]:
        if isinstance(node, cst.Name):
            return self.tree.lookup(node.value, scope)
        owner = self.flow.named_class(node.value, scope) or self.flow.instance_class(node.value, scope)
        if owner is None:
            module = self.flow.module_named(node.value, scope)
            return self.tree.lookup(node.attr.value, module.module_scope) if module is not None else []
        if owner is None:
            return []
        attribute = node.attr.value
        return [*owner.assignments.get(attribute, []), *owner.self_attributes.get(attribute, [])]

    @staticmethod
    def _dotted(node: cst.BaseExpression) -> str:
        if isinstance(node, cst.Name):
            return node.value
        if isinstance(node, cst.Attribute):
            return f"{Values._dotted(node.value)}.{node.attr.value}"
        return ""

    @staticmethod
    def _static(node: cst.BaseExpression) -> str | None:
        if isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower():
            return node.evaluated_value  # type: ignore[return-value]
        return None


def _slice(literal: Literal, start: int, end: int) -> Literal:
    offsets = literal.offsets[start : end + 1] if literal.offsets else None
    return Literal(literal.text[start:end], offsets, literal.context, literal.via)


def _known_by(hole: Hole, words: list[str]) -> Hole:
    """The hole, named also by what the code says its value is (for the precision rule)."""
    return replace(hole, name=" ".join([hole.name or "", *words]).strip()) if words else hole


def _environment_name(node: cst.CSTNode) -> str | None:
    """``X`` of ``os.environ["X"]``, ``os.getenv("X")`` or ``os.environ.get("X")``."""
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        if isinstance(index, cst.Index) and isinstance(index.value, cst.SimpleString):
            return str(index.value.evaluated_value)
    if isinstance(node, cst.Call) and node.args and isinstance(node.args[0].value, cst.SimpleString):
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("getenv", "get"):
            return str(node.args[0].value.evaluated_value)
    return None


def render(content: Content, context: str, side: str = "") -> str:
    """Write ``content`` into a Python string literal of ``context`` (``py:<flags>:<quote>``),
    or, beside an expression of a ``+`` chain (``side``), as a string added to it."""
    if context == RAW:
        return "".join(str(item) for item in content)
    if context == EXPRESSION and side:
        if any(isinstance(item, Hole) for item in content):
            raise ValueError("a value known only at run time cannot be added there")
        literal = '"' + render(content, 'py::"') + '"'
        return f" + {literal}" if side == "after" else f"{literal} + "
    if not context.startswith("py:"):
        raise ValueError("the URL is built from expressions there: no text can be inserted")
    _, flags, quote = context.split(":", 2)
    raw, formatted = "r" in flags, "f" in flags
    out = []
    for item in content:
        if isinstance(item, Hole):
            if not formatted:
                raise ValueError("a value known only at run time cannot go into a plain string")
            source = requote(item.source, frozenset(quote[0]))
            if quote[0] in source or "\\" in source:
                raise ValueError("the value's expression cannot go into this f-string's braces before Python 3.12")
            out.append("{" + source + "}")
            continue
        text = item
        if raw:
            if quote[0] in text or text.endswith("\\"):
                raise ValueError("the text cannot be written into a raw string")
        else:
            text = text.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0])
            if len(quote) == 1:
                text = text.replace("\n", "\\n")
        if formatted:
            text = text.replace("{", "{{").replace("}", "}}")
        out.append(text)
    return "".join(out)


def string_literal(value: str, avoid: frozenset[str] = frozenset()) -> str:
    """``value`` as a Python string literal, in double quotes unless they are to be avoided
    (inside the braces of an f-string written with them, before Python 3.12)."""
    for quote in ('"', "'"):
        if quote not in avoid and quote not in value and "\\" not in value and "\n" not in value:
            return quote + value + quote
    if avoid:
        raise ValueError("no quote is left to write a string inside this f-string")
    return repr(value)


def requote(expression: str, avoid: frozenset[str]) -> str:
    """Python expression text with its string literals written in quotes it may use inside an
    f-string's braces (the text comes from the rule table, e.g. ``{value}.split("/", 1)[1]``)."""
    if not avoid:
        return expression

    def replace(match: re.Match[str]) -> str:
        value = match.group(2)
        return string_literal(value, avoid) if match.group(1) in avoid else match.group()

    return re.sub(r"""(["'])([^"'\\\n]*)\1""", replace, expression)
