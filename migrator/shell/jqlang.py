"""The jq language: a parser that keeps the source span of every expression.

The grammar is jq's own (``src/parser.y`` of jq 1.6/1.7): pipes, ``,``, ``//``,
assignments, ``and``/``or``, comparisons, arithmetic, postfix paths (``.a``,
``."a"``, ``[e]``, ``[]``, ``[e:e]``, ``?``), string interpolation, formats
(``@tsv``), array and object construction (``{name, size}``, ``{(e): v}``),
variables, ``as`` bindings with destructuring, ``reduce``/``foreach``,
``if``/``elif``/``else``, ``try``/``catch``, ``label``, ``def`` and function calls.
Nothing is evaluated here: ``jq.py`` reads the tree to follow a response
through a filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class JqSyntaxError(ValueError):
    pass


@dataclass(eq=False)
class Node:
    """One expression: ``kind`` says which, ``start``/``end`` are offsets in the filter text."""

    kind: str
    start: int
    end: int
    children: list[Node | None] = field(default_factory=list)
    name: str = ""  # a field, function, variable, format or operator
    value: object = None  # a literal's value; an object entry's key kind; a string's parts
    name_span: tuple[int, int] = (0, 0)  # for a field: the span of the step alone (".a", '."a"', '["a"]')
    parent: Node | None = field(default=None, repr=False)

    def child(self, index: int) -> Node | None:
        return self.children[index] if index < len(self.children) else None


# ------------------------------------------------------------------ tokens

KEYWORDS = {
    "def", "if", "then", "elif", "else", "end", "as", "reduce", "foreach", "try", "catch",
    "label", "import", "include", "and", "or", "__loc__",
}  # fmt: skip
_IDENT = r"[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*"
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+|\#[^\n]*)
  | (?P<field>\.{_IDENT})
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<recurse>\.\.)
  | (?P<var>\${_IDENT}|\$__loc__)
  | (?P<format>@[A-Za-z0-9_]+)
  | (?P<ident>{_IDENT})
  | (?P<string>")
  | (?P<op>\?//|\|=|\+=|-=|\*=|/=|%=|//=|==|!=|<=|>=|//|[.|,=<>+\-*/%?()\[\]{{}}:;])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # field | number | recurse | var | format | ident | keyword | string | op | end
    text: str
    start: int
    end: int
    parts: tuple = ()  # a string's parts: str or (start, end) spans of interpolations


def tokenize(source: str, start: int = 0, stop: int | None = None) -> list[Token]:
    stop = len(source) if stop is None else stop
    tokens: list[Token] = []
    pos = start
    while pos < stop:
        match = _TOKEN.match(source, pos, stop)
        if not match:
            raise JqSyntaxError(f"unexpected {source[pos]!r} at {pos}")
        kind = match.lastgroup
        assert kind is not None
        if kind == "space":
            pos = match.end()
            continue
        if kind == "string":
            end, parts = _string(source, pos, stop)
            tokens.append(Token("string", source[pos:end], pos, end, tuple(parts)))
            pos = end
            continue
        text = match.group()
        if kind == "ident" and text in KEYWORDS:
            kind = "keyword"
        tokens.append(Token(kind, text, pos, match.end()))
        pos = match.end()
    tokens.append(Token("end", "", stop, stop))
    return tokens


_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _string(source: str, start: int, stop: int) -> tuple[int, list]:
    """The end of the string literal at ``start`` and its parts: text, or the span of a ``\\(...)``."""
    parts: list = []
    text: list[str] = []
    pos = start + 1
    while pos < stop:
        char = source[pos]
        if char == '"':
            if text:
                parts.append("".join(text))
            return pos + 1, parts
        if char == "\\":
            code = source[pos + 1 : pos + 2]
            if code == "(":
                if text:
                    parts.append("".join(text))
                    text = []
                inner = pos + 2
                end = _matching_paren(source, inner, stop)
                parts.append((inner, end))
                pos = end + 1
                continue
            if code == "u":
                text.append(chr(int(source[pos + 2 : pos + 6], 16)))
                pos += 6
                continue
            if code not in _ESCAPES:
                raise JqSyntaxError(f"bad escape \\{code} at {pos}")
            text.append(_ESCAPES[code])
            pos += 2
            continue
        text.append(char)
        pos += 1
    raise JqSyntaxError(f"unterminated string at {start}")


def _matching_paren(source: str, pos: int, stop: int) -> int:
    """The offset of the ``)`` that closes an interpolation whose text starts at ``pos``."""
    depth = 0
    while pos < stop:
        char = source[pos]
        if char == '"':
            pos, _ = _string(source, pos, stop)
            continue
        if char == "#":
            newline = source.find("\n", pos, stop)
            pos = stop if newline < 0 else newline
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return pos
            depth -= 1
        pos += 1
    raise JqSyntaxError("unterminated string interpolation")


# ------------------------------------------------------------------ parser

# Binding powers of the infix operators (jq's %left/%right/%nonassoc lines), low to high.
_INFIX = {
    "|": (1, "right"),
    ",": (2, "left"),
    "//": (3, "right"),
    "=": (4, "none"), "|=": (4, "none"), "+=": (4, "none"), "-=": (4, "none"), "*=": (4, "none"),
    "/=": (4, "none"), "%=": (4, "none"), "//=": (4, "none"),
    "or": (5, "left"),
    "and": (6, "left"),
    "==": (7, "none"), "!=": (7, "none"), "<": (7, "none"), "<=": (7, "none"), ">": (7, "none"), ">=": (7, "none"),
    "+": (8, "left"), "-": (8, "left"),
    "*": (9, "left"), "/": (9, "left"), "%": (9, "left"),
}  # fmt: skip
_KIND = {"|": "pipe", ",": "comma", "//": "alternative"}
_ASSIGN = {"=", "|=", "+=", "-=", "*=", "/=", "%=", "//="}
_LITERALS = {"null": None, "true": True, "false": False}


class _Parser:
    def __init__(self, source: str, tokens: list[Token]) -> None:
        self.source = source
        self.tokens = tokens
        self.pos = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def peek(self, ahead: int = 1) -> Token:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.token
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def at(self, *texts: str) -> bool:
        return self.token.kind in ("op", "keyword") and self.token.text in texts

    def expect(self, text: str) -> Token:
        if not self.at(text):
            found = self.token.text or "the end"
            raise JqSyntaxError(f"expected {text!r} at {self.token.start}, found {found!r}")
        return self.advance()

    # ---------------------------------------------------------------- expressions

    def expression(self, minimum: int = 0) -> Node:
        if self.at("def"):
            definition = self.definition()
            rest = self.expression(minimum)
            return Node("funcdef", definition.start, rest.end, [definition, rest], definition.name)
        left = self.prefix()
        while True:
            token = self.token
            op = token.text if token.kind in ("op", "keyword") else ""
            if op == "as" and left.kind in _TERMS:
                left = self.binding(left)
                continue
            if op not in _INFIX:
                return left
            power, assoc = _INFIX[op]
            if power < minimum or (power == minimum and assoc != "right"):
                return left
            self.advance()
            right = self.expression(power + 1 if assoc != "right" else power)
            kind = _KIND.get(op, "assign" if op in _ASSIGN else "binary")
            left = Node(kind, left.start, right.end, [left, right], op)
            if assoc == "none" and self.token.text == op and self.token.kind == "op":
                raise JqSyntaxError(f"{op} is not associative at {self.token.start}")

    def prefix(self) -> Node:
        token = self.token
        if token.kind == "op" and token.text == "-":
            self.advance()
            operand = self.expression(10)
            return Node("negate", token.start, operand.end, [operand], "-")
        if token.kind == "keyword" and token.text == "label":
            self.advance()
            name = self.advance()
            if name.kind != "var":
                raise JqSyntaxError(f"expected $name after label at {name.start}")
            self.expect("|")
            body = self.expression(1)
            return Node("label", token.start, body.end, [body], name.text)
        return self.postfix(self.term())

    def binding(self, source: Node) -> Node:
        self.expect("as")
        patterns = [self.pattern()]
        while self.at("?//"):
            self.advance()
            patterns.append(self.pattern())
        self.expect("|")
        body = self.expression(1)
        return Node("bind", source.start, body.end, [source, body, *patterns])

    def pattern(self) -> Node:
        token = self.token
        if token.kind == "var":
            self.advance()
            return Node("pattern_var", token.start, token.end, name=token.text[1:])
        if self.at("["):
            self.advance()
            items = []
            while not self.at("]"):
                items.append(self.pattern())
                if not self.at("]"):
                    self.expect(",")
            end = self.expect("]").end
            return Node("pattern_array", token.start, end, items)
        if self.at("{"):
            self.advance()
            entries = []
            while not self.at("}"):
                entries.append(self.pattern_entry())
                if not self.at("}"):
                    self.expect(",")
            end = self.expect("}").end
            return Node("pattern_object", token.start, end, entries)
        raise JqSyntaxError(f"expected a pattern at {token.start}")

    def pattern_entry(self) -> Node:
        token = self.token
        if token.kind == "var":
            self.advance()
            value = None
            if self.at(":"):
                self.advance()
                value = self.pattern()
            end = value.end if value else token.end
            return Node("pattern_entry", token.start, end, [value], token.text[1:], "var")
        if token.kind in ("ident", "keyword"):
            self.advance()
            self.expect(":")
            value = self.pattern()
            return Node("pattern_entry", token.start, value.end, [value], token.text, "ident")
        if token.kind == "string":
            key = self.string_node(self.advance())
            self.expect(":")
            value = self.pattern()
            return Node("pattern_entry", token.start, value.end, [key, value], "", "string")
        if self.at("("):
            self.advance()
            key = self.expression()
            self.expect(")")
            self.expect(":")
            value = self.pattern()
            return Node("pattern_entry", token.start, value.end, [key, value], "", "expression")
        raise JqSyntaxError(f"expected an object pattern entry at {token.start}")

    def definition(self) -> Node:
        start = self.expect("def").start
        name = self.advance()
        if name.kind not in ("ident", "keyword"):
            raise JqSyntaxError(f"expected a function name at {name.start}")
        params: list[Node] = []
        if self.at("("):
            self.advance()
            while True:
                param = self.advance()
                params.append(Node("param", param.start, param.end, name=param.text))
                if self.at(";"):
                    self.advance()
                    continue
                self.expect(")")
                break
        self.expect(":")
        body = self.expression()
        end = self.expect(";").end
        return Node("def", start, end, [body, *params], name.text)

    # ---------------------------------------------------------------- terms

    def term(self) -> Node:
        token = self.token
        kind = token.kind
        if kind == "op" and token.text == ".":
            self.advance()
            follow = self.token
            if follow.kind == "string" and follow.start == token.end:
                self.advance()
                key = self.string_node(follow)
                node = Node("field", token.start, follow.end, [None, key], _static(key), name_span=(token.start, follow.end))
                return node
            return Node("identity", token.start, token.end)
        if kind == "field":
            self.advance()
            return Node("field", token.start, token.end, [None], token.text[1:], name_span=(token.start, token.end))
        if kind == "recurse":
            self.advance()
            return Node("recurse", token.start, token.end)
        if kind == "number":
            self.advance()
            return Node("literal", token.start, token.end, value=float(token.text) if "." in token.text or "e" in token.text.lower() else int(token.text))
        if kind == "string":
            self.advance()
            return self.string_node(token)
        if kind == "format":
            self.advance()
            if self.token.kind == "string":
                string = self.advance()
                node = self.string_node(string)
                return Node("string", token.start, node.end, node.children, token.text, node.value)
            return Node("format", token.start, token.end, name=token.text)
        if kind == "var":
            self.advance()
            return Node("var", token.start, token.end, name=token.text[1:])
        if kind == "keyword" and token.text == "if":
            return self.conditional()
        if kind == "keyword" and token.text == "try":
            self.advance()
            body = self.postfix(self.term())
            catch = None
            if self.at("catch"):
                self.advance()
                catch = self.postfix(self.term())
            return Node("try", token.start, (catch or body).end, [body, catch])
        if kind == "keyword" and token.text in ("reduce", "foreach"):
            return self.fold()
        if kind in ("ident", "keyword") and token.text not in ("then", "elif", "else", "end", "as", "catch", "and", "or"):
            self.advance()
            if token.text in _LITERALS and not self.at("("):
                return Node("literal", token.start, token.end, value=_LITERALS[token.text], name=token.text)
            args: list[Node | None] = []
            end = token.end
            if self.at("("):
                self.advance()
                while True:
                    args.append(self.expression())
                    if self.at(";"):
                        self.advance()
                        continue
                    end = self.expect(")").end
                    break
            return Node("call", token.start, end, args, token.text)
        if kind == "op" and token.text == "(":
            self.advance()
            inner = self.expression()
            end = self.expect(")").end
            return Node("paren", token.start, end, [inner])
        if kind == "op" and token.text == "[":
            self.advance()
            if self.at("]"):
                end = self.advance().end
                return Node("array", token.start, end, [None])
            inner = self.expression()
            end = self.expect("]").end
            return Node("array", token.start, end, [inner])
        if kind == "op" and token.text == "{":
            return self.object()
        raise JqSyntaxError(f"unexpected {token.text or 'end of filter'!r} at {token.start}")

    def postfix(self, node: Node) -> Node:
        while True:
            token = self.token
            if token.kind == "field":
                self.advance()
                node = Node("field", node.start, token.end, [node], token.text[1:], name_span=(token.start, token.end))
                continue
            if token.kind == "op" and token.text == "." and self.peek().kind == "string" and self.peek().start == token.end:
                self.advance()
                key_token = self.advance()
                key = self.string_node(key_token)
                node = Node("field", node.start, key_token.end, [node, key], _static(key), name_span=(token.start, key_token.end))
                continue
            if token.kind == "op" and token.text == "." and self.peek().kind == "op" and self.peek().text == "[":
                # ".a.[0]" (jq 1.7): the dot before a bracket
                self.advance()
                continue
            if token.kind == "op" and token.text == "[":
                node = self.subscript(node)
                continue
            if token.kind == "op" and token.text == "?":
                self.advance()
                node = Node("optional", node.start, token.end, [node])
                continue
            return node

    def subscript(self, target: Node) -> Node:
        start = self.expect("[").start
        if self.at("]"):
            end = self.advance().end
            return Node("iterate", target.start, end, [target], name_span=(start, end))
        if self.at(":"):
            self.advance()
            upper = self.expression()
            end = self.expect("]").end
            return Node("slice", target.start, end, [target, None, upper], name_span=(start, end))
        index = self.expression()
        if self.at(":"):
            self.advance()
            upper = None if self.at("]") else self.expression()
            end = self.expect("]").end
            return Node("slice", target.start, end, [target, index, upper], name_span=(start, end))
        end = self.expect("]").end
        if index.kind == "string" and _static(index) is not None:
            return Node("field", target.start, end, [target, index], _static(index), name_span=(start, end))
        return Node("index", target.start, end, [target, index], name_span=(start, end))

    def string_node(self, token: Token) -> Node:
        children: list[Node | None] = []
        parts: list = []
        for part in token.parts:
            if isinstance(part, str):
                parts.append(part)
                continue
            inner = _Parser(self.source, tokenize(self.source, part[0], part[1]))
            expression = inner.expression()
            if inner.token.kind != "end":
                raise JqSyntaxError(f"unexpected {inner.token.text!r} at {inner.token.start}")
            children.append(expression)
            parts.append(len(children) - 1)
        return Node("string", token.start, token.end, children, "", tuple(parts))

    def conditional(self) -> Node:
        start = self.expect("if").start
        children: list[Node | None] = [self.expression()]
        self.expect("then")
        children.append(self.expression())
        while self.at("elif"):
            self.advance()
            children.append(self.expression())
            self.expect("then")
            children.append(self.expression())
        if self.at("else"):
            self.advance()
            children.append(self.expression())
        end = self.expect("end").end
        return Node("if", start, end, children)

    def fold(self) -> Node:
        keyword = self.advance()
        source = self.postfix(self.term())
        self.expect("as")
        pattern = self.pattern()
        self.expect("(")
        parts = [self.expression()]
        while self.at(";"):
            self.advance()
            parts.append(self.expression())
        end = self.expect(")").end
        return Node(keyword.text, keyword.start, end, [source, pattern, *parts])

    def object(self) -> Node:
        start = self.expect("{").start
        entries: list[Node | None] = []
        while not self.at("}"):
            entries.append(self.object_entry())
            if not self.at("}"):
                self.expect(",")
        end = self.expect("}").end
        return Node("object", start, end, entries)

    def object_entry(self) -> Node:
        token = self.token
        if token.kind == "var":
            self.advance()
            key = Node("var", token.start, token.end, name=token.text[1:])
            if self.at(":"):
                self.advance()
                value = self.object_value()
                return Node("entry", token.start, value.end, [key, value], token.text[1:], "var")
            return Node("entry", token.start, token.end, [key, None], token.text[1:], "var")
        if token.kind in ("ident", "keyword"):
            self.advance()
            if self.at(":"):
                self.advance()
                value = self.object_value()
                return Node("entry", token.start, value.end, [None, value], token.text, "ident")
            return Node("entry", token.start, token.end, [None, None], token.text, "ident")
        if token.kind in ("string", "format"):
            key = self.term()
            if self.at(":"):
                self.advance()
                value = self.object_value()
                return Node("entry", token.start, value.end, [key, value], _static(key) or "", "string")
            return Node("entry", token.start, key.end, [key, None], _static(key) or "", "string")
        if token.kind == "number":
            self.advance()
            self.expect(":")
            value = self.object_value()
            return Node("entry", token.start, value.end, [None, value], token.text, "ident")
        if self.at("("):
            self.advance()
            key = self.expression()
            self.expect(")")
            self.expect(":")
            value = self.object_value()
            return Node("entry", token.start, value.end, [key, value], "", "expression")
        raise JqSyntaxError(f"unexpected {token.text!r} in an object at {token.start}")

    def object_value(self) -> Node:
        """``ExpD``: terms joined by pipes (a comma ends the value)."""
        if self.at("-"):
            token = self.advance()
            operand = self.object_value()
            return Node("negate", token.start, operand.end, [operand], "-")
        left = self.postfix(self.term())
        if self.at("|"):
            self.advance()
            right = self.object_value()
            return Node("pipe", left.start, right.end, [left, right], "|")
        return left


_TERMS = {
    "identity", "field", "recurse", "literal", "string", "format", "var", "call", "paren", "array",
    "object", "index", "iterate", "slice", "optional", "if", "try", "reduce", "foreach",
}  # fmt: skip


def _static(node: Node) -> str | None:
    """The text of a string literal without interpolation."""
    if node.kind != "string" or node.name:
        return None
    parts = node.value or ()
    if any(not isinstance(p, str) for p in parts):
        return None
    return "".join(parts)


def _link(node: Node, parent: Node | None) -> None:
    node.parent = parent
    for child in node.children:
        if child is not None:
            _link(child, node)


def parse(source: str) -> Node:
    """The tree of a jq filter. Raises JqSyntaxError."""
    parser = _Parser(source, tokenize(source))
    if parser.token.kind == "end":
        root = Node("identity", 0, 0)  # jq with an empty filter is "."
    else:
        root = parser.expression()
        if parser.token.kind != "end":
            raise JqSyntaxError(f"unexpected {parser.token.text!r} at {parser.token.start}")
    _link(root, None)
    return root


def walk(node: Node):
    yield node
    for child in node.children:
        if child is not None:
            yield from walk(child)
