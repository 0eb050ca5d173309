"""Load and validate the rule table (``rules/*.toml``) into frozen dataclasses.

The table is data: every v1 -> v2 mapping of the migration guide is one
``[[rule]]`` entry. This module checks each entry and names the file, entry and
key of any mistake, so that a bad edit of the table fails loudly and early.
"""

from __future__ import annotations

import pickle
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from migrator import rulecache
from migrator.responses import AccessPattern, ResponseMapping
from migrator.urls import Template

METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"}
RULE_ID = re.compile(r"DM\d{3}")
PARAM_SOURCES = re.compile(r"(upload|body):[A-Za-z_][A-Za-z0-9_]*")
LANGUAGES = ("shell", "python")


class RuleTableError(Exception):
    """A mistake in the rule table, with where it is."""


@dataclass(frozen=True)
class Transform:
    name: str
    description: str
    jq: str
    python: str


@dataclass(frozen=True)
class Request:
    form_add: tuple[tuple[str, str], ...] = ()
    path_params: tuple[tuple[str, str], ...] = ()  # v2 param -> "upload:<field>" | "body:<key>"
    body_rename: tuple[tuple[str, str], ...] = ()
    body_drop: tuple[str, ...] = ()
    query_defaults: tuple[tuple[str, str], ...] = ()

    @property
    def changes_body(self) -> bool:
        return bool(self.body_rename or self.body_drop or any(s.startswith("body:") for _, s in self.path_params))


@dataclass(frozen=True)
class Example:
    before: str
    after: str
    lang: str = "shell"  # shell | python


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    title: str
    guide: str
    methods: tuple[str, ...]
    v1: Template
    v2: Template
    note: str
    request: Request
    responses: tuple[ResponseMapping, ...]
    messages: tuple[str, ...]
    examples: tuple[Example, ...]


@dataclass(frozen=True)
class MetaRule:
    id: str
    name: str
    title: str
    note: str


@dataclass(frozen=True)
class Unmapped:
    v1: Template
    note: str


@dataclass(frozen=True)
class RuleTable:
    source: Path
    v1_base: str
    v2_base: str
    candidates: tuple[bytes, ...]
    evidence: tuple[str, ...]  # words that name DATAMIMIC
    transforms: dict[str, Transform]
    rules: tuple[Rule, ...]
    meta: tuple[MetaRule, ...]
    unmapped: tuple[Unmapped, ...]

    def get(self, rule_id: str) -> Rule | MetaRule:
        for entry in (*self.rules, *self.meta):
            if entry.id == rule_id:
                return entry
        raise KeyError(rule_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(sorted(e.id for e in (*self.rules, *self.meta)))


@cache
def load(path: Path | None = None) -> RuleTable:
    """The validated table; a checked table is cached by its content, so a hook run skips the TOML parse."""
    try:
        path = path or rulecache.shipped_rules()
        raw = path.read_bytes()
    except OSError as exc:
        raise RuleTableError(str(exc)) from exc
    pickled = rulecache.entry(raw, "pickle")
    cached = rulecache.read(pickled)
    if cached is not None:
        try:
            table = pickle.loads(cached)
            if isinstance(table, RuleTable) and table.source == path:
                return table
        except (pickle.UnpicklingError, AttributeError, EOFError, TypeError, ValueError, ImportError):
            pass
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RuleTableError(f"{path}: {exc}") from exc
    table = _Loader(path).table(data)
    rulecache.write(pickled, pickle.dumps(table))
    rulecache.write(rulecache.entry(raw, "candidates"), b"\n".join(table.candidates))
    return table


class _Loader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, message: str) -> RuleTableError:
        return RuleTableError(f"{self.path}: {where}: {message}")

    def take(self, entry: dict[str, Any], where: str, key: str, kind: type, default: Any = ...) -> Any:
        if key not in entry:
            if default is ...:
                raise self.fail(where, f"missing key {key!r}")
            return default
        value = entry[key]
        if not isinstance(value, kind):
            raise self.fail(where, f"key {key!r} must be a {kind.__name__}, not {type(value).__name__}")
        return value

    def check_keys(self, entry: dict[str, Any], where: str, allowed: set[str]) -> None:
        unknown = sorted(set(entry) - allowed)
        if unknown:
            raise self.fail(where, f"unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})")

    def table(self, data: dict[str, Any]) -> RuleTable:
        self.check_keys(data, "top level", {"version", "api", "transforms", "meta", "rule", "unmapped"})
        if self.take(data, "top level", "version", int) != 1:
            raise self.fail("top level", "only version = 1 is understood")
        api = self.take(data, "top level", "api", dict)
        self.check_keys(api, "[api]", {"v1_base", "v2_base", "candidates", "evidence"})
        v1_base = self.take(api, "[api]", "v1_base", str)
        v2_base = self.take(api, "[api]", "v2_base", str)
        candidates = tuple(c.encode() for c in self.take(api, "[api]", "candidates", list))
        evidence = tuple(word.lower() for word in self.take(api, "[api]", "evidence", list))
        if not evidence or not all(isinstance(word, str) and word.isalnum() for word in evidence):
            raise self.fail("[api]", "key 'evidence' must list words (letters and digits)")

        transforms = {}
        for name, entry in self.take(data, "top level", "transforms", dict, {}).items():
            where = f"[transforms.{name}]"
            self.check_keys(entry, where, {"description", "jq", "python"})
            transforms[name] = Transform(
                name,
                self.take(entry, where, "description", str),
                self.take(entry, where, "jq", str),
                self.take(entry, where, "python", str),
            )

        meta = []
        for i, entry in enumerate(self.take(data, "top level", "meta", list, [])):
            where = f"[[meta]] #{i + 1}"
            self.check_keys(entry, where, {"id", "name", "title", "note"})
            meta.append(MetaRule(*(self.take(entry, where, k, str) for k in ("id", "name", "title", "note"))))

        rules = [self.rule(i, entry, v1_base, v2_base, transforms) for i, entry in enumerate(data.get("rule", []))]

        unmapped = []
        for i, entry in enumerate(self.take(data, "top level", "unmapped", list, [])):
            where = f"[[unmapped]] #{i + 1}"
            self.check_keys(entry, where, {"v1", "note"})
            unmapped.append(Unmapped(self.template(entry, where, "v1", v1_base), self.take(entry, where, "note", str)))

        seen: set[str] = set()
        for entry in (*meta, *rules):
            if not RULE_ID.fullmatch(entry.id):
                raise self.fail(entry.id, "ids look like DM123")
            if entry.id in seen:
                raise self.fail(entry.id, "duplicate id")
            seen.add(entry.id)
        return RuleTable(
            self.path, v1_base, v2_base, candidates, evidence, transforms, tuple(rules), tuple(meta), tuple(unmapped)
        )

    def template(self, entry: dict[str, Any], where: str, key: str, base: str) -> Template:
        try:
            return Template.parse(self.take(entry, where, key, str), base)
        except ValueError as exc:
            raise self.fail(where, f"key {key!r}: {exc}") from None

    def rule(
        self, i: int, entry: dict[str, Any], v1_base: str, v2_base: str, transforms: dict[str, Transform]
    ) -> Rule:
        where = f"[[rule]] #{i + 1} ({entry.get('id', 'no id')})"
        self.check_keys(
            entry,
            where,
            {"id", "name", "title", "guide", "methods", "v1", "v2", "note", "request", "response", "messages", "example"},
        )
        methods = tuple(self.take(entry, where, "methods", list))
        if not methods or not set(methods) <= METHODS:
            raise self.fail(where, f"key 'methods' must list some of {sorted(METHODS)}")
        v1 = self.template(entry, where, "v1", v1_base)
        v2 = self.template(entry, where, "v2", v2_base)
        request = self.request(entry.get("request", {}), where + " [rule.request]", v1, v2)
        shared = [p for p in v2.params if p in v1.params]
        if shared != [p for p in v1.params if p in v2.params]:
            raise self.fail(where, "parameters shared by v1 and v2 must keep their order")
        responses = tuple(
            self.response(r, f"{where} [[rule.response]] #{j + 1}", transforms)
            for j, r in enumerate(self.take(entry, where, "response", list, []))
        )
        examples = []
        for j, example in enumerate(self.take(entry, where, "example", list, [])):
            ewhere = f"{where} [[rule.example]] #{j + 1}"
            self.check_keys(example, ewhere, {"before", "after", "lang"})
            lang = self.take(example, ewhere, "lang", str, "shell")
            if lang not in LANGUAGES:
                raise self.fail(ewhere, f"key 'lang' must be one of {', '.join(LANGUAGES)}")
            examples.append(
                Example(self.take(example, ewhere, "before", str), self.take(example, ewhere, "after", str), lang)
            )
        missing = [lang for lang in LANGUAGES if not any(e.lang == lang for e in examples)]
        if missing:
            raise self.fail(where, f"every rule needs a [[rule.example]] for each language; none for {missing[0]}")
        return Rule(
            id=self.take(entry, where, "id", str),
            name=self.take(entry, where, "name", str),
            title=self.take(entry, where, "title", str),
            guide=self.take(entry, where, "guide", str),
            methods=methods,
            v1=v1,
            v2=v2,
            note=self.take(entry, where, "note", str),
            request=request,
            responses=responses,
            messages=tuple(self.take(entry, where, "messages", list, [])),
            examples=tuple(examples),
        )

    def request(self, entry: dict[str, Any], where: str, v1: Template, v2: Template) -> Request:
        self.check_keys(entry, where, {"form_add", "path_params", "body_rename", "body_drop", "query_defaults"})
        path_params = self.take(entry, where, "path_params", dict, {})
        for name, source in path_params.items():
            if name not in v2.params or name in v1.params:
                raise self.fail(where, f"path_params: {name!r} must be a parameter of v2 only")
            if not isinstance(source, str) or not PARAM_SOURCES.fullmatch(source):
                raise self.fail(where, f"path_params: {name!r} must come from 'upload:<field>' or 'body:<key>'")
        for name in v2.params:
            if name not in v1.params and name not in path_params:
                raise self.fail(where, f"v2 parameter {name!r} has no source: add it to path_params")

        def pairs(key: str) -> tuple[tuple[str, str], ...]:
            table = self.take(entry, where, key, dict, {})
            if not all(isinstance(v, str) for v in table.values()):
                raise self.fail(where, f"key {key!r}: values must be strings")
            return tuple(table.items())

        return Request(
            form_add=pairs("form_add"),
            path_params=tuple(path_params.items()),
            body_rename=pairs("body_rename"),
            body_drop=tuple(self.take(entry, where, "body_drop", list, [])),
            query_defaults=pairs("query_defaults"),
        )

    def response(self, entry: dict[str, Any], where: str, transforms: dict[str, Transform]) -> ResponseMapping:
        self.check_keys(entry, where, {"v1", "v2", "when", "transform", "review"})

        def pattern(key: str) -> AccessPattern | None:
            if key not in entry:
                return None
            try:
                return AccessPattern.parse(self.take(entry, where, key, str))
            except ValueError as exc:
                raise self.fail(where, f"key {key!r}: {exc}") from None

        v1, v2 = pattern("v1"), pattern("v2")
        review = self.take(entry, where, "review", str, None)
        if v1 is None:
            raise self.fail(where, "missing key 'v1'")
        if (v2 is None) == (review is None):
            raise self.fail(where, "give either 'v2' or 'review'")
        when = self.take(entry, where, "when", str, "any")
        if when not in ("any", "deeper", "length", "truth"):
            raise self.fail(where, "key 'when' must be any, deeper, length or truth")
        transform = self.take(entry, where, "transform", str, None)
        if transform is not None and transform not in transforms:
            raise self.fail(where, f"unknown transform {transform!r}")
        return ResponseMapping(v1, v2, when, transform, review)  # type: ignore[arg-type]
