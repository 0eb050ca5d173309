"""Reads of a JSON response in Python: followed through .json(), the names that hold it,
subscripts, .get("key"), loops and comprehensions, and rewritten to read the v2 response.

Guide: each section's "Output Changes", and "Common Issues and Solutions".
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from migrator.config import Settings
from migrator.edits import ByteEdit
from migrator.frontend import CannotRewrite
from migrator.python.calls import HttpCall, Rewrite, callee, static
from migrator.python.project import Project
from migrator.python.tree import Tree
from migrator.python.values import requote, string_literal
from migrator.responses import Access, Field, Index, MappedAccess, Step, map_access

# What a script may read of a response without parsing its body.
RESPONSE_METADATA = {
    "status_code", "status", "ok", "reason", "headers", "url", "raise_for_status", "close", "release",
    "elapsed", "encoding", "cookies", "is_success", "is_error", "getcode", "code",
}  # fmt: skip


class Reads:
    def __init__(self, tree: Project, settings: Settings) -> None:
        self.tree = tree
        self.settings = settings

    def rewrite(self, work: Rewrite) -> list[tuple[cst.CSTNode, str]]:
        """Add the edits that make the call's response reads read the v2 response; the reads
        that cannot be made to (with why)."""
        rule = work.rule
        problems: list[tuple[cst.CSTNode, str]] = []
        if not rule.responses:
            return problems
        reads, escapes = self.reads(work.call)
        for node in escapes:
            problems.append((node, "it is parsed here in a way the migrator cannot follow"))
        for read in reads:
            mapped = map_access(rule.responses, read.access)
            problem = None
            if mapped is not None and mapped.mapping.review:
                problem = mapped.mapping.review
            elif mapped is None and not read.access.steps:
                problem = "the whole response is used here, and v2's is shaped differently"
            elif mapped is not None:
                try:
                    work.byte_edits.extend(self.rewrite_read(read, mapped))
                except CannotRewrite as exc:
                    problem = str(exc)
            if problem:
                problems.append((read.node, problem))
        return problems

    def reads(self, call: HttpCall) -> tuple[list[_Read], list[cst.CSTNode]]:
        """Every read of the call's JSON response (subscript chains, loops, len()),
        and the places where the response goes where it cannot be followed."""
        roots: list[cst.CSTNode] = []
        escapes: list[cst.CSTNode] = []
        if call.returns_json:  # a wrapper that hands back the response's JSON: the call is the root
            awaited = self.tree.parent.get(call.node)
            roots.append(awaited if isinstance(awaited, cst.Await) else call.node)
        for expression in [] if call.returns_json else self.responses_of(call, escapes):
            holder = self.tree.parent.get(expression)
            if isinstance(holder, cst.Await):
                expression, holder = holder, self.tree.parent.get(holder)
            if isinstance(holder, cst.Attribute) and holder.attr.value == "json":
                roots.extend(self.json_calls_on(holder))
                continue
            if isinstance(holder, cst.Expr):
                continue  # the response is not used
            name = self.bound_name(expression)
            if name is None:
                escapes.append(expression)
                continue
            for use in self.uses_after(name, expression):
                attribute = self.tree.parent.get(use)
                if isinstance(attribute, cst.Attribute) and attribute.value is use:
                    if attribute.attr.value == "json":
                        roots.extend(self.json_calls_on(attribute))
                    elif attribute.attr.value not in RESPONSE_METADATA:
                        escapes.append(attribute)
                else:
                    escapes.append(use)
        reads: list[_Read] = []
        for root in roots:
            self.follow(root, [], reads, 0)
        return reads, escapes

    def responses_of(self, call: HttpCall, escapes: list[cst.CSTNode]) -> list[cst.CSTNode]:
        """The expressions whose value is the response: the call, or for a
        urllib Request the urlopen() calls it is given to."""
        if callee(call.node) != "Request":
            return [call.node]
        name = self.bound_name(call.node)
        if name is None:
            parent = self.tree.parent.get(call.node)
            opener = self.tree.parent.get(parent) if isinstance(parent, cst.Arg) else None
            return [opener] if isinstance(opener, cst.Call) and callee(opener) == "urlopen" else []
        found = []
        for use in self.uses_after(name, call.node):
            parent = self.tree.parent.get(use)
            opener = self.tree.parent.get(parent) if isinstance(parent, cst.Arg) else None
            if isinstance(opener, cst.Call) and callee(opener) == "urlopen":
                found.append(opener)
            elif not isinstance(parent, cst.Attribute):
                escapes.append(use)
        return found

    def json_calls_on(self, attribute: cst.Attribute) -> list[cst.CSTNode]:
        call = self.tree.parent.get(attribute)
        if not isinstance(call, cst.Call):
            return []
        awaited = self.tree.parent.get(call)
        return [awaited if isinstance(awaited, cst.Await) else call]

    def bound_name(self, expression: cst.CSTNode) -> cst.Name | None:
        """``r`` of ``r = <expression>`` or ``with <expression> as r``."""
        holder = self.tree.parent.get(expression)
        if isinstance(holder, cst.Assign) and len(holder.targets) == 1 and isinstance(holder.targets[0].target, cst.Name):
            return holder.targets[0].target
        if isinstance(holder, cst.WithItem) and holder.asname is not None and isinstance(holder.asname.name, cst.Name):
            return holder.asname.name
        return None

    def uses_after(self, name: cst.Name, expression: cst.CSTNode) -> list[cst.Name]:
        scope = self.tree.scope_of.get(name) or self.tree.scope_of.get(expression)
        after = self.tree.span(expression)[1]
        return [
            use
            for use in self.tree.names.get(name.value, [])
            if use is not name
            and self.tree.scope_of.get(use) is scope
            and self.tree.span(use)[0] >= after
            and _is_variable(use, self.tree)
        ]

    def follow(self, root: cst.CSTNode, segments: list[_Segment], reads: list[_Read], depth: int) -> None:
        """Walk up from a value of the response through subscripts, loops and names."""
        steps: list[tuple[Step, cst.CSTNode]] = []
        node = root
        while True:
            parent = self.tree.parent.get(node)
            step = _step(parent, node, self.tree)
            if step is None:
                break
            outer = parent if isinstance(parent, cst.Subscript) else self.tree.parent.get(parent)
            steps.append((step, outer))
            node = outer  # type: ignore[assignment]
        segment = _Segment(root, node, steps)
        chain = [*segments, segment]
        flat_steps = tuple(s for seg in chain for s in seg.steps_with_loops())
        parent = self.tree.parent.get(node)
        grandparent = self.tree.parent.get(parent) if parent is not None else None
        if depth < 6 and isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node and isinstance(parent.target, cst.Name):
            segment.loop = True
            for use in self._loop_uses(parent):
                self.follow(use, chain, reads, depth + 1)
            return
        bound = self.bound_name(node) if isinstance(parent, cst.Assign) else None
        uses = self.uses_after(bound, node) if bound is not None and depth < 6 else []
        if uses:
            for use in uses:
                self.follow(use, chain, reads, depth + 1)
            return
        then = "end"
        if isinstance(parent, cst.Arg) and isinstance(grandparent, cst.Call) and callee(grandparent) == "len":
            then = "length"
        reads.append(_Read(node, chain, Access(flat_steps, then)))  # type: ignore[arg-type]

    def _loop_uses(self, loop: cst.For | cst.CompFor) -> list[cst.Name]:
        target = loop.target
        assert isinstance(target, cst.Name)
        if isinstance(loop, cst.For):
            region = loop.body
        else:
            region = self.tree.parent.get(loop)  # the comprehension
            while isinstance(region, cst.CompFor):
                region = self.tree.parent.get(region)
        start, end = self.tree.span(region)  # type: ignore[arg-type]
        return [
            use
            for use in self.tree.names.get(target.value, [])
            if use is not target and start <= self.tree.span(use)[0] < end
        ]

    def rewrite_read(self, read: _Read, mapped: MappedAccess) -> list[ByteEdit]:
        """Edits that turn the mapped part of a read into its v2 form.

        The read's steps may be spread over several expressions (``data = r.json()``,
        ``for f in data["files"]``, ``f["name"]``). The consumed steps are cut at each
        loop, and so is the replacement at each ``[]``: each part replaces its steps
        where the first of them was written, and a loop stays a loop.
        """
        positions: list[tuple[str, int, int]] = []  # ("step", segment, index) or ("loop", segment, 0)
        for number, segment in enumerate(read.segments):
            positions.extend(("step", number, k) for k in range(len(segment.steps)))
            if segment.loop:
                positions.append(("loop", number, 0))
        consumed = positions[: mapped.consumed]
        groups: list[list[tuple[int, int]]] = [[]]
        before_loop: list[int] = []
        for kind, number, k in consumed:
            if kind == "loop":
                before_loop.append(number)
                groups.append([])
            else:
                groups[-1].append((number, k))
        parts: list[list[Step]] = [[]]
        for step in mapped.replacement:
            if isinstance(step, Index) and step.value is None:
                parts.append([])
            else:
                parts[-1].append(step)
        if len(parts) != len(groups):
            raise CannotRewrite("the read goes through a loop that the v2 response does not have, or the other way round")
        cut: dict[int, int] = {}  # segment -> how many of its steps are consumed
        put: dict[int, list[Step]] = {}  # segment -> replacement steps written after its root
        for index, (group, part) in enumerate(zip(groups, parts)):
            for number, k in group:
                cut[number] = k + 1
            if group:
                home = group[0][0]
            elif index < len(before_loop):
                home = before_loop[index]
            else:
                home = len(read.segments) - 1
            put.setdefault(home, []).extend(part)
        transform = self.settings.table.transforms[mapped.mapping.transform].python if mapped.mapping.transform else None
        if transform and not groups[-1]:
            raise CannotRewrite("the v2 value needs a change the migrator cannot place here")
        last = groups[-1][-1][0] if groups[-1] else None
        edits = []
        for number in sorted(set(cut) | set(put)):
            edits.extend(self.replace_steps(read.segments[number], cut.get(number, 0), put.get(number, []), transform if number == last else None))
        return edits

    def replace_steps(self, segment: _Segment, count: int, steps: list[Step], transform: str | None) -> list[ByteEdit]:
        """Replace the first ``count`` subscripts after the segment's root by ``steps``."""
        root_start, root_end = self.tree.span(segment.root)
        end = self.tree.span(segment.steps[count - 1][1])[1] if count else root_end
        avoid = self.tree.fstring_quotes(segment.root)
        try:
            text = "".join(f"[{string_literal(s.name, avoid)}]" if isinstance(s, Field) else f"[{s.value}]" for s in steps)
            transform = requote(transform, avoid) if transform else None
        except ValueError as exc:
            raise CannotRewrite(str(exc)) from None
        if transform:
            return [self.tree.byte_edit(root_start, end, transform.format(value=self.tree.code_at(root_start, root_end) + text))]
        if self.tree.code_at(root_end, end) == text:
            return []
        return [self.tree.byte_edit(root_end, end, text)]


@dataclass
class _Segment:
    """One expression of a read: a root and the subscripts on it; ``loop`` if a loop iterates it."""

    root: cst.CSTNode
    top: cst.CSTNode
    steps: list[tuple[Step, cst.CSTNode]]
    loop: bool = False

    def steps_with_loops(self) -> list[Step]:
        own = [step for step, _ in self.steps]
        return own + [Index(None)] if self.loop else own


@dataclass
class _Read:
    node: cst.CSTNode
    segments: list[_Segment]
    access: Access


def _step(parent: cst.CSTNode | None, node: cst.CSTNode, tree: Tree) -> Step | None:
    """The step ``parent`` takes into ``node``'s value: ``node["x"]``, ``node[0]`` or ``node.get("x")``."""
    if isinstance(parent, cst.Subscript) and parent.value is node and len(parent.slice) == 1:
        index = parent.slice[0].slice
        if isinstance(index, cst.Index):
            key = static(index.value)
            if key is not None:
                return Field(key)
            value = index.value
            negative = isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus)
            number = value.expression if negative else value  # type: ignore[attr-defined]
            if isinstance(number, cst.Integer):
                return Index(-int(number.value) if negative else int(number.value))
    if isinstance(parent, cst.Attribute) and parent.value is node and parent.attr.value == "get":
        call = tree.parent.get(parent)
        # .get("files") and .get("files", []): the v2 response has the key, so the default does not matter.
        if isinstance(call, cst.Call) and len(call.args) in (1, 2) and call.args[0].keyword is None:
            key = static(call.args[0].value)
            if key is not None:
                return Field(key)
    return None


def is_keyword(name: cst.Name, tree: Tree) -> bool:
    """``files`` of ``post(url, files=...)``: a keyword, not a variable."""
    parent = tree.parent.get(name)
    return isinstance(parent, cst.Arg) and parent.keyword is name


def _is_variable(name: cst.Name, tree: Tree) -> bool:
    """A name read as a variable: not a keyword, an attribute's name, or a parameter."""
    parent = tree.parent.get(name)
    if is_keyword(name, tree) or isinstance(parent, (cst.Param, cst.FunctionDef, cst.ClassDef, cst.ImportAlias)):
        return False
    return not (isinstance(parent, cst.Attribute) and parent.attr is name)
