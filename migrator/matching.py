"""Which rule a call is: the precision rule both front ends share.

A v1 call is rewritten only when it is a DATAMIMIC call: its host, a variable it
is built from, or the enclosing function or class mentions DATAMIMIC, or its
host is a configured instance, or the user said --assume-datamimic. A v1-shaped
call without such evidence is only reported as possible, never rewritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from migrator.config import Settings
from migrator.ruletable import Rule, Unmapped
from migrator.urls import (
    Flat,
    UrlMatch,
    find_base,
    host_matches,
    match_template,
    mentions,
)


@dataclass(frozen=True)
class Mapped:
    rule: Rule
    match: UrlMatch


@dataclass(frozen=True)
class Unknown:
    """A DATAMIMIC v1 URL with no mapping for its path or method."""

    message: str


@dataclass(frozen=True)
class Possible:
    """A URL shaped like a DATAMIMIC v1 path, but nothing says it is DATAMIMIC's."""

    rule: Rule | None
    match: UrlMatch


Classification = Mapped | Unknown | Possible | None


def classify(flat: Flat, method: str | None, settings: Settings, enclosing: Sequence[str] = ()) -> Classification:
    """``method`` is None when it is only known at run time."""
    table = settings.table
    base_start = find_base(flat, table.v1_base)
    if base_start < 0:
        return None
    evident = (
        settings.assume_datamimic
        or mentions(table.evidence, flat, base_start)
        or any(table.evidence in name.lower() for name in enclosing)
        or host_matches(flat, base_start, settings.instances)
    )
    candidates: list[tuple[int, Rule | Unmapped, UrlMatch]] = []
    for entry in (*table.rules, *table.unmapped):
        match = match_template(flat, base_start, table.v1_base, entry.v1)
        if match is not None:
            candidates.append((entry.v1.literal_count, entry, match))
    if not candidates:
        if evident:
            return Unknown(f"no v2 mapping for {_path(flat, base_start)}")
        return None
    candidates.sort(key=lambda c: -c[0])
    if not evident:
        rule = next((e for _, e, _ in candidates if isinstance(e, Rule)), None)
        return Possible(rule, candidates[0][2])
    if method is None:
        return Unknown(f"the HTTP method of {_path(flat, base_start)} is only known at run time")
    for _, entry, match in candidates:
        if isinstance(entry, Unmapped):
            return Unknown(f"no v2 mapping for {entry.v1.text}: {entry.note}")
        if method in entry.methods:
            return Mapped(entry, match)
    return Unknown(f"no v2 mapping for {method} {_path(flat, base_start)}")


def _path(flat: Flat, base_start: int) -> str:
    return flat.text[base_start:].split("?")[0].replace("\x00", "{…}")
