"""Shell words as URL-model pieces, variables followed through assignments, and quoting.

tree-sitter-bash gives byte offsets; a word becomes ``Literal`` pieces (each
character knowing its byte offset, so an edit can land inside the quotes it was
written in) and ``Hole``s for expansions only known at run time. A variable
assigned exactly once in the file is replaced by its value, remembering the
variable's name (``via``) for the DATAMIMIC evidence and for shared edits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter_bash
from tree_sitter import Language, Node, Parser

from migrator.urls import Content, Hole, Literal, Piece, Via

_PARSER = Parser(Language(tree_sitter_bash.language()))

EXPANSIONS = {"simple_expansion", "expansion", "command_substitution", "arithmetic_expansion", "process_substitution"}
# In double quotes a backslash escapes only these.
_DOUBLE_ESCAPABLE = '$`"\\\n'


def parse(source: bytes) -> Node:
    return _PARSER.parse(source).root_node


def text(source: bytes, node: Node) -> str:
    return source[node.start_byte : node.end_byte].decode("utf-8", "surrogateescape")


def walk(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def _char_offsets(raw: bytes, start: int) -> tuple[str, list[int]]:
    value = raw.decode("utf-8", "surrogateescape")
    offsets = []
    pos = start
    for char in value:
        offsets.append(pos)
        pos += len(char.encode("utf-8", "surrogateescape"))
    offsets.append(pos)
    return value, offsets


def _unescape(raw: bytes, start: int, escapable: str | None) -> tuple[str, list[int]]:
    """Value and per-character offsets of text where a backslash escapes (``escapable``: which; None: any)."""
    chars, offsets = _char_offsets(raw, start)
    out: list[str] = []
    out_offsets: list[int] = []
    i = 0
    while i < len(chars):
        if chars[i] == "\\" and i + 1 < len(chars) and (escapable is None or chars[i + 1] in escapable):
            if chars[i + 1] != "\n":  # a line continuation vanishes
                out.append(chars[i + 1])
                out_offsets.append(offsets[i])
            i += 2
            continue
        out.append(chars[i])
        out_offsets.append(offsets[i])
        i += 1
    out_offsets.append(offsets[-1])
    return "".join(out), out_offsets


def _expansion_name(source: bytes, node: Node) -> str | None:
    names = [c for c in node.children if c.type in ("variable_name", "special_variable_name")]
    return text(source, names[0]) if names else None


DEFAULT_OPERATORS = {":-", "-", ":=", "="}


def _default_word(node: Node) -> Node | None:
    """The word of ``${NAME:-word}`` (also ``-``, ``:=``, ``=``), if ``node`` is one."""
    children = node.children
    if node.type != "expansion" or len(children) != 5 or children[1].type != "variable_name":
        return None
    return children[3] if children[2].type in DEFAULT_OPERATORS else None


def defaulted(source: bytes, name: str) -> int | None:
    """Where ``${name:-...}`` gives a default to a value that may come from the environment."""
    match = re.search(rb"\$\{" + re.escape(name.encode()) + rb":?[-=]", source)
    return match.start() if match else None


def _is_plain(source: bytes, node: Node) -> bool:
    """``$NAME`` or ``${NAME}``: nothing that changes the value."""
    if node.type == "simple_expansion":
        return True
    inner = [c for c in node.children if c.type not in ("${", "}")]
    return len(inner) == 1 and inner[0].type in ("variable_name", "special_variable_name")


Arg = tuple  # (first node, end byte, pieces): one argument of a command


@dataclass(frozen=True, eq=False)
class Frame:
    """A call of a shell function: its positional parameters are the call's arguments."""

    function: Node
    args: tuple[Arg, ...]
    call: Node  # the command that calls the function
    caller: Frame | None = None

    def depth(self) -> int:
        return 1 + (self.caller.depth() if self.caller else 0)


class Words:
    """Turns word nodes into pieces, following variables through their assignments
    (the binder's, scoped to functions) and positional parameters through ``frame``."""

    def __init__(self, source: bytes, script, frame: Frame | None = None) -> None:
        self.source = source
        self.script = script
        self.frame = frame

    def at(self, frame: Frame | None) -> Words:
        return self if frame is self.frame else Words(self.source, self.script, frame)

    def pieces(self, node: Node, context: str = "bare", via: tuple[Via, ...] = (), depth: int = 0) -> list[Piece]:
        kind = node.type
        raw = self.source[node.start_byte : node.end_byte]
        if kind == "command_name" and node.children:
            return self.pieces(node.children[0], context, via, depth)
        if kind in ("word", "number"):
            value, offsets = _unescape(raw, node.start_byte, None)
            return [Literal(value, tuple(offsets), "bare", via)]
        if kind == "raw_string":
            value, offsets = _char_offsets(raw[1:-1], node.start_byte + 1)
            return [Literal(value, tuple(offsets), "single", via)]
        if kind == "ansi_c_string":
            return [Literal(_ansi_c(raw[2:-1].decode("utf-8", "surrogateescape")), None, "ansi", via)]
        if kind == "string":
            return self._double_quoted(node, via, depth)
        if kind == "concatenation":
            return self.joined(node.children, context, via, depth)
        if kind in ("simple_expansion", "expansion"):
            return self._expansion(node, context, via, depth)
        return [Hole(text(self.source, node), (node.start_byte, node.end_byte), context, None, via)]

    def _double_quoted(self, node: Node, via: tuple[Via, ...], depth: int) -> list[Piece]:
        out: list[Piece] = []
        pos = node.start_byte + 1
        end = node.end_byte - 1
        for child in node.children:
            if child.type not in EXPANSIONS:
                continue
            if child.start_byte > pos:
                value, offsets = _unescape(self.source[pos : child.start_byte], pos, _DOUBLE_ESCAPABLE)
                out.append(Literal(value, tuple(offsets), "double", via))
            out.extend(self.pieces(child, "double", via, depth))
            pos = child.end_byte
        if end > pos:
            value, offsets = _unescape(self.source[pos:end], pos, _DOUBLE_ESCAPABLE)
            out.append(Literal(value, tuple(offsets), "double", via))
        return out

    def joined(self, nodes, context: str = "bare", via: tuple[Via, ...] = (), depth: int = 0) -> list[Piece]:
        """The pieces of nodes written side by side as one word.

        tree-sitter-bash cuts ``$HOST/api/v1/$PROJECT/files`` after the second
        ``$``; a lone ``$`` before a name is put back together as an expansion.
        """
        out: list[Piece] = []
        for node in nodes:
            pieces = self.pieces(node, context, via, depth)
            first = pieces[0] if pieces else None
            last = out[-1] if out else None
            if isinstance(last, Hole) and last.source == "$" and isinstance(first, Literal) and first.offsets:
                name = re.match(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]", first.text)
                if name:
                    out.pop()
                    cut = len(name.group())
                    span = (last.span[0], first.offsets[cut])
                    out.extend(self.variable(name.group(), "$" + name.group(), span, last.context, via, depth))
                    rest = Literal(first.text[cut:], first.offsets[cut:], first.context, first.via)
                    pieces = ([rest] if rest.text else []) + pieces[1:]
            for piece in pieces:
                last = out[-1] if out else None
                if (
                    isinstance(piece, Literal)
                    and isinstance(last, Literal)
                    and (last.context, last.via) == (piece.context, piece.via)
                    and last.offsets
                    and piece.offsets
                    and last.offsets[-1] == piece.offsets[0]
                ):
                    # ".result[0].status" comes as five words: one piece of text.
                    out[-1] = Literal(last.text + piece.text, last.offsets[:-1] + piece.offsets, last.context, last.via)
                else:
                    out.append(piece)
        return out

    def _expansion(self, node: Node, context: str, via: tuple[Via, ...], depth: int) -> list[Piece]:
        name = _expansion_name(self.source, node)
        source = text(self.source, node)
        span = (node.start_byte, node.end_byte)
        default = _default_word(node)
        if name and default is not None and depth <= 8:
            # ${NAME:-word}: read as its default, the value the code names; the variable is
            # kept in via (its value may come from the environment: it never moves alone).
            # DM_BASE="${DM_BASE:-...}" is the variable's own value: one via for both.
            own = bool(via) and via[-1].name.split("@")[0] == name
            inner = via if own else (*via, Via(name, source, span, context))
            pieces = self.pieces(default, context, inner, depth + 1)
            if not any(isinstance(p, Hole) and p.name is None for p in pieces):
                return pieces
            return [Hole(source, span, context, name, via)]
        if not name or not _is_plain(self.source, node):
            return [Hole(source, span, context, name, via)]
        return self.variable(name, source, span, context, via, depth)

    def positional(self, number: int, at: int) -> Arg | None:
        """The argument a positional parameter holds at ``at`` in the frame's function."""
        frame = self.frame
        if frame is None:
            return None
        index = number - 1 + self.script.shifts_before(frame.function, at)
        return frame.args[index] if 0 <= index < len(frame.args) else None

    def variable(
        self, name: str, source: str, span: tuple[int, int], context: str, via: tuple[Via, ...], depth: int
    ) -> list[Piece]:
        """The value of ``$name``: its pieces if it is a constant of the file, else a hole."""
        hole = Hole(source, span, context, name, via)
        if name.isdigit():
            argument = self.positional(int(name), span[0])
            return list(argument[2]) if argument is not None and not via else [hole]
        if depth > 8 or any(v.name.split("@")[0] == name for v in via):
            return [hole]
        assignment = self.constant(name, span[0])
        if assignment is None or assignment.kind != "set" or not assignment.value:
            return [hole]
        values = assignment.value
        inner = self.at(self.frame if self.frame is not None and assignment.function == self.frame.function else None)
        alias = _positional_alias(self.source, values)
        if alias is not None:
            # local path=$2: the call's own argument, written at the call site (read where
            # the assignment is, before any shift)
            argument = inner.positional(int(alias), values[0].start_byte) if inner.frame else None
            return list(argument[2]) if argument is not None else [hole]
        scoped = name if assignment.function is None or not assignment.local else f"{name}@{self.script.function_name(assignment.function)}"
        pieces = inner.joined(values, "bare", (*via, Via(scoped, source, span, context)), depth + 1)
        # A value computed by a command is known only at run time: keep the variable.
        if any(isinstance(p, Hole) and p.name is None for p in pieces):
            return [hole]
        return pieces

    def constant(self, name: str, at: int):
        """The one assignment a use of ``name`` at ``at`` reads, if there is exactly one (and
        nothing else in the file assigns it: ``printf -v``, ``eval "name=..."``)."""
        found = [a for a in self.script.visible_assignments(name, at) if a.kind != "declare"]
        if len(found) != 1 or self.script.assigned_unseen(name) is not None:
            return None
        return found[0]

    def array(self, name: str, at: int = 0) -> list[Node] | None:
        """The element nodes of an array assigned once: ``opts=(-H "..." -s)``."""
        assignment = self.constant(name, at)
        if assignment is None or assignment.kind != "array" or not assignment.value:
            return None
        return [c for c in assignment.value[0].children if c.type not in ("(", ")", "comment")]


def _positional_alias(source: bytes, values: tuple[Node, ...]) -> str | None:
    """``$2`` / ``"$2"`` / ``${2}``: the positional parameter a value is, if it is just one."""
    if len(values) != 1:
        return None
    node = values[0]
    if node.type == "string":
        inner = [c for c in node.children if c.type not in ('"', "string_content")]
        if len(inner) != 1 or text(source, node)[1:-1] != text(source, inner[0]):
            return None
        node = inner[0]
    if node.type not in ("simple_expansion", "expansion") or not _is_plain(source, node):
        return None
    name = _expansion_name(source, node)
    return name if name is not None and name.isdigit() else None


def static(pieces: list[Piece]) -> str | None:
    """The text of pieces without holes."""
    if any(isinstance(p, Hole) for p in pieces):
        return None
    return "".join(p.text for p in pieces)  # type: ignore[union-attr]


_ANSI = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "v": "\v"}


def _ansi_c(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ANSI.get(m.group(1), "\\" + m.group(1)), body)


# ------------------------------------------------------------------ quoting

_SAFE_BARE = re.compile(r"[A-Za-z0-9_./:=@%+,-]*")


def render(content: Content, context: str, whole_word: bool = False) -> str:
    """Write ``content`` so that, placed where ``context`` says, the shell reads it back.

    ``single``/``double``: inside such quotes; ``bare``: outside quotes, where a
    whole new word is quoted and text inside a word gets backslashes
    (``.../logs\\?encode=false``). Holes are written again as their source text,
    always inside double quotes.
    """
    out: list[str] = []
    for item in content:
        if isinstance(item, Hole):
            out.append(_render_hole(item.source, context))
        elif context == "single":
            out.append(item.replace("'", "'\\''"))
        elif context == "double":
            out.append(re.sub(r'([$`"\\])', r"\\\1", item))
        elif context == "bare" and (_SAFE_BARE.fullmatch(item) or not whole_word):
            out.append(re.sub(r"([^A-Za-z0-9_./:=@%+,-])", r"\\\1", item))
        elif context == "bare":
            out.append("'" + item.replace("'", "'\\''") + "'")
        else:
            raise ValueError(f"cannot write into {context} text")
    return "".join(out)


def _render_hole(source: str, context: str) -> str:
    if context == "double":
        return source
    if context == "single":
        return f"'\"{source}\"'"
    return f'"{source}"'


def quote_word(content: Content, style: str) -> str:
    """A whole new word in ``style`` (``single`` or ``double``)."""
    quote = "'" if style == "single" else '"'
    return quote + render(content, style) + quote
