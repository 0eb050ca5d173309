"""Request bodies and form fields of curl calls: JSON bodies with shell expansions inside,
and ``-F name=value`` fields.

Guide: "Rename File" (request body), "Schedule Advanced Generation" (request
format), "Create File" and "Update File" (form fields).
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from typing import Any, Union

from migrator.urls import Content, Hole, Literal, Piece, collapse, percent_encode

_MARK = "@@dm-hole-{}@@"
_MARK_RE = re.compile(r"@@dm-hole-(\d+)@@")


@dataclass
class JsonBody:
    value: Any
    holes: list[Hole]
    bare: set[int]  # holes written outside JSON strings: {"count": $N}
    multiline: bool
    indent: int
    item_separator: str
    key_separator: str


def parse_json_body(pieces: list[Piece]) -> JsonBody | str:
    """The body as JSON with each hole kept as a marker, or why it cannot be read."""
    holes: list[Hole] = []
    parts: list[str] = []
    for piece in collapse(pieces):
        if isinstance(piece, Hole):
            parts.append(_MARK.format(len(holes)))
            holes.append(piece)
        else:
            parts.append(piece.text)
    text = "".join(parts)
    if text.startswith("@"):
        return "the body is read from a file"
    bare: set[int] = set()

    def quote_bare(match: re.Match[str]) -> str:
        bare.add(int(match.group(2)))
        return f'{match.group(1)}"{_MARK.format(match.group(2))}"'

    loadable = re.sub(r'([:\[,]\s*)@@dm-hole-(\d+)@@(?=\s*[,}\]])', quote_bare, text)
    try:
        value = json.loads(loadable)
    except ValueError:
        return "the body is not JSON"
    if not isinstance(value, dict):
        return "the body is not a JSON object"
    lines = text.splitlines()
    indent = len(lines[1]) - len(lines[1].lstrip()) if len(lines) > 1 else 0
    return JsonBody(
        value,
        holes,
        bare,
        multiline="\n" in text.strip(),
        indent=indent,
        item_separator="," if re.search(r",\S", text) and not re.search(r",\s", text) else ", ",
        key_separator=":" if re.search(r'":\S', text) and not re.search(r'":\s', text) else ": ",
    )


def to_content(body: JsonBody, value: Any) -> Content:
    """A JSON value of the body (a key's value, or the whole body) as text and holes."""
    if isinstance(value, str):
        return split_marks(value, body.holes)
    if body.multiline:
        text = json.dumps(value, indent=body.indent, ensure_ascii=False)
    else:
        text = json.dumps(value, ensure_ascii=False, separators=(body.item_separator, body.key_separator))
    for number in body.bare:
        text = text.replace(f'"{_MARK.format(number)}"', _MARK.format(number))
    return split_marks(text, body.holes)


def split_marks(text: str, holes: list[Hole]) -> Content:
    out: list[Union[str, Hole]] = []
    pos = 0
    for match in _MARK_RE.finditer(text):
        if match.start() > pos:
            out.append(text[pos : match.start()])
        out.append(holes[int(match.group(1))])
        pos = match.end()
    if pos < len(text):
        out.append(text[pos:])
    return tuple(out)


def path_param(content: Content) -> Content:
    """A value that goes into a URL path: literal text percent-encoded, holes as they are."""
    return tuple(percent_encode(item) if isinstance(item, str) else item for item in content)


@dataclass(frozen=True)
class FormField:
    name: str
    value: list[Piece]


def form_field(pieces: list[Piece]) -> FormField | None:
    first = pieces[0] if pieces else None
    if not isinstance(first, Literal) or "=" not in first.text:
        return None
    name, _, rest = first.text.partition("=")
    cut = len(name) + 1
    remainder = Literal(rest, first.offsets[cut:] if first.offsets else None, first.context, first.via)
    return FormField(name, ([remainder] if rest else []) + pieces[1:])


@dataclass(frozen=True)
class Upload:
    """The file name an upload sends, as content for a URL path, and whether it is only known at run time."""

    name: Content
    at_run_time: bool


def upload_name(value: list[Piece], path_source: str) -> Upload | str:
    """The name curl sends for ``file=@path[;type=...][;filename=...]``, or why it is unknown.

    ``path_source`` is the path written again for the shell, used when only the
    run time knows it: ``$(basename "$F")``.
    """
    first = value[0] if value else None
    if not isinstance(first, Literal) or not first.text.startswith("@"):
        return "the form field does not upload a file (file=@path)"
    options = ""
    last = value[-1]
    if isinstance(last, Literal) and ";" in last.text:
        options = last.text[last.text.index(";") :]
    explicit = re.search(r";filename=([^;]+)", options)
    if explicit:
        return Upload((percent_encode(explicit.group(1).strip('"')),), False)
    path = "".join(p.text if isinstance(p, Literal) else "\x00" for p in value)[1:]
    path = path.split(";")[0].strip('"')
    if "\x00" not in path:
        return Upload((percent_encode(posixpath.basename(path)),), False)
    if options:
        return "the uploaded file's path is computed at run time and has ;options"
    hole = Hole(f'$(basename "{path_source}")', (0, 0), "double")
    return Upload((hole,), True)
