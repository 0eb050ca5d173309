"""``RUN`` instructions of Dockerfiles (the shell form), with their continuation lines,
read after the ``ARG`` defaults and ``ENV`` values they see (``ENV TDM_API=${URL}/api/v1/...``):
as shell assignments, so a base kept there is seen. ``ENV`` values stay in the image,
where its programs may read them: a base there is stripped by each RUN, not moved."""

from __future__ import annotations

import re

from migrator.hosts.regions import Region, continued_lines, skipped

RUN = re.compile(rb"[ \t]*RUN[ \t]+(?!\[)(?!<<)", re.IGNORECASE)
SETTING = re.compile(rb"[ \t]*(ARG|ENV)[ \t]+", re.IGNORECASE)
PAIR = re.compile(rb"([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"\n]*\"|[^\s\\\"']*)")
OTHER_RUN = re.compile(rb"[ \t]*RUN[ \t]+(\[|<<)", re.IGNORECASE)


def regions(source: bytes) -> list[Region]:
    found = _settings(source)
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


def _settings(source: bytes) -> list[Region]:
    """``ARG NAME=default`` and ``ENV NAME=value ...`` as shell assignments of their values."""
    out = []
    for number, spans in continued_lines(source, SETTING.match):
        start, end = spans[0][0], spans[-1][1]
        match = SETTING.match(source, start, end)
        assert match is not None
        keyword = match.group(1).upper()
        names = []
        region = Region("shell", first_line=number)
        for pair in PAIR.finditer(source, match.end(), end):
            value_start, value_end = pair.span(2)
            quoted = source[value_start : value_start + 1] == b'"'
            if quoted:
                value_start, value_end = value_start + 1, value_end - 1
            if value_start == value_end:
                continue
            region.add((b"export " if keyword == b"ENV" else b"") + pair.group(1) + b'="')
            region.take(source, value_start, value_end)
            region.add(b'"\n')
            names.append(pair.group(1).decode())
        if not names:
            continue
        if keyword == b"ENV":
            region.read_elsewhere = frozenset(names)  # the image's programs get them
        out.append(region)
    return out
