"""Code in the HTML report: coloured by pygments, with what changed inside a line marked.

A one-word change in a long line is easy to miss in a line diff, so a removed
line and the added line it became are compared word by word, and the words
that differ are wrapped in ``<mark>``. Pygments colours the code with classes
(no inline styles, which the page's Content-Security-Policy forbids); text is
escaped here, the only place that writes code into the page.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import PurePath

from markupsafe import Markup, escape

_WORDS = re.compile(r"\w+|\s+|.", re.DOTALL)
# Pygments picks a lexer by name for most kinds; these it does not know.
_LEXERS_BY_SUFFIX = {".ipynb": "json", ".env": "bash"}


@dataclass(frozen=True)
class Row:
    sign: str  # "-", "+", " " or "@" (a hunk header)
    html: Markup


@cache
def lexer_for(path: str):
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
    from pygments.util import ClassNotFound

    options = {"stripnl": False, "ensurenl": False}
    name = PurePath(path).name
    alias = _LEXERS_BY_SUFFIX.get(PurePath(path).suffix) or _LEXERS_BY_SUFFIX.get(name)
    try:
        return get_lexer_by_name(alias, **options) if alias else get_lexer_for_filename(name, **options)
    except ClassNotFound:
        return get_lexer_by_name("text", **options)


def css() -> str:
    """The colours of pygments' default style, for the classes ``line`` writes."""
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style="default").get_style_defs(".code")


def _css_class(token_type) -> str:
    from pygments.token import STANDARD_TYPES

    while token_type not in STANDARD_TYPES:
        token_type = token_type.parent
    return STANDARD_TYPES[token_type]


def changed_spans(old: str, new: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The character ranges of ``old`` and of ``new`` that differ, compared word by word."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    starts_a, starts_b = _starts(a), _starts(b)
    spans_a: list[tuple[int, int]] = []
    spans_b: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            spans_a.append((starts_a[i1], starts_a[i2]))
        if j2 > j1:
            spans_b.append((starts_b[j1], starts_b[j2]))
    return spans_a, spans_b


def _starts(words: list[str]) -> list[int]:
    out = [0]
    for word in words:
        out.append(out[-1] + len(word))
    return out


def line(text: str, path: str, changed: list[tuple[int, int]] = ()) -> Markup:
    """One line of code, coloured, with the ``changed`` ranges marked."""
    tokens = [(ttype, value) for ttype, value in lexer_for(path).get_tokens(text)]
    if "".join(value for _, value in tokens) != text:  # a lexer that rewrote the text: shown plain
        tokens = [(None, text)]
    out, position = [], 0
    for ttype, value in tokens:
        start, end = position, position + len(value)
        position = end
        cuts = sorted({start, end, *(edge for span in changed for edge in span if start < edge < end)})
        css_class = _css_class(ttype) if ttype is not None else ""
        for left, right in zip(cuts, cuts[1:]):
            piece = escape(text[left:right])
            if css_class:
                piece = Markup(f'<span class="{css_class}">{piece}</span>')
            if any(s <= left and right <= e for s, e in changed):
                piece = Markup(f"<mark>{piece}</mark>")
            out.append(piece)
    return Markup("").join(out)


def rows_of_change(before: str, after: str, path: str) -> list[Row]:
    """A call before and after its fix: unchanged lines once, each changed line with the words marked."""
    old, new = before.splitlines(), after.splitlines()
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(Row(" ", line(text, path)) for text in old[i1:i2])
        else:
            rows.extend(_paired(old[i1:i2], new[j1:j2], path))
    return rows


def _paired(removed: list[str], added: list[str], path: str) -> list[Row]:
    """Removed lines, then added lines; the n-th removed and n-th added are compared word by word."""
    marks = [changed_spans(a, b) for a, b in zip(removed, added)]
    out = [Row("-", line(text, path, marks[i][0] if i < len(marks) else [(0, len(text))])) for i, text in enumerate(removed)]
    out += [Row("+", line(text, path, marks[i][1] if i < len(marks) else [(0, len(text))])) for i, text in enumerate(added)]
    return out


def rows_of_diff(diff: str, path: str) -> list[Row]:
    """A unified diff: headers and hunk lines as they are, runs of removed then added lines paired."""
    rows: list[Row] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        rows.extend(_paired(removed, added, path))
        removed.clear()
        added.clear()

    for text in diff.splitlines():
        if text.startswith(("---", "+++")) and not removed and not added:
            rows.append(Row("@", escape(text)))
        elif text.startswith("-"):
            if added:
                flush()
            removed.append(text[1:])
        elif text.startswith("+"):
            added.append(text[1:])
        else:
            flush()
            if text.startswith("@@"):
                rows.append(Row("@", escape(text)))
            else:
                rows.append(Row(" ", line(text[1:], path)))
    flush()
    return rows
