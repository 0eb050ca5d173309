"""Reads of a JSON response in Python: followed through .json(), the names that hold it,
subscripts, .get("key"), loops and comprehensions, conditional expressions, returns and
the run's functions, and rewritten to read the v2 response.

A response is followed wherever its value goes: a name holds it for as long as no other
binding takes over (migrator/python/lifetimes.py); a function of the run that receives it
hands what it returns back to that call site only, so a helper several calls share
(``def _json(r): return r.json()``) reads each call's response at its own call site. What
does not depend on the body's shape is no read: the status, headers, ``raise_for_status()``,
the raw body shown or written as it came, a parsed answer that is dropped, and anything done
only when the answer is an error (its body is the error's, not the endpoint's). A read the
rule table maps is rewritten; any other use, or a read v2 answers differently, keeps the
call on v1 and is reported at the sub-expression that reads it.

Guide: each section's "Output Changes", and "Common Issues and Solutions".
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import libcst as cst

from migrator.config import Settings
from migrator.edits import ByteEdit
from migrator.frontend import CannotRewrite
from migrator.python.calls import HTTP_METHODS, HttpCall, Rewrite, callee, static
from migrator.python.flow import Flow
from migrator.python.lifetimes import Lifetimes
from migrator.python.project import Project
from migrator.python.tree import Scope, Tree, children
from migrator.python.values import requote, string_literal
from migrator.responses import Access, Field, Index, MappedAccess, Step, candidates, format_path

# What a script may read of a response without parsing its body.
RESPONSE_METADATA = {
    "status_code", "status", "ok", "reason", "headers", "url", "raise_for_status", "close", "release",
    "elapsed", "encoding", "cookies", "is_success", "is_error", "getcode", "code",
}  # fmt: skip
# A response's body as it came, and streams of it: they do not depend on its shape unless parsed.
RAW_BODY = {"text", "content", "read", "body"}
STREAMS = {"iter_content", "iter_lines", "iter_bytes", "iter_text", "aiter_bytes", "aiter_lines", "raw", "iter_chunked"}
# What may be done with a raw body without parsing it: shown or written as it came.
OUTPUTS = frozenset({"print", "write", "writelines", "write_bytes", "write_text", "echo", "secho", "copyfileobj"})
# Writes to a file, and what opens the file they write: the program may read it back.
FILE_WRITES = frozenset({"write", "writelines", "write_bytes", "write_text"})
FILE_OPENERS = frozenset({"open", "Path", "PurePath", "PosixPath"})
# Calls that make text of what they are given (a message, a log line): the body's shape does not matter.
TEXT_SINKS = {*OUTPUTS, "str", "repr", "format", "get", "debug", "info", "warning", "warn", "error", "exception", "critical", "fail", "exit"}
# Methods of a raw body that give the same body back as text.
SAME_TEXT = {"decode", "strip", "rstrip", "lstrip"}
# Calls that give back the elements they are given, in another order or container.
SAME_ELEMENTS = {"sorted", "list", "reversed", "tuple"}
_EMPTY = cst.Module(body=[])  # renders a node's own code (a parenthesis with its whitespace)
# How far a value is followed (names, calls, returns) before the migrator gives up on it.
DEPTH = 16


@dataclass(frozen=True)
class Blocker:
    """A use of a call's response that keeps the call on v1: reported at ``node``."""

    node: cst.CSTNode
    problem: str  # what the finding at the read says
    summary: str  # how the call's own finding names it, with "{where}" for its line


@dataclass(frozen=True)
class _Way:
    """How a value came where it is: the calls it was followed into (innermost first; what a
    function returns goes back to its call), how many steps it took, and why, if so, the
    name it came through may hold other values too (then no edit may land from there on)."""

    stack: tuple = ()
    depth: int = 0
    mixed: str | None = None
    emptied: str | None = None  # why the value here may also be an empty literal ({}, [], None)
    parsed: bool = False  # a parsed answer (not the response object or its raw body)

    def on(self) -> _Way:
        return replace(self, depth=self.depth + 1)

    def into(self, function: cst.FunctionDef, call: cst.Call) -> _Way:
        return replace(self, stack=((function, call), *self.stack), depth=self.depth + 1)

    def out(self, rest: tuple) -> _Way:
        return replace(self, stack=rest, depth=self.depth + 1)

    def mix(self, why: str) -> _Way:
        return replace(self, mixed=self.mixed or why, depth=self.depth + 1)

    def empty(self, why: str) -> _Way:
        return replace(self, emptied=self.emptied or why, depth=self.depth + 1)

    def meet(self, other: cst.CSTNode, why: str) -> _Way:
        """The value here may also be ``other``: an empty literal, or anything."""
        return self.empty(why) if _empty(other) else self.mix(why)


@dataclass
class _Walk:
    reads: list[_Read]
    escapes: list[tuple[cst.CSTNode, str, str]]  # where the value goes out of sight, how, and how the call says it


def _awaited(tree: Project, node: cst.CSTNode) -> cst.CSTNode:
    parent = tree.parent.get(node)
    return parent if isinstance(parent, cst.Await) else node


class Reads:
    def __init__(self, tree: Project, settings: Settings, flow: Flow) -> None:
        self.tree = tree
        self.settings = settings
        self.flow = flow
        self.lives = Lifetimes(tree)
        self._reported: set[tuple[str, int, str]] = set()

    def first_report(self, rule_id: str, blocker: Blocker) -> bool:
        """Whether this use has not been reported yet: a wrapper's read is the same read for
        each of its call sites."""
        key = (rule_id, id(blocker.node), blocker.problem)
        if key in self._reported:
            return False
        self._reported.add(key)
        return True

    def rewrite(self, work: Rewrite) -> list[Blocker]:
        """Add the edits that make the call's response reads read the v2 response, when every
        use of the response is understood; otherwise the uses that keep the call on v1."""
        rule = work.rule
        if not rule.responses:
            return []
        reads, escapes = self.reads(work.call)
        blockers = [self.escape(node, why, note) for node, why, note in escapes]
        planned: list[tuple[_Read, list[ByteEdit]]] = []
        for read in reads:
            edits, problem, differs = self.plan(read, rule)
            if problem is not None:
                if read.anchor is read.node:
                    problem += read.note  # where it went, when that is where it is read
                code = self.code(read.anchor)
                reads = f"reads {self.path(read)}" if read.access.steps or read.access.then in ("length", "truth") else "is the whole answer"
                blockers.append(Blocker(read.anchor, f"{code} {reads}: {problem}", _by_read(code, differs)))
            elif edits:
                planned.append((read, edits))
        blockers += self.conflicts(planned)
        if blockers:
            return _unique(blockers)
        work.byte_edits.extend(sorted({edit for _, edits in planned for edit in edits}))
        return []

    def plan(self, read: _Read, rule) -> tuple[list[ByteEdit], str | None, bool]:
        """The edits of the first mapping of the read that can be written in place; or why none
        can, and whether that is because v2 answers it differently (else: the migrator's limit)."""
        found = candidates(rule.responses, read.access)
        if not found:
            whole = not read.access.steps and read.access.then != "truth"
            return [], ("v2's is shaped differently" if whole else None), True
        problem = None  # why the first mapping that applies cannot be written here
        misfit = None
        for mapped in found:
            if mapped.mapping.review:
                return [], problem or mapped.mapping.review, problem is None
            try:
                return self.rewrite_read(read, mapped), None, False
            except _Misfit as exc:
                misfit = misfit or str(exc)  # this form does not fit the read; another may
            except CannotRewrite as exc:
                problem = problem or str(exc)
        return [], problem or misfit, False

    def conflicts(self, planned: list[tuple[_Read, list[ByteEdit]]]) -> list[Blocker]:
        """Reads that share an expression but need different v2 forms of it."""
        blockers = []
        for number, (read, edits) in enumerate(planned):
            for other, theirs in planned[:number]:
                if any(_overlap(a, b) for a in edits for b in theirs):
                    line = self.tree.line_column(other.anchor)[0]
                    code = self.code(read.anchor)
                    problem = f"{code} reads {self.path(read)}, which needs another v2 form of the same expression than the read on line {line}"
                    blockers.append(Blocker(read.anchor, problem, _by_read(code, False)))
                    break
        return blockers

    def reads(self, call: HttpCall) -> tuple[list[_Read], list[tuple[cst.CSTNode, str, str]]]:
        """Every read of the call's JSON response (subscript chains, loops, len(), truth tests),
        followed through names, returns and the run's functions, and the places where the
        response goes where it cannot be followed (with how)."""
        walk = _Walk([], [])
        # Through wrappers, the response starts at the request inside the innermost one, and each
        # wrapper's return hands it to the call of it, up to the call site.
        start = call.request if call.request is not None else call.node
        inner = HttpCall(start, call.method, call.url, call.keywords, call.receiver)
        for value in self.responses_of(inner, walk):
            self.response_uses(value, walk, _Way(call.through))
        return walk.reads, walk.escapes

    def shared(self, stack: tuple) -> bool:
        """Whether code inside these functions is run by other calls too (so it must not change)."""
        return any(len(self.flow.callers(function)) > 1 for function, _ in stack)

    # ---------------------------------------------------------------- where a value goes

    def response_uses(self, node: cst.CSTNode, walk: _Walk, way: _Way) -> None:
        """Follow the response object: ``.json()``, its status, its raw body, names, returns, arguments."""
        if way.depth > DEPTH:
            self.lost(walk, node, "it is followed through too many steps")
            return
        parent = self.tree.parent.get(node)
        if isinstance(parent, cst.Await):
            node, parent = parent, self.tree.parent.get(parent)
        if isinstance(parent, cst.Attribute) and parent.value is node:
            if self.only_on_error(parent, node):
                return  # the body of an error answer, not of the endpoint's
            attribute = parent.attr.value
            call = self.tree.parent.get(parent)
            called = isinstance(call, cst.Call) and call.func is parent
            if attribute == "json" and called:
                self.json_value(_awaited(self.tree, call), [], walk, way.on())
            elif attribute == "raise_for_status" and called:
                # httpx returns the response itself: c.get(url).raise_for_status().json()
                self.response_uses(call, walk, way.on())
            elif attribute in RAW_BODY and (called or attribute in ("text", "content")):
                self.raw_uses(_awaited(self.tree, call if called else parent), walk, way.on())
            elif attribute not in RESPONSE_METADATA | STREAMS:
                self.lost(walk, parent, f".{attribute} is not an attribute of a response the migrator knows")
            return
        if isinstance(parent, cst.Expr) or (isinstance(parent, cst.WithItem) and parent.asname is None):
            return  # discarded, or only a context manager
        if self.tested(node) or (isinstance(parent, cst.Comparison) and all(isinstance(c.operator, (cst.Is, cst.IsNot)) for c in parent.comparisons)):
            return  # ``if r:`` is its status; ``r is None`` its identity
        self.flow_on(node, walk, way, self.response_uses, "load", frozenset({"copyfileobj"}))

    def raw_uses(self, node: cst.CSTNode, walk: _Walk, way: _Way) -> None:
        """Follow the raw body (text or bytes): parsed with json.loads, or passed on as it came."""
        if way.depth > DEPTH:
            self.lost(walk, node, "it is followed through too many steps")
            return
        parent = self.tree.parent.get(node)
        written = self._argument_of(node)
        if written is not None and callee(written) in FILE_WRITES and self.read_back(written):
            self.lost(walk, written, "it is written to a file the program reads back, which would hold v2's answer")
            return
        if isinstance(parent, cst.Expr) or self._built_into_text(node):
            return  # discarded, or made part of a message
        call = self.tree.parent.get(parent)
        if isinstance(parent, cst.Attribute) and parent.attr.value in SAME_TEXT and isinstance(call, cst.Call) and call.func is parent:
            self.raw_uses(call, walk, way.on())  # resp.read().decode()
            return
        self.flow_on(node, walk, way, self.raw_uses, "loads", OUTPUTS)

    def read_back(self, write: cst.Call) -> bool:
        """Whether the file a raw body is written to may be read again by the run: its name
        (a string, or the code that names it) stands in another place of the run."""
        receiver = write.func.value if isinstance(write.func, cst.Attribute) else None
        openers = [receiver]
        if isinstance(receiver, cst.Name):  # fh of ``with open(...) as fh``: any of its bindings
            openers = [node for node, _ in self.tree.lookup(receiver.value, self.tree.scope_of.get(receiver) or self.tree.tree_of(receiver).module_scope)]
        return any(self._named_again(opener) for opener in openers)

    def _named_again(self, opener: cst.CSTNode | None) -> bool:
        if not (isinstance(opener, cst.Call) and callee(opener) in FILE_OPENERS and opener.args):
            return False  # sys.stdout, a stream passed in: shown, not read again
        name = opener.args[0].value
        if isinstance(name, cst.SimpleString):
            text = name.evaluated_value
            return any(s is not name and isinstance(s, cst.SimpleString) and s.evaluated_value == text for s in self.tree.strings)
        code = self.tree.text(name)
        return any(
            call is not opener and callee(call) in FILE_OPENERS and call.args and self.tree.text(call.args[0].value) == code
            for call in self.tree.calls
        )

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

    def flow_on(self, node, walk: _Walk, way: _Way, again, json_reader: str, passes=frozenset()) -> None:
        """Where a response or raw body goes next: a name, a return, an argument."""
        if self.follow_name(node, walk, way, lambda use, on: again(use, walk, on)):
            return
        if isinstance(self.tree.parent.get(node), cst.Return):
            callers = self.leaving(node, way)
            for caller, on in callers:
                again(caller, walk, on)  # out of the function: the caller's own code
            if not callers:
                self.lost(walk, node, f"it is returned from {self.function_name(node)}, and the migrator cannot tell which calls receive it")
            return
        call = self._argument_of(node)
        if call is not None:
            name = callee(call)
            if name == json_reader:
                self.json_value(call, [], walk, way.on())
                return
            if name in passes:
                return
            if self.into_function(node, call, walk, way, lambda use, on: again(use, walk, on)):
                return
        self.lost(walk, call or node, _gone(node, self.tree))

    def follow_name(self, node: cst.CSTNode, walk: _Walk, way: _Way, then, kept: bool = False) -> bool:
        """A value bound to a name: ``then`` each use the binding reaches, with the way there.
        With ``kept``, a module's name that nothing in the run uses is not followed (other code
        may import it): the value is read whole where it is bound."""
        bound = self.bound_name(node)
        if bound is None:
            return False
        importer = self.importer(bound)
        if importer is not None:
            where = f"line {self.tree.line_column(importer)[0]} of {self.tree.path_of(importer)}"
            self.lost(walk, node, f"it is kept in {bound.value}, which {where} imports")
            return True
        uses = self.uses(bound, way)
        if kept and not uses and self.lives.home(bound) is self.tree.tree_of(bound).module_scope:
            return False
        for use, on in uses:
            then(use, on)
        holder = self.tree.parent.get(node)
        if isinstance(holder, cst.NamedExpr):
            then(holder, way.on())  # (data := r.json())["files"]: the expression has the value too
        return True

    def uses(self, binding: cst.Name, way: _Way) -> list[tuple[cst.Name, _Way]]:
        """The uses a binding reaches, each with the way there. A use another binding reaches
        too holds other values as well (another response, a default, a parameter): it is
        followed, but no edit may land from there on."""
        found = self.lives.uses(binding, none_apart=not way.parsed)
        out = [(use, way.on()) for use in found.own]
        for use, other in found.shared:
            line = self.tree.line_column(other)[0]
            out.append((use, way.mix(f"{use.value} here may also hold what line {line} gives it")))
        return sorted(out, key=lambda pair: self.tree.span(pair[0])[0])

    def importer(self, binding: cst.Name) -> cst.CSTNode | None:
        """An import of a module's name in another module of the run (``from settings import FILES``)."""
        home = self.tree.tree_of(binding)
        if self.lives.home(binding) is not home.module_scope:
            return None
        for name in self.tree.names.get(binding.value, []):
            alias = self.tree.parent.get(name)
            statement = self.tree.parent.get(alias)
            if isinstance(alias, cst.ImportAlias) and isinstance(statement, cst.ImportFrom) and self.tree.path_of(name) != home.path:
                found = self.tree.imported(statement, binding.value, self.tree.scope_of[name]) or []
                if any(self.tree.owns(value) and self.tree.tree_of(value) is home for value, _ in found):
                    return statement
        return None

    def lost(self, walk: _Walk, node: cst.CSTNode, why: str) -> None:
        walk.escapes.append((node, why, "where the migrator cannot follow it"))

    def json_value(self, root: cst.CSTNode, segments: list[_Segment], walk: _Walk, way: _Way) -> None:
        """Walk up from a value of the JSON response through subscripts, loops, names, returns
        and arguments of the run's functions; each way out is a read."""
        way = replace(way, parsed=True)
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
        segment = _Segment(root, node, steps, shared=self.shared(way.stack), mixed=way.mixed, emptied=way.emptied)
        chain = [*segments, segment]
        parent = self.tree.parent.get(node)
        if way.depth < DEPTH and self.json_goes_on(node, parent, chain, walk, way):
            return
        flat_steps = tuple(s for seg in chain for s in seg.steps_with_loops())
        if not flat_steps and isinstance(parent, cst.Expr):
            return  # parsed and dropped: no part of it is read
        then = "end"
        grandparent = self.tree.parent.get(parent) if parent is not None else None
        if isinstance(parent, cst.Arg) and isinstance(grandparent, cst.Call) and callee(grandparent) == "len":
            then = "length"
        elif self.tested(node):
            then = "truth"
        note = ""
        if isinstance(parent, cst.Return):
            note = f" (it is returned from {self.function_name(node)}, and the migrator cannot tell which calls receive it)"
        elif then == "end" and isinstance(grandparent, cst.Call) and callee(grandparent) not in ("print", "str", "repr"):
            note = f" (it is passed to {callee(grandparent) or 'a call'}(), which the migrator does not follow)"
        walk.reads.append(_Read(node, chain, Access(flat_steps, then), note))  # type: ignore[arg-type]

    def json_goes_on(self, node, parent, chain: list[_Segment], walk: _Walk, way: _Way) -> bool:
        """Follow a JSON value further: loops, ``or`` defaults, conditional expressions, names,
        returns, sorted()/list(), and functions of the run. False when the read ends here."""
        if isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node and isinstance(parent.target, cst.Name):
            comprehension = self.tree.parent.get(parent)
            kept = _kept_elements(comprehension) if isinstance(parent, cst.CompFor) else None
            chain[-1].loop = True
            for use, on in self.uses(parent.target, way):
                if use is kept:
                    # [a for a in x if ...]: a list of some of x's elements, read as x is
                    self.json_value(comprehension, [*chain[:-1], replace(chain[-1], loop=False)], walk, on)
                else:
                    self.json_value(use, chain, walk, on)
            return True
        if isinstance(parent, cst.BooleanOperation) and isinstance(parent.operator, cst.Or) and parent.left is node:
            # data.get("files") or []: an empty default stands in for an empty answer
            on = way.on() if _empty(parent.right) else way.mix(f"{self.code(parent)} may also be {self.code(parent.right)}")
            self.json_value(parent, chain, walk, on)
            return True
        if isinstance(parent, cst.IfExp) and parent.test is not node:
            other = parent.orelse if parent.body is node else parent.body
            self.json_value(parent, chain, walk, way.meet(other, f"it may also be {self.code(other)} (line {self.tree.line_column(other)[0]})"))
            return True
        if self.follow_name(node, walk, way, lambda use, on: self.json_value(use, chain, walk, on), kept=True):
            return True
        if isinstance(parent, cst.Return):
            callers = self.leaving(node, way)
            for caller, on in callers:
                self.json_value(caller, chain, walk, on)
            return bool(callers)
        call = self._argument_of(node)
        if call is None:
            return False
        if callee(call) in SAME_ELEMENTS and call.args and call.args[0].value is node:
            for argument in call.args[1:]:
                if argument.keyword is not None and argument.keyword.value == "key" and isinstance(argument.value, cst.Lambda):
                    self.lambda_reads(argument.value, chain, walk, way)
            self.json_value(call, chain, walk, way.on())
            return True
        if callee(call) in ("len", "print", "bool"):
            return False
        return self.into_function(node, call, walk, way, lambda use, on: self.json_value(use, chain, walk, on))

    def tested(self, node: cst.CSTNode) -> bool:
        """Whether only the truth of the value counts here: ``if tasks:``, ``x if tasks else y``,
        ``not tasks``, ``bool(tasks)``, and an operand of ``and``/``or`` that is so tested."""
        parent = self.tree.parent.get(node)
        if isinstance(parent, (cst.If, cst.While, cst.IfExp, cst.Assert)) and parent.test is node:
            return True
        if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
            return True
        if isinstance(parent, cst.BooleanOperation):
            return self.tested(parent)
        call = self._argument_of(node)
        return call is not None and callee(call) == "bool" and len(call.args) == 1

    def lambda_reads(self, function: cst.Lambda, chain: list[_Segment], walk: _Walk, way: _Way) -> None:
        """``sorted(files, key=lambda f: f["name"])``: the lambda reads each element."""
        parameters = function.params.params
        if len(parameters) != 1:
            return
        name = parameters[0].name.value
        start, end = self.tree.span(function.body)
        last = chain[-1]
        element = [*chain[:-1], _Segment(last.root, last.top, last.steps, True, last.shared, last.mixed, last.emptied)]
        for use in self.tree.names.get(name, []):
            if start <= self.tree.span(use)[0] < end and self.lives.is_use(use):
                self.json_value(use, element, walk, way.on())

    # ---------------------------------------------------------------- error answers

    def only_on_error(self, use: cst.CSTNode, response: cst.CSTNode) -> bool:
        """Whether ``use`` of the response named ``response`` runs only when the answer is an
        error: inside ``if not r.ok:`` (or ``r.status_code >= 400``), in the ``else`` of a
        success test, or after ``if r.ok: return ...``."""
        if not isinstance(response, cst.Name):
            return False
        name = response.value
        child, current = use, self.tree.parent.get(use)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.Module)):
            if isinstance(current, cst.If):
                verdict = _says(current.test, name)
                if (child is current.body and verdict == "error") or (child is current.orelse and verdict == "success"):
                    return True
            if isinstance(current, cst.IndentedBlock):
                for statement in current.body:
                    if statement is child:
                        break
                    if isinstance(statement, cst.If) and statement.orelse is None and _says(statement.test, name) == "success" and _exits(statement.body):
                        return True
            child, current = current, self.tree.parent.get(current)
        return False

    # ---------------------------------------------------------------- helpers

    def _argument_of(self, node: cst.CSTNode) -> cst.Call | None:
        parent = self.tree.parent.get(node)
        call = self.tree.parent.get(parent) if isinstance(parent, cst.Arg) else None
        return call if isinstance(call, cst.Call) and parent in call.args else None

    def function_name(self, node: cst.CSTNode) -> str:
        scope = self._scope_of(node)
        function = scope.node if scope is not None else None
        return f"{function.name.value}()" if isinstance(function, cst.FunctionDef) else "its function"

    def leaving(self, node: cst.CSTNode, way: _Way) -> list[tuple[cst.CSTNode, _Way]]:
        """Where a returned value goes next, each with the way there: what the function
        returns elsewhere (``return {}`` on a 404, falling off its end) may come out too."""
        scope = self._scope_of(node)
        function = scope.node if scope is not None else None
        callers = self.returned_to(node, way.stack)
        if not callers or not isinstance(function, cst.FunctionDef):
            return [(caller, way.out(rest)) for caller, rest in callers]
        statement = self.tree.parent.get(node)
        others = [r for r in self.flow.body(function, cst.Return) if r is not statement]
        out = []
        for caller, rest in callers:
            on = way.out(rest)
            for other in others:
                value = other.value
                if value is None or (isinstance(value, cst.Name) and value.value == "None"):
                    if way.parsed:
                        on = on.empty(f"{self.function_name(node)} also returns None (line {self.tree.line_column(other)[0]})")
                else:
                    on = on.meet(value, f"{self.function_name(node)} also returns {self.code(value)} (line {self.tree.line_column(other)[0]})")
            if way.parsed and not self.exits(function.body):
                on = on.empty(f"{self.function_name(node)} may also end without a return")
            out.append((caller, on))
        return out

    def exits(self, body: cst.BaseSuite) -> bool:
        """Whether a block always leaves: it ends in a return, a raise, a continue or a break,
        or in a ``with`` block that does, whose context managers cannot swallow an exception
        (``with urlopen(req) as resp: return json.load(resp)``)."""
        statements = body.body
        last = statements[-1] if statements else None
        if isinstance(last, cst.With):
            return all(self.opens(item.item) for item in last.items) and self.exits(last.body)
        return _exits(body)

    def opens(self, node: cst.BaseExpression, depth: int = 0) -> bool:
        """Whether a context manager only closes what it opened: a file, an HTTP response or
        client, or a function of the run that returns one (never ``suppress()``, ``raises()``
        or a manager of the run's own, whose exit may swallow the exception)."""
        if not isinstance(node, cst.Call) or depth > 3:
            return False
        if callee(node) in _OPENERS:
            return True
        target = self.flow.target(node, self.tree.scope_of[node])
        returned = self.flow.returned(target.function) if target is not None and not target.function.decorators else None
        return returned is not None and self.opens(returned, depth + 1)

    def returned_to(self, node: cst.CSTNode, stack: tuple) -> list[tuple[cst.CSTNode, tuple]]:
        """Where a value returned from its function goes: the call it was followed in through
        (``stack``: a wrapper, or a function the value was passed to), else every call of the
        function in the run."""
        scope = self._scope_of(node)
        function = scope.node if scope is not None else None
        if not isinstance(function, cst.FunctionDef):
            return []
        if stack and stack[0][0] is function:
            return [(_awaited(self.tree, stack[0][1]), stack[1:])]
        return [(_awaited(self.tree, caller), ()) for caller in self.flow.callers(function)]

    def into_function(self, node: cst.CSTNode, call: cst.Call, walk: _Walk, way: _Way, then) -> bool:
        """Follow ``node`` into the function of the run that ``call`` passes it to: ``then``
        each use of the parameter that receives it, with the call on the stack, so that what
        the function returns goes back to this call only. False when it cannot be followed."""
        scope = self._scope_of(call)
        target = self.flow.target(call, scope) if scope is not None else None
        frame = self.flow.frame(target, call, scope) if target is not None else None
        if frame is None:
            return False
        name = next((name for name, binding in frame.bindings.items() if binding.value is node), None)
        parameters = target.function.params
        parameter = next((p.name for p in (*parameters.posonly_params, *parameters.params, *parameters.kwonly_params) if p.name.value == name), None)
        if parameter is None:
            return False
        for use, on in self.uses(parameter, way.into(target.function, call)):
            then(use, on)
        return True

    def _scope_of(self, node: cst.CSTNode) -> Scope | None:
        current: cst.CSTNode | None = node
        while current is not None and current not in self.tree.scope_of:
            current = self.tree.parent.get(current)
        return self.tree.scope_of.get(current) if current is not None else None

    def responses_of(self, call: HttpCall, walk: _Walk) -> list[cst.CSTNode]:
        """The expressions whose value is the response: the call, or for a
        urllib Request the urlopen() calls it is given to."""
        if callee(call.node) != "Request":
            return [call.node]
        parent = self.tree.parent.get(call.node)
        opener = self.tree.parent.get(parent) if isinstance(parent, cst.Arg) else None
        if isinstance(opener, cst.Call) and callee(opener) == "urlopen":
            return [opener]
        found: list[cst.CSTNode] = []

        def opened(use: cst.CSTNode, way: _Way) -> None:
            parent = self.tree.parent.get(use)
            opener = self.tree.parent.get(parent) if isinstance(parent, cst.Arg) else None
            if isinstance(opener, cst.Call) and callee(opener) == "urlopen" and way.mixed is None:
                found.append(opener)
            elif not isinstance(parent, cst.Attribute) or way.mixed is not None:
                # The Request is not the response: say so, or "req: it is passed to call()" reads as if it were.
                self.lost(walk, use, way.mixed or _gone(use, self.tree, "the request") + ", so its response is out of sight")

        self.follow_name(call.node, walk, _Way(), opened)
        return found

    def bound_name(self, expression: cst.CSTNode) -> cst.Name | None:
        """``r`` of ``r = <expression>``, ``r: T = <expression>``, ``(r := <expression>)`` or ``with <expression> as r``."""
        holder = self.tree.parent.get(expression)
        if isinstance(holder, cst.Assign) and len(holder.targets) == 1 and isinstance(holder.targets[0].target, cst.Name):
            return holder.targets[0].target
        if isinstance(holder, (cst.AnnAssign, cst.NamedExpr)) and holder.value is expression and isinstance(holder.target, cst.Name):
            return holder.target
        if isinstance(holder, cst.WithItem) and holder.asname is not None and isinstance(holder.asname.name, cst.Name):
            return holder.asname.name
        return None

    def code(self, node: cst.CSTNode) -> str:
        """The code of ``node`` on one line, shortened for a message: long argument lists as
        ``...`` (``requests.get(...).json()["task_count"]``), then its end, which says most."""
        start, end = self.tree.span(node)
        elided = []
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, cst.Call) and current.args:
                first, last = self.tree.span(current.args[0])[0], self.tree.span(current.args[-1])[1]
                if last - first > 20:
                    elided.append((first, last))
                    stack.append(current.func)
                    continue
            stack.extend(children(current))
        parts, at = [], start
        for first, last in sorted(elided):
            parts += [self.tree.code_at(at, first), "..."]
            at = last
        text = " ".join("".join([*parts, self.tree.code_at(at, end)]).split())
        return text if len(text) <= 60 else "..." + text[-57:]

    def path(self, read: _Read) -> str:
        then = {"length": " (its length)", "truth": " (tested for truth)"}.get(read.access.then, "")
        return format_path(read.access.steps) + then

    def blocked(self, call: cst.CSTNode, blockers: list[Blocker]) -> str:
        """Why a call stays on v1, naming each use of its response that keeps it there."""
        home = self.tree.path_of(call)
        parts: list[str] = []
        for blocker in blockers:
            line = self.tree.line_column(blocker.node)[0]
            path = self.tree.path_of(blocker.node)
            where = f"line {line}" + (f" of {path}" if path != home else "")
            part = blocker.summary.format(where=where)
            if part not in parts:
                parts.append(part)
        return f"its response is used {'; and '.join(parts)}; so it stays on v1"

    def escape(self, node: cst.CSTNode, why: str, note: str) -> Blocker:
        """A use that cannot be followed, reported at the expression it is part of."""
        code = self.code(node)
        return Blocker(node, f"{code}: {why}", f"on {{where}}: {_braces(code)}, {_braces(note)}")

    def with_parentheses(self, node: cst.CSTNode) -> tuple[int, int]:
        """The span of ``node`` with the parentheses around it (its own span leaves them out)."""
        start, end = self.tree.span(node)
        start -= sum(len(_EMPTY.code_for_node(paren)) for paren in getattr(node, "lpar", ()))
        end += sum(len(_EMPTY.code_for_node(paren)) for paren in getattr(node, "rpar", ()))
        return start, end

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
            raise _Misfit("the read goes through a loop that the v2 response does not have, or the other way round")
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
            # sorted(data)[0] -> sorted(data["artifacts"])[0]: what v2 adds before an index goes
            # inside sorted(), list(), [a for a in ... if ...]: they make a list of the elements.
            lead = list(itertools.takewhile(lambda step: isinstance(step, Field), part))
            after = before_loop[index - 1] if index else -1  # where the steps before this part end
            boundaries = [k for k in range(after + 1, home + 1) if self.elements_of(read, k)]
            inner = boundaries[0] - 1 if lead and boundaries else home
            if inner != home:
                put.setdefault(inner, []).extend(lead)
                part = part[len(lead) :]
            put.setdefault(home, []).extend(part)
        transform = self.settings.table.transforms[mapped.mapping.transform].python if mapped.mapping.transform else None
        if transform and not groups[-1]:
            raise CannotRewrite("the v2 value needs a change the migrator cannot place here")
        last = groups[-1][-1][0] if groups[-1] else None
        if any(read.segments[number].shared for number in set(cut) | set(put)):
            raise CannotRewrite("the response is read in a function other calls share, which would read it too")
        mixed = next((read.segments[n].mixed for n in sorted(set(cut) | set(put)) if read.segments[n].mixed), None)
        if mixed:
            raise CannotRewrite(mixed)
        for number, count in cut.items():
            segment = read.segments[number]
            if segment.emptied and any(isinstance(node, cst.Call) for _, node in segment.steps[:count]):
                raise CannotRewrite(f"{segment.emptied}, whose .get() gives its default where v2's form would fail")
        edits = []
        for number in sorted(set(cut) | set(put)):
            edits.extend(self.replace_steps(read.segments[number], cut.get(number, 0), put.get(number, []), transform if number == last else None))
        return edits

    def elements_of(self, read: _Read, number: int) -> bool:
        """Whether segment ``number`` is a list of the elements of the one before: ``sorted(...)``,
        ``list()``, ``reversed()``, or a comprehension that keeps some (``[a for a in x if ...]``)."""
        if number == 0:
            return False
        root, before = read.segments[number].root, read.segments[number - 1].top
        if isinstance(root, cst.Call):
            return callee(root) in SAME_ELEMENTS and bool(root.args) and root.args[0].value is before
        return _kept_elements(root) is not None and root.for_in.iter is before  # type: ignore[attr-defined]

    def replace_steps(self, segment: _Segment, count: int, steps: list[Step], transform: str | None) -> list[ByteEdit]:
        """Replace the first ``count`` subscripts after the segment's root by ``steps``; a root
        that binds looser than a subscript (``await r.json()``, ``data or []``) is put in
        parentheses first."""
        root = segment.root
        root_start, root_end = self.with_parentheses(root)
        end = self.tree.span(segment.steps[count - 1][1])[1] if count else root_end
        avoid = self.tree.fstring_quotes(root)
        try:
            text = "".join(f"[{string_literal(s.name, avoid)}]" if isinstance(s, Field) else f"[{s.value}]" for s in steps)
            transform = requote(transform, avoid) if transform else None
        except ValueError as exc:
            raise CannotRewrite(str(exc)) from None
        loose = (text or transform) and not _primary(root)
        if transform:
            value = self.tree.code_at(root_start, root_end)
            return [self.tree.byte_edit(root_start, end, transform.format(value=(f"({value})" if loose else value) + text))]
        if self.tree.code_at(root_end, end) == text:
            return []
        if loose:
            return [self.tree.byte_edit(root_start, root_start, "("), self.tree.byte_edit(root_end, end, ")" + text)]
        return [self.tree.byte_edit(root_end, end, text)]


class _Misfit(CannotRewrite):
    """A mapping whose v2 form does not fit the read (a loop where v2 has none)."""


@dataclass
class _Segment:
    """One expression of a read: a root and the subscripts on it; ``loop`` if a loop iterates it."""

    root: cst.CSTNode
    top: cst.CSTNode
    steps: list[tuple[Step, cst.CSTNode]]
    loop: bool = False
    shared: bool = False  # in a function other calls share: no edit may land here
    mixed: str | None = None  # why the value here may be another one too: no edit may land here
    emptied: str | None = None  # why it may be an empty literal too: no .get("key") may lose its default here

    def steps_with_loops(self) -> list[Step]:
        own = [step for step, _ in self.steps]
        return own + [Index(None)] if self.loop else own


@dataclass
class _Read:
    node: cst.CSTNode
    segments: list[_Segment]
    access: Access
    note: str = ""  # why the read ends where it does, when that is the migrator's limit

    @property
    def anchor(self) -> cst.CSTNode:
        """Where the read is reported: the expression that takes its last step into the
        response (``f["extension"]``), wherever the value then goes; a value used whole,
        where it is used."""
        for segment in reversed(self.segments):
            if segment.steps or segment.loop:
                return segment.top
        return self.node


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


def _kept_elements(node: cst.CSTNode | None) -> cst.Name | None:
    """The element of ``[a for a in x if ...]`` (or a generator or set of them): a comprehension
    that keeps elements of one iterable as they are; None for any other."""
    if not isinstance(node, (cst.ListComp, cst.GeneratorExp, cst.SetComp)):
        return None
    clause = node.for_in
    if clause.inner_for_in is not None or not isinstance(clause.target, cst.Name) or not isinstance(node.elt, cst.Name):
        return None
    return node.elt if node.elt.value == clause.target.value else None


def _empty(node: cst.CSTNode) -> bool:
    """An empty literal: ``{}``, ``[]``, ``()``, ``""``, ``None``, ``0``, ``False``. Any step into it
    fails alike in v1's and v2's form, and its truth and length do not change."""
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return not node.elements
    if isinstance(node, cst.Dict):
        return not node.elements
    if isinstance(node, cst.Name):
        return node.value in ("None", "False")
    if isinstance(node, cst.Integer):
        return node.value == "0"
    return isinstance(node, cst.SimpleString) and node.evaluated_value in ("", b"")


def _primary(node: cst.CSTNode) -> bool:
    """Whether a subscript written right after ``node`` applies to all of it."""
    if getattr(node, "lpar", ()):
        return True
    return isinstance(node, (cst.Name, cst.Attribute, cst.Call, cst.Subscript, cst.List, cst.Dict, cst.Tuple, cst.SimpleString, cst.ConcatenatedString))


def _says(test: cst.BaseExpression, name: str) -> str | None:
    """Whether a test on the response named ``name`` holds for an error answer ("error"), for
    a successful one ("success"), or says neither."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = _says(test.expression, name)
        return {"error": "success", "success": "error"}.get(inner) if inner else None
    if isinstance(test, cst.Attribute) and isinstance(test.value, cst.Name) and test.value.value == name:
        return {"ok": "success", "is_success": "success", "is_error": "error"}.get(test.attr.value)
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        left, target = test.left, test.comparisons[0]
        status = isinstance(left, cst.Attribute) and isinstance(left.value, cst.Name) and left.value.value == name
        if not status or left.attr.value not in ("status_code", "status") or not isinstance(target.comparator, cst.Integer):
            return None
        code = int(target.comparator.value)
        operator = target.operator
        if isinstance(operator, (cst.GreaterThanEqual, cst.GreaterThan)) and code >= 300:
            return "error"
        if isinstance(operator, cst.Equal):
            return "error" if code >= 400 else "success" if 200 <= code < 300 else None
        if isinstance(operator, cst.NotEqual) and 200 <= code < 300:
            return "error"
        if isinstance(operator, cst.LessThan) and 200 < code <= 400:
            return "success"
    return None


# Calls whose value, used as a context manager, closes a file, a response or a client and
# lets every exception through.
_OPENERS = {"open", "urlopen", "request", "stream", "Session", "Client", "AsyncClient", "ClientSession", *HTTP_METHODS}


def _exits(body: cst.BaseSuite) -> bool:
    """Whether a block always leaves: its last statement returns, raises, continues or breaks."""
    statements = body.body
    last = statements[-1] if statements else None
    if isinstance(last, cst.SimpleStatementLine):
        last = last.body[-1] if last.body else None
    return isinstance(last, (cst.Return, cst.Raise, cst.Continue, cst.Break))


def _gone(node: cst.CSTNode, tree: Project, it: str = "it") -> str:
    """Where a value (``it``) goes out of the migrator's sight, said for a reviewer."""
    parent = tree.parent.get(node)
    if isinstance(parent, cst.Arg):
        call = tree.parent.get(parent)
        name = callee(call) if isinstance(call, cst.Call) else ""
        return f"{it} is passed to {name}(), which the migrator does not follow" if name else f"{it} is passed to a call the migrator does not follow"
    if isinstance(parent, (cst.Element, cst.DictElement, cst.StarredElement, cst.StarredDictElement)):
        return f"{it} is put in a container the migrator does not follow"
    if isinstance(parent, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
        return f"{it} is stored where the migrator does not follow it"
    if isinstance(parent, (cst.For, cst.CompFor)):
        return f"{it} is iterated where the migrator does not follow it"
    return f"{it} is used in a way the migrator cannot follow"


def _overlap(a: ByteEdit, b: ByteEdit) -> bool:
    if a == b or a.path != b.path:
        return False
    return (a.start < b.end and b.start < a.end) or a.start == a.end == b.start == b.end


def _chain_top(node: cst.CSTNode, tree: Project) -> cst.CSTNode:
    """The expression a name starts: ``r.json()["files"]`` of ``r``."""
    while True:
        parent = tree.parent.get(node)
        if isinstance(parent, (cst.Attribute, cst.Subscript)) and parent.value is node:
            node = parent
        elif isinstance(parent, (cst.Call, cst.Await)) and getattr(parent, "func", getattr(parent, "expression", None)) is node:
            node = parent
        else:
            return node


def _braces(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def _by_read(code: str, differs: bool) -> str:
    why = "which v2 answers differently" if differs else "which the migrator cannot rewrite there"
    return f"by the read on {{where}}: {_braces(code)}, {why}"


def _unique(blockers: list[Blocker]) -> list[Blocker]:
    """One blocker per expression: a value read twice there (its truth, then its text) is one read."""
    seen: set[int] = set()
    out = []
    for blocker in blockers:
        if id(blocker.node) not in seen:
            seen.add(id(blocker.node))
            out.append(blocker)
    return out


def is_keyword(name: cst.Name, tree: Tree) -> bool:
    """``files`` of ``post(url, files=...)``: a keyword, not a variable."""
    parent = tree.parent.get(name)
    return isinstance(parent, cst.Arg) and parent.keyword is name
