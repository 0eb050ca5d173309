"""How long a name holds a value: the uses each binding of a name may reach.

A response held in a name is read wherever the name is used while it holds it:
after the binding, until the name is bound anew on every way there (an assignment
in a block that holds the use); around a loop, when the binding is in one; and in
the functions nested in its scope, which may run at any time. A use that another
binding may reach too (another response, a default, a parameter, a cached copy) holds
other values as well: a read there is not this value's alone.

Over-approximated on purpose: a use counted that is never reached only makes the
migrator more careful; a use missed would let a read of v1's shape meet v2's answer.
Worked out once per name and scope, with sorted positions, so that a module of a
thousand ``r = requests.get(...)`` costs about as much as one of ten.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import libcst as cst

from migrator.python.project import Project
from migrator.python.tree import Scope, children

BLOCKS = (cst.IndentedBlock, cst.SimpleStatementSuite, cst.Module)
LOOPS = (cst.For, cst.While)
COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)


@dataclass(frozen=True)
class Uses:
    """The uses a binding reaches: its own, and those other bindings reach too (``shared``,
    each with a binding that also reaches it)."""

    own: list[cst.Name]
    shared: list[tuple[cst.Name, cst.Name]]


@dataclass(frozen=True, eq=False)
class _Binding:
    """What the reaching test needs of one binding, worked out once."""

    name: cst.Name
    kind: str  # always | maybe | comprehension
    at: int  # where it takes effect
    kills: cst.CSTNode | None  # the region where, past it, no earlier binding is seen
    anytime: bool  # bound in a function that declares the name global: at any time
    none: bool  # ``name = None``


@dataclass
class _Loop:
    """The bindings of one name in one loop, which reach the top of the loop again."""

    body: cst.CSTNode
    start: int  # where its body starts
    floor: int  # bindings before this one in the body are bound anew before the body ends
    at: list[int] = field(default_factory=list)
    bindings: list[_Binding] = field(default_factory=list)


@dataclass
class _Table:
    """The bindings of one name in one scope, ordered by where they take effect."""

    plain: list[_Binding]
    at: list[int]
    kills: dict[int, list[int]]  # region -> where the bindings that see nothing earlier past it are
    loops: dict[int, _Loop]  # a loop's body (or a while's test) -> its bindings
    anytime: list[_Binding]
    comprehensions: list[tuple[int, _Binding]]  # (its comprehension, binding)
    reached: dict[int, list[tuple[cst.Name, list[_Binding]]]] | None = None  # binding -> (use, all that reach it)


class Lifetimes:
    def __init__(self, tree: Project) -> None:
        self.tree = tree
        self._tables: dict[tuple[str, int], _Table] = {}
        self._around: dict[int, frozenset[int]] = {}

    def uses(self, binding: cst.Name, none_apart: bool = False) -> Uses:
        """The uses ``binding`` may reach, split by whether other bindings reach them too. With
        ``none_apart``, ``name = None`` is no other value (a response: any read of None fails
        alike in v1 and v2; a parsed answer's None may meet an ``or {}`` default)."""
        scope = self.home(binding)
        own: list[cst.Name] = []
        shared: list[tuple[cst.Name, cst.Name]] = []
        if scope is None:
            return Uses(own, shared)
        table = self.table(binding.value, scope)
        if table.reached is None:
            table.reached = {}
            for use in self.tree.names.get(binding.value, []):
                if self.is_use(use):
                    reaching = self.reaching(use, scope, table)
                    for found in reaching:
                        table.reached.setdefault(id(found.name), []).append((use, reaching))
        for use, reaching in table.reached.get(id(binding), []):
            if use is binding:
                continue
            other = next((b.name for b in reaching if b.name is not binding and not (none_apart and b.none)), None)
            if other is None:
                own.append(use)
            else:
                shared.append((use, other))
        return Uses(own, shared)

    # ---------------------------------------------------------------- bindings and uses

    def home(self, binding: cst.Name) -> Scope | None:
        """The scope a bound name lives in: its own, or the module's when declared global there."""
        scope = self.tree.scope_of.get(binding)
        if scope is not None and binding.value in scope.globals:
            while scope.parent is not None:
                scope = scope.parent
        return scope

    def table(self, name: str, scope: Scope) -> _Table:
        """Every place ``name`` is bound in ``scope`` (and, for a module, in functions that declare it global)."""
        key = (name, id(scope))
        if key in self._tables:
            return self._tables[key]
        plain: list[_Binding] = []
        anytime: list[_Binding] = []
        comprehensions: list[tuple[int, _Binding]] = []
        loops: dict[int, _Loop] = {}
        for node in self.tree.names.get(name, []):
            kind = binding_kind(node, self.tree)
            home = self.tree.scope_of.get(node)
            if kind is None or home is None:
                continue
            outside = home is not scope and scope.kind == "module" and name in home.globals and _within(home, scope)
            if home is not scope and not outside:
                continue
            binding = self._binding(node, kind, outside)
            if kind == "comprehension":
                comprehensions.append((id(self._comprehension_of(node)), binding))
            elif outside:
                anytime.append(binding)
            else:
                plain.append(binding)
                for loop in self._loops_around(node, scope):
                    for region in (loop.body, loop.test) if isinstance(loop, cst.While) else (loop.body,):
                        entry = loops.setdefault(id(region), _Loop(loop.body, self._at(loop.body), _floor(loop)))
                        entry.bindings.append(binding)
        plain.sort(key=lambda b: b.at)
        kills: dict[int, list[int]] = {}
        for binding in plain:
            if binding.kills is not None:
                kills.setdefault(id(binding.kills), []).append(binding.at)
        for loop in loops.values():
            loop.bindings.sort(key=lambda b: b.at)
            loop.at = [b.at for b in loop.bindings]
            if loop.floor:  # the last binding right in the body: the others do not reach its end
                body_kills = [b.at for b in loop.bindings if b.kills is loop.body]
                loop.floor = max(body_kills, default=-1)
            else:
                loop.floor = -1
        table = _Table(plain, [b.at for b in plain], kills, loops, anytime, comprehensions)
        self._tables[key] = table
        return table

    def _binding(self, node: cst.Name, kind: str, anytime: bool) -> _Binding:
        holder = _statement_holder(node, self.tree)
        statement = self.tree.parent.get(holder) if isinstance(holder, cst.AssignTarget) else holder
        value = getattr(statement, "value", None)
        none = isinstance(statement, (cst.Assign, cst.AnnAssign)) and isinstance(value, cst.Name) and value.value == "None"
        kills = None
        if kind == "always":
            kills = self.block_of(node)
        elif isinstance(holder, (cst.For, cst.ExceptHandler)):
            kills = holder.body  # a loop's variable in its body, an exception's name in its handler
        return _Binding(node, kind, self.effective(node), kills, anytime, none)

    def is_use(self, name: cst.Name) -> bool:
        """A name read as a variable (not bound, not a keyword, an attribute's or a parameter's name)."""
        parent = self.tree.parent.get(name)
        if isinstance(parent, cst.Arg) and parent.keyword is name:
            return False
        if isinstance(parent, (cst.Param, cst.FunctionDef, cst.ClassDef, cst.ImportAlias)):
            return False
        if isinstance(parent, cst.Attribute) and parent.attr is name:
            return False
        return binding_kind(name, self.tree) is None or isinstance(parent, cst.AugAssign)

    # ---------------------------------------------------------------- reaching

    def reaching(self, use: cst.Name, scope: Scope, table: _Table) -> list[_Binding]:
        """The bindings of ``scope`` whose value may be the name's at ``use``."""
        use_scope = self.tree.scope_of.get(use)
        if use_scope is None or not _within(use_scope, scope):
            return []
        around = self.around(use)
        found = [b for region, b in table.comprehensions if region in around]
        if use_scope is not scope:
            # A function nested in the binding's scope runs at a time the order of the text
            # does not tell: it sees whichever binding was last.
            if not self._bound_between(use.value, use_scope, scope):
                found += table.plain + table.anytime
        else:
            at = self._at(use)
            # The last binding before the use that every way to it passes: no earlier one is seen past it.
            last = -1
            for region, positions in table.kills.items():
                if region in around:
                    index = bisect.bisect_right(positions, at)
                    if index:
                        last = max(last, positions[index - 1])
            found += table.plain[bisect.bisect_left(table.at, last) : bisect.bisect_left(table.at, at)]
            found += table.anytime
            for region, loop in table.loops.items():
                if region in around and loop.start >= last:
                    # Around the loop: from a binding after the use to the end of the body, then to the use.
                    start = max(bisect.bisect_right(loop.at, at), bisect.bisect_left(loop.at, loop.floor))
                    found += [b for b in loop.bindings[start:] if b not in found]
        return [b for b in found if not self._shadowed(use, b.name)]

    def around(self, node: cst.CSTNode) -> frozenset[int]:
        """The nodes that hold ``node`` (and it), by identity."""
        key = id(node)
        if key not in self._around:
            found = set()
            current: cst.CSTNode | None = node
            while current is not None:
                found.add(id(current))
                current = self.tree.parent.get(current)
            self._around[key] = frozenset(found)
        return self._around[key]

    def _bound_between(self, name: str, inner: Scope, outer: Scope) -> bool:
        """Whether a scope from ``inner`` up to (not including) ``outer`` binds ``name`` itself."""
        current: Scope | None = inner
        while current is not None and current is not outer:
            if name in current.assignments and name not in current.globals:
                return True
            current = current.parent
        return False

    def _shadowed(self, use: cst.Name, binding: cst.Name) -> bool:
        """A use inside a comprehension or lambda that binds the name itself, which ``binding`` is not."""
        current = self.tree.parent.get(use)
        while current is not None and not isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Module)):
            if isinstance(current, cst.Lambda) and any(p.name.value == use.value for p in current.params.params):
                return id(current) not in self.around(binding)
            if isinstance(current, COMPREHENSIONS) and id(current.for_in.iter) not in self.around(use):
                targets = [n for n in _comprehension_targets(current) if n.value == use.value]
                if targets and binding not in targets:
                    return True
            current = self.tree.parent.get(current)
        return False

    def effective(self, binding: cst.Name) -> int:
        """Where a binding takes effect: after the value it is given (``r = r.json()`` reads the
        old ``r``), at the start of a loop's or handler's body, of a function's for a parameter."""
        holder = _statement_holder(binding, self.tree)
        if isinstance(holder, cst.AssignTarget):
            holder = self.tree.parent.get(holder)
        if isinstance(holder, (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.NamedExpr)) and holder.value is not None:
            return self.tree.span(holder.value)[1]
        if isinstance(holder, (cst.For, cst.ExceptHandler)):
            return self._at(holder.body)
        parent = self.tree.parent.get(binding)
        if isinstance(parent, cst.Param):
            function = self.tree.scope_of.get(binding)
            if function is not None and isinstance(function.node, cst.FunctionDef):
                return self._at(function.node.body)
        return self._at(binding)

    def _comprehension_of(self, target: cst.Name) -> cst.CSTNode | None:
        current = self.tree.parent.get(target)
        while current is not None and not isinstance(current, COMPREHENSIONS):
            current = self.tree.parent.get(current)
        return current

    def _loops_around(self, node: cst.CSTNode, scope: Scope) -> list[cst.For | cst.While]:
        """The loops (in the same function) whose body holds ``node``."""
        loops = []
        child, current = node, self.tree.parent.get(node)
        while current is not None and current is not scope.node:
            if isinstance(current, LOOPS) and current.body is child:
                loops.append(current)
            child, current = current, self.tree.parent.get(current)
        return loops

    def block_of(self, node: cst.CSTNode) -> cst.CSTNode | None:
        current = self.tree.parent.get(node)
        while current is not None and not isinstance(current, BLOCKS):
            current = self.tree.parent.get(current)
        return current

    def _at(self, node: cst.CSTNode) -> int:
        return self.tree.span(node)[0]


def _floor(loop: cst.For | cst.While) -> int:
    """1 when the body always runs to its end (no ``continue`` in it), so that only its last
    binding right in the body comes round again; 0 when a ``continue`` may skip it."""
    stack: list[cst.CSTNode] = [loop.body]
    while stack:
        node = stack.pop()
        if isinstance(node, cst.Continue):
            return 0
        stack.extend(children(node))
    return 1


def binding_kind(name: cst.Name, tree: Project) -> str | None:
    """How ``name`` is bound here: ``always`` when its statement runs (an assignment, ``with
    ... as``), ``maybe`` (a loop or ``except`` target, ``:=``, a parameter), ``comprehension``
    (a comprehension's own variable), or None when it is not bound here."""
    holder = _statement_holder(name, tree)
    if isinstance(holder, cst.CompFor):
        return "comprehension"
    if isinstance(holder, (cst.AssignTarget, cst.WithItem)) or (isinstance(holder, cst.AnnAssign) and holder.value is not None):
        return "always"
    if isinstance(holder, (cst.For, cst.ExceptHandler, cst.NamedExpr, cst.AugAssign)):
        return "maybe"
    parent = tree.parent.get(name)
    if isinstance(parent, cst.Param) and parent.name is name and not isinstance(tree.parent.get(tree.parent.get(parent)), cst.Lambda):
        return "maybe"
    return None


def _statement_holder(name: cst.Name, tree: Project) -> cst.CSTNode | None:
    """The node that binds ``name`` as its target, through tuple and list targets; None when
    ``name`` is not a target."""
    child: cst.CSTNode = name
    parent = tree.parent.get(name)
    while isinstance(parent, (cst.Element, cst.StarredElement, cst.Tuple, cst.List)):
        child, parent = parent, tree.parent.get(parent)
    if isinstance(parent, cst.AsName):
        holder = tree.parent.get(parent)
        return holder if isinstance(holder, (cst.WithItem, cst.ExceptHandler)) and parent.name is child else None
    if isinstance(parent, (cst.AssignTarget, cst.AnnAssign, cst.AugAssign, cst.For, cst.CompFor, cst.NamedExpr)):
        return parent if getattr(parent, "target", None) is child else None
    return None


def _comprehension_targets(comprehension: cst.CSTNode) -> list[cst.Name]:
    out: list[cst.Name] = []
    clause = getattr(comprehension, "for_in", None)
    while clause is not None:
        stack: list[cst.CSTNode] = [clause.target]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.Name):
                out.append(node)
            else:
                stack.extend(children(node))
        clause = clause.inner_for_in
    return out


def _within(inner: Scope, outer: Scope) -> bool:
    current: Scope | None = inner
    while current is not None:
        if current is outer:
            return True
        current = current.parent
    return False
