"""Code cells of Jupyter notebooks: Python, ``!curl ...`` shell escapes, and
``%%bash`` cells.

The notebook's JSON is read with the position of every string, so an edit goes
into the very string it changes, written as JSON again: every other byte of the
notebook (outputs, metadata, key order, indentation) stays as it was.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

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

    language = _language(notebook)
    found = []
    for cell in notebook["cells"]:
        if not isinstance(cell, dict) or _plain(cell.get("cell_type")) != "code":
            continue
        strings = cell.get("source")
        strings = [strings] if isinstance(strings, JsonString) else [s for s in strings or [] if isinstance(s, JsonString)]
        cell_lines = _lines(strings)
        if not cell_lines:
            continue
        first = cell_lines[0][0].strip()
        if first.startswith(("%%bash", "%%sh", "%%script bash", "%%script sh")):
            found.append(_region("shell", cell_lines, lambda line, n: "body" if n else "blank", byte_of, escape))
            continue
        found.append(_region("shell", cell_lines, _shell_escape_line, byte_of, escape))
        if language == "python":
            found.append(_region("python", cell_lines, _python_line, byte_of, escape))
    return [region for region in found if region.text.strip()]


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


def _shell_escape_line(line: str, number: int) -> str:
    return "escape" if line.lstrip().startswith("!") else "blank"


def _python_line(line: str, number: int) -> str:
    return "blank" if line.lstrip().startswith(("!", "%")) else "body"


def _region(kind, cell_lines, classify, byte_of, escape) -> Region:
    region = Region(kind, first_line=1, escape=escape)
    for number, (line, spans) in enumerate(cell_lines):
        how = classify(line, number)
        if how == "blank":
            region.add(b"\n")
            continue
        skip = len(line) - len(line.lstrip()) + 1 if how == "escape" else 0
        for index, (char, (start, end)) in enumerate(zip(line, spans)):
            data = char.encode("utf-8", "surrogateescape")
            if index < skip:
                region.add(b" " * len(data))  # the "!" of IPython: kept in the host, blank for the shell
                continue
            if byte_of is not None:
                start, end = byte_of[start], byte_of[end]
            region.add(data, start, end)
        if not line.endswith("\n"):
            region.add(b"\n")
    return region
