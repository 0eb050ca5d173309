"""Real Python written elsewhere (installed packages): none of it calls DATAMIMIC, so
the Python front end must read all of it, every .get() and f-string included,
without an error and without a single edit."""

from __future__ import annotations

from pathlib import Path

import click
import jinja2
import markdown_it
import pytest

from migrator.python.migrate import migrate
from migrator.python.tree import ParseError

PACKAGES = [Path(module.__file__).parent for module in (click, jinja2, markdown_it)]
FILES = sorted(p for package in PACKAGES for p in package.rglob("*.py"))


def test_there_is_a_corpus():
    assert len(FILES) > 50


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.name}" for p in FILES])
def test_read_without_error_or_edit(path, settings):
    source = path.read_bytes()
    try:
        fixes, findings = migrate(source, settings.__class__(settings.table, assume_datamimic=True))
    except ParseError:
        pytest.skip("not Python this libcst reads")
    assert fixes == [] and findings == []
