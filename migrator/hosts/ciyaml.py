"""Shell steps of CI files: GitHub Actions ``run:`` and GitLab CI ``script:``,
``before_script:`` and ``after_script:``, as plain one-line scalars or literal
block scalars (``|``), with their indentation kept.

The shell steps of a file are read as one script, after the variables its
``env:`` (GitHub) and ``variables:`` (GitLab) mappings export: a v1 base kept
there is seen. Programs the steps start read those variables too, so the calls
strip the base themselves; the variable changes only with --unsafe-fixes.

``${{ expression }}`` of GitHub Actions is shown to the shell front end as a
variable of the same length (``${__secrets_DATAMIMIC_URL__}``), so the line
parses and the expression still counts as evidence; it is written back as it was.
"""

from __future__ import annotations

import re

from migrator.hosts.regions import HostError, Region, join, lines, skipped

KEYS = {"run", "script", "before_script", "after_script"}
VARIABLE_KEYS = {"env", "variables"}
EXPRESSION = re.compile(rb"\$\{\{.*?\}\}")


def regions(source: bytes) -> list[Region]:
    import yaml

    try:
        text = source.decode("utf-8")
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise HostError(str(exc).splitlines()[0]) from None
    byte_of = _byte_offsets(text)
    found: list[Region] = []
    variables: list[Region] = []
    walked: set[int] = set()
    taken: set[int] = set()
    for document in documents:
        _walk(document, source, byte_of, found, variables, yaml, (walked, taken))
    shell = [r for r in found if r.kind == "shell" and not r.skipped]
    others = [r for r in found if r not in shell]
    for region in others:
        _hide_expressions(region)
    if not shell:
        return others
    joined = join(variables + shell, "shell")
    _hide_expressions(joined)
    return [joined, *others]


def _byte_offsets(text: str) -> list[int] | None:
    if text.isascii():
        return None
    table = [0]
    for char in text:
        table.append(table[-1] + len(char.encode()))
    return table


def _walk(node, source: bytes, byte_of, found: list[Region], variables: list[Region], yaml, seen: tuple[set[int], set[int]]) -> None:
    # A node an alias repeats is the same bytes of the file: walked once, and its script
    # taken once. (Walking every use expands an alias bomb: a 1 KB file took minutes.)
    walked, taken = seen
    if id(node) in walked:
        return
    walked.add(id(node))
    if isinstance(node, yaml.MappingNode):
        shell = next((v.value for k, v in node.value if getattr(k, "value", None) == "shell"), "")
        kind = "python" if str(shell).startswith("python") else None if shell and "sh" not in str(shell) else "shell"
        for key, value in node.value:
            name = getattr(key, "value", None)
            if name in KEYS and kind is not None:
                for scalar in _scalars(value, yaml, taken):
                    region = _region(scalar, source, byte_of, kind)
                    if region is not None:
                        found.append(region)
            elif name in VARIABLE_KEYS and isinstance(value, yaml.MappingNode):
                variables.extend(_assignments(value, source, byte_of, yaml))
            else:
                _walk(value, source, byte_of, found, variables, yaml, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _walk(item, source, byte_of, found, variables, yaml, seen)


def _assignments(mapping, source: bytes, byte_of, yaml) -> list[Region]:
    """``NAME: value`` of env/variables as shell assignments whose value is the YAML scalar."""
    out = []
    for key, value in mapping.value:
        name = str(getattr(key, "value", ""))
        plain = isinstance(value, yaml.ScalarNode) and value.style is None
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or not plain or value.start_mark.line != value.end_mark.line:
            continue
        start, end = (byte_of[m.index] if byte_of else m.index for m in (value.start_mark, value.end_mark))
        region = Region("shell", first_line=value.start_mark.line + 1)
        region.add(b"export " + name.encode() + b"=")  # programs the steps start see it too
        region.take(source, start, end)
        region.add(b"\n")
        out.append(region)
    return out


def _scalars(node, yaml, seen: set[int]) -> list:
    if id(node) in seen:
        return []
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        return [node]
    if isinstance(node, yaml.SequenceNode):
        return [s for item in node.value for s in _scalars(item, yaml, seen)]
    return []


def _region(scalar, source: bytes, byte_of, kind: str) -> Region | None:
    def at(index: int) -> int:
        return byte_of[index] if byte_of else index

    start, end = at(scalar.start_mark.index), at(scalar.end_mark.index)
    if scalar.style is None and scalar.start_mark.line == scalar.end_mark.line:
        region = Region(kind, first_line=scalar.start_mark.line + 1)
        region.take(source, start, end)
        region.add(b"\n")
    elif scalar.style == "|":
        spans = [s for s in lines(source) if start < s[0] < end]
        body = [s for s in spans if source[s[0] : s[1]].strip()]
        if not body:
            return None
        first = source[body[0][0] : body[0][1]]
        indent = len(first) - len(first.lstrip(b" "))
        region = Region(kind, first_line=scalar.start_mark.line + 2, indent=b" " * indent)
        for line_start, line_end in spans:
            line = source[line_start:line_end]
            if line.strip():
                region.take(source, line_start + indent, line_end)
            else:
                region.add(b"\n")
    else:
        style = {">": "a folded (>) scalar", "'": "a quoted scalar", '"': "a quoted scalar"}.get(scalar.style, "a multi-line plain scalar")
        return skipped(kind, scalar.start_mark.line + 1, source, start, end, f"a step in {style} is not rewritten: use a literal block (|) or migrate it by hand")
    return region


def _hide_expressions(region: Region) -> None:
    """``${{ secrets.X }}`` -> ``${__secrets_X__}`` of the same length, restored in inserted text."""
    restore: dict[bytes, bytes] = {}

    def placeholder(match: re.Match[bytes]) -> bytes:
        original = match.group()
        hidden = b"${" + re.sub(rb"\W", b"_", original[2:-1]) + b"}"
        restore[hidden] = original
        return hidden

    region.text = bytearray(EXPRESSION.sub(placeholder, bytes(region.text)))
    if restore:

        def escape(text: bytes) -> bytes:
            for hidden, original in restore.items():
                text = text.replace(hidden, original)
            return text

        region.escape = escape
