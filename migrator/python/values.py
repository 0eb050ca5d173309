"""Python expressions as URL-model pieces, and writing text back into Python strings.

Strings, f-strings, implicit and ``+`` concatenation, module constants, class attributes,
``self.x`` set in a method, properties and the run's own functions are followed, and so are
the ways people compose URLs, each with Python's own semantics: ``str.format`` and ``%``
(the template inline or held in a name; positional, keyword and ``**mapping`` arguments),
``"/".join(...)`` (starred elements, a function's ``*parts``), ``posixpath.join``,
``urllib.parse.urljoin``, ``urlunsplit``/``urlunparse`` of what ``urlsplit`` took apart,
``.strip("/")`` and its kin. Anything else, including values read from the environment, is
a hole (whose name still counts as evidence).

A hole is a value known only at run time: where a URL starts, a base URL (scheme, host,
maybe a path; no query); elsewhere a non-empty path segment, as the rule table's templates
assume. A value computed *from* a hole that is not the hole's whole value (the scheme and
host urljoin keeps of ``args.url``, a base whose trailing "/" a join may drop) is a part
(context PART): it matches like a hole, but its source is never written back, nor is text
written beside it. Text from the arguments of a composition that is not plain concatenation
(urljoin's base, every part of posixpath.join but the last, what a strip is called on) is
sealed the same way: the expansions it came through keep their names (evidence, the one-plan
rule) but take no text beside them, which would change what the function does with them.
Offsets are character offsets in the module's code.
"""

from __future__ import annotations

import dataclasses
import re
import string
from collections.abc import Sequence
from urllib.parse import urlparse, urlsplit, urlunsplit

import libcst as cst

from migrator.python import evidence
from migrator.python.calls import static
from migrator.python.flow import Flow, Rest, binding_of, param_default
from migrator.python.project import Project
from migrator.python.tree import PARAMETER, Binding, Frame, Scope, dotted
from migrator.urls import Content, Hole, Literal, Piece, Via

EXPRESSION = "py-expr"  # between expressions: nothing can be written there
RAW = "py-raw"  # Python source written as it is (a whole new expression)
PART = "py-part"  # a part of a value, or beside a sealed argument: nothing is written there
LOOSE = "py-loose"  # an expression that binds looser than "+" (``a or b``): nothing is added beside it
SEALED = "sealed"  # the kind of a variable's expansion a composition takes apart (see _sealed_via)
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
# Flags of a string context besides Python's prefixes: the text of a str.format template
# (its braces are doubled) or of a %-template (its "%" is doubled).
_FORMAT_TEMPLATE, _PERCENT_TEMPLATE = "t", "p"
_DOLLAR_TEMPLATE = "d"  # a string.Template's text: its "$" is doubled
_DOLLAR_TOKEN = re.compile(r"\$(?:(\$)|((?a:[_a-z][_a-z0-9]*))|\{((?a:[_a-z][_a-z0-9]*))\}|())", re.IGNORECASE)
_FORMAT_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_PERCENT_TOKEN = re.compile(r"%%|%(?:\(([^()]*)\))?([-#0 +*.\dhlL]*)([a-zA-Z])|%")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_SPLIT_PARTS = ("scheme", "netloc", "path", "query", "fragment")
_PARSE_PARTS = ("scheme", "netloc", "path", "params", "query", "fragment")


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
        self._substituting = False  # a Template() is read as its text only as a substitute()'s template
        # (start, end) of a plain string's text -> the string, to drop a string an edit empties
        self.strings: dict[tuple[int, int], cst.SimpleString] = {}
        # A format field filled by a name (``{base}`` by ``base=BASE``) -> where the name is
        # read: the template's field is the name's expansion, the argument its use.
        self.filled: dict[tuple[int, int], set[tuple[int, int]]] = {}
        self.entries: set[tuple[int, int]] = set()  # where a dict's entry is chosen by key (see entry)

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
            entry = self.entry(node, scope, via, depth)
            if entry is not None:
                return entry
            env = _environment_name(node)
            return [self.hole(node, context, via, env)]
        if isinstance(node, cst.BooleanOperation) and isinstance(node.operator, cst.Or):
            return self.either(node, scope, via, depth, context)
        if isinstance(node, cst.Integer) and node.value.isdigit() and via and _in_fstring(via[-1].context):
            # A number a name holds, read into an f-string (V = 1, f"/api/v{V}"): its text is known,
            # so the URL is; it cannot be edited as a string's text is, so a URL changed there is
            # left and reported. Elsewhere (str(task) in a join) text would be put beside an int.
            return [Literal(str(int(node.value)), None, context, via)]
        return [self.hole(node, context, via)]

    def hole(self, node: cst.CSTNode, context: str, via: tuple[Via, ...], name: str | None = None) -> Hole:
        if context == EXPRESSION and not _binds_tighter_than_add(node):
            context = LOOSE  # `tid or "latest" + "/x"` would add to "latest" alone
        return Hole(self.tree.text(node), self.tree.span(node), context, name, via)

    def either(self, node: cst.BooleanOperation, scope: Scope, via: tuple[Via, ...], depth: int, context: str) -> list[Piece]:
        """``a or b``: ``a`` when its text is known and not empty, ``b`` when it is known empty,
        else a value known only at run time (a part, when ``a`` is one)."""
        left = self.argument(node.left, scope, via, depth)
        if all(isinstance(p, Literal) for p in left):
            return left if left else self.pieces(node.right, scope, via, depth + 1)
        unknown = next(p for p in left if isinstance(p, Hole))
        if unknown.context == PART:
            return [unknown]
        return [self.hole(node, context, via, unknown.name)]

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

    # ---------------------------------------------------------------- calls

    def call(
        self,
        node: cst.Call,
        scope: Scope,
        via: tuple[Via, ...],
        depth: int,
        context: str,
        anchor: tuple[tuple[int, int], str] | None = None,
    ) -> list[Piece]:
        """The text a call returns: a function of the run read through (``anchor``: where the
        call is written, when inside an f-string's braces), or a composition of the standard
        library's, with its semantics."""
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""
        target = self.flow.target(node, scope)
        if target is None:
            composed = self.composed(node, name, scope, via, depth, context)
            return composed if composed is not None else [self.hole(node, context, via, _environment_name(node))]
        returned = self.flow.returned(target.function)
        frame = self.flow.frame(target, node, scope, via) if returned is not None else None
        if frame is not None:
            span, source = anchor or (self.tree.span(node), self.tree.text(node))
            inner = self.pieces(returned, frame, (*via, Via(f"{name}()", source, span, context, "call")), depth + 1)  # type: ignore[arg-type]
            if not (len(inner) == 1 and isinstance(inner[0], Hole)):
                return inner
        return [self.hole(node, context, via)]

    def composed(
        self, node: cst.Call, name: str, scope: Scope, via: tuple[Via, ...], depth: int, context: str
    ) -> list[Piece] | None:
        """A URL composed by a string method or a function of the standard library; None when
        the call is none of them, or its result cannot be told exactly."""
        func = node.func
        if isinstance(func, cst.Attribute):
            receiver = func.value
            if name == "join" and dotted(receiver) in ("posixpath", "os.path"):
                return self.path_join(node, scope, via, depth)
            if name == "join":
                return self.string_join(node, receiver, scope, via, depth)
            if name in ("format", "format_map"):
                return self.str_format(node, receiver, scope, via, depth)
            if name in ("substitute", "safe_substitute"):
                return self.substitute(node, receiver, scope, via, depth)
            if name == "Template" and dotted(receiver) == "string":
                return self.dollar_template(node, scope, via, depth)
            if name in ("strip", "rstrip", "lstrip"):
                return self.strip(node, name, receiver, scope, via, depth, context)
        elif not self._imported(func, scope):
            return None  # a name of the run's own that is no function it has
        if name == "Template":
            return self.dollar_template(node, scope, via, depth)
        if name == "urljoin":
            return self.urljoin(node, scope, via, depth)
        if name in ("urlunsplit", "urlunparse"):
            return self.urlunsplit(node, scope, via, depth)
        if name == "str" and isinstance(func, cst.Name) and len(node.args) == 1 and not node.args[0].keyword and not node.args[0].star:
            inner = self.pieces(node.args[0].value, scope, via, depth + 1)
            # str(task_id) of an int: text beside it goes beside the call, not into it.
            return [self.hole(node, context, via, inner[0].name)] if len(inner) == 1 and isinstance(inner[0], Hole) else inner
        return None

    def _imported(self, func: cst.BaseExpression, scope: Scope) -> bool:
        """Whether a called name is a builtin or imported (``from urllib.parse import urljoin``)."""
        if not isinstance(func, cst.Name):
            return True
        found = self.tree.lookup(func.value, scope)
        return not found or all(isinstance(node, (cst.Import, cst.ImportFrom)) for node, _ in found)

    def argument(self, node: cst.BaseExpression, scope: Scope, via: tuple[Via, ...], depth: int) -> list[Piece]:
        return _nonempty(self.pieces(node, scope, via, depth + 1))

    # ---------------------------------------------------------------- joins

    def string_join(self, node: cst.Call, separator: cst.BaseExpression, scope: Scope, via: tuple[Via, ...], depth: int) -> list[Piece] | None:
        """``"/".join([BASE, project, *parts])``: the elements with the separator between them."""
        text = static(separator)
        if text is None or len(node.args) != 1 or node.args[0].keyword or node.args[0].star:
            return None
        elements = self.elements(node.args[0].value, scope, via, depth)
        if elements is None:
            return None
        out: list[Piece] = []
        for index, element in enumerate(elements):
            out += ([Literal(text, None, EXPRESSION, via)] if index else []) + element
        return _nonempty(out)

    def path_join(self, node: cst.Call, scope: Scope, via: tuple[Via, ...], depth: int) -> list[Piece] | None:
        """``posixpath.join(a, *p)``: each part after a "/" the path so far does not end with;
        a part that starts with "/" starts the path anew."""
        if any(arg.keyword for arg in node.args):
            return None
        parts: list[list[Piece]] = []
        for arg in node.args:
            found = self.spread(arg.value, scope, via, depth) if arg.star else [self.argument(arg.value, scope, via, depth)]
            if found is None:
                return None
            parts.extend(found)
        if not parts:
            return None
        # What follows a part depends on how it ends: no text may be written beside it.
        sealed = [_sealed(part, len(via)) for part in parts[:-1]] + parts[-1:]
        path = sealed[0]
        for part in sealed[1:]:
            if part and isinstance(part[0], Literal) and part[0].text.startswith("/"):
                path = part
            elif not path:
                path = part
            elif isinstance(path[-1], Hole) and len(path) == 1:
                # Whether a base URL ends with "/" is not known: "/" is there either way, its
                # own or the one join adds; the hole stands for the rest. (A hole after text is
                # a path segment: no "/" in it.)
                path = [_part(path[-1], len(via)), Literal("/", None, EXPRESSION, via), *part]
            elif isinstance(path[-1], Hole):
                path = [*path, Literal("/", None, EXPRESSION, via), *part]
            elif path[-1].text.endswith("/"):
                path = [*path, *part]
            else:
                path = [*path, Literal("/", None, EXPRESSION, via), *part]
        return path

    def elements(self, node: cst.BaseExpression, scope: Scope, via: tuple[Via, ...], depth: int) -> list[list[Piece]] | None:
        """The pieces of each element of an iterable written out: a list or tuple display
        (``*parts`` in it spread), a function's ``*parts``, a tuple held in a name, ``a + b``."""
        if isinstance(node, (cst.List, cst.Tuple)):
            out: list[list[Piece]] = []
            for element in node.elements:
                found = (
                    self.spread(element.value, scope, via, depth)
                    if isinstance(element, cst.StarredElement)
                    else [self.argument(element.value, scope, via, depth)]
                )
                if found is None:
                    return None
                out.extend(found)
            return out
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            left, right = self.elements(node.left, scope, via, depth), self.elements(node.right, scope, via, depth)
            return None if left is None or right is None else left + right
        return self.spread(node, scope, via, depth)

    def spread(self, node: cst.BaseExpression, scope: Scope, via: tuple[Via, ...], depth: int) -> list[list[Piece]] | None:
        """The elements ``*node`` stands for: a display, a tuple held in a name, or a function's
        ``*parts``, each element then the calling code's own text."""
        if isinstance(node, (cst.List, cst.Tuple)):
            return self.elements(node, scope, via, depth)
        if not isinstance(node, cst.Name) or depth > 8:
            return None
        found = self.tree.lookup(node.value, scope)
        if len(found) != 1:
            return None
        value, value_scope = found[0]
        if isinstance(value, cst.Tuple):  # a tuple cannot change after it is made
            return self.elements(value, value_scope, via, depth + 1)
        binding = binding_of(scope, node.value, value_scope) if value is PARAMETER else None
        if binding is None or not isinstance(binding.value, Rest):
            return None
        out = []
        for arg in binding.value.arguments:
            # Text beside an element goes beside the caller's argument: "/".join and
            # posixpath.join put each part as it is, between separators.
            argument = Via(node.value, self.tree.text(arg.value), self.tree.span(arg.value), EXPRESSION, "argument", binding.via)
            out.append(_nonempty(self.pieces(arg.value, binding.scope, (*binding.via, argument), depth + 1)))
        return out

    def urljoin(self, node: cst.Call, scope: Scope, via: tuple[Via, ...], depth: int) -> list[Piece] | None:
        """``urljoin(base, url)``, as urllib resolves it: an absolute path keeps the base's
        scheme and host; a relative path replaces what follows the base's last "/"."""
        arguments = _arguments(node, ("base", "url", "allow_fragments"))
        if arguments is None or {"base", "url"} - set(arguments) or not _is_true(arguments.get("allow_fragments")):
            return None
        base = self.argument(arguments["base"], scope, via, depth)
        url = self.argument(arguments["url"], scope, via, depth)
        if not base or not url:
            return None  # urljoin gives the other one back whole
        first = url[0]
        if isinstance(first, Literal) and (first.text.startswith(("//", "?", "#", ";")) or _SCHEME.match(first.text)):
            return None  # another host, scheme, or no path of its own
        absolute = isinstance(first, Literal) and first.text.startswith("/")
        if _has_dot_segments(url, keep_empty=absolute):
            return None  # urljoin resolves "." and ".." (and, relative, drops empty segments)
        base = _sealed(base, len(via))
        if absolute:
            origin = _origin(base, via)
            return None if origin is None else [*origin, *url]
        directory = _directory(base, via)
        return None if directory is None else [*directory, *url]

    def urlunsplit(self, node: cst.Call, scope: Scope, via: tuple[Via, ...], depth: int) -> list[Piece] | None:
        """``urlunsplit((scheme, netloc, path, "", ""))``: the path after what the scheme and
        host make of it, which is known when they are text and a part of them otherwise."""
        if len(node.args) != 1 or node.args[0].keyword or node.args[0].star:
            return None
        components = node.args[0].value
        if not isinstance(components, (cst.Tuple, cst.List)) or any(isinstance(e, cst.StarredElement) for e in components.elements):
            return None
        values = [element.value for element in components.elements]
        if len(values) != (5 if _callee_name(node) == "urlunsplit" else 6) or any(static(v) != "" for v in values[3:]):
            return None
        scheme, netloc = (self.argument(v, scope, via, depth) for v in values[:2])
        path = self.argument(values[2], scope, via, depth)
        if not path or (isinstance(path[0], Literal) and not (path[0].text.startswith("/") and path[0].text[1:2] != "/")):
            return None  # "/" is put before it, or not, depending on the host
        if all(isinstance(p, Literal) for p in (*scheme, *netloc)) and isinstance(path[0], Literal):
            head = urlunsplit(("".join(p.text for p in scheme), "".join(p.text for p in netloc), "/", "", ""))[:-1]  # type: ignore[union-attr]
            return ([Literal(head, None, EXPRESSION, via)] if head else []) + path
        unknown = next(p for p in (*scheme, *netloc, path[0]) if isinstance(p, Hole))
        # The scheme, the host and a path that starts unknown: all one part of what they come from.
        return [_part(unknown, len(via)), *(path if isinstance(path[0], Literal) else path[1:])]

    def url_part(self, call: cst.Call, scope: Scope, via: tuple[Via, ...], depth: int, part: str) -> list[Piece] | None:
        """One component of ``urlsplit(url)``/``urlparse(url)``: known when the URL is text, else
        a part of the URL."""
        if _callee_name(call) not in ("urlsplit", "urlparse") or not call.args or call.args[0].keyword or len(call.args) > 1:
            return None
        url = self.argument(call.args[0].value, scope, via, depth)
        if all(isinstance(p, Literal) for p in url):
            split = (urlsplit if _callee_name(call) == "urlsplit" else urlparse)("".join(p.text for p in url))  # type: ignore[union-attr]
            value = getattr(split, part, None)
            return None if not isinstance(value, str) else _nonempty([Literal(value, None, EXPRESSION, via)])
        hole = next(p for p in url if isinstance(p, Hole))
        return [_part(hole, len(via))]

    # ---------------------------------------------------------------- templates

    def str_format(self, node: cst.Call, template: cst.BaseExpression, scope: Scope, via: tuple[Via, ...], depth: int) -> list[Piece] | None:
        """``TEMPLATE.format(a, key=b, **mapping)`` and ``.format_map(mapping)``."""
        literal = self.template(template, scope, via, depth, _FORMAT_TEMPLATE)
        if literal is None:
            return None
        positional: list[cst.BaseExpression] = []
        keywords: dict[str, cst.BaseExpression] = {}
        mapping_only = _callee_name(node) == "format_map"
        for arg in node.args:
            if arg.star == "**" or mapping_only:
                found = self.mapping(arg.value, scope)
                if found is None:
                    return None
                keywords.update(found)
            elif arg.star:
                return None
            elif arg.keyword is not None:
                keywords[arg.keyword.value] = arg.value
            else:
                positional.append(arg.value)
        fields = _format_fields(literal.text)
        if fields is None:
            return None
        return self.fill(literal, fields, positional, keywords, scope, via, depth)

    def dollar_template(self, node: cst.Call, scope: Scope, via: tuple[Via, ...], depth: int) -> list[Piece] | None:
        """``Template(text)``: its text, read only as the template a ``.substitute()`` fills
        (the object is no string anywhere else)."""
        if not self._substituting or len(node.args) != 1 or node.args[0].keyword or node.args[0].star:
            return None
        return self.pieces(node.args[0].value, scope, via, depth + 1)

    def substitute(self, node: cst.Call, template: cst.BaseExpression, scope: Scope, via: tuple[Via, ...], depth: int) -> list[Piece] | None:
        """``TEMPLATE.substitute(mapping, key=value, **more)`` of a string.Template: a field no
        argument is known to fill is a hole (a ``**`` mapping not written out may fill any)."""
        outer, self._substituting = self._substituting, True
        try:
            literal = self.template(template, scope, via, depth, _DOLLAR_TEMPLATE)
        finally:
            self._substituting = outer
        fields = _dollar_fields(literal.text) if literal is not None else None
        if literal is None or fields is None:
            return None
        mapping: dict[str, cst.BaseExpression] = {}
        keywords: dict[str, cst.BaseExpression] = {}
        for index, arg in enumerate(node.args):
            if arg.keyword is not None:
                keywords[arg.keyword.value] = arg.value
            elif arg.star == "**" or (index == 0 and not arg.star):
                found = self.mapping(arg.value, scope)
                if found is None and arg.star == "**":
                    return self.fill(literal, fields, [], {}, scope, via, depth)  # it may fill any field
                (keywords if arg.star == "**" else mapping).update(found or {})
            else:
                return None
        return self.fill(literal, fields, [], {**mapping, **keywords}, scope, via, depth)

    def percent_format(self, node: cst.BinaryOperation, scope: Scope, via: tuple[Via, ...], depth: int) -> list[Piece]:
        """``TEMPLATE % (a, b)``, ``TEMPLATE % value`` and ``TEMPLATE % {"key": value}``."""
        literal = self.template(node.left, scope, via, depth, _PERCENT_TEMPLATE)
        fields = _percent_fields(literal.text) if literal is not None else None
        if literal is None or fields is None:
            return [self.hole(node, EXPRESSION, via)]
        right = node.right
        positional: list[cst.BaseExpression] = []
        keywords: dict[str, cst.BaseExpression] = {}
        if isinstance(right, cst.Tuple):
            if any(isinstance(e, cst.StarredElement) for e in right.elements):
                return [self.hole(node, EXPRESSION, via)]
            positional = [e.value for e in right.elements]
        elif any(key for _, _, key, _ in fields if key not in ("", None)):
            keywords = self.mapping(right, scope) or {}
        elif sum(1 for _, _, key, _ in fields if key is not None) == 1:
            positional = [right]  # one field, one value (a tuple held in a name stays a hole below)
        return self.fill(literal, fields, positional, keywords, scope, via, depth)

    def template(self, node: cst.BaseExpression, scope: Scope, via: tuple[Via, ...], depth: int, flag: str) -> Literal | None:
        """The text of a format template (a plain string, written here or held in a name), in a
        context where text written into it is escaped for the template's own language."""
        found = _sealed(self.pieces(node, scope, via, depth + 1), len(via))  # TEMPLATE.format: not beside TEMPLATE
        if len(found) != 1 or not isinstance(found[0], Literal) or found[0].offsets is None:
            return None
        literal = found[0]
        if not literal.context.startswith("py:") or "f" in literal.context.split(":")[1]:
            return None  # an f-string: its braces are not the template's
        _, flags, quote = literal.context.split(":", 2)
        return dataclasses.replace(literal, context=f"py:{flags}{flag}:{quote}")

    def mapping(self, node: cst.BaseExpression, scope: Scope) -> dict[str, cst.BaseExpression] | None:
        """The keys and values of a mapping written out: ``{"k": v}`` or ``dict(k=v)``, here or in a name."""
        origin = self.origin(node, scope) if isinstance(node, (cst.Name, cst.Attribute)) else (node, scope, "")
        value = origin[0] if origin is not None else None
        out: dict[str, cst.BaseExpression] = {}
        if isinstance(value, cst.Dict):
            for element in value.elements:
                key = static(element.key) if isinstance(element, cst.DictElement) else None
                if key is None:
                    return None
                out[key] = element.value
            return out
        if isinstance(value, cst.Call) and _callee_name(value) == "dict" and all(a.keyword and not a.star for a in value.args):
            return {a.keyword.value: a.value for a in value.args}  # type: ignore[union-attr]
        return None

    def fill(
        self,
        literal: Literal,
        fields: list[tuple[int, int, str | None, bool]],
        positional: Sequence[cst.BaseExpression],
        keywords: dict[str, cst.BaseExpression],
        scope: Scope,
        via: tuple[Via, ...],
        depth: int,
    ) -> list[Piece] | None:
        """A template's text with each field replaced by its value. ``fields`` holds (start,
        end, key, plain) of each field: key "" for the next positional value, a digit string for
        one by index, a name for a keyword, None for an escape ("{{" or "%%"); plain is False
        when the field does more than put the value's text (``{!r}``, ``%5d``): then it is a hole."""
        assert literal.offsets is not None
        out: list[Piece] = []
        pos = 0
        position = 0
        for start, end, key, plain in fields:
            out.append(_slice(literal, pos, start))
            pos = end
            span = (literal.offsets[start], literal.offsets[end])
            if key is None:  # an escape: one character of the value, written as two
                out.append(Literal(literal.text[start], span, literal.context, literal.via))
                continue
            if key.isdigit():
                argument = positional[int(key)] if int(key) < len(positional) else None
            elif key:
                argument = keywords.get(key)
            else:
                argument = positional[position] if position < len(positional) else None
                position += 1
            out.extend(self.field(argument, plain, span, literal, scope, depth))
        out.append(_slice(literal, pos, len(literal.text)))
        return _nonempty(out)

    def field(
        self, argument: cst.BaseExpression | None, plain: bool, span: tuple[int, int], literal: Literal, scope: Scope, depth: int
    ) -> list[Piece]:
        """The value a template's field holds. Text beside it is written into the template, next
        to the field; a value known only at run time is written again as its argument."""
        source = self.tree.text(argument) if argument is not None else ""
        name = argument.value if isinstance(argument, cst.Name) else _environment_name(argument) if argument is not None else None
        hole = Hole(source, span, literal.context if argument is not None and plain else PART, name, literal.via)
        if argument is None or not plain:
            return [hole]
        if isinstance(argument, (cst.Name, cst.Attribute)):
            self.filled.setdefault(span, set()).add(self.tree.span(argument))
            return self.variable(argument, scope, literal.via, depth + 1, (span, literal.context, source))
        if isinstance(argument, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString)):
            return self.pieces(argument, scope, literal.via, depth + 1)
        if isinstance(argument, cst.Call):
            found = self.call(argument, scope, literal.via, depth + 1, literal.context)
            if not (len(found) == 1 and isinstance(found[0], Hole)):
                return found
            return [dataclasses.replace(hole, name=found[0].name or name)]
        return [hole]

    def strip(
        self, node: cst.Call, name: str, receiver: cst.BaseExpression, scope: Scope, via: tuple[Via, ...], depth: int, context: str
    ) -> list[Piece] | None:
        """``x.rstrip("/")``, ``x.lstrip("/")``, ``x.strip()``: the text they keep. Characters
        they would strip from text a rewrite may change are not followed."""
        if len(node.args) > 1 or any(arg.keyword or arg.star for arg in node.args):
            return None
        chars = static(node.args[0].value) if node.args else string.whitespace
        if not chars:
            return None
        inner = self.argument(receiver, scope, via, depth)
        if len(inner) == 1 and isinstance(inner[0], Hole):
            return [self.hole(node, context, via, inner[0].name)]  # the whole call is the value
        inner = _sealed(inner, len(via))
        if not inner:
            return None
        first, last = inner[0], inner[-1]
        if name in ("lstrip", "strip"):
            if isinstance(first, Hole):
                inner[0] = _part(first, len(via))
            elif first.text[0] in chars:
                kept = len(first.text.lstrip(chars))
                if not kept:
                    return None
                inner[0] = _slice(first, len(first.text) - kept, len(first.text))
        if name in ("rstrip", "strip"):
            if isinstance(last, Hole):
                inner[-1] = _part(inner[-1], len(via))  # type: ignore[arg-type]
            elif last.text[-1] in chars:
                return None
        return inner

    def entry(self, node: cst.Subscript, scope: Scope, via: tuple[Via, ...], depth: int) -> list[Piece] | None:
        """``ENDPOINTS[name]``: the entry of a dict of templates written out once and only ever
        read by key, at a key whose text is known (``name`` bound to ``"info"`` by the call
        read through). The entry is shared by the calls that choose its key."""
        index = node.slice[0].slice if len(node.slice) == 1 else None
        if not isinstance(node.value, cst.Name) or not isinstance(index, cst.Index) or not self._only_read_by_key(node.value.value):
            return None
        key = self.pieces(index.value, scope, (), depth + 1)
        found = self.tree.lookup(node.value.value, scope)
        if len(key) != 1 or not isinstance(key[0], Literal) or not key[0].text.isidentifier() or len(found) != 1 or not isinstance(found[0][0], cst.Dict):
            return None
        table, table_scope = found[0]
        values = [e.value for e in table.elements if isinstance(e, cst.DictElement) and static(e.key) == key[0].text]  # type: ignore[union-attr]
        if len(values) != 1 or not all(isinstance(e, cst.DictElement) and static(e.key) is not None for e in table.elements):  # type: ignore[union-attr]
            return None
        # Each entry is a definition of its own, changed by the calls that choose it; its uses
        # are the dict's reads (ENDPOINTS[name] of every key).
        expansion = Via(f"{node.value.value}[{key[0].text}]", self.tree.text(node), self.tree.span(node), EXPRESSION)
        self.entries.add(expansion.span)
        return self.pieces(values[0], table_scope, (*via, expansion), depth + 1)

    def _only_read_by_key(self, name: str) -> bool:
        """Whether every use of ``name`` in the run is its one assignment or a read of one key
        (no entry set, deleted or changed, the dict never passed on)."""
        for use in self.tree.names.get(name, []):
            parent = self.tree.parent.get(use)
            if isinstance(parent, cst.AssignTarget):
                continue
            if not (isinstance(parent, cst.Subscript) and parent.value is use):
                return False
            if isinstance(self.tree.parent.get(parent), (cst.AssignTarget, cst.AugAssign, cst.Del, cst.AnnAssign)):
                return False
        return True

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
        if isinstance(node, cst.Attribute) and isinstance(node.value, (cst.Name, cst.Call)):
            part = self.url_attribute(node, scope, via, depth)
            if part is not None:
                return part
        found = self.assignments(node, scope)
        if len(found) != 1 or any(v.name == name and v.kind != "argument" for v in via):
            return [_known_by(hole, self._object_names(node, scope) if isinstance(node, cst.Attribute) else [])]
        value, value_scope = found[0]
        if value is not PARAMETER:
            value_scope = _within(scope, value_scope)  # a local of the function read through: its parameters stay bound
        if isinstance(node, cst.Attribute) and value_scope.kind == "class" and node.attr.value in value_scope.annotations:
            # An annotated field (a dataclass's): its value is the default, not what instances hold.
            return [_known_by(hole, evidence.of_field(self.tree, value_scope, node.attr.value, None if value is PARAMETER else value))]
        if value is PARAMETER and isinstance(node, cst.Name):
            # A parameter bound to the argument of the call read through (or of the one call of
            # its function): the caller's text.
            bound = binding_of(scope, node.value, value_scope)
            binding = bound or self.sole_binding(node.value, value_scope, via)
            if binding is not None and not isinstance(binding.value, Rest):
                argument = Via(node.value, source, span, context, "argument", via)
                pieces = self.pieces(binding.value, binding.scope, (*binding.via, argument), depth + 1)
                # The one call's argument, when it tells text the parameter does not.
                if bound is not None or any(isinstance(p, Literal) for p in pieces):
                    return pieces
            unpacked = self.unpacked(node.value, value_scope)
            if unpacked is not None and bound is None:
                call, index = unpacked
                parts = _SPLIT_PARTS if _callee_name(call) == "urlsplit" else _PARSE_PARTS
                found_part = self.url_part(call, _within(scope, value_scope), via, depth, parts[index]) if index < len(parts) else None
                if found_part is not None:
                    return found_part
        if isinstance(value, cst.FunctionDef) and isinstance(node, cst.Attribute):
            target = self.flow.property(node, scope)
            returned = self.flow.returned(target.function) if target is not None else None
            if returned is not None:
                frame = Frame.of(target.scope, {})  # type: ignore[union-attr]
                return self.pieces(returned, frame, (*via, Via(name, source, span, context)), depth + 1)
        if value is PARAMETER and isinstance(node, cst.Name) and bound is None:
            fixture = self.flow.fixture_value(node.value, value_scope)
            if fixture is not None:  # pytest's: every test that names it shares the fixture's text
                return self.pieces(fixture[0], fixture[1], (*via, Via(node.value, source, span, context)), depth + 1)
        if value is PARAMETER and isinstance(value_scope.node, cst.FunctionDef) and isinstance(node, cst.Name):
            filled = self.flow.filled_alike(value_scope, node.value)
            if filled is None:
                return [_known_by(hole, evidence.of_parameter(self.flow, value_scope, node.value))]
            # Every call leaves it to its default (the function's text, shared), or one call fills
            # it (its text). Reached through a definition other code shares on the way (the
            # self.base an instance's __init__ sets from it), that call's text is shared too:
            # every request on the instance reads it.
            shared = filled.value is param_default(value_scope.node, node.value) or any(v.kind == "variable" for v in via)
            expansion = Via(node.value, source, span, context) if shared else Via(node.value, source, span, context, "argument", via)
            return self.pieces(filled.value, filled.scope, (*(via if shared else filled.via), expansion), depth + 1)
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

    def url_attribute(self, node: cst.Attribute, scope: Scope, via: tuple[Via, ...], depth: int) -> list[Piece] | None:
        """``urlsplit(url).netloc``, or ``parts.netloc`` of ``parts = urlsplit(url)``."""
        part = node.attr.value
        if part not in _PARSE_PARTS:
            return None
        call = node.value
        if isinstance(call, cst.Name):
            found = self.tree.lookup(call.value, scope)
            call, scope = found[0] if len(found) == 1 else (None, scope)  # type: ignore[assignment]
        if not isinstance(call, cst.Call):
            return None
        return self.url_part(call, scope, via, depth, part)

    def sole_binding(self, name: str, function: Scope, via: tuple[Via, ...]) -> Binding | None:
        """A parameter of a function the run calls once, bound to that call's argument, when the
        URL does not come through a definition other code shares on the way (the caller's
        text would then be theirs too)."""
        if any(v.kind == "variable" for v in via):
            return None
        found = self.flow.sole_call(function)
        if found is None:
            return None
        target, call = found
        frame = self.flow.frame(target, call, self.tree.scope_of[call], via)
        return frame.bindings.get(name) if frame is not None else None

    def unpacked(self, name: str, scope: Scope) -> tuple[cst.Call, int] | None:
        """The call and the index of ``name`` in ``a, b, name = call(...)`` in the scope."""
        function = scope.node
        if isinstance(function, cst.FunctionDef) and name in _parameters(function):
            return None
        for use in self.tree.names.get(name, []):
            element = self.tree.parent.get(use)
            target = self.tree.parent.get(element) if isinstance(element, cst.Element) else None
            holder = self.tree.parent.get(target) if isinstance(target, (cst.Tuple, cst.List)) else None
            assign = self.tree.parent.get(holder) if isinstance(holder, cst.AssignTarget) else None
            if isinstance(assign, cst.Assign) and isinstance(assign.value, cst.Call) and self.tree.scope_of.get(use) is scope:
                return assign.value, next(i for i, e in enumerate(target.elements) if e is element)  # type: ignore[union-attr]
        return None

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
            if binding is None or isinstance(binding.value, Rest):
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
        attribute = node.attr.value
        return [*owner.assignments.get(attribute, []), *owner.self_attributes.get(attribute, [])]



# -------------------------------------------------------------------- pieces


def _binds_tighter_than_add(node: cst.CSTNode) -> bool:
    """Whether ``node + "x"`` and ``"x" + node`` add to the whole of ``node``'s value."""
    if getattr(node, "lpar", ()):
        return True
    if isinstance(node, cst.BinaryOperation):
        return isinstance(node.operator, (cst.Multiply, cst.Divide, cst.FloorDivide, cst.Modulo, cst.MatrixMultiply, cst.Power))
    if isinstance(node, cst.UnaryOperation):
        return not isinstance(node.operator, cst.Not)
    return not isinstance(node, (cst.BooleanOperation, cst.IfExp, cst.Lambda, cst.Comparison, cst.NamedExpr, cst.Yield))


def _parameters(function: cst.FunctionDef) -> set[str]:
    params = function.params
    stars = [star for star in (params.star_arg, params.star_kwarg) if isinstance(star, cst.Param)]
    return {p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params, *stars)}


def _within(scope: Scope, home: Scope) -> Scope:
    """Where a value assigned in ``home`` is read: the frame of the call being read through
    when ``home`` is its function (its parameters stay bound), else ``home`` itself."""
    return scope if isinstance(scope, Frame) and scope.function is home else home


def _slice(literal: Literal, start: int, end: int) -> Literal:
    offsets = literal.offsets[start : end + 1] if literal.offsets else None
    return Literal(literal.text[start:end], offsets, literal.context, literal.via)


def _nonempty(pieces: Sequence[Piece]) -> list[Piece]:
    return [p for p in pieces if not (isinstance(p, Literal) and not p.text)]


def _part(hole: Hole, start: int) -> Hole:
    """A value computed from ``hole`` that is not all of it: matched, never written (nor
    written beside, through the expansions from index ``start`` on)."""
    return Hole(hole.source, hole.span, PART, hole.name, _sealed_via(hole.via, start))


def _sealed_via(via: tuple[Via, ...], start: int) -> tuple[Via, ...]:
    """The expansions from index ``start`` on, sealed: a variable becomes kind "sealed" (a
    shared definition whose text may change in place, as a builder's, but with no beside),
    and neither it nor a parameter's argument is written again for what came through it
    (context PART: it may be only a part of their value)."""
    out = []
    for index, expansion in enumerate(via):
        if index >= start and expansion.kind in ("variable", "argument"):
            kind = SEALED if expansion.kind == "variable" else expansion.kind
            expansion = dataclasses.replace(expansion, kind=kind, context=PART)
        out.append(expansion)
    return tuple(out)


def _sealed(pieces: Sequence[Piece], start: int) -> list[Piece]:
    """Pieces whose expansions from index ``start`` on take no text beside them."""
    return [dataclasses.replace(p, via=_sealed_via(p.via, start)) for p in pieces]


def _has_dot_segments(pieces: Sequence[Piece], keep_empty: bool) -> bool:
    """Whether a URL's path has "." or ".." segments (or, unless ``keep_empty``, empty ones
    between others), which urljoin resolves (and drops)."""
    text = "".join(p.text if isinstance(p, Literal) else "\x00" for p in pieces)
    segments = re.split(r"[?#]", text, maxsplit=1)[0].split("/")
    return any(s in (".", "..") for s in segments) or (not keep_empty and "" in segments[1:-1])


def _origin(base: list[Piece], via: tuple[Via, ...]) -> list[Piece] | None:
    """The scheme and host of a base URL, which urljoin keeps before an absolute path."""
    if all(isinstance(p, Literal) for p in base):
        text = "".join(p.text for p in base)  # type: ignore[union-attr]
        if "\\" in text:
            return None
        parts = urlsplit(text)
        head = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))[:-1]
        return [Literal(head, None, EXPRESSION, via)] if head else []
    first = base[0]
    if isinstance(first, Literal):
        match = re.match(r"[A-Za-z][A-Za-z0-9+.-]*://[^/?#\\]*(?=[/?#])", first.text)
        if match is None:
            hole = next(p for p in base if isinstance(p, Hole))
            return [_part(hole, len(via))]  # the host goes on into a value known only at run time
        return [Literal(match.group(), None, EXPRESSION, first.via)]
    return [_part(first, len(via))]


def _directory(base: list[Piece], via: tuple[Via, ...]) -> list[Piece] | None:
    """A base URL up to its last "/", which urljoin keeps before a relative path; that "/"
    as text no edit may touch (the base must keep ending with it)."""
    last = base[-1]
    if not isinstance(last, Literal) or last.offsets is None:
        return None
    cut = last.text.rfind("/")
    text = "".join(p.text if isinstance(p, Literal) else "\x00" for p in base)
    path_start = re.match(r"(?:[A-Za-z][A-Za-z0-9+.-]*:)?(?://[^/?#]*)?", text).end()  # type: ignore[union-attr]
    before = len(text) - len(last.text)
    if cut < 0 or before + cut < path_start or re.search(r"[?#;\\]", text[path_start:]) or _has_dot_segments(
        [Literal(text[path_start : before + cut + 1], None, EXPRESSION)], keep_empty=False
    ):
        return None
    kept = _slice(last, 0, cut)
    return [*base[:-1], *([kept] if kept.text else []), Literal("/", None, EXPRESSION, via)]


def _arguments(node: cst.Call, names: Sequence[str]) -> dict[str, cst.BaseExpression] | None:
    """The arguments of a call of a library function by its parameters' names; None with
    ``*args`` or ``**kwargs``, or an argument it does not take."""
    out = {}
    for index, arg in enumerate(node.args):
        if arg.star:
            return None
        key = arg.keyword.value if arg.keyword is not None else names[index] if index < len(names) else None
        if key is None or key not in names:
            return None
        out[key] = arg.value
    return out


def _is_true(node: cst.BaseExpression | None) -> bool:
    return node is None or (isinstance(node, cst.Name) and node.value == "True")


def _callee_name(node: cst.Call) -> str:
    func = node.func
    return func.attr.value if isinstance(func, cst.Attribute) else func.value if isinstance(func, cst.Name) else ""


def _format_fields(text: str) -> list[tuple[int, int, str | None, bool]] | None:
    """The fields and escapes of a str.format template (see Values.fill); None when
    str.format would refuse it, or numbers fields both ways."""
    out: list[tuple[int, int, str | None, bool]] = []
    numbering = set()
    for match in _FORMAT_TOKEN.finditer(text):
        token = match.group()
        if token in ("{{", "}}"):
            out.append((match.start(), match.end(), None, True))
            continue
        if token in ("{", "}"):
            return None
        field = match.group(1)
        name, conversion, spec = re.fullmatch(r"([^!:]*)(![^:]*)?(:.*)?", field).groups()  # type: ignore[union-attr]
        plain = conversion in (None, "!s") and spec in (None, ":") and re.fullmatch(r"\w*", name) is not None
        key = name if re.fullmatch(r"\w*", name) else name.split(".")[0].split("[")[0]
        numbering.add("auto" if key == "" else "manual" if key.isdigit() else "name")
        out.append((match.start(), match.end(), key, plain))
    return None if {"auto", "manual"} <= numbering else out


def _dollar_fields(text: str) -> list[tuple[int, int, str | None, bool]] | None:
    """The fields and escapes of a string.Template (see Values.fill); None when a "$" is
    neither (substitute would refuse it)."""
    out: list[tuple[int, int, str | None, bool]] = []
    for match in _DOLLAR_TOKEN.finditer(text):
        escape, named, braced, invalid = match.groups()
        if invalid is not None:
            return None
        out.append((match.start(), match.end(), None if escape else named or braced, True))
    return out


def _percent_fields(text: str) -> list[tuple[int, int, str | None, bool]] | None:
    """The fields and escapes of a %-template (see Values.fill): only a bare ``%s`` (or
    ``%(key)s``) puts a value's text as it is; None when % would refuse the template."""
    out: list[tuple[int, int, str | None, bool]] = []
    for match in _PERCENT_TOKEN.finditer(text):
        if match.group() == "%%":
            out.append((match.start(), match.end(), None, True))
            continue
        if match.group() == "%" or "*" in (match.group(2) or ""):
            return None
        key, flags, conversion = match.groups()
        out.append((match.start(), match.end(), key if key is not None else "", conversion == "s" and not flags))
    if any(key for _, _, key, _ in out if key) and any(key == "" for _, _, key, _ in out):
        return None  # % takes a mapping or a tuple, not both
    return out


def _known_by(hole: Hole, words: list[str]) -> Hole:
    """The hole, named also by what the code says its value is (for the precision rule)."""
    return dataclasses.replace(hole, name=" ".join([hole.name or "", *words]).strip()) if words else hole


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


# -------------------------------------------------------------------- writing


def render(content: Content, context: str, side: str = "") -> str:
    """Write ``content`` into a Python string literal of ``context`` (``py:<flags>:<quote>``),
    or, beside an expression of a ``+`` chain (``side``), as a string added to it."""
    if any(isinstance(item, Hole) and item.context == PART for item in content):
        raise ValueError("a value computed from another one at run time cannot be written again")
    if context == RAW:
        return "".join(str(item) for item in content)
    if context == PART:
        raise ValueError("text there would change what the function that composes the URL does with it")
    if context == LOOSE:
        raise ValueError("text added beside that expression would join only a part of it")
    if context == EXPRESSION and side:
        if any(isinstance(item, Hole) for item in content):
            raise ValueError("a value known only at run time cannot be added there")
        literal = '"' + render(content, 'py::"') + '"'
        return f" + {literal}" if side == "after" else f"{literal} + "
    if not context.startswith("py:"):
        raise ValueError("the URL is built from expressions there: no text can be inserted")
    _, flags, quote = context.split(":", 2)
    raw, formatted = "r" in flags, "f" in flags
    template = _FORMAT_TEMPLATE in flags or _PERCENT_TEMPLATE in flags or _DOLLAR_TEMPLATE in flags
    out = []
    for item in content:
        if isinstance(item, Hole):
            if not formatted:
                raise ValueError("a value known only at run time cannot go into a plain string")
            if template:
                raise ValueError("a value known only at run time cannot go into a format template")
            source = requote(item.source, frozenset(quote[0]))
            if quote[0] in source or "\\" in source:
                raise ValueError("the value's expression cannot go into this f-string's braces before Python 3.12")
            out.append("{" + source + "}")
            continue
        text = item
        if _FORMAT_TEMPLATE in flags:
            text = text.replace("{", "{{").replace("}", "}}")
        if _PERCENT_TEMPLATE in flags:
            text = text.replace("%", "%%")
        if _DOLLAR_TEMPLATE in flags:
            text = text.replace("$", "$$")
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


def _in_fstring(context: str) -> bool:
    """Whether an expansion is written in an f-string's braces (its context is the string's)."""
    return context.startswith("py:") and context.split(":")[1].endswith("f")
