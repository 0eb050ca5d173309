"""``RUN`` instructions of Dockerfiles (the shell form), with their continuation lines."""

from __future__ import annotations

import re

from migrator.hosts.regions import Region, lines

RUN = re.compile(rb"[ \t]*RUN[ \t]+(?!\[)(?!<<)", re.IGNORECASE)


def regions(source: bytes) -> list[Region]:
    spans = lines(source)
    found = []
    number = 0
    while number < len(spans):
        start, end = spans[number]
        match = RUN.match(source, start, end)
        if not match:
            number += 1
            continue
        region = Region("shell", first_line=number + 1)
        region.add(b" " * (match.end() - start))  # "RUN ": kept in the host, blank for the shell
        region.take(source, match.end(), end)
        while source[start:end].rstrip(b"\r\n").endswith(b"\\") and number + 1 < len(spans):
            number += 1
            start, end = spans[number]
            region.take(source, start, end)
        found.append(region)
        number += 1
    return found
