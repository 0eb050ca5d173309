"""Settings of a run: the command line over ``[tool.datamimic-migrate]`` in pyproject.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from migrator.ruletable import RuleTable

KEYS = {"instances", "select", "ignore", "assume-datamimic", "unsafe-fixes", "annotate", "max-file-size"}


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    # A loaded table, or where to load it from when it is first needed (None: the shipped one).
    rules: RuleTable | Path | None = None
    instances: tuple[str, ...] = ()
    assume_datamimic: bool = False
    select: frozenset[str] = frozenset()  # empty: every rule
    ignore: frozenset[str] = frozenset()
    unsafe_fixes: bool = False
    annotate: bool = False  # insert a TODO comment above each call that needs a person
    max_file_size: int = 2 * 1024 * 1024

    @cached_property
    def table(self) -> RuleTable:
        from migrator import ruletable

        return self.rules if isinstance(self.rules, ruletable.RuleTable) else ruletable.load(self.rules)

    @cached_property
    def candidates(self) -> tuple[bytes, ...]:
        """The strings a file must hold to be parsed at all; from the cache when it has them,
        so a run over files that hold none never loads the table."""
        if self.rules is None or isinstance(self.rules, Path):
            from migrator import rulecache

            found = rulecache.candidates(self.rules or rulecache.shipped_rules())
            if found is not None:
                return found
        return self.table.candidates

    def enabled(self, rule_id: str) -> bool:
        if self.select and not any(rule_id.startswith(s) for s in self.select):
            return False
        return not any(rule_id.startswith(i) for i in self.ignore)


def find_pyproject(start: Path) -> Path | None:
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def read_pyproject(path: Path | None) -> dict[str, Any]:
    """The ``[tool.datamimic-migrate]`` table, checked for unknown keys."""
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    section = data.get("tool", {}).get("datamimic-migrate", {})
    unknown = sorted(set(section) - KEYS)
    if unknown:
        raise ConfigError(f"{path}: [tool.datamimic-migrate]: unknown key {unknown[0]!r} (known: {', '.join(sorted(KEYS))})")
    return section
