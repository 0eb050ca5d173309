"""Where an ``--annotate`` TODO line may go: where it is a comment, and nothing else.

A line inserted inside a multi-line string (shell ``'...'``, a heredoc, Python
``\"\"\"...\"\"\"``) or after a line continued with a backslash would change the program.
So each TODO line is tried where it belongs, above the call, and checked: the
program without its comments must be the same as before (Python: the same AST;
shell: the same syntax tree, strings and all; a file that holds code: the same
code in each of its blocks). Where it is not, the line moves up until it is.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable

from migrator.hosts import KINDS as HOSTS

Program = object


def _python(source: bytes) -> Program:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.dump(ast.parse(source))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None  # newer syntax than this Python reads: the gate checks the output still parses


def _shell(source: bytes) -> Program:
    from migrator.shell.words import parse

    out = []
    stack = [parse(source)]
    while stack:
        node = stack.pop()
        if node.type == "comment":
            continue
        leaf = node.child_count == 0 or node.type in ("string", "raw_string", "heredoc_body", "ansi_c_string")
        out.append((node.type, source[node.start_byte : node.end_byte] if leaf else b""))
        stack.extend(reversed(node.children))
    return out


def _host(kind: str) -> Callable[[bytes], Program]:
    def program(source: bytes) -> Program:
        from migrator.hosts import code_regions
        from migrator.hosts.regions import HostError

        try:
            regions = code_regions(kind, source)
        except HostError:
            return None
        return [(r.kind, r.skipped or PROGRAMS[r.kind](bytes(r.text))) for r in regions]

    return program


PROGRAMS: dict[str, Callable[[bytes], Program]] = {"python": _python, "shell": _shell}


def same_program(kind: str, source: bytes) -> Callable[[bytes], bool]:
    """A test of a rewritten ``source``: is it still the same program, comments aside?"""
    program = PROGRAMS.get(kind) or (_host(kind) if kind in HOSTS else None)
    if program is None:
        return lambda new: True
    before = program(source)
    if before is None:
        return lambda new: True
    return lambda new: program(new) == before
