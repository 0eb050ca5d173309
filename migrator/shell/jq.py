"""jq filters that read a v1 response, rewritten to read the v2 response.

A filter is understood when it starts with paths joined by pipes
(``.files[] | .name``), optionally followed by ``length`` or anything else; the
path is then mapped by the rule's ``[[rule.response]]`` entries. Filters that
reach into a changed response in a way we do not model are reported.

Guide: "Common Issues and Solutions" (response parsing) and each "Output Changes".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from migrator.responses import Access, Field, Index, MappedAccess, Step, format_path

# jq options that take one or two values, and those that change what the filter sees.
_WITH_ONE = {"--indent", "-L", "--seq-sep"}
_WITH_TWO = {"--arg", "--argjson", "--slurpfile", "--rawfile"}
_FROM_FILE = {"-f", "--from-file"}
_CHANGES_INPUT = {"s": "--slurp", "n": "--null-input", "R": "--raw-input"}
_CHANGES_INPUT_LONG = {"--slurp", "--null-input", "--raw-input", "--stream", "--stream-errors", "--seq"}


@dataclass(frozen=True)
class FilterArg:
    index: int  # which argument holds the filter
    problem: str | None = None


def find_filter(args: list[str | None]) -> FilterArg | None:
    """Which of jq's arguments is the filter (``args``: static text, None if computed)."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg is None:
            return FilterArg(i, "the jq filter is computed at run time")
        if arg in _FROM_FILE:
            return FilterArg(i, "the jq filter is read from a file")
        if arg in _WITH_TWO:
            i += 3
            continue
        if arg in _WITH_ONE:
            i += 2
            continue
        if arg in _CHANGES_INPUT_LONG or (
            arg.startswith("-") and not arg.startswith("--") and set(arg[1:]) & set(_CHANGES_INPUT)
        ):
            return FilterArg(i, f"jq {arg} changes how the response is read")
        if arg.startswith("-") and arg != "-":
            i += 1
            continue
        return FilterArg(i)
    return None


@dataclass(frozen=True)
class PathStep:
    step: Step
    start: int
    end: int


@dataclass(frozen=True)
class ParsedFilter:
    access: Access
    steps: tuple[PathStep, ...]
    first_segment: tuple[int, int]  # span of the first pipe segment, without spaces
    rest: int  # where the filter goes on after the access path
    operand: bool  # the path is an operand (".a.b == 1"), so added pipes need parentheses


_TOKEN = re.compile(
    r"""\.(?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | \."(?P<qname>[^"\\]*)"
      | \.?\[\s*(?:"(?P<sname>[^"\\]*)"|(?P<index>-?\d+)|(?P<iter>))\s*\]
      | (?P<opt>\?)""",
    re.VERBOSE,
)


def _segments(source: str) -> list[tuple[int, int]]:
    """Spans of the top-level pipe segments."""
    spans = []
    depth = 0
    start = 0
    i = 0
    in_string = False
    while i < len(source):
        char = source[i]
        if in_string:
            if char == "\\":
                i += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "|" and depth == 0 and source[i + 1 : i + 2] != "=":
            spans.append((start, i))
            start = i + 1
        i += 1
    spans.append((start, len(source)))
    return spans


def _path_steps(source: str, start: int, end: int, whole: bool = True) -> list[PathStep] | None:
    """The steps of a segment that is a plain path (or, unless ``whole``, starts with one)."""
    segment = source[start:end]
    if segment == ".":
        return []
    steps: list[PathStep] = []
    pos = 0
    while pos < len(segment):
        match = _TOKEN.match(segment, pos)
        if not match or (pos == 0 and not segment.startswith(".")):
            return None if whole or not steps else steps
        if match.group("opt") is None:
            name = match.group("name") or match.group("qname") or match.group("sname")
            if name is not None:
                step: Step = Field(name)
            elif match.group("index") is not None:
                step = Index(int(match.group("index")))
            else:
                step = Index(None)
            steps.append(PathStep(step, start + match.start(), start + match.end()))
        pos = match.end()
    return steps


def parse_filter(source: str) -> ParsedFilter:
    steps: list[PathStep] = []
    then = "end"
    first: tuple[int, int] | None = None
    rest = len(source)
    operand = False
    for seg_start, seg_end in _segments(source):
        stripped = source[seg_start:seg_end]
        start = seg_start + len(stripped) - len(stripped.lstrip())
        end = seg_end - (len(stripped) - len(stripped.rstrip()))
        if first is None:
            first = (start, end)
        found = _path_steps(source, start, end)
        if found is None:
            then = "length" if source[start:end] == "length" else "other"
            leading = _path_steps(source, start, end, whole=False) if source[start:end] != "length" else None
            if leading and re.match(r"\s*(==|!=|<=|>=|<|>|\+|-|\*|/|%|//|and\b|or\b|as\b|,)", source[leading[-1].end : end]):
                # ".result[0].status == \"SUCCESS\"": the path is an operand of what follows.
                steps.extend(leading)
                operand = True
                rest = leading[-1].end
            else:
                rest = seg_start
            break
        steps.extend(found)
    assert first is not None
    if then == "end" and steps:
        rest = steps[-1].end
    return ParsedFilter(Access(tuple(p.step for p in steps), then), tuple(steps), first, rest, operand)  # type: ignore[arg-type]


_FIELD_READ = r"""(?:\.\s*"?{0}\b|\[\s*"{0}"\s*\])"""


def reads_field(source: str, names: set[str]) -> bool:
    """Whether jq text reads any of these fields (``.files``, ``.["files"]``)."""
    return any(re.search(_FIELD_READ.format(re.escape(name)), source) for name in names)


def rewrite(source: str, parsed: ParsedFilter, mapped: MappedAccess, transform: str | None) -> str:
    """The filter with the mapped part of its path replaced."""
    replacement = format_path(mapped.replacement)
    if mapped.consumed == 0:
        first_start, first_end = parsed.first_segment
        if source[first_start:first_end] == ".":
            return source[:first_start] + replacement + source[first_end:]
        return source[:first_start] + replacement + " | " + source[first_start:]
    consumed = parsed.steps[: mapped.consumed]
    start, end = consumed[0].start, consumed[-1].end
    rest = parsed.steps[mapped.consumed :]
    new = "" if not mapped.replacement else replacement
    if not new and rest:
        end = rest[0].start  # ".result[0] | .status" -> ".status"
        if source[end] == "[":
            new = "."
    elif not new:
        new = "."
    if transform:
        new = f"({new} | {transform})" if parsed.operand else f"{new} | {transform}"
    return source[:start] + new + source[end:]
