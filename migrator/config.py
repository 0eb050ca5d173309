"""Settings of a run: the command line over ``[tool.datamimic-migrate]`` in pyproject.toml.

The table is found as ruff finds its own: the nearest pyproject.toml at or above
each path given that has the table (or the file given with ``--config``). It is
checked against a schema, strictly: an unknown key or a value of the wrong type
is an error that names the file, the key and what was expected, never a guess
(``"false"`` is not false, ``"DM115"`` is not a list).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from migrator.globs import Glob, any_matches

if TYPE_CHECKING:
    from migrator.ruletable import RuleTable

TABLE = "[tool.datamimic-migrate]"


def _strings(value: Any) -> str | None:
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        return "a list of strings"
    return None


def _urls(value: Any) -> str | None:
    if _strings(value) is not None or not all(item.startswith(("http://", "https://")) for item in value):
        return 'a list of http:// or https:// URLs, like ["https://tdm.example.com"]'
    return None


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "true or false (without quotes)"


def _size(value: Any) -> str | None:
    return None if isinstance(value, int) and not isinstance(value, bool) and value > 0 else "a number of bytes above 0"


def _patterns(value: Any) -> str | None:  # exclude = ["legacy/", "*.generated.sh"]
    return None if _strings(value) is None else "a list of file patterns"


def _per_file(value: Any) -> str | None:  # "scripts/old/*.sh" = ["DM107"]
    if isinstance(value, dict) and all(_strings(rules) is None for rules in value.values()):
        return None
    return "a table of file pattern = [rule ids]"


# Each key and the check of its value (None when it is right, else what it must be).
SCHEMA = {
    "instances": _urls,
    "select": _strings,
    "ignore": _strings,
    "assume-datamimic": _boolean,
    "unsafe-fixes": _boolean,
    "annotate": _boolean,
    "max-file-size": _size,
    # Which files a run reads and which rules each one gets.
    "exclude": _patterns,
    "per-file-ignores": _per_file,
}
KEYS = set(SCHEMA)


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


def _table(path: Path) -> tuple[dict[str, Any], bool]:
    """The file's TOML and whether it has a [tool.datamimic-migrate] table."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    tool = data.get("tool")
    return data, isinstance(tool, dict) and "datamimic-migrate" in tool


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` (a file or a folder) that has a
    [tool.datamimic-migrate] table; files without one are passed by, as ruff does."""
    start = start.absolute()
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _table(candidate)[1]:
            return candidate
    return None


def read_pyproject(path: Path | None) -> dict[str, Any]:
    """The ``[tool.datamimic-migrate]`` table, checked against the schema: every mistake is
    named in one ConfigError, a line each."""
    if path is None:
        return {}
    data, _ = _table(path)
    tool = data.get("tool", {})
    section = tool.get("datamimic-migrate", {}) if isinstance(tool, dict) else {}
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: {TABLE} must be a table, not {type(section).__name__}")
    problems = []
    for key, value in section.items():
        check = SCHEMA.get(key)
        if check is None:
            problems.append(f"{path}: {TABLE}: unknown key {key!r} (known: {', '.join(sorted(KEYS))})")
        elif (expected := check(value)) is not None:
            problems.append(f"{path}: {TABLE}: {key} must be {expected}, not {_shown(value)}")
    if problems:
        raise ConfigError("\n".join(problems))
    return section


def _shown(value: Any) -> str:
    kind = {str: "the string", bool: "the boolean", int: "the number", float: "the number", list: "the list"}
    if isinstance(value, dict):
        return f"the table {value!r}" if value else "a table"
    return f"{kind.get(type(value), type(value).__name__)} {value!r}"


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
