"""What a script reads from a response, and how the rule table maps such a read.

Both front ends describe a read as an ``Access``: the path of field names and
indexes a script walks into the parsed JSON (``.files[0].name`` in jq,
``r.json()["files"][0]["name"]`` in Python) and what it does right after
(takes the length, goes on with something we do not model, or stops).
The rule table's ``[[rule.response]]`` entries are ``AccessPattern`` pairs;
``map_access`` picks the first entry that applies.

Guide: "External API Endpoint Mapping", each section's "Output Changes".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal as Lit
from typing import Union


@dataclass(frozen=True)
class Field:
    name: str


@dataclass(frozen=True)
class Index:
    """A subscript by number, or an iteration over all elements (``[]``): patterns treat both alike."""

    value: int | None  # None: iterate


Step = Union[Field, Index]

# What a script does with the value it reached: nothing more we model (end), its length,
# a test of its truth (``if tasks:``), or something else.
Then = Lit["end", "length", "truth", "other"]


@dataclass(frozen=True)
class Access:
    steps: tuple[Step, ...]
    then: Then = "end"


@dataclass(frozen=True)
class AccessPattern:
    steps: tuple[Step, ...]
    text: str

    @classmethod
    def parse(cls, text: str) -> AccessPattern:
        return cls(parse_simple_path(text), text)


@dataclass(frozen=True)
class ResponseMapping:
    v1: AccessPattern
    v2: AccessPattern | None
    when: Lit["any", "deeper", "length", "truth"] = "any"
    transform: str | None = None
    review: str | None = None

    @property
    def condition(self) -> str:
        """When the mapping applies, said for the docs ("" for any read)."""
        return {"deeper": " (read further)", "length": " (its length)", "truth": " (tested for truth)"}.get(self.when, "")


@dataclass(frozen=True)
class MappedAccess:
    """The outcome of ``map_access``: replace the first ``consumed`` steps by ``replacement``."""

    mapping: ResponseMapping
    consumed: int
    replacement: tuple[Step, ...]


_STEP = re.compile(r"""\.(?P<name>[A-Za-z_][A-Za-z0-9_]*)|\.?\[(?P<index>-?\d*)\]""")


def parse_simple_path(text: str) -> tuple[Step, ...]:
    """Parse the jq path notation of the rule table: ``.``, ``.a.b``, ``.a[]``, ``.[0].x``."""
    if text == ".":
        return ()
    steps: list[Step] = []
    pos = 0
    while pos < len(text):
        match = _STEP.match(text, pos)
        if not match:
            raise ValueError(f"not a simple jq path: {text!r}")
        if match.group("name") is not None:
            steps.append(Field(match.group("name")))
        else:
            index = match.group("index")
            steps.append(Index(int(index) if index else None))
        pos = match.end()
    return tuple(steps)


def format_path(steps: tuple[Step, ...]) -> str:
    if not steps:
        return "."
    out = []
    for step in steps:
        if isinstance(step, Field):
            out.append(f".{step.name}")
        else:
            out.append("[]" if step.value is None else f"[{step.value}]")
    text = "".join(out)
    return text if text.startswith(".") else "." + text


def _matches(pattern: tuple[Step, ...], steps: tuple[Step, ...]) -> bool:
    if len(steps) < len(pattern):
        return False
    for want, got in zip(pattern, steps):
        if isinstance(want, Field) != isinstance(got, Field):
            return False
        if isinstance(want, Field) and want != got:
            return False
        # A written index ([0]) is that element, or each element of a list that holds only it
        # (v1's task envelope); another index is another element.
        if isinstance(want, Index) and want.value is not None and got.value not in (None, want.value):  # type: ignore[union-attr]
            return False
    return True


def overlaps(pattern: tuple[Step, ...], steps: tuple[Step, ...]) -> bool:
    """Whether a read of ``steps`` may reach a part ``pattern`` names, or a part that holds it:
    only two different field names on the way keep them apart (``.[]`` on an object goes
    through every field)."""
    return not any(isinstance(a, Field) and isinstance(b, Field) and a != b for a, b in zip(pattern, steps))


def _fill(replacement: tuple[Step, ...], captured: list[Step]) -> tuple[Step, ...]:
    """Put the captured indexes (in order) where the replacement has ``[]``."""
    queue = list(captured)
    out: list[Step] = []
    for step in replacement:
        if isinstance(step, Index) and step.value is None and queue:
            out.append(queue.pop(0))
        else:
            out.append(step)
    return tuple(out)


def map_access(mappings: tuple[ResponseMapping, ...], access: Access) -> MappedAccess | None:
    """The first mapping that applies to ``access``, or None when the read is unaffected."""
    found = candidates(mappings, access)
    return found[0] if found else None


def candidates(mappings: tuple[ResponseMapping, ...], access: Access) -> list[MappedAccess]:
    """Every mapping that applies to ``access``, in the table's order: a front end takes the
    first it can write in place (a v2 form without the loop the read goes through cannot be)."""
    found = []
    for mapping in mappings:
        pattern = mapping.v1.steps
        if not _matches(pattern, access.steps):
            continue
        rest = len(access.steps) - len(pattern)
        if mapping.when == "deeper" and rest == 0:
            continue
        if mapping.when in ("length", "truth") and (rest or access.then != mapping.when):
            continue
        captured = [got for want, got in zip(pattern, access.steps) if isinstance(want, Index)]
        replacement = () if mapping.v2 is None else _fill(mapping.v2.steps, captured)
        found.append(MappedAccess(mapping, len(pattern), replacement))
    return found
