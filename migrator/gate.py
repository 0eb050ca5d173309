"""The last check before a write: a migrated file must still parse as well as it did.

A file that fails is not written; the run reports it with the rule whose fix broke
it, as a bug of ours. What is checked:

- Python: every grammar the original parses under (Python 3.8 up to the running
  one), the output parses under too, so a rewrite never needs a newer Python than
  the original did; and no f-string gains a quote or backslash that Pythons before
  3.12 refuse in its replacement fields.
- Shell: tree-sitter finds no more ERROR or MISSING nodes than in the original.
- Files that hold code: the file itself still loads (a notebook's JSON, a CI file's
  YAML with the same keys, a Markdown file's fences) and every code region in it
  parses as well as before.
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
import warnings

from migrator.hosts import KINDS as HOSTS

OLDEST_PYTHON = (3, 8)


def problem(kind: str, original: bytes, new: bytes) -> str | None:
    """What is wrong with ``new`` that was not wrong with ``original``; None when nothing is."""
    if kind == "python":
        return _python(original, new)
    if kind == "shell":
        return _shell(original, new)
    if kind in HOSTS:
        return _host(kind, original, new)
    return None


# ------------------------------------------------------------------ Python


def _python_error(source: bytes, version: tuple[int, int] | None) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like are the file's own
            ast.parse(source, feature_version=version)
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    except (ValueError, RecursionError, MemoryError) as exc:
        return str(exc) or type(exc).__name__
    return None


def _python(original: bytes, new: bytes) -> str | None:
    running = sys.version_info[:2]
    versions = [(3, minor) for minor in range(OLDEST_PYTHON[1], running[1] + 1)]
    for version in reversed(versions):
        if _python_error(original, version) is None:
            error = _python_error(new, version)
            if error is not None:
                return f"the output does not parse as Python {version[0]}.{version[1]}: {error}"
        elif version == running:
            # Newer syntax than this Python reads: libcst, which read the original, must read the output.
            return _libcst_error(new)
    if running >= (3, 12) and _fstring_problem(original) is None:
        return _fstring_problem(new)
    return None


def _fstring_problem(source: bytes) -> str | None:
    """Inside an f-string's replacement fields, Python before 3.12 refuses the f-string's own
    quote and any backslash. Python 3.12 tokenizes such fields, so this finds them."""
    quotes: list[str] = []  # the quote of each f-string we are inside
    try:
        tokens = list(tokenize.tokenize(io.BytesIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    for token in tokens:
        name = tokenize.tok_name[token.type]
        if name == "FSTRING_START":
            if any(quote in token.string for quote in quotes):
                return f"line {token.start[0]}: an f-string nested in one with the same quotes needs Python 3.12"
            quotes.append(token.string.lstrip("rRfFbBuU")[:1])
        elif name == "FSTRING_END":
            quotes.pop()
        elif quotes and name == "STRING":
            if token.string.lstrip("rRbBuU")[:1] in quotes or "\\" in token.string:
                return f"line {token.start[0]}: a string in an f-string's braces needs Python 3.12 there"
    return None


def _libcst_error(source: bytes) -> str | None:
    import libcst

    try:
        libcst.parse_module(source)
    except libcst.ParserSyntaxError as exc:
        return f"the output does not parse: line {exc.raw_line}: {exc.message}"
    return None


# ------------------------------------------------------------------ shell


def shell_errors(source: bytes) -> int:
    from migrator.shell.words import parse, walk

    root = parse(source)
    if not root.has_error:
        return 0
    return sum(1 for node in walk(root) if node.type == "ERROR" or node.is_missing)


def _shell(original: bytes, new: bytes) -> str | None:
    before, after = shell_errors(original), shell_errors(new)
    if after > before:
        return f"the output has {after - before} more shell syntax error(s) than the original"
    return None


# ------------------------------------------------------------------ files that hold code


def _region_errors(kind: str, code: bytes) -> int:
    if kind == "python":
        return int(_python_error(code, None) is not None)
    return shell_errors(code)


def _host(kind: str, original: bytes, new: bytes) -> str | None:
    from migrator.hosts import code_regions
    from migrator.hosts.regions import HostError

    loads = {"notebook": _notebook_shape, "ci": _yaml_shape, "markdown": _fences}.get(kind)
    if loads is not None:
        try:
            if loads(original) != loads(new):
                return f"the {kind} file's structure changed"
        except ValueError as exc:
            return f"the output is no longer a {kind} file: {exc}"
    try:
        before, after = code_regions(kind, original), code_regions(kind, new)
    except HostError as exc:
        return f"the output is no longer a {kind} file: {exc}"
    if len(before) != len(after):
        return f"the output has {len(after)} code blocks where the original has {len(before)}"
    for old, region in zip(before, after):
        if old.skipped or region.skipped:
            continue
        if _region_errors(region.kind, bytes(region.text)) > _region_errors(old.kind, bytes(old.text)):
            return f"the {region.kind} code from line {region.first_line} does not parse after the rewrite"
    return None


def _notebook_shape(data: bytes) -> object:
    import json

    notebook = json.loads(data)
    cells = notebook.get("cells", []) if isinstance(notebook, dict) else []
    return [(cell.get("cell_type"), sorted(cell)) for cell in cells if isinstance(cell, dict)], sorted(notebook)


def _yaml_shape(data: bytes) -> object:
    """The keys of each YAML document, without the scalar values (aliases are walked once)."""
    import yaml

    try:
        documents = list(yaml.compose_all(data.decode("utf-8"), Loader=yaml.SafeLoader))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ValueError(str(exc).splitlines()[0]) from None
    seen: set[int] = set()

    def shape(node: object) -> object:
        if id(node) in seen:
            return "*alias"
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return [(getattr(key, "value", None), shape(value)) for key, value in node.value]
        if isinstance(node, yaml.SequenceNode):
            return [shape(item) for item in node.value]
        return "scalar"

    return [shape(document) for document in documents]


def _fences(data: bytes) -> object:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(data.decode("utf-8", "surrogateescape"))
    return [(token.info, token.markup) for token in tokens if token.type == "fence"]
