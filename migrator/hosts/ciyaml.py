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

A ``shell: python`` step gets the same environment: where it reads a variable whose value
holds the v1 base (``os.environ["DM_API"]``), the Python front end sees that value as a
string literal, so the call it builds is found; a fix cannot be written there (the value is
the env's), so the call is reported, and the variable keeps its value for it.
"""

from __future__ import annotations

import re

from migrator.hosts.regions import HostError, Region, join, lines, skipped

KEYS = {"run", "script", "before_script", "after_script"}
VARIABLE_KEYS = {"env", "variables"}
EXPRESSION = re.compile(rb"\$\{\{.*?\}\}")
ENV_EXPRESSION = re.compile(rb"\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
ENV_READ = re.compile(
    rb"""os\.(?:environ\[\s*(?P<q1>['"])(?P<n1>\w+)(?P=q1)\s*\]|(?:environ\.get|getenv)\(\s*(?P<q2>['"])(?P<n2>\w+)(?P=q2)\s*\))"""
)
EXPORT = re.compile(rb'export ([A-Za-z_][A-Za-z0-9_]*)="(.*)"\n')


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
    values = {m.group(1): m.group(2) for v in variables if (m := EXPORT.fullmatch(bytes(v.text)))}
    held_by = []
    for region in others:
        if region.kind == "python" and not region.skipped:
            held_by += _env_values(region, source, values)
        _hide_expressions(region)
    if not shell:
        return others
    joined = join(variables + shell, "shell")
    joined.held_by = tuple(held_by)
    if _runs_actions(documents, yaml):
        # An action a step uses gets the same environment: it may read any of these variables.
        names = re.findall(rb"export ([A-Za-z_][A-Za-z0-9_]*)=", b"".join(bytes(v.text) for v in variables))
        joined.read_elsewhere = frozenset(name.decode() for name in names)
    joined.read_elsewhere |= {name for name, _ in held_by}
    _hide_expressions(joined)
    return [joined, *others]


HARMLESS_ACTIONS = ("actions/checkout", "actions/upload-artifact", "actions/download-artifact", "actions/cache", "actions/setup-")


def _runs_actions(documents, yaml) -> bool:
    """Whether a GitHub step uses an action that is not known to ignore the environment."""
    stack = list(documents)
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if getattr(key, "value", None) == "uses" and isinstance(value, yaml.ScalarNode):
                    if not str(value.value).startswith(HARMLESS_ACTIONS):
                        return True
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return False


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
                if -id(value) not in taken:  # an anchored variables: block is read once
                    taken.add(-id(value))
                    variables.extend(_assignments(value, source, byte_of, yaml))
            else:
                _walk(value, source, byte_of, found, variables, yaml, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _walk(item, source, byte_of, found, variables, yaml, seen)


def _assignments(mapping, source: bytes, byte_of, yaml) -> list[Region]:
    """``NAME: value`` of env/variables as shell assignments whose value is the YAML scalar:
    plain, or quoted without escapes, on one line. CI runners expand ``$VAR`` in them, as
    the shell does in double quotes."""
    out = []
    for key, value in mapping.value:
        name = str(getattr(key, "value", ""))
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) or not isinstance(value, yaml.ScalarNode):
            continue
        if value.start_mark.line != value.end_mark.line or value.style not in (None, '"', "'"):
            continue
        start, end = (byte_of[m.index] if byte_of else m.index for m in (value.start_mark, value.end_mark))
        if value.style is not None:
            start, end = start + 1, end - 1
        inner = source[start:end]
        if b'"' in inner or b"\\" in inner or b"`" in inner or (value.style == "'" and b"'" in inner):
            continue
        region = Region("shell", first_line=value.start_mark.line + 1)
        region.add(b"export " + name.encode() + b'="')  # programs the steps start see it too
        region.take(source, start, end)
        region.add(b'"\n')
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
    elif scalar.style == ">" and (folded := _folded(scalar, source, start, end, kind)) is not None:
        return folded
    else:
        style = {">": "a folded (>) scalar", "'": "a quoted scalar", '"': "a quoted scalar"}.get(scalar.style, "a multi-line plain scalar")
        return skipped(kind, scalar.start_mark.line + 1, source, start, end, f"a step in {style} is not rewritten: use a literal block (|) or migrate it by hand")
    return region


def _folded(scalar, source: bytes, start: int, end: int, kind: str) -> Region | None:
    """A folded block (``- >``) whose lines YAML joins with spaces: one shell line, each line
    break standing for the space it becomes. Blocks with more-indented or blank lines
    inside (where YAML keeps the line break) are not read."""
    spans = [s for s in lines(source) if start < s[0] < end]
    body = [s for s in spans if source[s[0] : s[1]].strip()]
    if not body:
        return None
    while spans and not source[spans[-1][0] : spans[-1][1]].strip():
        spans.pop()
    first = source[body[0][0] : body[0][1]]
    indent = len(first) - len(first.lstrip(b" "))
    if any(not source[a:b].strip() or len(source[a:b]) - len(source[a:b].lstrip(b" ")) != indent for a, b in spans):
        return None
    region = Region(kind, first_line=scalar.start_mark.line + 2, indent=b" " * indent)
    for number, (line_start, line_end) in enumerate(spans):
        content_end = line_end - (1 if source[line_end - 1 : line_end] == b"\n" else 0)
        region.take(source, line_start + indent, content_end)
        if number + 1 < len(spans):
            region.add(b" ", content_end, spans[number + 1][0] + indent)  # the line break YAML folds
    region.add(b"\n")
    # Text inserted here must not break a line: it would be folded again.
    region.escape = lambda text: text.replace(b"\n" + b" " * 0, b" ")
    return region


def _env_values(region: Region, source: bytes, values: dict[bytes, bytes]) -> list[tuple[str, int]]:
    """Python's reads of env variables whose value holds the v1 base, as string literals of
    that value that stand for no host bytes (no edit can go there); (name, host line) of each."""
    text = bytes(region.text)
    where, ends = region.where, region.ends
    region.text, region.where, region.ends = bytearray(), [], []
    reads = []
    at = 0
    for match in ENV_READ.finditer(text):
        name = match.group("n1") or match.group("n2")
        quote = match.group("q1") or match.group("q2")
        value = values.get(name, b"")
        if b"/api/v1" not in value or quote in value or b"\\" in value:
            continue
        start, end = match.start(), match.end()
        field = re.search(rb"\{\s*$", text[at:start]), re.match(rb"\s*\}", text[end:])
        if field[0] and field[1]:
            # A replacement field of an f-string, {os.environ['DM_API']}: the value's text.
            start, end, literal = at + field[0].start(), end + field[1].end(), value.replace(b"{", b"{{").replace(b"}", b"}}")
        else:
            literal = quote + value + quote
        region.text += text[at:start]
        region.where += where[at:start]
        region.ends += ends[at:start]
        region.add(literal)
        reads.append((name.decode(), source.count(b"\n", 0, where[match.start()]) + 1))
        at = end
    if reads:
        names = ", ".join(sorted({f"${name}" for name, _ in reads}))
        region.unwritable = f"its v1 base is the value of {names} in this file's env, which the step reads: migrate it by hand"
    region.text += text[at:]
    region.where += where[at:]
    region.ends += ends[at:]
    return reads


def _hide_expressions(region: Region) -> None:
    """``${{ secrets.X }}`` -> ``${__secrets_X__}`` of the same length, restored in inserted
    text. ``${{ env.X }}`` -> ``${X}``: in a step it is the value of the env variable X,
    which the step's shell also has, so its uses count for X's plan."""
    restore: dict[bytes, bytes] = {}
    text = bytes(region.text)
    where, ends = region.where, region.ends
    region.text, region.where, region.ends = bytearray(), [], []
    at = 0
    for match in EXPRESSION.finditer(text):
        region.text += text[at : match.start()]
        region.where += where[at : match.start()]
        region.ends += ends[at : match.start()]
        original = match.group()
        env = ENV_EXPRESSION.fullmatch(original)
        if env is not None:
            hidden = b"${" + env.group(1) + b"}"
            region.add(hidden, where[match.start()], ends[match.end() - 1])
        else:
            hidden = b"${" + re.sub(rb"\W", b"_", original[2:-1]) + b"}"
            region.text += hidden
            region.where += where[match.start() : match.end()]
            region.ends += ends[match.start() : match.end()]
        restore[hidden] = original
        at = match.end()
    region.text += text[at:]
    region.where += where[at:]
    region.ends += ends[at:]
    if restore:
        host_escape = region.escape

        def escape(text: bytes) -> bytes:
            if host_escape is not None:
                text = host_escape(text)
            for hidden, original in restore.items():
                text = text.replace(hidden, original)
            return text

        region.escape = escape
