"""Writing text into Markdown that GitHub renders as HTML.

A rule note's ``<project_id>`` is an unknown HTML tag to GitHub and vanishes,
and a hostile ``<img onerror=...>`` would be one: text is escaped outside code
spans; code goes into spans and fences longer than any backtick run it holds,
so nothing in it can close them.
"""

from __future__ import annotations

import re

from markupsafe import Markup

_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def _escape_html(text: str) -> str:
    return re.sub(r"[&<>]", lambda m: _HTML[m.group()], text)


def text(value: object) -> Markup:
    """Prose: HTML-escaped, except inside the `code spans` it already has."""
    source = str(value)
    out, position = [], 0
    for match in _CODE_SPAN.finditer(source):
        out.append(_escape_html(source[position : match.start()]))
        out.append(match.group())
        position = match.end()
    out.append(_escape_html(source[position:]))
    return Markup("".join(out))


def _longest_run(value: str) -> int:
    return max((len(run) for run in re.findall(r"`+", value)), default=0)


def code(value: object) -> Markup:
    """An inline code span that shows ``value`` as it is."""
    source = str(value).replace("\n", " ")
    ticks = "`" * (_longest_run(source) + 1)
    pad = " " if source.startswith("`") or source.endswith("`") else ""
    return Markup(f"{ticks}{pad}{source}{pad}{ticks}")


def fence(value: object, lang: str = "", indent: str = "") -> Markup:
    """A fenced code block that shows ``value`` as it is, each line indented by ``indent``."""
    source = str(value).rstrip("\n")
    ticks = "`" * max(3, _longest_run(source) + 1)
    lines = [f"{ticks}{lang}", *source.split("\n"), ticks]
    return Markup("\n".join(indent + line if line else line for line in lines))
