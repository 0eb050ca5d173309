"""The URL model shared by the front ends.

A front end turns the source of a URL (a shell word, a Python f-string, a
concatenation through variables) into a sequence of pieces: ``Literal`` text
whose characters each know their offset in the source, and ``Hole``s for what
is only known at run time (``$PROJECT_ID``, ``{task_id}``). This module matches
such a sequence against the rule table's path templates and plans the edits that
turn the v1 URL into the v2 URL, touching only the characters that change.

Guide: "External API Endpoint Mapping" (every "URL structure" line).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Via:
    """A variable a value came through, and the expansion that brought it (``${BASE}``).

    ``kind`` says what the expansion is: a ``variable`` (its value is shared by its uses), a
    ``call`` of a function read through, or the client a request is made on (its text, a
    builder's body or a client's base_url, is shared by its calls; nothing can be written
    beside a call), or an ``argument``: the expansion of a function's parameter
    (``{path}`` in ``f"{BASE}{path}"``) filled by the text a call passes, which stays that
    call's own. ``within`` is, for an argument, the chain of expansions the parameter's use
    itself sits in (the function's), where text written beside it belongs.
    """

    name: str
    source: str
    span: tuple[int, int]
    context: str
    kind: str = "variable"
    within: tuple[Via, ...] = ()


@dataclass(frozen=True)
class Literal:
    text: str
    # offsets[i] is the source offset of text[i]; offsets[len(text)] is where it ends.
    # None when the text cannot be edited in place (e.g. inside $'...').
    offsets: tuple[int, ...] | None
    context: str  # how text at these offsets must be written: front-end specific
    via: tuple[Via, ...] = ()  # variables this text came through, outermost first


@dataclass(frozen=True)
class Hole:
    source: str  # the source text, written again wherever the value must appear
    span: tuple[int, int]
    context: str
    name: str | None = None  # the variable, for a plain expansion
    via: tuple[Via, ...] = ()


Piece = Union[Literal, Hole]
Content = tuple[Union[str, Hole], ...]


@dataclass(frozen=True)
class Param:
    name: str


@dataclass(frozen=True)
class Template:
    text: str
    segments: tuple[Union[str, Param], ...]

    @classmethod
    def parse(cls, text: str, base: str) -> Template:
        if not text.startswith(base + "/") and text != base:
            raise ValueError(f"{text!r} does not start with {base!r}")
        segments: list[Union[str, Param]] = []
        for part in text[len(base) :].split("/")[1:]:
            param = re.fullmatch(r"\{([a-z_]+)\}", part)
            if param:
                segments.append(Param(param.group(1)))
            elif part and "{" not in part and "}" not in part:
                segments.append(part)
            else:
                raise ValueError(f"bad path segment {part!r} in {text!r}")
        return cls(text, tuple(segments))

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.segments if isinstance(s, Param))

    @property
    def literal_count(self) -> int:
        return sum(1 for s in self.segments if isinstance(s, str))


HOLE_MARK = "\x00"


@dataclass(frozen=True)
class Flat:
    """A piece sequence as one string, with each hole as HOLE_MARK, and the way back."""

    pieces: tuple[Piece, ...]
    text: str
    where: tuple[tuple[int, int], ...]  # for each char: (piece index, char index in piece)

    @classmethod
    def of(cls, pieces: Sequence[Piece]) -> Flat:
        chars: list[str] = []
        where: list[tuple[int, int]] = []
        for i, piece in enumerate(pieces):
            if isinstance(piece, Hole):
                chars.append(HOLE_MARK)
                where.append((i, 0))
            else:
                chars.extend(piece.text)
                where.extend((i, j) for j in range(len(piece.text)))
        return cls(tuple(pieces), "".join(chars), tuple(where))

    def content(self, start: int, end: int) -> Content:
        """The text and holes of flat[start:end], as content to write elsewhere."""
        out: list[Union[str, Hole]] = []
        for k in range(start, end):
            piece = self.pieces[self.where[k][0]]
            if isinstance(piece, Hole):
                out.append(piece)
            elif out and isinstance(out[-1], str):
                out[-1] += self.text[k]
            else:
                out.append(self.text[k])
        return tuple(out)


@dataclass(frozen=True)
class UrlMatch:
    template: Template
    flat: Flat
    base_start: int  # flat index where "/api/v1" starts
    path_end: int  # flat index where the path ends (start of "?" or "#", or the end)
    bindings: dict[str, tuple[int, int]]  # param -> flat range
    query: str  # the query text without "?", holes as HOLE_MARK

    @property
    def host(self) -> str:
        return self.flat.text[: self.base_start]


def find_base(flat: Flat, base: str) -> int:
    """Where the API base starts, followed by "/" or the end of the path; -1 if absent."""
    start = flat.text.find(base)
    while start != -1:
        after = flat.text[start + len(base) : start + len(base) + 1]
        if after in ("", "/", "?", "#"):
            return start
        start = flat.text.find(base, start + 1)
    return -1


def match_template(flat: Flat, base_start: int, base: str, template: Template) -> UrlMatch | None:
    path_start = base_start + len(base)
    stop = re.search(r"[?#]", flat.text[path_start:])
    path_end = path_start + stop.start() if stop else len(flat.text)
    path = flat.text[path_start:path_end]
    if not path.startswith("/"):
        return None
    parts = path[1:].split("/")
    if len(parts) != len(template.segments):
        return None
    bindings: dict[str, tuple[int, int]] = {}
    pos = path_start + 1
    for part, segment in zip(parts, template.segments):
        if isinstance(segment, Param):
            if not part:
                return None
            bindings[segment.name] = (pos, pos + len(part))
        elif part != segment:
            return None
        pos += len(part) + 1
    query = flat.text[path_end + 1 :] if flat.text[path_end : path_end + 1] == "?" else ""
    return UrlMatch(template, flat, base_start, path_end, bindings, query)


def host_matches(flat: Flat, base_start: int, instances: Sequence[str]) -> bool:
    host = flat.text[:base_start].rstrip("/").lower()
    bare_host = re.sub(r"^[a-z]+://", "", host)
    for instance in instances:
        wanted = instance.rstrip("/").lower()
        if host == wanted or bare_host == re.sub(r"^[a-z]+://", "", wanted):
            return True
    return False


# ------------------------------------------------------------------ editing


@dataclass(frozen=True)
class Edit:
    """Replace source[start:end] by ``content``, written for ``context``."""

    start: int
    end: int
    content: Content
    context: str
    via: tuple[Via, ...] = ()  # the variables whose assignment this edit changes, if any
    # For text put beside a hole rather than into text: "after" or "before" it
    # (between Python expressions, that decides where the "+" goes).
    side: str = ""


@dataclass
class EditPlan:
    edits: list[Edit] = field(default_factory=list)
    problem: str | None = None  # why the URL cannot be rewritten in place


def percent_encode(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


Point = tuple[int, str, tuple[Via, ...], str]


def holder(via: tuple[Via, ...]) -> Via | None:
    """The shared definition text with this chain of expansions is written in: its last
    variable or call; none when it is an argument's (the calling code's own text)."""
    return via[-1] if via and via[-1].kind != "argument" else None


def _boundary(piece: Piece, char: int, after: bool, level: int, beside_argument: bool = False) -> Point | None:
    """Where text goes right after (or before) char ``char`` of ``piece``, written at
    variable depth ``level``: inside the piece itself, or beside the expansion that
    brought it there (never inside a variable's value, which other uses share). A call
    read through has no beside; an argument's is used only when the text must not join
    the argument's own text (``beside_argument``: it follows a template parameter)."""
    side = "after" if after else "before"
    while len(piece.via) > level:
        via = piece.via[level]
        if via.kind == "argument" and beside_argument:
            return (via.span[1] if after else via.span[0]), via.context, via.within, side
        if via.kind == "variable":
            return (via.span[1] if after else via.span[0]), via.context, piece.via[:level], side
        level += 1
    if isinstance(piece, Hole):
        return (piece.span[1] if after else piece.span[0]), piece.context, piece.via, side
    if piece.offsets is None:
        return None
    return piece.offsets[char + 1 if after else char], piece.context, piece.via, ""


def _whole_argument(flat: Flat, k: int, parameter_start: int) -> bool:
    """Whether the text before flat index k that fills a function's parameter is the template
    parameter's value and nothing more (then text after it belongs beside the parameter in
    the function, not in the calling code's argument)."""
    piece = flat.pieces[flat.where[k - 1][0]]
    arguments = [via for via in piece.via if via.kind == "argument"]
    if not arguments:
        return False
    first = next(i for i, (index, _) in enumerate(flat.where) if arguments[-1] in flat.pieces[index].via)
    return first >= parameter_start


def _insertion_point(flat: Flat, k: int, after_parameter: int | None = None) -> Point | None:
    """Source offset, context and origin for text inserted before flat index k.

    Inside literal text when possible (so the new text is written in the same
    quoting), at the deepest variable level both neighbours share. Text that follows a
    template parameter (``after_parameter``: where that parameter's value starts) never
    joins that value when a function's caller passes it alone.
    """
    sides = []
    if k > 0:
        piece_index, char = flat.where[k - 1]
        sides.append((flat.pieces[piece_index], char, True))
    if k < len(flat.text):
        piece_index, char = flat.where[k]
        sides.append((flat.pieces[piece_index], char, False))
    level = 0
    if len(sides) == 2:
        # Compared where each text stands in the URL's composition: a caller's argument
        # stands inside the function's expansions it is passed into (``within``).
        for mine, theirs in zip(_composition(sides[0][0].via), _composition(sides[1][0].via)):
            if mine != theirs:
                break
            level += 1
    sides.sort(key=lambda side: (len(_composition(side[0].via)) > level, isinstance(side[0], Hole)))
    beside = after_parameter is not None and k > 0 and _whole_argument(flat, k, after_parameter)
    for piece, char, after in sides:
        # The same level in the piece's own chain (without the expansions it is passed into).
        own = max(0, level - (len(_composition(piece.via)) - len(piece.via)))
        point = _boundary(piece, char, after, own, beside and after)
        if point is not None:
            return point
    return None


def _composition(via: tuple[Via, ...]) -> tuple[Via, ...]:
    """A chain of expansions as it stands in the URL's composition: the text a caller passes
    for a parameter (``"/files"`` in ``api("/files")``) sits where the parameter is used,
    inside the function's own expansions."""
    for index in range(len(via) - 1, -1, -1):
        if via[index].kind == "argument":
            return (*_composition(via[index].within), *via[index:])
    return via


def plan_replace(flat: Flat, start: int, end: int, new: Content, plan: EditPlan, after_parameter: int | None = None) -> None:
    """Plan the edits that turn flat[start:end] (literal text only) into ``new``.

    The common prefix and suffix of old and new text stay untouched, so an edit
    lands where the text really changes; the changed middle is spread over the
    literal pieces it crosses (the first takes the new text, the others are emptied).
    """
    original_start = start
    old = flat.text[start:end]
    lead = new[0] if new and isinstance(new[0], str) else ""
    prefix = 0
    while prefix < min(len(old), len(lead)) and old[prefix] == lead[prefix]:
        prefix += 1
    new = _drop_text(new, prefix, from_end=False)
    old = old[prefix:]
    start += prefix
    tail = new[-1] if new and isinstance(new[-1], str) else ""
    suffix = 0
    while suffix < min(len(old), len(tail)) and old[-1 - suffix] == tail[-1 - suffix]:
        suffix += 1
    new = _drop_text(new, suffix, from_end=True)
    end -= suffix
    if start == end and not new:
        return
    if HOLE_MARK in flat.text[start:end]:
        plan.problem = "a changed part of the path is computed at run time"
        return
    if start == end:
        position = _insertion_point(flat, start, after_parameter if start == original_start else None)
        if position is None:
            plan.problem = "the URL's text cannot be edited in place"
            return
        offset, context, via, side = position
        last = plan.edits[-1] if plan.edits else None
        if last is not None and last.end == offset and last.context == context:
            # Text inserted right after the previous edit (".../logs" then "?encode=false"): one edit.
            plan.edits[-1] = Edit(last.start, last.end, _merge((*last.content, *new)), context, last.via, last.side)
        else:
            plan.edits.append(Edit(offset, offset, new, context, via, side))
        return
    first = True
    k = start
    while k < end:
        piece_index, char = flat.where[k]
        piece = flat.pieces[piece_index]
        assert isinstance(piece, Literal)
        stop = min(end, k + len(piece.text) - char)
        if piece.offsets is None:
            plan.problem = "the URL's text cannot be edited in place"
            return
        plan.edits.append(
            Edit(piece.offsets[char], piece.offsets[char + stop - k], new if first else (), piece.context, piece.via)
        )
        first = False
        k = stop


def _drop_text(content: Content, count: int, from_end: bool) -> Content:
    if not count:
        return content
    items = list(content)
    if from_end:
        items[-1] = items[-1][:-count]  # type: ignore[index]
        if not items[-1]:
            items.pop()
    else:
        items[0] = items[0][count:]  # type: ignore[index]
        if not items[0]:
            items.pop(0)
    return tuple(items)


def plan_url_rewrite(
    match: UrlMatch,
    v1_base: str,
    v2_base: str,
    v2: Template,
    extra: dict[str, Content],
    query_defaults: dict[str, str],
    sent_query: str = "",
) -> EditPlan:
    """The edits that turn the matched v1 URL into the v2 URL.

    Parameters bound in the v1 URL keep their text (and so their quoting); a
    parameter only v2 has comes from ``extra`` (the upload's file name, the body's
    old_name). Parameters must keep their order, which the rule table guarantees.
    ``sent_query`` is query text the call sends besides the URL (curl -G -d),
    holes as HOLE_MARK.
    """
    plan = EditPlan()
    flat = match.flat
    base_end = match.base_start + len(v1_base)
    plan_replace(flat, match.base_start, base_end, (v2_base,), plan)

    # The path after the base, cut at every v1 parameter into literal runs.
    runs: list[tuple[int, int]] = []
    pos = base_end
    for name in match.template.params:
        start, end = match.bindings[name]
        runs.append((pos, start))
        pos = end
    runs.append((pos, match.path_end))

    # The v2 path cut at the same parameters: each run becomes a content.
    contents: list[list[Union[str, Hole]]] = [[]]
    for segment in v2.segments:
        contents[-1].append("/")
        if isinstance(segment, str):
            contents[-1].append(segment)
        elif segment.name in match.bindings:
            contents.append([])
        else:
            contents[-1].extend(extra[segment.name])
    parameter_at = {end: start for start, end in (match.bindings[name] for name in match.template.params)}
    for (start, end), content in zip(runs, contents):
        plan_replace(flat, start, end, _merge(content), plan, parameter_at.get(start))

    query = f"{match.query}&{sent_query}"
    missing = [f"{k}={v}" for k, v in query_defaults.items() if not re.search(rf"(^|&){re.escape(k)}=", query)]
    if missing and HOLE_MARK in query:
        plan.problem = "the query is computed at run time; make sure it has " + "&".join(missing)
    elif missing:
        pairs = "&".join(missing)
        if flat.text[match.path_end : match.path_end + 1] != "?":
            plan_replace(flat, match.path_end, match.path_end, ("?" + pairs,), plan)
        elif not match.query:
            plan_replace(flat, match.path_end + 1, match.path_end + 1, (pairs,), plan)
        else:
            end = match.path_end + 1 + len(match.query)
            plan_replace(flat, end, end, ("&" + pairs,), plan)
    return plan


def collapse(pieces: Sequence[Piece]) -> list[Piece]:
    """Pieces with each value that came through a variable folded back into that
    variable as written at the use (``$OLD``), for text that is written elsewhere."""
    out: list[Piece] = []
    for piece in pieces:
        if not piece.via:
            out.append(piece)
            continue
        outer = piece.via[0]
        if not (out and isinstance(out[-1], Hole) and out[-1].span == outer.span):
            out.append(Hole(outer.source, outer.span, outer.context, outer.name))
    return out


def _merge(content: Sequence[Union[str, Hole]]) -> Content:
    out: list[Union[str, Hole]] = []
    for item in content:
        if isinstance(item, str):
            if not item:
                continue
            if out and isinstance(out[-1], str):
                out[-1] += item
                continue
        out.append(item)
    return tuple(out)
