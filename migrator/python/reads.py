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
from migrator.python.flow import Flow
from migrator.python.tree import Scope, Tree
from migrator.python.values import requote, string_literal
from migrator.responses import Access, Field, Index, MappedAccess, Step, map_access

# What a script may read of a response without parsing its body.
RESPONSE_METADATA = {
    "status_code", "status", "ok", "reason", "headers", "url", "raise_for_status", "close", "release",
    "elapsed", "encoding", "cookies", "is_success", "is_error", "getcode", "code",
}  # fmt: skip
# A response's body as it came, and streams of it: they do not depend on its shape unless parsed.
RAW_BODY = {"text", "content", "read", "body"}
STREAMS = {"iter_content", "iter_lines", "iter_bytes", "iter_text", "aiter_bytes", "aiter_lines", "raw", "iter_chunked"}
# What may be done with a raw body without parsing it: shown or written as it came.
OUTPUTS = frozenset({"print", "write", "writelines", "echo", "secho", "copyfileobj"})
# Calls that make text of what they are given (a message, a log line): the body's shape does not matter.
TEXT_SINKS = {*OUTPUTS, "str", "repr", "format", "get", "debug", "info", "warning", "warn", "error", "exception", "critical", "fail", "exit"}
# Calls that give back the elements they are given, in another order or container.
SAME_ELEMENTS = {"sorted", "list", "reversed", "tuple"}


@dataclass
class _Walk:
    reads: list
    escapes: list


def _awaited(tree: Project, node: cst.CSTNode) -> cst.CSTNode:
    parent = tree.parent.get(node)
    return parent if isinstance(parent, cst.Await) else node


class Reads:
    def __init__(self, tree: Project, settings: Settings, flow: Flow) -> None:
        self.tree = tree
        self.settings = settings
        self.flow = flow

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
        """Every read of the call's JSON response (subscript chains, loops, len()), followed
        through names, returns and the run's functions, and the places where the response
        goes where it cannot be followed."""
        walk = _Walk([], [])
        # Through wrappers, the response starts at the request inside the innermost one, and each
        # wrapper's return hands it to the call of it, up to the call site.
        start = call.request if call.request is not None else call.node
        inner = HttpCall(start, call.method, call.url, call.keywords, call.receiver)
        for value in self.responses_of(inner, walk.escapes):
            self.response_uses(value, walk, call.through, self.shared(call.through), 0)
        return walk.reads, walk.escapes

    def shared(self, stack: tuple) -> bool:
        """Whether code inside these wrappers is run by other calls too (so it must not change)."""
        return any(len(self.flow.callers(function)) > 1 for function, _ in stack)

    # ---------------------------------------------------------------- where a value goes

    def response_uses(self, node: cst.CSTNode, walk: _Walk, stack: tuple, shared: bool, depth: int) -> None:
        """Follow the response object: ``.json()``, its status, its raw body, names, returns, arguments."""
        if depth > 12:
            walk.escapes.append(node)
            return
        parent = self.tree.parent.get(node)
        if isinstance(parent, cst.Await):
            node, parent = parent, self.tree.parent.get(parent)
        if isinstance(parent, cst.Attribute) and parent.value is node:
            attribute = parent.attr.value
            call = self.tree.parent.get(parent)
            called = isinstance(call, cst.Call) and call.func is parent
            if attribute == "json" and called:
                self.json_value(_awaited(self.tree, call), [], walk, stack, shared, depth + 1)
            elif attribute == "raise_for_status" and called:
                # httpx returns the response itself: c.get(url).raise_for_status().json()
                self.response_uses(call, walk, stack, shared, depth + 1)
            elif attribute in RAW_BODY and (called or attribute in ("text", "content")):
                self.raw_uses(_awaited(self.tree, call if called else parent), walk, stack, shared, depth + 1)
            elif attribute not in RESPONSE_METADATA | STREAMS:
                walk.escapes.append(parent)
            return
        if isinstance(parent, cst.Expr) or (isinstance(parent, cst.WithItem) and parent.asname is None):
            return  # discarded, or only a context manager
        self.flow_on(node, walk, stack, shared, depth, self.response_uses, "load")

    def raw_uses(self, node: cst.CSTNode, walk: _Walk, stack: tuple, shared: bool, depth: int) -> None:
        """Follow the raw body (text or bytes): parsed with json.loads, or passed on as it came."""
        if depth > 12:
            walk.escapes.append(node)
            return
        parent = self.tree.parent.get(node)
        if isinstance(parent, cst.Expr) or self._built_into_text(node):
            return  # discarded, or made part of a message
        self.flow_on(node, walk, stack, shared, depth, self.raw_uses, "loads", OUTPUTS)

    def _built_into_text(self, node: cst.CSTNode) -> bool:
        """The raw body made part of a string (f-string, +, %, str()), a log line, an error:
        text shown as it came, whatever its shape."""
        parent = self.tree.parent.get(node)
        if isinstance(parent, (cst.FormattedStringExpression, cst.BinaryOperation)):
            return True
        call = self._argument_of(node)
        if call is None:
            return False
        name = callee(call)
        receiver = call.func.value if isinstance(call.func, cst.Attribute) else None
        logging = isinstance(receiver, cst.Name) and "log" in receiver.value.lower()
        raised = isinstance(self.tree.parent.get(call), cst.Raise)
        return name in TEXT_SINKS or logging or raised or name.endswith(("Error", "Exception", "Warning"))

    def flow_on(self, node, walk: _Walk, stack: tuple, shared: bool, depth: int, again, json_reader: str, passes=frozenset()) -> None:
        """Where a response or raw body goes next: a name, a return, an argument."""
        bound = self.bound_name(node)
        if bound is not None:
            for use in self.uses_after(bound, node):
                again(use, walk, stack, shared, depth + 1)
            return
        if isinstance(self.tree.parent.get(node), cst.Return):
            callers = self.returned_to(node, stack)
            for caller, rest in callers:
                again(caller, walk, rest, self.shared(rest), depth + 1)  # out of the wrapper: the caller's own code
            if not callers:
                walk.escapes.append(node)
            return
        call = self._argument_of(node)
        if call is not None:
            name = callee(call)
            if name == json_reader:
                self.json_value(call, [], walk, stack, shared, depth + 1)
                return
            if name in passes:
                return
            entered = self.into_function(node, call)
            if entered is not None:
                uses, many = entered
                for use in uses:
                    again(use, walk, (), shared or many, depth + 1)
                return
        walk.escapes.append(node)

    def json_value(self, root: cst.CSTNode, segments: list[_Segment], walk: _Walk, stack: tuple, shared: bool, depth: int) -> None:
        """Walk up from a value of the JSON response through subscripts, loops, names, returns
        and arguments of the run's functions; each way out is a read."""
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
        segment = _Segment(root, node, steps, shared=shared)
        chain = [*segments, segment]
        parent = self.tree.parent.get(node)
        grandparent = self.tree.parent.get(parent) if parent is not None else None
        if depth < 12 and self.json_goes_on(node, parent, chain, walk, stack, shared, depth):
            return
        then = "end"
        if isinstance(parent, cst.Arg) and isinstance(grandparent, cst.Call) and callee(grandparent) == "len":
            then = "length"
        flat_steps = tuple(s for seg in chain for s in seg.steps_with_loops())
        walk.reads.append(_Read(node, chain, Access(flat_steps, then)))  # type: ignore[arg-type]

    def json_goes_on(self, node, parent, chain: list[_Segment], walk: _Walk, stack: tuple, shared: bool, depth: int) -> bool:
        """Follow a JSON value further: loops, ``or`` defaults, names, returns, sorted()/list(),
        and functions of the run. False when the read ends here."""
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node and isinstance(parent.target, cst.Name):
            chain[-1].loop = True
            for use in self._loop_uses(parent):
                self.json_value(use, chain, walk, stack, shared, depth + 1)
            return True
        if isinstance(parent, cst.BooleanOperation) and isinstance(parent.operator, cst.Or) and parent.left is node:
            self.json_value(parent, chain, walk, stack, shared, depth + 1)  # data.get("files") or []
            return True
        bound = self.bound_name(node)
        uses = self.uses_after(bound, node) if bound is not None else []
        if uses:
            for use in uses:
                self.json_value(use, chain, walk, stack, shared, depth + 1)
            return True
        if isinstance(parent, cst.Return):
            callers = self.returned_to(node, stack)
            for caller, rest in callers:
                self.json_value(caller, chain, walk, rest, self.shared(rest), depth + 1)
            return bool(callers)
        call = self._argument_of(node)
        if call is None:
            return False
        if callee(call) in SAME_ELEMENTS and call.args and call.args[0].value is node:
            for argument in call.args[1:]:
                if argument.keyword is not None and argument.keyword.value == "key" and isinstance(argument.value, cst.Lambda):
                    self.lambda_reads(argument.value, chain, walk, stack, shared, depth)
            self.json_value(call, chain, walk, stack, shared, depth + 1)
            return True
        if callee(call) in ("len", "print"):
            return False
        entered = self.into_function(node, call)
        if entered is None:
            return False
        uses, many = entered
        for use in uses:
            self.json_value(use, chain, walk, (), shared or many, depth + 1)
        return True

    def lambda_reads(self, function: cst.Lambda, chain: list[_Segment], walk: _Walk, stack: tuple, shared: bool, depth: int) -> None:
        """``sorted(files, key=lambda f: f["name"])``: the lambda reads each element."""
        parameters = function.params.params
        if len(parameters) != 1:
            return
        name = parameters[0].name.value
        start, end = self.tree.span(function.body)
        last = chain[-1]
        element = [*chain[:-1], _Segment(last.root, last.top, last.steps, True, last.shared)]
        for use in self.tree.names.get(name, []):
            if start <= self.tree.span(use)[0] < end and _is_variable(use, self.tree):
                self.json_value(use, element, walk, stack, shared, depth + 1)

    # ---------------------------------------------------------------- helpers

    def _argument_of(self, node: cst.CSTNode) -> cst.Call | None:
        parent = self.tree.parent.get(node)
        call = self.tree.parent.get(parent) if isinstance(parent, cst.Arg) else None
        return call if isinstance(call, cst.Call) and parent in call.args else None

    def returned_to(self, node: cst.CSTNode, stack: tuple) -> list[tuple[cst.CSTNode, tuple]]:
        """Where a value returned from its function goes: the call of the wrapper being read
        through (``stack``), or every call of the function in the run."""
        scope = self._scope_of(node)
        function = scope.node if scope is not None else None
        if not isinstance(function, cst.FunctionDef):
            return []
        if stack and stack[0][0] is function:
            return [(_awaited(self.tree, stack[0][1]), stack[1:])]
        return [(_awaited(self.tree, caller), ()) for caller in self.flow.callers(function)]

    def into_function(self, node: cst.CSTNode, call: cst.Call) -> tuple[list[cst.Name], bool] | None:
        """The uses of the parameter a function of the run receives ``node`` as, and whether
        other calls of the function share those uses (so they must not change)."""
        scope = self._scope_of(call)
        target = self.flow.target(call, scope) if scope is not None else None
        frame = self.flow.frame(target, call, scope) if target is not None else None
        if frame is None:
            return None
        parameter = next((name for name, binding in frame.bindings.items() if binding.value is node), None)
        if parameter is None:
            return None
        start, end = self.tree.span(target.function.body)
        uses = [
            use
            for use in self.tree.names.get(parameter, [])
            if start <= self.tree.span(use)[0] < end and self.tree.scope_of.get(use) is target.scope and _is_variable(use, self.tree)
        ]
        return uses, len(self.flow.callers(target.function)) > 1

    def _scope_of(self, node: cst.CSTNode) -> Scope | None:
        current: cst.CSTNode | None = node
        while current is not None and current not in self.tree.scope_of:
            current = self.tree.parent.get(current)
        return self.tree.scope_of.get(current) if current is not None else None

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

    def bound_name(self, expression: cst.CSTNode) -> cst.Name | None:
        """``r`` of ``r = <expression>`` or ``with <expression> as r``."""
        holder = self.tree.parent.get(expression)
        if isinstance(holder, cst.Assign) and len(holder.targets) == 1 and isinstance(holder.targets[0].target, cst.Name):
            return holder.targets[0].target
        if isinstance(holder, cst.WithItem) and holder.asname is not None and isinstance(holder.asname.name, cst.Name):
            return holder.asname.name
        return None

    def uses_after(self, name: cst.Name, expression: cst.CSTNode) -> list[cst.Name]:
        """The uses of a name bound to ``expression``, until the name is bound anew in the same block."""
        scope = self.tree.scope_of.get(name) or self.tree.scope_of.get(expression)
        after = self.tree.span(expression)[1]
        until = self._rebound(name, after)
        return [
            use
            for use in self.tree.names.get(name.value, [])
            if use is not name
            and self.tree.scope_of.get(use) is scope
            and after <= self.tree.span(use)[0] < until
            and _is_variable(use, self.tree)
            and not _is_target(use, self.tree)
        ]

    def _rebound(self, name: cst.Name, after: int) -> float:
        """Where the name is next bound in the same block as this binding (its life ends there)."""
        block = self._block_of(name)
        ends = [
            self.tree.span(other)[0]
            for other in self.tree.names.get(name.value, [])
            if other is not name
            and _is_target(other, self.tree)
            and self.tree.span(other)[0] > after
            and self.tree.scope_of.get(other) is self.tree.scope_of.get(name)
            and self._block_of(other) is block
        ]
        return min(ends, default=float("inf"))

    def _block_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        current = self.tree.parent.get(node)
        while current is not None and not isinstance(current, (cst.IndentedBlock, cst.Module)):
            current = self.tree.parent.get(current)
        return current

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
        if any(read.segments[number].shared for number in set(cut) | set(put)):
            raise CannotRewrite("the response is read in a function other calls share, which would read it too")
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
    shared: bool = False  # in a function other calls share: no edit may land here

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


def _is_target(name: cst.Name, tree: Project) -> bool:
    """A name being bound here (assigned, a loop or with target), not read."""
    parent = tree.parent.get(name)
    return isinstance(parent, (cst.AssignTarget, cst.AnnAssign, cst.For, cst.CompFor, cst.AsName)) and (
        getattr(parent, "target", None) is name or getattr(parent, "name", None) is name
    )
