"""The steps both front ends take for a call, whatever the language: the URL plan,
the findings they report, and the fix of a call that migrates."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from migrator.config import Settings
from migrator.edits import ByteEdit, Fix, IgnoreMark, is_ignored
from migrator.findings import Finding, Status
from migrator.matching import Mapped, Possible
from migrator.ruletable import Rule
from migrator.urls import Content, Edit, UrlMatch, Via, holder, plan_url_rewrite

# (line, column, last line) of a call, 1-based
Position = tuple[int, int, int]


class CannotRewrite(Exception):
    """Why a call cannot be rewritten safely; it becomes a finding for review."""


def url_edits(mapped: Mapped, settings: Settings, extra: dict[str, Content], sent_query: str) -> list[Edit]:
    rule = mapped.rule
    table = settings.table
    plan = plan_url_rewrite(
        mapped.match, table.v1_base, table.v2_base, rule.v2, extra, dict(rule.request.query_defaults), sent_query
    )
    if plan.problem:
        raise CannotRewrite(plan.problem)
    return plan.edits


def check_reads(unreadable: list[int]) -> None:
    """A call whose response is read in a way that cannot be migrated stays on v1, so the script keeps working."""
    if unreadable:
        lines = ", ".join(str(line) for line in unreadable)
        raise CannotRewrite(f"its response is read on line {lines} in a way that cannot be migrated, so it stays on v1")


def finding(
    settings: Settings, rule_id: str, status: Status, position: Position, message: str, before: str = ""
) -> Finding | None:
    """A finding, or None when its rule is not selected."""
    if not settings.enabled(rule_id):
        return None
    line, column, end_line = position
    shown = before if status is not Status.POSSIBLE else ""
    return Finding(rule_id, status, line, column, message, before=shown, end_line=end_line)


def possible_message(found: Possible) -> str:
    where = f"{found.rule.id} {found.rule.title}" if found.rule else "a v1 path"
    return f"looks like DATAMIMIC v1 ({where}) but {found.reason}: left alone"


def review_message(rule: Rule, problem: CannotRewrite) -> str:
    return f"{rule.title}: cannot rewrite safely: {problem}"


def migrated_fix(
    rule: Rule, position: Position, span: tuple[int, int], edits: list[ByteEdit], unsafe_reason: str
) -> Fix:
    line, column, end_line = position
    message = f"{rule.title}: {rule.v1.text} -> {rule.v2.text}"
    result = Finding(rule.id, Status.MIGRATED, line, column, message, end_line=end_line)
    return Fix(result, tuple(edits), span, not unsafe_reason, unsafe_reason)


class Rewrite(Protocol):
    """What settling needs of a front end's planned rewrite of one call."""

    rule: Rule
    url_spans: list[tuple[int, int]]
    unsafe_reason: str
    match: UrlMatch
    url_edits: list[Edit]

    def variables(self) -> set[str]: ...


def will_apply(rewrite: Rewrite, position: Position, settings: Settings, marks: dict[int, IgnoreMark]) -> bool:
    """Whether the fix of a planned rewrite will be written: not unsafe (or unsafe fixes
    asked for) and not under an ignore comment. Only such calls may move a shared base."""
    line, column, end_line = position
    probe = Finding(rewrite.rule.id, Status.MIGRATED, line, column, "", end_line=end_line)
    return not is_ignored(probe, marks) and (not rewrite.unsafe_reason or settings.unsafe_fixes)


def settle_shared_variables(
    rewrites: Sequence[Rewrite],
    settings: Settings,
    applies: Callable[[Rewrite], bool],
    uses_outside: Callable[[str, list[tuple[int, int]], list[tuple[int, int]]], tuple[str | None, str | None]],
    rewrite_call_only: Callable[[Rewrite, str], bool],
    report_left: Callable[[Rewrite, str, str], None],
) -> list[Rewrite]:
    """Decide, per variable holding a v1 base, whether its assignment changes; the rewrites that stay.

    It changes when every use of it is a migrating call whose fix will be written
    (``applies``). Otherwise each call that uses it is rewritten on its own (the
    variable keeps its v1 value and the call strips it), and a call that cannot be
    is reported and left. With --unsafe-fixes, a variable that something else uses
    too (an echo, a print) is changed, as an unsafe fix. ``uses_outside`` says where
    ("line 4") a call that does not migrate uses the variable (among them the URLs
    of calls whose fixes are not written), and where anything else does.
    """
    active = list(rewrites)
    left: list[Rewrite] = []  # reported and kept on v1: what their URLs go through cannot move
    changed = True
    while changed:
        # Every pass decides every variable again: a call left in one pass blocks what it
        # goes through in the next, even a variable an earlier pass let move.
        changed = False
        migrating = [span for rewrite in active if applies(rewrite) for span in rewrite.url_spans]
        held = [span for rewrite in [*active, *left] if rewrite in left or not applies(rewrite) for span in rewrite.url_spans]
        for variable in sorted({v for rewrite in active for v in rewrite.variables()}):
            users = [rewrite for rewrite in active if variable in rewrite.variables()]
            blocked, other = uses_outside(variable, migrating, held)
            if blocked is None and _changed_differently(variable, active):
                blocked = "calls that change it differently"
            if blocked is None and (other is None or settings.unsafe_fixes):
                for rewrite in users if other is not None else []:
                    rewrite.unsafe_reason = f"it changes {variable}, which {other} uses too"
                continue
            for rewrite in users:
                if not rewrite_call_only(rewrite, variable):
                    active.remove(rewrite)
                    left.append(rewrite)
                    report_left(rewrite, variable, blocked if blocked is not None else other)  # type: ignore[arg-type]
            changed = True
            break
    return active


def _through(rewrite: Rewrite) -> set[str]:
    """The shared definitions a call's URL comes through."""
    return {via.name.split(".")[-1] for piece in rewrite.match.flat.pieces for via in piece.via if via.kind != "argument"}


def _changed_differently(variable: str, rewrites: Sequence[Rewrite]) -> bool:
    """Whether the calls that go through a shared definition would change its text in
    different ways (one appends /metadata to a builder another calls too)."""
    changes = set()
    for rewrite in rewrites:
        if variable in _through(rewrite):
            inside = [e for e in rewrite.url_edits if (home := holder(e.via)) is not None and home.name.split(".")[-1] == variable]
            changes.add(frozenset((e.start, e.end, e.content, e.context) for e in inside))
    return len(changes) > 1


@dataclass(frozen=True)
class BaseStrip:
    """How a call can strip a variable's v1 base itself instead of changing the variable."""

    anchor: Via  # the expansion of the variable in the call, to be written anew
    tail: str  # how the variable's value ends: the v1 base, with its "/" if it has one
    new_base: str  # what follows the stripped value: the v2 base, with the same "/"
    after: Content  # text the plan inserts right after the expansion, to join the new one
    rest: list[Edit]  # the URL edits that stay as planned
    via: tuple[Via, ...] = ()  # the functions read through whose text holds the expansion


def base_strip(url_edits: list[Edit], match: UrlMatch, variable: str, settings: Settings) -> BaseStrip | None:
    """The call-only rewrite of a variable's v1 base, or None when the call cannot strip it:
    it must expand the variable directly, and the value must end with the base."""
    inside = [e for e in url_edits if any(v.name.split(".")[-1] == variable for v in e.via)]
    # The expansion of the variable must be the call's own text, or text of the functions the
    # URL is read through (which their calls share: settling decides whether it may change).
    if not inside or any(e.via[-1].name.split(".")[-1] != variable or any(v.kind != "call" for v in e.via[:-1]) for e in inside):
        return None
    anchor = inside[0].via[-1]
    if anchor.kind != "variable":
        return None  # a call's or a client's text has no beside to write the strip in
    prefix = inside[0].via[:-1]
    flat = match.flat
    spans = [k for k, (piece_index, _) in enumerate(flat.where) if anchor in flat.pieces[piece_index].via]
    v1_base = settings.table.v1_base
    tail = flat.text[match.base_start : spans[-1] + 1] if spans else ""
    if tail not in (v1_base, v1_base + "/"):
        return None
    after = [e for e in url_edits if e.start == e.end == anchor.span[1] and e.via == prefix]
    rest = [e for e in url_edits if e not in inside and e not in after]
    content = tuple(item for edit in after for item in edit.content)
    return BaseStrip(anchor, tail, settings.table.v2_base + tail[len(v1_base) :], content, rest, prefix)


def shared_variable_message(rule: Rule, variable: str, where: str) -> str:
    return (
        f"{rule.title}: the v1 base in {variable} is also used by {where}, "
        "and the call cannot be rewritten without changing it: migrate by hand"
    )

def unfollowed(source: bytes, settings: Settings, followed: Sequence[tuple[int, int]]) -> list[int]:
    """Where the source holds a v1 candidate string (``api/v1``, with or without its leading
    "/": a join may add it) outside every URL the front end followed (byte offsets)."""
    out = set()
    for candidate in settings.candidates:
        start = source.find(candidate)
        while start != -1:
            if not any(a <= start < b for a, b in followed):
                out.add(start - 1 if source[start - 1 : start] == b"/" else start)
            start = source.find(candidate, start + 1)
    return sorted(out)


def unfollowed_finding(settings: Settings, position: Position, datamimic: bool, where: str) -> Finding | None:
    """No silent misses: a v1 URL no followed call uses is reported, as DATAMIMIC's (it blocks)
    when its own base says so, else as a possible call."""
    if datamimic:
        message = f"a DATAMIMIC v1 URL {where} that no call the migrator follows uses: migrate it by hand"
        return finding(settings, "DM003", Status.REVIEW, position, message)
    message = f"a v1 URL {where} that the migrator does not follow to a call: check it if it is DATAMIMIC's"
    return finding(settings, "DM000", Status.POSSIBLE, position, message)
