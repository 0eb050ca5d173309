"""Inputs that would crash a parser or keep it busy for minutes, refused before parsing.

libcst's native parser recurses once per level of nesting: about 1,500 nested
brackets overflow its stack (the whole process dies with SIGSEGV), and well
before that it needs gigabytes (10,000 levels: 10 GB and 17 s). Python itself
refuses more than 200 nested brackets, so a file nested deeper is not valid
Python and is reported without being parsed. Chains nest in the parser the same
way (``- - - x``, ``not not x``, ``a.b.c``, ``a[0][0]``, ``f()()``,
``lambda: lambda: x``), and no written code chains 200 deep: those are refused too.

The scan reads strings and comments as such, so brackets or dashes inside them
count for nothing; an f-string's fields are measured on their own.
"""

from __future__ import annotations

import re

MAX_DEPTH = 200  # CPython's own limit for nested brackets (MAXLEVEL in its tokenizer)

_STRING = (
    rb"(?P<string>[A-Za-z]{0,2}(?:'''(?:\\.|[^\\])*?'''|\"\"\"(?:\\.|[^\\])*?\"\"\""
    rb"|'(?:\\.|[^\\'\n])*'|\"(?:\\.|[^\\\"\n])*\"))"
)
_LINK = rb"(?:not\b|[-+~]|lambda\b[^:\n]*:|\.\s*[A-Za-z_]\w*|\[[^\[\]\n]*\]|\([^()\n]*\))"
_CHAIN = re.compile(rb"(?:" + _LINK + rb"\s*){%d,}" % MAX_DEPTH)
_BRACKETS = rb"(?P<open>[(\[{])|(?P<close>[)\]}])"
_TOKENS = re.compile(rb"#[^\r\n]*|" + _STRING + rb"|" + _BRACKETS)
_TOKENS_AND_CHAINS = re.compile(rb"#[^\r\n]*|" + _STRING + rb"|(?P<chain>" + _CHAIN.pattern + rb")|" + _BRACKETS)
_BRACKET = re.compile(_BRACKETS)
_PREFIX = re.compile(rb"[A-Za-z]*")


def _depth(text: bytes) -> int:
    depth = deepest = 0
    for match in _BRACKET.finditer(text):
        if match["open"]:
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest


def python_nesting(source: bytes) -> str | None:
    """Why the Python ``source`` is nested too deeply to parse; None when it is not."""
    chained = _CHAIN.search(source) is not None  # maybe inside a string: the scan tells
    if not chained and source.count(b"(") + source.count(b"[") + source.count(b"{") <= MAX_DEPTH:
        return None  # nothing can nest that deep
    depth = deepest = 0
    for match in (_TOKENS_AND_CHAINS if chained else _TOKENS).finditer(source):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "chain":
            line = source.count(b"\n", 0, match.start()) + 1
            return f"line {line}: an expression chained more than {MAX_DEPTH} deep; not parsed"
        elif kind == "string" and b"f" in _PREFIX.match(match.group()).group().lower():
            deepest = max(deepest, depth + _depth(match.group()))  # an f-string's fields nest too
        if deepest > MAX_DEPTH:
            line = source.count(b"\n", 0, match.start()) + 1
            return f"line {line}: brackets nested more than {MAX_DEPTH} deep, which Python does not allow; not parsed"
    return None
