"""Recipe lines of Makefiles: each logical line (with its continuations) is a
shell script of its own, as make runs it.

make reads ``$$`` as ``$`` and ``$(NAME)`` as its own variable; the shell front
end sees ``$`` and ``${NAME}``, and text written back has its ``$`` doubled.
"""

from __future__ import annotations

import re

from migrator.hosts.regions import Region, continued_lines

MAKE_VARIABLE = re.compile(rb"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")
RECIPE_PREFIX = re.compile(rb"\t[@+\-]*")


def regions(source: bytes) -> list[Region]:
    found = []
    for number, spans in continued_lines(source, lambda line: line.startswith(b"\t")):
        region = Region("shell", first_line=number, escape=lambda text: text.replace(b"$", b"$$"))
        for index, (start, end) in enumerate(spans):
            # A recipe's first line may start with @, - or +; a continuation line loses one tab.
            if index == 0:
                prefix = RECIPE_PREFIX.match(source, start, end).end() - start  # type: ignore[union-attr]
            else:
                prefix = 1 if source[start : start + 1] == b"\t" else 0
            region.add(b" " * prefix)
            _take(region, source, start + prefix, end)
        found.append(region)
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
