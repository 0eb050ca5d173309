"""Recipe lines of Makefiles: each logical line (with its continuations) is a
shell script of its own, as make runs it.

make reads ``$$`` as ``$`` and ``$(NAME)`` as its own variable; the shell front
end sees ``$`` and ``${NAME}``, and text written back has its ``$`` doubled.
"""

from __future__ import annotations

import re

from migrator.hosts.regions import Region, lines

MAKE_VARIABLE = re.compile(rb"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def regions(source: bytes) -> list[Region]:
    spans = lines(source)
    found = []
    number = 0
    while number < len(spans):
        start, end = spans[number]
        if source[start : start + 1] != b"\t":
            number += 1
            continue
        region = Region("shell", first_line=number + 1, escape=lambda text: text.replace(b"$", b"$$"))
        prefix = re.match(rb"\t[@+\-]*", source[start:end]).end()  # type: ignore[union-attr]
        region.add(b" " * prefix)
        _take(region, source, start + prefix, end)
        while source[start:end].rstrip(b"\r\n").endswith(b"\\") and number + 1 < len(spans):
            number += 1
            start, end = spans[number]
            skip = 1 if source[start : start + 1] == b"\t" else 0
            region.add(b" " * skip)
            _take(region, source, start + skip, end)
        found.append(region)
        number += 1
    return found


def _take(region: Region, source: bytes, start: int, end: int) -> None:
    """Copy a recipe line as the shell sees it: ``$$`` -> ``$``, ``$(NAME)`` -> ``${NAME}``."""
    position = start
    while position < end:
        if source[position : position + 2] == b"$$":
            region.add(b"$", position, position + 2)
            position += 2
            continue
        match = MAKE_VARIABLE.match(source, position, end)
        if match:
            region.take(source, match.start(), match.end())
            region.text[-len(match.group()) :] = b"${" + match.group(1) + b"}"
            position = match.end()
            continue
        region.take(source, position, position + 1)
        position += 1
