"""Calls into the run's own functions: which function a call site calls, with its
parameters bound to that call's arguments, and what the function returns.

URL builders (``def api(path): return f"{BASE}{path}"``, ``self._url(path)``, a
``base_url`` property) are read through at each call site: the URL of
``s.get(api("/files"))`` is the builder's text around the caller's ``"/files"``.
Request wrappers (``def _request(self, method, path, **kw): return
self.session.request(method, self._url(path), **kw)``) make each of their call sites
a request: its method, URL and keywords are the wrapper's request with the call's
arguments in place, and its value is the wrapper's response.

The tree binds names; this module answers questions of that table per call site
(binder, then checker). What cannot be answered (a function with several returns,
``*args`` at the call, a receiver whose class is unknown) is None: unknown, never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

import libcst as cst

from migrator.python.calls import HTTP_METHODS, HttpCall, callee, http_call
from migrator.python.project import Project
from migrator.python.tree import PARAMETER, Binding, Frame, Scope, Tree, children, dotted
from migrator.urls import Via


@dataclass(frozen=True)
class Rest:
    """What one call passes to a function's ``*args``: its extra positional arguments, each
    the calling code's own text."""

    arguments: tuple[cst.Arg, ...]


@dataclass(frozen=True)
class Target:
    """A function of the run that a call site calls."""

    function: cst.FunctionDef
    scope: Scope  # the function's own scope
    method: bool  # called on an instance (or self): its first parameter is that instance
    # ``dm.post(url, ...)`` on a requests.Session subclass that overrides request():
    # Session.post calls ``self.request("POST", url, ...)``, the override with this method.
    verb: str | None = None


def _decorators(function: cst.FunctionDef) -> set[str]:
    return {_decorator_name(decorator) for decorator in function.decorators}


# Decorators that never call the function with arguments of their own. Any other (a
# scheduler's @task, a CLI's @command, @pytest.fixture) may call it where the flow cannot
# see, as a function passed on as a value may be.
_PLAIN_DECORATORS = {"staticmethod", "classmethod", "property", "cached_property", "abstractmethod", "overload", "override"}


def called_by_decorator(function: cst.FunctionDef) -> cst.Decorator | None:
    """The first decorator of ``function`` that may call it with arguments of its own."""
    return next((d for d in function.decorators if _decorator_name(d) not in _PLAIN_DECORATORS), None)


def _decorator_name(decorator: cst.Decorator) -> str:
    node = decorator.decorator
    if isinstance(node, cst.Call):
        node = node.func
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return node.value if isinstance(node, cst.Name) else ""


class Flow:
    def __init__(self, tree: Project) -> None:
        self.tree = tree
        self.wrappers: set[cst.FunctionDef] = set()  # functions read through as request wrappers
        self._callers: dict[cst.FunctionDef, list[cst.Call]] | None = None
        self._bodies: dict[cst.FunctionDef, dict[type, list[cst.CSTNode]]] = {}

    def body(self, function: cst.FunctionDef, kind: type[cst.CSTNode]) -> list:
        """The nodes of a kind (a concrete libcst type) in a function's body, not in the
        functions, classes and lambdas in it."""
        # Wrappers are read through at every call site: walking the body each time, and
        # testing each node's type, was most of the time of a run.
        if function not in self._bodies:
            grouped: dict[type, list[cst.CSTNode]] = defaultdict(list)
            for node in _body_nodes(function):
                grouped[type(node)].append(node)
            self._bodies[function] = grouped
        return self._bodies[function].get(kind, [])

    def callers(self, function: cst.FunctionDef) -> list[cst.Call]:
        """The calls of a function in the run (those whose target can be told)."""
        if self._callers is None:
            self._callers = {}
            for call in self.tree.calls:
                target = self.target(call, self.tree.scope_of[call])
                if target is not None:
                    self._callers.setdefault(target.function, []).append(call)
        return self._callers.get(function, [])

    def only_called(self, function: cst.FunctionDef) -> bool:
        """Whether every mention of the function is a call the flow can follow (none passes it
        on as a value, to be called with other arguments where the flow cannot see)."""
        calls = {id(_function_name(call)) for call in self.callers(function)}
        name = function.name.value
        return all(use is function.name or id(use) in calls for use in self.tree.names.get(name, []))

    def filled_alike(self, function: Scope, name: str) -> Binding | None:
        """What a parameter stands for when the run fills it one way only: every call leaves it
        to its default (``TdmHook()`` with ``api_root=tdm_settings.TDM_API_ROOT``), or the
        function has one call. None when a call the flow cannot see may fill it otherwise."""
        node = function.node
        assert isinstance(node, cst.FunctionDef)
        calls = self.calls_of(function)
        if not calls:
            return None
        bindings = []
        for call, target in calls:
            frame = self.frame(target, call, self.tree.scope_of[call])
            binding = frame.bindings.get(name) if frame is not None else None
            if binding is None:
                return None
            bindings.append(binding)
        default = param_default(node, name)
        if default is not None and all(binding.value is default for binding in bindings):
            return bindings[0]
        return bindings[0] if len(bindings) == 1 else None

    def calls_of(self, function: Scope) -> list[tuple[cst.Call, Target]]:
        """Every call of a function, with how it calls it, or none when some use of it is not a
        call the flow can follow. A class's __init__ is called by making an instance
        (``Blobby(...)``), and a subclass may make them too."""
        node = function.node
        assert isinstance(node, cst.FunctionDef)
        if called_by_decorator(node) is not None:
            return []
        owner = function.parent
        if node.name.value == "__init__" and owner is not None and owner.kind == "class":
            made, others = [], []
            for use in self.tree.names.get(owner.name, []):
                parent = self.tree.parent.get(use)
                if isinstance(parent, cst.Call) and parent.func is use:
                    made.append(parent)
                elif isinstance(parent, cst.Attribute) and parent.attr is use and isinstance(self.tree.parent.get(parent), cst.Call):
                    made.append(self.tree.parent[parent])
                elif isinstance(parent, cst.ImportAlias) and parent.asname is None:
                    continue  # imported under its own name: its calls are among the uses
                elif use is not owner.node.name and not _in_annotation(use, self.tree):  # type: ignore[union-attr]
                    others.append(use)
            return [] if others else [(call, Target(node, function, True)) for call in made]
        if not self.only_called(node):
            return []
        calls = []
        for call in self.callers(node):
            target = self.target(call, self.tree.scope_of[call])
            if target is not None:
                calls.append((call, target))
        return calls

    def inside_wrapper(self, call: cst.Call) -> bool:
        """Whether ``call`` is the request (or the call of another wrapper) inside a wrapper
        read through at its call sites, built from the wrapper's parameters: its call sites
        are the requests, not it."""
        scope = self.tree.scope_of.get(call)
        function = scope.node if scope is not None else None
        if function not in self.wrappers:
            return False
        parameters = _parameter_names(Target(function, scope, True)) | _parameter_names(Target(function, scope, False))  # type: ignore[arg-type]
        return _reads_any(call, parameters, scope)

    # ---------------------------------------------------------------- targets

    def target(self, call: cst.Call, scope: Scope) -> Target | None:
        """The function of the run ``call`` calls, if it can be told."""
        func = call.func
        if isinstance(func, cst.Name):
            found = self.tree.lookup(func.value, scope)
            if len(found) == 1 and isinstance(found[0][0], cst.FunctionDef):
                return Target(found[0][0], self.tree.scope_of[found[0][0]], False)
            return None
        if not isinstance(func, cst.Attribute):
            return None
        module = self.module_named(func.value, scope)
        if module is not None:  # tdm_client.upload(...)
            found = self.tree.lookup(func.attr.value, module.module_scope)
            if len(found) == 1 and isinstance(found[0][0], cst.FunctionDef):
                return Target(found[0][0], self.tree.scope_of[found[0][0]], False)
            return None
        owner = self.instance_class(func.value, scope)
        if owner is None:
            return None
        found = self.method(owner, func.attr.value)
        if found is None and func.attr.value in HTTP_METHODS and _session_subclass(owner):
            request = self.method(owner, "request")
            return replace(request, verb=func.attr.value.upper()) if request is not None and request.method else None
        return found

    def method(self, owner: Scope, name: str) -> Target | None:
        found = [value for value, _ in owner.assignments.get(name, [])]
        if len(found) != 1 or not isinstance(found[0], cst.FunctionDef):
            return None
        function = found[0]
        static = "staticmethod" in _decorators(function)
        return Target(function, self.tree.scope_of[function], not static)

    def property(self, node: cst.Attribute, scope: Scope) -> Target | None:
        """``self.base_url`` where ``base_url`` is a ``@property`` of the class."""
        owner = self.instance_class(node.value, scope)
        target = self.method(owner, node.attr.value) if owner is not None else None
        if target is None or "property" not in _decorators(target.function):
            return None
        return target

    def instance_class(self, node: cst.BaseExpression, scope: Scope, depth: int = 0) -> Scope | None:
        """The class (of the run) of the object ``node`` stands for: ``self``; ``Cls(...)``;
        a name assigned ``Cls(...)``, bound by ``with Cls(...) as name`` or annotated ``Cls``
        (a parameter too); an attribute of such an object, assigned or annotated in its class
        (``st.client`` of a dataclass ``State`` with ``client: Client``)."""
        if depth > 6:
            return None
        if isinstance(node, cst.Name) and node.value in ("self", "cls"):
            return scope.enclosing_class()
        if isinstance(node, cst.Call):
            return self._made_by(node, scope)
        if isinstance(node, cst.Name):
            found = self.tree.lookup(node.value, scope)
            annotated = self._annotation_of(node.value, scope)
            if annotated is not None:
                return annotated
            if len(found) != 1:
                return None
            value, value_scope = found[0]
            if value is PARAMETER:
                fixture = self.fixture_value(node.value, value_scope)
                if fixture is not None:
                    return self.instance_class(fixture[0], fixture[1], depth + 1)
                return self._annotated(node.value, value_scope) or self._context_object(node.value, value_scope)
        elif isinstance(node, cst.Attribute):
            owner = self.instance_class(node.value, scope, depth + 1)
            if owner is None:
                return None
            if node.attr.value in owner.annotations:
                annotation, where = owner.annotations[node.attr.value]
                return self.named_class(_unquoted(annotation), where)
            found = [*owner.assignments.get(node.attr.value, []), *owner.self_attributes.get(node.attr.value, [])]
            if len(found) != 1:
                return None
            value, value_scope = found[0]
            if isinstance(value, cst.Name) and value is not PARAMETER:
                return self.instance_class(value, value_scope, depth + 1)
        else:
            return None
        return self._made_by(value, value_scope) if isinstance(value, cst.Call) else None

    def _context_object(self, name: str, function: Scope) -> Scope | None:
        """The first parameter of a click command decorated ``@click.pass_obj``: the context's
        ``obj``, when every ``ctx.obj = ...`` of the run makes an instance of one class of the
        run and no call passes ``obj=`` of its own."""
        node = function.node
        if not isinstance(node, cst.FunctionDef) or "pass_obj" not in _decorators(node):
            return None
        positional = [*node.params.posonly_params, *node.params.params]
        if not positional or positional[0].name.value != name:
            return None
        made: dict[int, Scope | None] = {}
        for use in self.tree.names.get("obj", []):
            parent = self.tree.parent.get(use)
            if isinstance(parent, cst.Arg) and parent.keyword is use:
                return None  # cli(obj=...), Context(obj=...): set where the flow does not look
            if not (isinstance(parent, cst.Attribute) and parent.attr is use):
                continue
            holder = self.tree.parent.get(parent)
            if isinstance(holder, cst.AugAssign) or isinstance(holder, cst.AnnAssign):
                return None
            if isinstance(holder, cst.AssignTarget):
                assign = self.tree.parent.get(holder)
                value = assign.value if isinstance(assign, cst.Assign) else None
                owner = self._made_by(value, self.tree.scope_of[value]) if isinstance(value, cst.Call) else None
                made[id(owner)] = owner
        return next(iter(made.values())) if len(made) == 1 else None

    def fixture_value(self, name: str, function: Scope) -> tuple[cst.BaseExpression, Scope] | None:
        """What pytest passes a test's (or a fixture's) parameter: the one value the fixture of
        that name returns or yields, the fixture found in the test's module or in a
        conftest.py of its folder or above (pytest's own order). None when the parameter is
        not filled by a fixture of the run, or the fixture has several values."""
        node = function.node
        if not isinstance(node, cst.FunctionDef) or function.parent is None or function.parent.kind != "module":
            return None
        if not (node.name.value.startswith("test") or _is_fixture(node)):
            return None
        here = self.tree.tree_of(node)
        folder = here.path.rpartition("/")[0]
        modules = [here] + sorted(
            (tree for tree in self.tree.trees.values()
             if tree.path.rpartition("/")[2] == "conftest.py" and _within(folder, tree.path.rpartition("/")[0])),
            key=lambda tree: -len(tree.path),
        )  # fmt: skip
        for module in modules:
            found = [value for value, _ in module.module_scope.assignments.get(name, [])]
            if not found:
                continue
            fixture = found[0]
            if len(found) != 1 or not isinstance(fixture, cst.FunctionDef) or not _is_fixture(fixture) or fixture is node:
                return None
            values = [n.value for n in (*self.body(fixture, cst.Return), *self.body(fixture, cst.Yield)) if n.value is not None]
            if len(values) != 1 or not isinstance(values[0], cst.BaseExpression):
                return None
            return values[0], self.tree.scope_of[fixture]
        return None

    def _made_by(self, call: cst.Call, scope: Scope) -> Scope | None:
        """The class of what ``Cls(...)`` or ``Cls.from_env(...)`` (a classmethod returning
        ``cls(...)``) makes."""
        made = self.named_class(call.func, scope)
        if made is not None:
            return made
        if isinstance(call.func, cst.Attribute):
            owner = self.named_class(call.func.value, scope)
            target = self.method(owner, call.func.attr.value) if owner is not None else None
            returned = self.returned(target.function) if target is not None else None
            if isinstance(returned, cst.Call) and isinstance(returned.func, cst.Name) and returned.func.value == "cls":
                return owner
        return None

    def _annotation_of(self, name: str, scope: Scope) -> Scope | None:
        current: Scope | None = scope
        while current is not None:
            if name in current.annotations:
                annotation, where = current.annotations[name]
                return self.named_class(_unquoted(annotation), where)
            if name in current.assignments:
                return None
            current = current.parent
        return None

    def named_class(self, node: cst.BaseExpression, scope: Scope) -> Scope | None:
        """The class of the run a name (or ``module.Name``) stands for."""
        if isinstance(node, cst.Attribute):
            module = self.module_named(node.value, scope)
            found = self.tree.lookup(node.attr.value, module.module_scope) if module is not None else []
        elif isinstance(node, cst.Name):
            found = self.tree.lookup(node.value, scope)
        else:
            return None
        if len(found) == 1 and isinstance(found[0][0], cst.ClassDef):
            return self.tree.scope_of[found[0][0]]
        return None

    def module_named(self, node: cst.BaseExpression, scope: Scope) -> Tree | None:
        """The module of the run a name stands for (``import tdm_client``, ``from pkg import mod``)."""
        if not isinstance(node, cst.Name):
            return None
        found = self.tree.lookup(node.value, scope)
        if len(found) == 1 and isinstance(found[0][0], cst.Module):
            return self.tree.tree_of(found[0][0])
        if len(found) == 1 and isinstance(found[0][0], cst.Import):
            return self.tree.module_by_import(found[0][0], node.value)
        return None

    def _annotated(self, name: str, function: Scope) -> Scope | None:
        node = function.node
        if not isinstance(node, cst.FunctionDef):
            return None
        for param in (*node.params.posonly_params, *node.params.params, *node.params.kwonly_params):
            if param.name.value == name and param.annotation is not None:
                return self.named_class(_unquoted(param.annotation.annotation), function.parent or function)
        return None

    # ---------------------------------------------------------------- one call

    def frame(self, target: Target, call: cst.Call, scope: Scope, via: tuple = ()) -> Frame | None:
        """The target's scope with its parameters bound to the call's arguments (``*parts``
        to the Rest of them); None when they cannot be told apart (``*args`` or ``**kwargs``
        at the call)."""
        if any(arg.star for arg in call.args):
            return None
        parameters = target.function.params
        positional = [*parameters.posonly_params, *parameters.params]
        if target.method and positional:
            positional = positional[1:]
        bindings: dict[str, Binding] = {}
        arguments = [arg for arg in call.args if arg.keyword is None]
        if target.verb is not None:
            arguments = [cst.Arg(cst.SimpleString(f'"{target.verb}"')), *arguments]
        star = parameters.star_arg
        if isinstance(star, cst.Param):
            bindings[star.name.value] = Binding(Rest(tuple(arguments[len(positional) :])), scope, via)  # type: ignore[arg-type]
        elif len(arguments) > len(positional):
            return None
        for param, arg in zip(positional, arguments):
            bindings[param.name.value] = Binding(arg.value, scope, via)
        named = {param.name.value: param for param in (*positional, *parameters.kwonly_params)}
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in named:
                bindings[arg.keyword.value] = Binding(arg.value, scope, via)
        outer = target.scope.parent or target.scope
        for name, param in named.items():
            if name not in bindings and param.default is not None:
                bindings[name] = Binding(param.default, outer, ())
        return Frame.of(target.scope, bindings)

    def sole_call(self, function: Scope) -> tuple[Target, cst.Call] | None:
        """The one call of a function in the run, when nothing else refers to it: no other
        call, no decorator that may call it, its name not passed around as a value. Its
        parameters then hold that call's arguments."""
        node = function.node
        if not isinstance(node, cst.FunctionDef) or called_by_decorator(node) is not None:
            return None
        callers = self.callers(node)
        if len(callers) != 1 or self.tree.scope_of[callers[0]].node is node or not self.only_called(node):
            return None
        target = self.target(callers[0], self.tree.scope_of[callers[0]])
        return (target, callers[0]) if target is not None else None

    # ---------------------------------------------------------------- request wrappers

    def wrapped(self, call: cst.Call, scope: Scope, depth: int = 0) -> HttpCall | None:
        """The request ``call`` makes through a wrapper of the run: the wrapper's one request,
        whose URL or method comes from the wrapper's parameters, read with the call's arguments;
        None when ``call`` is not such a call (or the wrapper cannot be read through)."""
        target = self.target(call, scope)
        if target is None or depth > 3:
            return None
        frame = self.frame(target, call, scope)
        if frame is None:
            return None
        found = self._request_in(target, frame, depth)
        if found is None:
            return None
        inner_node, inner = found
        parameters = _parameter_names(target)
        # A function whose request (URL, method or client) comes from its parameters: each call
        # of it is that request. Whatever the function does with the response is followed from
        # the request; what it returns of it reaches the call.
        if not _reads_any(inner_node, parameters, target.scope):
            return None
        self.wrappers.add(target.function)
        keywords = {}
        if _passes_keywords(inner_node, target.function):
            keywords = {arg.keyword.value: arg for arg in call.args if arg.keyword is not None and arg.keyword.value not in parameters}
        if inner.frame is not None or len(self.callers(target.function)) == 1:
            keywords = {**inner.keywords, **keywords}  # the function's own arguments are its one call's
        name = target.function.name.value
        via = (Via(f"{name}()", self.tree.text(call), self.tree.span(call), "py-expr", "call"),)
        return HttpCall(
            call,
            inner.method if inner.method is not None or inner.frame is not None else self._method(inner_node, frame),
            inner.url,
            keywords,
            inner.receiver,
            frame=inner.frame or frame,
            request=inner.request or inner_node,
            through=(*inner.through, (target.function, call)),
            via=(*via, *inner.via),
        )

    def forwarded(self, call: cst.Call, scope: Scope) -> HttpCall | None:
        """``with_retries(self.client.get, "/files", json=body)``: a function of the run given a
        client's method and its arguments, which it calls once as ``fn(*args, **kwargs)``. The
        call site is that request; what the function returns of the response reaches it."""
        first = call.args[0] if call.args else None
        if first is None or first.keyword is not None or first.star or not _client_method(first.value):
            return None
        target = self.target(call, scope)
        if target is None:
            return None
        params = target.function.params
        positional = [*params.posonly_params, *params.params][1 if target.method else 0 :]
        star = params.star_arg
        if len(positional) != 1 or not isinstance(star, cst.Param):
            return None  # the arguments after the method would bind to parameters of its own
        kwargs = params.star_kwarg.name.value if params.star_kwarg is not None else None
        fn = positional[0].name.value
        forwards = [
            node for node in self.body(target.function, cst.Call)
            if isinstance(node.func, cst.Name) and node.func.value == fn
        ]  # fmt: skip
        if len(forwards) != 1 or not _forwards_all(forwards[0], star.name.value, kwargs):
            return None
        own = {param.name.value for param in params.kwonly_params}
        arguments = [arg for arg in call.args[1:] if arg.keyword is None or arg.keyword.value not in own]
        request = http_call(cst.Call(func=first.value, args=arguments))
        if request is None:
            return None
        return replace(request, node=call, request=forwards[0], through=((target.function, call),))

    def partial(self, call: cst.Call, scope: Scope) -> HttpCall | None:
        """``get = functools.partial(session.request, "GET", timeout=30)``, then ``get(url)``:
        the call is the client's request with the partial's arguments first."""
        if not isinstance(call.func, (cst.Name, cst.Attribute)):
            return None
        found = self.tree.lookup(call.func.value, scope) if isinstance(call.func, cst.Name) else self._attribute_value(call.func, scope)
        if len(found) != 1 or not isinstance(found[0][0], cst.Call):
            return None
        made = found[0][0]
        if dotted(made.func) not in ("functools.partial", "partial") or not made.args or not _client_method(made.args[0].value):
            return None
        if any(arg.star for arg in (*made.args, *call.args)):
            return None
        positional = [arg for arg in (*made.args[1:], *call.args) if arg.keyword is None]
        named = {arg.keyword.value: arg for arg in (*made.args[1:], *call.args) if arg.keyword is not None}
        request = http_call(cst.Call(func=made.args[0].value, args=[*positional, *named.values()]))
        return replace(request, node=call) if request is not None else None

    def _attribute_value(self, node: cst.Attribute, scope: Scope) -> list[tuple[cst.CSTNode, Scope]]:
        """What ``self._get`` is set to in its class."""
        owner = self.instance_class(node.value, scope)
        return owner.self_attributes.get(node.attr.value, []) if owner is not None else []

    def _request_in(self, target: Target, frame: Frame, depth: int) -> tuple[cst.Call, HttpCall] | None:
        """The one request a function makes: an HTTP call, or a call of another wrapper."""
        found = []
        for node in self.body(target.function, cst.Call):
            direct = http_call(node)
            if direct is not None and self._opens_request(direct, target.scope):
                continue  # urlopen(req): the request is the Request(...) req holds
            if direct is not None:
                found.append((node, direct))
                continue
            nested = self.wrapped(node, frame, depth + 1)
            if nested is not None:
                found.append((node, nested))
        return found[0] if len(found) == 1 else None

    def _opens_request(self, call: HttpCall, scope: Scope) -> bool:
        """``urlopen(req)`` where ``req`` is assigned a ``Request(...)`` in the function."""
        if callee(call.node) != "urlopen" or not isinstance(call.url, cst.Name):
            return False
        found = self.tree.lookup(call.url.value, scope)
        return len(found) == 1 and isinstance(found[0][0], cst.Call) and callee(found[0][0]) == "Request"

    def _method(self, request: cst.Call, frame: Frame) -> str | None:
        """The method of ``session.request(method, url)`` or ``Request(url, method=method)``
        when ``method`` is a parameter bound to text."""
        argument = request.args[0].value if request.args and request.args[0].keyword is None else None
        if callee(request) == "Request":
            argument = next((arg.value for arg in request.args if arg.keyword is not None and arg.keyword.value == "method"), None)
        if isinstance(argument, cst.Name):
            found = self.tree.lookup(argument.value, frame)
            if len(found) == 1 and found[0][0] is PARAMETER:
                binding = binding_of(frame, argument.value, found[0][1])
                if binding is not None and isinstance(binding.value, cst.SimpleString):
                    value = binding.value.evaluated_value
                    return value.upper() if isinstance(value, str) else None
        return None

    def returned(self, function: cst.FunctionDef) -> cst.BaseExpression | None:
        """The expression a function returns, when it has exactly one return."""
        returns = self.body(function, cst.Return)
        if len(returns) == 1 and returns[0].value is not None:
            return returns[0].value
        return None


def _is_fixture(function: cst.FunctionDef) -> bool:
    """``@pytest.fixture`` or ``@pytest.fixture(scope=...)`` (``@fixture`` imported from pytest)."""
    return any(dotted(d.decorator.func if isinstance(d.decorator, cst.Call) else d.decorator) in ("pytest.fixture", "fixture")
               for d in function.decorators)  # fmt: skip


def _session_subclass(owner: Scope) -> bool:
    """A class whose base is requests' Session (whose get/post/... call ``self.request``)."""
    node = owner.node
    return isinstance(node, cst.ClassDef) and any(dotted(base.value) in ("requests.Session", "requests.sessions.Session", "Session") for base in node.bases)


def _within(folder: str, outer: str) -> bool:
    """Whether ``folder`` is ``outer`` or inside it (paths of the run, "" the top)."""
    return outer == "" or folder == outer or folder.startswith(outer + "/")


def _body_nodes(function: cst.FunctionDef) -> list[cst.CSTNode]:
    out: list[cst.CSTNode] = []
    stack: list[cst.CSTNode] = [function.body]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(child for child in children(node) if not isinstance(child, (cst.FunctionDef, cst.ClassDef, cst.Lambda)))
    return out


def binding_of(scope: Scope, name: str, function: Scope) -> Binding | None:
    """The argument a parameter of ``function`` is bound to in this frame, if any."""
    if isinstance(scope, Frame) and scope.function is function:
        return scope.bindings.get(name)
    return None



def _parameter_names(target: Target) -> set[str]:
    parameters = target.function.params
    names = [p.name.value for p in (*parameters.posonly_params, *parameters.params, *parameters.kwonly_params)]
    return set(names[1:] if target.method else names)


def _reads_any(node: cst.CSTNode, names: set[str], function: Scope) -> bool:
    """Whether ``node`` reads one of ``names``, directly or through the function's own locals
    (``url = f"{self.root}{path}"; requests.get(url)``)."""
    seen: set[str] = set()
    stack = [node]
    while stack:
        for inner in _names(stack.pop()):
            if not isinstance(inner, cst.Name) or inner.value in seen:
                continue
            if inner.value in names:
                return True
            seen.add(inner.value)
            stack.extend(value for value, _ in function.assignments.get(inner.value, []) if value is not PARAMETER)
    return False


def _names(node: cst.CSTNode) -> list[cst.CSTNode]:
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(children(current))
    return out


def param_default(function: cst.FunctionDef, name: str) -> cst.BaseExpression | None:
    params = function.params
    return next((p.default for p in (*params.posonly_params, *params.params, *params.kwonly_params) if p.name.value == name), None)


def _in_annotation(node: cst.CSTNode, tree: Project) -> bool:
    current: cst.CSTNode | None = node
    while current is not None and not isinstance(current, cst.Annotation):
        if isinstance(current, (cst.SimpleStatementLine, cst.FunctionDef, cst.ClassDef)):
            return False
        current = tree.parent.get(current)
    return current is not None


def _function_name(call: cst.Call) -> cst.CSTNode:
    """The name a call calls its function by: ``f`` in ``f(...)``, ``m`` in ``obj.m(...)``."""
    return call.func.attr if isinstance(call.func, cst.Attribute) else call.func


def _client_method(node: cst.BaseExpression) -> bool:
    """``session.get``, ``self.client.request``: a client's request method, not called here."""
    return isinstance(node, cst.Attribute) and node.attr.value in HTTP_METHODS | {"request"}


def _forwards_all(call: cst.Call, star: str, kwargs: str | None) -> bool:
    """Whether ``call`` is ``fn(*args, **kwargs)``: every argument of the function passed on."""
    expected = [("*", star)] + ([("**", kwargs)] if kwargs else [])
    return [(arg.star, arg.value.value if isinstance(arg.value, cst.Name) else None) for arg in call.args] == expected



def _passes_keywords(request: cst.Call, function: cst.FunctionDef) -> bool:
    """Whether the request passes the wrapper's ``**kwargs`` on (so the call's keywords are the request's)."""
    star = function.params.star_kwarg
    return star is not None and any(
        arg.star == "**" and isinstance(arg.value, cst.Name) and arg.value.value == star.name.value for arg in request.args
    )


def _unquoted(annotation: cst.BaseExpression) -> cst.BaseExpression:
    """``"Client"`` (a forward reference) as the name ``Client``; ``Client | None`` as ``Client``."""
    if isinstance(annotation, cst.SimpleString):
        text = str(annotation.evaluated_value)
        return cst.Name(text) if text.isidentifier() else annotation
    if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
        if isinstance(annotation.right, cst.Name) and annotation.right.value == "None":
            return _unquoted(annotation.left)
    if isinstance(annotation, cst.Subscript) and isinstance(annotation.value, cst.Name) and annotation.value.value == "Optional":
        element = annotation.slice[0].slice
        return _unquoted(element.value) if isinstance(element, cst.Index) else annotation
    return annotation
