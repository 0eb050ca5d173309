"""Code in the HTML report: coloured by pygments, with what changed inside a line marked.

A one-word change in a long line is easy to miss in a line diff, so a removed
line and the added line it became are compared word by word, and the words
that differ are wrapped in ``<mark>``. Pygments colours the code with classes
(no inline styles, which the page's Content-Security-Policy forbids); text is
escaped here, the only place that writes code into the page.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import PurePath

from markupsafe import Markup

_WORDS = re.compile(r"\w+|\s+|.", re.DOTALL)
# Pygments picks a lexer by name for most kinds; these it does not know.
_LEXERS_BY_SUFFIX = {".ipynb": "json", ".env": "bash"}


@dataclass(frozen=True)
class Row:
    sign: str  # "-", "+", " " or "@" (a hunk header)
    html: Markup


_ROW_CLASSES = {"-": "del", "+": "add", " ": "ctx", "@": "hunk"}


def block(rows: list[Row]) -> Markup:
    """The rows as the page shows code: one line each, its sign in data-sign (not selectable)."""
    return Markup(
        '<div class="code">'
        + "".join(
            f'<span class="row r-{_ROW_CLASSES[row.sign]}" data-sign="{row.sign if row.sign != "@" else " "}">{row.html}</span>'
            for row in rows
        )
        + "</div>"
    )


def lexer_for(path: str, colour: bool = True):
    return _lexer(_lexer_class(PurePath(path).name if colour else ""))


@cache
def _lexer_class(name: str):
    """The lexer of a file name; plain text for "" and for names pygments does not know."""
    from pygments.lexers import find_lexer_class_by_name, find_lexer_class_for_filename
    from pygments.util import ClassNotFound

    alias = _LEXERS_BY_SUFFIX.get(PurePath(name).suffix) or _LEXERS_BY_SUFFIX.get(name)
    try:
        found = find_lexer_class_by_name(alias) if alias else name and find_lexer_class_for_filename(name)
    except ClassNotFound:
        found = None
    return found or find_lexer_class_by_name("text")


@cache  # one lexer per language, so that the lines of every file share the cache of _line
def _lexer(lexer_class):
    return lexer_class(stripnl=False, ensurenl=False)


def css() -> str:
    """The colours of pygments' default style, for the classes ``line`` writes."""
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style="default").get_style_defs(".code")


@cache
def _css_class(token_type) -> str:
    from pygments.token import STANDARD_TYPES

    while token_type not in STANDARD_TYPES:
        token_type = token_type.parent
    return STANDARD_TYPES[token_type]


@lru_cache(maxsize=16384)
def changed_spans(old: str, new: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The character ranges of ``old`` and of ``new`` that differ, compared word by word."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    # The words both lines start and end with are left out of the comparison: a migrated
    # line changes in a few places of a long line, and difflib's cost grows with its length.
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    starts_a, starts_b = _starts(a), _starts(b)
    spans_a: list[tuple[int, int]] = []
    spans_b: list[tuple[int, int]] = []
    middle = difflib.SequenceMatcher(None, a[head : len(a) - tail], b[head : len(b) - tail], autojunk=False)
    for tag, i1, i2, j1, j2 in middle.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:
            spans_a.append((starts_a[head + i1], starts_a[head + i2]))
        if j2 > j1:
            spans_b.append((starts_b[head + j1], starts_b[head + j2]))
    return spans_a, spans_b


def _starts(words: list[str]) -> list[int]:
    out = [0]
    for word in words:
        out.append(out[-1] + len(word))
    return out


def line(text: str, path: str, changed: list[tuple[int, int]] = (), colour: bool = True) -> Markup:
    """One line of code, coloured (unless not ``colour``), with the ``changed`` ranges marked."""
    return Markup(_line(text, lexer_for(path, colour), tuple(changed)))


@lru_cache(maxsize=65536)  # a line shown in a finding is shown again in its file's diff
def _line(text: str, lexer, changed: tuple[tuple[int, int], ...]) -> str:
    tokens = list(lexer.get_tokens(text))
    if "".join(value for _, value in tokens) != text:  # a lexer that rewrote the text: shown plain
        tokens = [(None, text)]
    edges = sorted({edge for span in changed for edge in span})
    out, position = [], 0
    for ttype, value in tokens:
        start, end = position, position + len(value)
        position = end
        css_class = _css_class(ttype) if ttype is not None else ""
        cuts = [start, *(edge for edge in edges if start < edge < end), end]
        for left, right in zip(cuts, cuts[1:]):
            piece = html.escape(text[left:right], quote=False)
            if css_class:
                piece = f'<span class="{css_class}">{piece}</span>'
            if any(s <= left and right <= e for s, e in changed):
                piece = f"<mark>{piece}</mark>"
            out.append(piece)
    return "".join(out)


def rows_of_change(before: str, after: str, path: str, colour: bool = True) -> list[Row]:
    """A call before and after its fix: unchanged lines once, each changed line with the words marked."""
    old, new = before.splitlines(), after.splitlines()
    rows: list[Row] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(Row(" ", line(text, path, colour=colour)) for text in old[i1:i2])
        else:
            rows.extend(_paired(old[i1:i2], new[j1:j2], path, colour))
    return rows


def _paired(removed: list[str], added: list[str], path: str, colour: bool) -> list[Row]:
    """Removed lines, then added lines; the n-th removed and n-th added are compared word by word."""
    marks = [changed_spans(a, b) for a, b in zip(removed, added)]

    def row(sign: str, side: int, i: int, text: str) -> Row:
        return Row(sign, line(text, path, marks[i][side] if i < len(marks) else [(0, len(text))], colour))

    return [row("-", 0, i, text) for i, text in enumerate(removed)] + [row("+", 1, i, text) for i, text in enumerate(added)]


def rows_of_diff(diff: str, path: str, colour: bool = True) -> list[Row]:
    """A unified diff: headers and hunk lines as they are, runs of removed then added lines paired."""
    rows: list[Row] = []
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        rows.extend(_paired(removed, added, path, colour))
        removed.clear()
        added.clear()

    for text in diff.splitlines():
        if text.startswith(("---", "+++")) and not removed and not added:
            rows.append(Row("@", Markup(html.escape(text, quote=False))))
        elif text.startswith("-"):
            if added:
                flush()
            removed.append(text[1:])
        elif text.startswith("+"):
            added.append(text[1:])
        else:
            flush()
            if text.startswith("@@"):
                rows.append(Row("@", Markup(html.escape(text, quote=False))))
            else:
                rows.append(Row(" ", line(text[1:], path, colour=colour)))
    flush()
    return rows
