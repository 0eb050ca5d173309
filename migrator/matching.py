"""Which rule a call is: the precision rule both front ends share.

A v1 call is rewritten only when it is a DATAMIMIC call, and a URL's own base
decides first:

1. a configured instance, or --assume-datamimic: DATAMIMIC;
2. the base's own host or name (the literal host, the variables the base comes
   through) names DATAMIMIC (``tdm.acme.com``, ``DATAMIMIC_URL``, ``settings.tdm.url``):
   DATAMIMIC;
3. the base has a host or a name of its own that says something else
   (``s3.amazonaws.com``, ``STORE_API``, ``artifactory_url``): not DATAMIMIC, whatever
   the code around it is called;
4. a base with no host or name of its own (``BASE_URL``, ``self.api``, ``localhost``)
   borrows its evidence: a variable elsewhere in the URL, the enclosing function or
   class, the module. A v1-shaped call without any evidence is only reported as
   possible, never rewritten.

The words that name DATAMIMIC are data (``[api] evidence`` in the rule table).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from migrator.config import Settings
from migrator.ruletable import Rule, RuleTable, Unmapped
from migrator.urls import (
    HOLE_MARK,
    Flat,
    Hole,
    UrlMatch,
    find_base,
    host_matches,
    match_template,
)

# Words that say nothing of whose a URL is: a base named only with these has no name of its own.
GENERIC_NAME = frozenset("""
    api apis url urls uri uris base baseurl host hostname root endpoint endpoints server service svc addr address
    prefix path v1 http https self cls os environ getenv get env config cfg conf configuration settings setting
    options opts option args arg argv params param default defaults remote external public local target instance
    link full main my our the client session value var str format join rstrip strip lstrip removesuffix replace
    key name data rest web app backend upstream origin site domain current global vars secrets inputs
    project projects proj pid id ids task tasks file files path paths v1 version route routes template templates
    __ f s r u
""".split())
# Host words that say nothing of which service answers there.
GENERIC_HOST = frozenset("www com net org io example dev prod stage staging qa test local localhost internal svc cluster default".split())


def words(text: str) -> list[str]:
    """The words of a name or host, lowercased: ``TDMClient`` -> tdm, client; ``api_root`` -> api,
    root; ``K8S_API`` -> k8s, api (digits belong to their word; numbers alone are no words)."""
    return [w.lower() for w in re.findall(r"[A-Z0-9]+(?![a-z])|[A-Z]?[a-z0-9]+", text) if not w.isdigit()]


def names_datamimic(text: str, evidence: Sequence[str]) -> bool:
    """Whether a name, host or text names DATAMIMIC: a word is an evidence word (``DM_URL``,
    ``TDMClient``), or holds a long one anywhere (``mydatamimic``). A short one counts only as a
    whole word: ``dms``, ``dmz``, ``dmesg``, ``dmarc`` and ``tdmarket`` are other words. A long
    one may also span the words of one name (``DataMimicClient``)."""
    long = [e for e in evidence if len(e) >= 6]
    if long and any(e in name for name in re.findall(r"[a-z0-9]+", text.lower()) for e in long):
        return True
    return any(w in evidence for w in words(text))


def _base_names(flat: Flat, end: int) -> list[str]:
    """The names the URL's base comes through: variables and expressions before the API base."""
    names: list[str] = []
    for piece_index in sorted({flat.where[k][0] for k in range(min(end, len(flat.text)))}):
        piece = flat.pieces[piece_index]
        # A function the URL is read through (api(), a wrapper) is code, not a name of the base.
        names.extend(via.source for via in piece.via if via.kind != "call")
        if isinstance(piece, Hole):
            names.extend(filter(None, (piece.source, piece.name)))
    return names


def _host(flat: Flat, base_start: int) -> str:
    """The literal host text before the API base (no scheme, port or holes)."""
    text = flat.text[:base_start].replace(HOLE_MARK, " ")
    return re.sub(r"^[a-z]+://|:\d+", " ", text)


def own_evidence(flat: Flat, base_start: int, settings: Settings) -> bool:
    """Rules 1 and 2: a configured instance, or the base's own host or names say DATAMIMIC."""
    if settings.assume_datamimic or host_matches(flat, base_start, settings.instances):
        return True
    evidence = settings.table.evidence
    host = _host(flat, base_start)
    if names_datamimic(host, evidence):
        return True
    # A base with a host of its own is decided by that host: DM_API="https://chat.example.com/api/v1"
    # is the chat service's, whatever its variable is called.
    if set(words(host)) - GENERIC_HOST:
        return False
    names = _base_names(flat, base_start + len(settings.table.v1_base))
    return any(names_datamimic(name, evidence) for name in names)


def evidence(flat: Flat, base_start: int, settings: Settings, context: Sequence[str] = ()) -> str | None:
    """The precision rule (module docstring) for a URL whose API base starts at ``base_start``:
    None for a DATAMIMIC call, else why it is not taken for one."""
    if own_evidence(flat, base_start, settings):
        return None
    evidence = settings.table.evidence
    host = _host(flat, base_start)
    names = _base_names(flat, base_start + len(settings.table.v1_base))
    own_host = sorted(set(words(host)) - GENERIC_HOST)
    # A one-letter name (d = settings.datamimic; d.url) says nothing of whose it is.
    own_name = sorted({w for name in names for w in words(name) if len(w) > 1} - GENERIC_NAME - GENERIC_HOST)
    if own_host or own_name:
        return f"its base names something else ({', '.join(sorted({*own_host, *own_name}))})"
    borrowed = [*_base_names(flat, len(flat.text)), *context]
    if any(names_datamimic(text, evidence) for text in borrowed):
        return None
    return "nothing says it is DATAMIMIC"


@dataclass(frozen=True)
class Mapped:
    rule: Rule
    match: UrlMatch


@dataclass(frozen=True)
class Unknown:
    """A DATAMIMIC v1 URL with no mapping for its path or method (DM100), or one whose path
    is only known at run time, so no rule can be told (DM003)."""

    message: str
    rule: str = "DM100"


@dataclass(frozen=True)
class Possible:
    """A URL shaped like a DATAMIMIC v1 path, but nothing says it is DATAMIMIC's."""

    rule: Rule | None
    match: UrlMatch
    reason: str = "nothing says it is DATAMIMIC"


Classification = Mapped | Unknown | Possible | None


def classify(flat: Flat, method: str | None, settings: Settings, context: Sequence[str] = ()) -> Classification:
    """``method`` is None when it is only known at run time; ``context`` holds the names of the
    code around the call (enclosing functions and classes), whose evidence a base without a
    name of its own may borrow."""
    table = settings.table
    base_start = find_base(flat, table.v1_base)
    if base_start < 0:
        return None
    not_datamimic = evidence(flat, base_start, settings, context)
    evident = not_datamimic is None
    candidates: list[tuple[int, Rule | Unmapped, UrlMatch]] = []
    for entry in (*table.rules, *table.unmapped):
        match = match_template(flat, base_start, table.v1_base, entry.v1)
        if match is not None:
            candidates.append((entry.v1.literal_count, entry, match))
    if not candidates:
        # A path DATAMIMIC does not have is DATAMIMIC's only when its own base says so: the
        # code around it (a DATAMIMIC tool's Kubernetes call) does not make it one.
        if not evident or not own_evidence(flat, base_start, settings):
            return None
        path = _path(flat, base_start)
        if "{…}" in path:
            return Unknown(f"the path of this DATAMIMIC v1 URL ({path}) is only known at run time: migrate it by hand", "DM003")
        return Unknown(f"no v2 mapping for {path}")
    candidates.sort(key=lambda c: -c[0])
    if not evident:
        rules = [(e, m) for _, e, m in candidates if isinstance(e, Rule)]
        # The guess names the rule of the call's method: a POST to .../files is "Create file".
        rule, match = next(((e, m) for e, m in rules if method in e.methods), rules[0] if rules else (None, candidates[0][2]))
        return Possible(rule, match, not_datamimic)
    if method is None:
        return Unknown(f"the HTTP method of {_path(flat, base_start)} is only known at run time: migrate it by hand", "DM003")
    for _, entry, match in candidates:
        if isinstance(entry, Unmapped):
            return Unknown(f"no v2 mapping for {entry.v1.text}: {entry.note}")
        if method in entry.methods:
            return Mapped(entry, match)
    return Unknown(f"no v2 mapping for {method} {_path(flat, base_start)}")


def known_path(flat: Flat, base_start: int, table: RuleTable) -> bool:
    """Whether the path after the v1 base is one DATAMIMIC has (mapped or not)."""
    return any(match_template(flat, base_start, table.v1_base, entry.v1) is not None for entry in (*table.rules, *table.unmapped))


def _path(flat: Flat, base_start: int) -> str:
    return flat.text[base_start:].split("?")[0].replace("\x00", "{…}")
