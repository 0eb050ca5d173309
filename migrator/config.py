"""Settings of a run: the command line over ``[tool.datamimic-migrate]`` in pyproject.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migrator.globs import Glob, any_matches

if TYPE_CHECKING:
    from migrator.ruletable import RuleTable

KEYS = {"instances", "select", "ignore", "assume-datamimic", "unsafe-fixes", "annotate", "max-file-size"}
# Which files a run reads and which rules each one gets, with the type each key must have.
FILE_KEYS = {
    "exclude": "a list of file patterns",  # exclude = ["legacy/", "*.generated.sh"]
    "per-file-ignores": "a table of file pattern = [rule ids]",  # "scripts/old/*.sh" = ["DM107"]
}
KEYS |= set(FILE_KEYS)


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
    exclude: tuple[Glob, ...] = ()  # files and folders never read
    per_file_ignores: tuple[tuple[Glob, frozenset[str]], ...] = ()  # rules not applied to the files a pattern matches

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

    def excluded(self, path: str | Path) -> bool:
        return any_matches(self.exclude, path)

    def ignored_in(self, path: str | Path) -> frozenset[str]:
        """The rules per-file-ignores leaves out of this file."""
        return frozenset().union(*(rules for glob, rules in self.per_file_ignores if glob.matches(path)))

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
    _check_file_keys(section, path)
    return section


def _check_file_keys(section: dict[str, Any], path: Path) -> None:
    def strings(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)

    exclude = section.get("exclude", [])
    ignores = section.get("per-file-ignores", {})
    for key, good in (
        ("exclude", strings(exclude)),
        ("per-file-ignores", isinstance(ignores, dict) and all(strings(rules) for rules in ignores.values())),
    ):
        if not good:
            raise ConfigError(f"{path}: [tool.datamimic-migrate]: {key!r} must be {FILE_KEYS[key]}")


def file_settings(section: dict[str, Any], root: Path, exclude: tuple[str, ...] = (), here: Path | None = None) -> dict[str, Any]:
    """The Settings fields of the file keys: patterns of pyproject.toml are relative to its
    folder (root), those given on the command line (exclude) to the current folder."""
    here = here or Path.cwd()
    return {
        "exclude": tuple(Glob.of(p, root) for p in section.get("exclude", ())) + tuple(Glob.of(p, here) for p in exclude),
        "per_file_ignores": tuple(
            (Glob.of(pattern, root), frozenset(rule.upper() for rule in rules))
            for pattern, rules in section.get("per-file-ignores", {}).items()
        ),
    }
