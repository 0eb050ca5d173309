"""Code cells of Jupyter notebooks: Python, ``!curl ...`` shell escapes, and
``%%bash`` cells.

The notebook's JSON is read with the position of every string, so an edit goes
into the very string it changes, written as JSON again: every other byte of the
notebook (outputs, metadata, key order, indentation) stays as it was.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field

from migrator.hosts.regions import HostError, Region

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


@dataclass
class JsonString:
    """A JSON string and, for each of its characters, where it is written (start, end) in the text."""

    value: str
    chars: list[tuple[int, int]]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, what: str) -> HostError:
        return HostError(f"not a notebook: {what} at character {self.pos}")

    def space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def value(self):  # noqa: ANN201 - JSON values
        self.space()
        char = self.text[self.pos : self.pos + 1]
        if char == "{":
            self.pos += 1
            result = {}
            self.space()
            if self.text[self.pos] == "}":
                self.pos += 1
                return result
            while True:
                self.space()
                key = self.string().value
                self.space()
                if self.text[self.pos] != ":":
                    raise self.fail("':' expected")
                self.pos += 1
                result[key] = self.value()
                self.space()
                if self.text[self.pos] == ",":
                    self.pos += 1
                    continue
                if self.text[self.pos] == "}":
                    self.pos += 1
                    return result
                raise self.fail("',' or '}' expected")
        if char == "[":
            self.pos += 1
            items = []
            self.space()
            if self.text[self.pos] == "]":
                self.pos += 1
                return items
            while True:
                items.append(self.value())
                self.space()
                if self.text[self.pos] == ",":
                    self.pos += 1
                    continue
                if self.text[self.pos] == "]":
                    self.pos += 1
                    return items
                raise self.fail("',' or ']' expected")
        if char == '"':
            return self.string()
        for word, result in (("true", True), ("false", False), ("null", None)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return result
        match = _NUMBER.match(self.text, self.pos)
        if not match:
            raise self.fail("a value expected")
        self.pos = match.end()
        return json.loads(match.group())

    def string(self) -> JsonString:
        if self.text[self.pos : self.pos + 1] != '"':
            raise self.fail("a string expected")
        self.pos += 1
        out: list[str] = []
        chars: list[tuple[int, int]] = []
        while True:
            if self.pos >= len(self.text):
                raise self.fail("an unterminated string")
            char = self.text[self.pos]
            start = self.pos
            if char == '"':
                self.pos += 1
                return JsonString("".join(out), chars)
            if char == "\\":
                code = self.text[self.pos + 1 : self.pos + 2]
                if code in _SIMPLE_ESCAPES:
                    out.append(_SIMPLE_ESCAPES[code])
                    self.pos += 2
                elif code == "u":
                    point = int(self.text[self.pos + 2 : self.pos + 6], 16)
                    self.pos += 6
                    if 0xD800 <= point < 0xDC00 and self.text.startswith("\\u", self.pos):
                        low = int(self.text[self.pos + 2 : self.pos + 6], 16)
                        point = 0x10000 + ((point - 0xD800) << 10) + (low - 0xDC00)
                        self.pos += 6
                    out.append(chr(point))
                else:
                    raise self.fail("a bad escape")
            else:
                out.append(char)
                self.pos += 1
            chars.append((start, self.pos))


def regions(source: bytes) -> list[Region]:
    """The notebook's code: its Python cells as one module (they run top to bottom in one
    namespace), each line on the module line of the notebook line it is written on, so
    that lines named in messages are the notebook's; its shell escapes and ``%%bash``
    cells as shell regions."""
    try:
        text = source.decode("utf-8")
        notebook = _Parser(text).value()
    except (UnicodeDecodeError, IndexError, ValueError) as exc:
        raise HostError(f"not a notebook: {exc}") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise HostError("not a notebook: no cells")
    byte_of = None if text.isascii() else _byte_offsets(text)
    ascii_only = source.isascii()

    def escape(data: bytes) -> bytes:
        return json.dumps(data.decode("utf-8", "surrogateescape"), ensure_ascii=ascii_only)[1:-1].encode()

    line_starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]
    found: list[Region] = []
    module = Module("python", first_line=1, escape=escape)
    python = _language(notebook) == "python"
    for cell in notebook["cells"]:
        if not isinstance(cell, dict) or _plain(cell.get("cell_type")) != "code":
            continue
        strings = cell.get("source")
        strings = [strings] if isinstance(strings, JsonString) else [s for s in strings or [] if isinstance(s, JsonString)]
        cell_lines = _lines(strings)
        if not cell_lines:
            continue
        magic = cell_lines[0][0].strip().split()
        if magic and magic[0] in SHELL_CELLS:
            found.append(_region("shell", cell_lines, lambda line, n: "body" if n else "blank", byte_of, escape))
            continue
        ipython = _ipython_lines(cell_lines)
        shell = {n for n in ipython if _shell_escape(cell_lines[n][0]) and not _interpolates(cell_lines, n, ipython)}
        found.append(_region("shell", cell_lines, lambda line, n: "escape" if n in shell else "blank", byte_of, escape))
        if python and (not magic or not magic[0].startswith("%%") or magic[0] in PYTHON_CELLS):
            module.add_cell(cell_lines, ipython, ipython - shell, byte_of, bisect.bisect_right(line_starts, cell_lines[0][1][0][0]))
    if module.cells:
        found.append(module)
    return [region for region in found if region.text.strip()]


# Cell magics whose body is shell code, and those whose body is Python run in the notebook.
SHELL_CELLS = {"%%bash", "%%sh", "%%script bash", "%%script sh", "%%script"}
PYTHON_CELLS = {"%%time", "%%timeit", "%%capture", "%%prun", "%%debug", "%%python", "%%python3"}


@dataclass
class Module(Region):
    """The Python cells of a notebook as one module; ``cells``: each cell's (start, end) in it."""

    cells: list[tuple[int, int]] = field(default_factory=list)

    def add_cell(self, cell_lines, ipython: set[int], rendered: set[int], byte_of, host_line: int) -> None:
        line = self.text.count(b"\n") + 1
        if host_line > line:
            self.add(b"\n" * (host_line - line))
        start = len(self.text)
        for number, (text, spans) in enumerate(cell_lines):
            if number in rendered:
                _as_python(self, text, spans, byte_of)
            elif number in ipython:
                self.add(b"\n")
            else:
                _take(self, text, spans, 0, byte_of)
        self.cells.append((start, len(self.text)))

    def without(self, bad: set[int]) -> Module:
        """The module with the cells ``bad`` (indexes) blanked: their lines stay, empty."""
        out = Module(self.kind, self.first_line, escape=self.escape, cells=self.cells)
        out.take(bytes(self.text), 0, len(self.text))
        out.where, out.ends = list(self.where), list(self.ends)
        for index in bad:
            start, end = self.cells[index]
            for at in range(start, end):
                if out.text[at] != 10:
                    out.text[at] = 32
                out.where[at] = out.ends[at] = -1
        return out


def _ipython_lines(cell_lines) -> set[int]:
    """The lines IPython reads itself, not Python: ``!cmd``, ``%magic`` (and a ``%%`` cell
    magic's first line), with the lines a trailing backslash continues them onto."""
    out: set[int] = set()
    continued = False
    for number, (text, _) in enumerate(cell_lines):
        if continued or text.lstrip().startswith(("!", "%")):
            out.add(number)
            continued = text.rstrip("\r\n").endswith("\\")
    return out


def _shell_escape(line: str) -> bool:
    return line.lstrip().startswith("!")


_INTERPOLATION = re.compile(r"(?<!\{)\{[A-Za-z_][^{}]*\}(?!\})")


def _interpolates(cell_lines, number: int, ipython: set[int]) -> bool:
    """Whether a shell escape takes Python values (``!curl "{API}/info"``): it is then a
    call of the Python module, where those values are known."""
    text = cell_lines[number][0]
    return bool(_INTERPOLATION.search(text)) and not text.rstrip("\r\n").endswith("\\")


def _plain(value: object) -> object:
    return value.value if isinstance(value, JsonString) else value


def _language(notebook: dict) -> str:
    metadata = notebook.get("metadata") or {}
    for section, key in (("kernelspec", "language"), ("language_info", "name")):
        value = _plain((metadata.get(section) or {}).get(key))
        if value:
            return str(value).lower()
    return "python"


def _byte_offsets(text: str) -> list[int]:
    table = [0]
    for char in text:
        table.append(table[-1] + len(char.encode()))
    return table


def _lines(strings: list[JsonString]) -> list[tuple[str, list[tuple[int, int]]]]:
    """The cell's lines, each with where its characters are written."""
    out: list[tuple[str, list[tuple[int, int]]]] = []
    line, spans = "", []
    for string in strings:
        for char, span in zip(string.value, string.chars):
            line += char
            spans.append(span)
            if char == "\n":
                out.append((line, spans))
                line, spans = "", []
    if line:
        out.append((line, spans))
    return out


def _take(region: Region, line: str, spans, skip: int, byte_of) -> None:
    """The line's characters into the region, each with its place in the notebook; the
    first ``skip`` blank (the "!" of IPython: kept in the host, blank for the shell)."""
    for index, (char, (start, end)) in enumerate(zip(line, spans)):
        data = char.encode("utf-8", "surrogateescape")
        if index < skip:
            region.add(b" " * len(data))
            continue
        if byte_of is not None:
            start, end = byte_of[start], byte_of[end]
        region.add(data, start, end)
    if not line.endswith("\n"):
        region.add(b"\n")


def _region(kind, cell_lines, classify, byte_of, escape) -> Region:
    region = Region(kind, first_line=1, escape=escape)
    for number, (line, spans) in enumerate(cell_lines):
        how = classify(line, number)
        if how == "blank":
            region.add(b"\n")
            continue
        _take(region, line, spans, len(line) - len(line.lstrip()) + 1 if how == "escape" else 0, byte_of)
    return region


_OPERATORS = "|&;<>()"


def _commands(chars: list[tuple[str, tuple[int, int]]]) -> list[tuple[list[list[tuple[str, tuple[int, int]]]], bool]]:
    """The simple commands of a shell line, each as its words (the characters of each
    word, quotes taken off) and whether its output goes on (to a pipe or a file)."""
    commands: list = [([], False)]
    word: list | None = None
    quote = ""
    index = 0

    def finish() -> None:
        nonlocal word
        if word is not None:
            commands[-1][0].append(word)
        word = None

    while index < len(chars):
        char = chars[index][0]
        if quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"' and index + 1 < len(chars) and chars[index + 1][0] in '"\\$`':
                index += 1
                word.append(chars[index])  # type: ignore[union-attr]
            else:
                word.append(chars[index])  # type: ignore[union-attr]
        elif char in "'\"":
            quote = char
            word = [] if word is None else word
        elif char == "\\" and index + 1 < len(chars):
            index += 1
            word = [] if word is None else word
            word.append(chars[index])
        elif char.isspace():
            finish()
        elif char in _OPERATORS:
            finish()
            if char in "|>":
                commands[-1] = (commands[-1][0], True)
            if commands[-1][0]:
                commands.append(([], False))
        elif char == "#" and word is None:
            break
        else:
            word = [] if word is None else word
            word.append(chars[index])
        index += 1
    finish()
    return [command for command in commands if command[0]]


def _as_python(module: Region, line: str, spans, byte_of) -> None:
    """A shell escape that takes Python values, as the Python call it makes: each curl
    command of ``!curl -s "{API}/info" | jq .`` as ``_ = subprocess.run(["curl", "-s",
    f"{API}/info"])``, every character of its words placed where the notebook has it (so a
    rewrite of the URL goes into the cell) and the rest with no place. A word that cannot
    be written as a Python string leaves the line blank: IPython runs it, Python does not."""
    body = line.rstrip("\r\n")
    indent = len(body) - len(body.lstrip())
    chars = list(zip(body, spans))[indent + 1 :]
    statements = []
    for words, output_read in _commands(chars):
        if "".join(c for c, _ in words[0]).rsplit("/", 1)[-1] != "curl":
            continue
        literals = [_literal(word) for word in words]
        if None in literals:
            continue
        statements.append((output_read, literals))
    if not statements:
        module.add(b"\n")
        return
    module.add(body[:indent].encode())
    for number, (output_read, literals) in enumerate(statements):
        module.add(b"; " if number else b"")
        module.add(b"_ = subprocess.run([" if output_read else b"subprocess.run([")
        for index, literal in enumerate(literals):
            module.add(b", " if index else b"")
            for data, span in literal:
                start, end = span
                if start >= 0 and byte_of is not None:
                    start, end = byte_of[start], byte_of[end]
                module.add(data, start, end)
        module.add(b"])")
    module.add(b"\n")


def _literal(word: list[tuple[str, tuple[int, int]]]) -> list[tuple[bytes, tuple[int, int]]] | None:
    """A shell word as a Python string literal: an f-string when it interpolates
    (IPython expands ``{name}`` as an f-string does)."""
    text = "".join(char for char, _ in word)
    quote = next((q for q in ('"', "'") if q not in text), None)
    if quote is None or "\\" in text or "\n" in text:
        return None
    prefix = "f" if "{" in text else ""
    none = (-1, -1)
    return [((prefix + quote).encode(), none), *((c.encode("utf-8", "surrogateescape"), span) for c, span in word), (quote.encode(), none)]


def migrate_cells(module: Module, front_end, parse_errors: tuple[type[Exception], ...], settings) -> tuple[Module, list, list]:
    """The module of a notebook one of whose cells does not parse: that cell reported
    (IPython may read what Python cannot) and left as it is, the others migrated as one.
    Returns the module migrated, its fixes and findings."""
    from migrator.findings import Finding, Status
    from migrator.limits import python_nesting
    from migrator.python.tree import ParseError, Tree

    bad: dict[int, str] = {}
    for index, (start, end) in enumerate(module.cells):
        cell = bytes(module.text[start:end])
        problem = python_nesting(cell)
        if problem is None:
            try:
                Tree(cell)
            except ParseError as exc:
                problem = str(exc)
        if problem is not None:
            bad[index] = problem
    findings = []
    for index, problem in bad.items():
        start, end = module.cells[index]
        first = bytes(module.text[:start]).count(b"\n") + 1
        last = first + bytes(module.text[start:end]).rstrip(b"\n").count(b"\n")
        message = f"this Python cell does not parse ({_cell_lines(problem, first)}): left as it is, the other cells are migrated without it"
        findings.append(Finding("DM001", Status.REVIEW, first, 1, message, end_line=last))
    rest = module.without(set(bad))
    try:
        fixes, more = front_end(bytes(rest.text), settings)
    except parse_errors as exc:
        return rest, [], [*findings, Finding("DM001", Status.REVIEW, 1, 1, f"this python code does not parse ({exc}): left as it is")]
    return rest, fixes, [*findings, *more]


def _cell_lines(problem: str, first: int) -> str:
    """A parse error of a cell read alone, its line counted in the notebook's module."""
    match = re.match(r"line (\d+)(.*)", problem, re.S)
    return f"line {first + int(match.group(1)) - 1}{match.group(2)}" if match else problem
