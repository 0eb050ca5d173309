"""Every rule's own examples, v1 in and v2 out, are tests (and what `explain` prints)."""

from __future__ import annotations

import pytest
from conftest import check_transformed

from migrator import ruletable

EXAMPLES = [
    pytest.param(example.before, example.after, example.lang, id=f"{rule.id}-{example.lang}-{i}")
    for rule in ruletable.load().rules
    for i, example in enumerate(rule.examples)
]


@pytest.mark.parametrize(("before", "after", "kind"), EXAMPLES)
def test_rule_example(before, after, kind, settings):
    check_transformed(before, after, settings, kind)
