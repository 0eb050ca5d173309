"""``RUN`` instructions of Dockerfiles (the shell form), with their continuation lines."""

from __future__ import annotations

import re

from migrator.hosts.regions import Region, continued_lines

RUN = re.compile(rb"[ \t]*RUN[ \t]+(?!\[)(?!<<)", re.IGNORECASE)


def regions(source: bytes) -> list[Region]:
    found = []
    for number, spans in continued_lines(source, RUN.match):
        (start, end), rest = spans[0], spans[1:]
        match = RUN.match(source, start, end)
        assert match is not None
        region = Region("shell", first_line=number)
        region.add(b" " * (match.end() - start))  # "RUN ": kept in the host, blank for the shell
        region.take(source, match.end(), end)
        for start, end in rest:
            region.take(source, start, end)
        found.append(region)
    return found
