"""Fenced code blocks in Markdown: bash/sh/shell/zsh/console and python.

The fences are found with markdown-it-py's source map, so a fence inside a list
or a block quote is found as a reader sees it. In console blocks, only the
commands after a ``$ `` prompt (and their continuation lines) are code; the
prompt stays where it is.
"""

from __future__ import annotations

import re

from migrator.hosts.regions import Region, lines

SHELL = {"bash", "sh", "shell", "zsh", "console", "shell-session", "shellsession", "terminal"}
CONSOLE = {"console", "shell-session", "shellsession", "terminal"}
PYTHON = {"python", "py", "python3"}


def regions(source: bytes) -> list[Region]:
    from markdown_it import MarkdownIt

    text = source.decode("utf-8", "surrogateescape")
    spans = lines(source)
    found = []
    for token in MarkdownIt("commonmark").parse(text):
        if token.type != "fence" or token.map is None:
            continue
        label = token.info.split()[0].lower() if token.info.strip() else ""
        kind = "shell" if label in SHELL else "python" if label in PYTHON else None
        if kind is None:
            continue
        first, last = token.map
        fence = source[spans[first][0] : spans[first][1]]
        # What stands before the fence (list indentation, "> " of a block quote) stands before each line.
        prefix = fence[: fence.index(token.markup.encode())]
        body = list(range(first + 1, last))
        if body and source[spans[body[-1]][0] : spans[body[-1]][1]].lstrip(b" >").startswith(token.markup.encode()):
            body.pop()  # the closing fence
        region = Region(kind, first_line=first + 2, indent=prefix)
        continued = False
        for number in body:
            start, end = spans[number]
            line = source[start:end]
            start += _common_prefix(line, prefix)
            if label in CONSOLE:
                content = source[start:end]
                if content.startswith(b"$ "):
                    region.add(b"  ")  # the prompt: kept in the host, blank for the shell
                    region.take(source, start + 2, end)
                elif continued:
                    region.take(source, start, end)
                else:
                    region.add(b"\n")  # output
                    continue
                continued = content.rstrip(b"\r\n").endswith(b"\\")
            else:
                region.take(source, start, end)
        if region.text:
            found.append(region)
    found.extend(_inline_commands(source, text, spans))
    return found


_INLINE = re.compile(rb"(?<!`)`(?:\$ )?(curl [^`\n]+)`(?!`)")


def _inline_commands(source: bytes, text: str, spans: list[tuple[int, int]]) -> list[Region]:
    """``curl ...`` written as inline code in the prose (a list item's "compare with
    `curl -s "$API/files" | jq ...`"): one line of shell each, read with the blocks."""
    from markdown_it import MarkdownIt

    out = []
    for token in MarkdownIt("commonmark").parse(text):
        if token.type != "inline" or token.map is None or "`" not in token.content:
            continue
        first, last = token.map
        start, end = spans[first][0], spans[min(last, len(spans)) - 1][1]
        for match in _INLINE.finditer(source, start, end):
            line = source.count(b"\n", 0, match.start()) + 1
            region = Region("shell", first_line=line)
            region.add(b" " * (match.start(1) - source.rfind(b"\n", 0, match.start(1)) - 1))
            region.take(source, match.start(1), match.end(1))
            region.add(b"\n")
            out.append(region)
    return out


def _common_prefix(line: bytes, prefix: bytes) -> int:
    """How much of ``prefix`` the line starts with (a blank line in a quote may have only ">")."""
    count = 0
    while count < len(prefix) and count < len(line) and line[count] == prefix[count] and line[count] not in b"\r\n":
        count += 1
    return count
