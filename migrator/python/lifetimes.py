"""How long a name holds a value: the uses each binding of a name may reach.

A response held in a name is read wherever the name is used while it holds it:
after the binding, until the name is bound anew on every way there (an assignment
in a block that holds the use); around a loop, when the binding is in one; and in
the functions nested in its scope, which may run at any time. A use that another
binding may reach too (another response, a default, a parameter, a cached copy) holds
other values as well: a read there is not this value's alone.

Over-approximated on purpose: a use counted that is never reached only makes the
migrator more careful; a use missed would let a read of v1's shape meet v2's answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from migrator.python.project import Project
from migrator.python.tree import Scope

BLOCKS = (cst.IndentedBlock, cst.SimpleStatementSuite, cst.Module)
LOOPS = (cst.For, cst.While)


@dataclass(frozen=True)
class Uses:
    """The uses a binding reaches: its own, and those other bindings reach too (``shared``,
    each with a binding that also reaches it)."""

    own: list[cst.Name]
    shared: list[tuple[cst.Name, cst.Name]]


class Lifetimes:
    def __init__(self, tree: Project) -> None:
        self.tree = tree

    def uses(self, binding: cst.Name, none_apart: bool = False) -> Uses:
        """The uses ``binding`` may reach, split by whether other bindings reach them too. With
        ``none_apart``, ``name = None`` is no other value (a response: any read of None fails
        alike in v1 and v2; a parsed answer's None may meet an ``or {}`` default)."""
        scope = self.home(binding)
        own: list[cst.Name] = []
        shared: list[tuple[cst.Name, cst.Name]] = []
        if scope is None:
            return Uses(own, shared)
        others = [b for b in self.bindings(binding.value, scope) if b is not binding and not (none_apart and self._none(b))]
        for use in self.tree.names.get(binding.value, []):
            if use is binding or not self.is_use(use) or not self.reaches(binding, use, scope):
                continue
            other = next((b for b in others if self.reaches(b, use, scope)), None)
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

    def bindings(self, name: str, scope: Scope) -> list[cst.Name]:
        """Every place ``name`` is bound in ``scope`` (and, for a module, in functions that declare it global)."""
        found = []
        for node in self.tree.names.get(name, []):
            kind = binding_kind(node, self.tree)
            if kind is None:
                continue
            home = self.tree.scope_of.get(node)
            if home is scope or (scope.kind == "module" and home is not None and name in home.globals and _within(home, scope)):
                found.append(node)
        return found

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

    def _none(self, binding: cst.Name) -> bool:
        """``r = None``: a placeholder."""
        holder = _statement_holder(binding, self.tree)
        if isinstance(holder, cst.AssignTarget):
            holder = self.tree.parent.get(holder)
        value = getattr(holder, "value", None)
        return isinstance(holder, (cst.Assign, cst.AnnAssign)) and isinstance(value, cst.Name) and value.value == "None"

    # ---------------------------------------------------------------- reaching

    def reaches(self, binding: cst.Name, use: cst.Name, scope: Scope) -> bool:
        """Whether the value ``binding`` gives may be the value of ``name`` at ``use``."""
        if self._shadowed(use, binding):
            return False
        if binding_kind(binding, self.tree) == "comprehension":
            region = self._comprehension_of(binding)
            return region is not None and self._inside(use, region)
        use_scope = self.tree.scope_of.get(use)
        if use_scope is not scope:
            # A function nested in the binding's scope runs at a time the order of the text
            # does not tell: it sees whichever binding was last.
            return use_scope is not None and _within(use_scope, scope) and not self._bound_between(binding.value, use_scope, scope)
        global_binding = self.tree.scope_of.get(binding) is not scope
        if global_binding:
            return True  # bound in a function that declares it global: at any time
        start, use_at = self.effective(binding), self._at(use)
        if start < use_at and not self._killed(binding.value, scope, start, use_at, use):
            return True
        for loop in self._loops_around(binding, scope):
            body = loop.body
            if use_at < start and (self._inside(use, body) or (isinstance(loop, cst.While) and self._inside(use, loop.test))):
                # Around the loop: from the binding to the end of the body, then from the top to the use.
                if not self._killed(binding.value, scope, self._at(body), use_at, use):
                    return True
        return False

    def _killed(self, name: str, scope: Scope, after: int, before: int, use: cst.Name) -> bool:
        """Whether every way from ``after`` to ``use`` binds ``name`` anew: an assignment between
        them that stands in a block holding the use."""
        for other in self.bindings(name, scope):
            if self.tree.scope_of.get(other) is not scope or not after < self.effective(other) <= before:
                continue
            kind = binding_kind(other, self.tree)
            if kind == "always" and self._inside(use, self.block_of(other)):
                return True
            holder = _statement_holder(other, self.tree)
            if isinstance(holder, (cst.For, cst.ExceptHandler)) and self._inside(use, holder.body):
                return True  # a loop's variable in its body, an exception's name in its handler
        return False

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
                return not self._inside(binding, current)
            if isinstance(current, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)) and not self._inside(use, current.for_in.iter):
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
        while current is not None and not isinstance(current, (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)):
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

    def _inside(self, node: cst.CSTNode, region: cst.CSTNode | None) -> bool:
        current: cst.CSTNode | None = node
        while current is not None:
            if current is region:
                return True
            current = self.tree.parent.get(current)
        return False

    def _at(self, node: cst.CSTNode) -> int:
        return self.tree.span(node)[0]


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
                stack.extend(node.children)
        clause = clause.inner_for_in
    return out


def _within(inner: Scope, outer: Scope) -> bool:
    current: Scope | None = inner
    while current is not None:
        if current is outer:
            return True
        current = current.parent
    return False
