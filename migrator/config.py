"""Settings of a run: the command line over ``[tool.datamimic-migrate]`` in pyproject.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from migrator.ruletable import RuleTable

KEYS = {"instances", "select", "ignore", "assume-datamimic", "unsafe-fixes", "annotate", "max-file-size"}


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Settings:
    table: RuleTable
    instances: tuple[str, ...] = ()
    assume_datamimic: bool = False
    select: frozenset[str] = frozenset()  # empty: every rule
    ignore: frozenset[str] = frozenset()
    unsafe_fixes: bool = False
    annotate: bool = False  # insert a TODO comment above each call that needs a person
    max_file_size: int = 2 * 1024 * 1024

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
