"""``RUN`` instructions of Dockerfiles (the shell form), with their continuation lines."""

from __future__ import annotations

import re

from migrator.hosts.regions import Region, continued_lines, skipped

RUN = re.compile(rb"[ \t]*RUN[ \t]+(?!\[)(?!<<)", re.IGNORECASE)
OTHER_RUN = re.compile(rb"[ \t]*RUN[ \t]+(\[|<<)", re.IGNORECASE)


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
    for number, spans in continued_lines(source, OTHER_RUN.match):
        start, end = spans[0][0], spans[-1][1]
        heredoc = re.match(rb"[ \t]*RUN[ \t]+<<-?[\"']?(\w+)", source[start:end], re.IGNORECASE)
        if heredoc:  # the instruction goes on to the line that ends the heredoc
            ending = re.compile(rb"^[ \t]*" + heredoc.group(1) + rb"[ \t]*$", re.MULTILINE).search(source, end)
            end = ending.end() if ending else len(source)
        form = "with a heredoc" if heredoc else "in exec form"
        found.append(skipped("shell", number, source, start, end, f"a RUN {form} is not rewritten: migrate it by hand"))
    return found
