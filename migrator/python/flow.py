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

from dataclasses import dataclass

import libcst as cst

from migrator.python.calls import HttpCall, http_call
from migrator.python.project import Project
from migrator.python.tree import PARAMETER, Binding, Frame, Scope, Tree

# What a wrapper may do with its response before handing it back: it does not read the body.
STATUS_USES = {"raise_for_status", "status_code", "status", "ok", "reason", "headers", "url", "is_success", "is_error"}


@dataclass(frozen=True)
class Target:
    """A function of the run that a call site calls."""

    function: cst.FunctionDef
    scope: Scope  # the function's own scope
    method: bool  # called on an instance (or self): its first parameter is that instance


def _decorators(function: cst.FunctionDef) -> set[str]:
    names = set()
    for decorator in function.decorators:
        node = decorator.decorator
        if isinstance(node, cst.Call):
            node = node.func
        if isinstance(node, cst.Attribute):
            names.add(node.attr.value)
        elif isinstance(node, cst.Name):
            names.add(node.value)
    return names


class Flow:
    def __init__(self, tree: Project) -> None:
        self.tree = tree
        self.wrappers: set[cst.FunctionDef] = set()  # functions read through as request wrappers

    def inside_wrapper(self, call: cst.Call) -> bool:
        """Whether ``call`` is the request (or the call of another wrapper) inside a wrapper
        read through at its call sites, built from the wrapper's parameters: its call sites
        are the requests, not it."""
        scope = self.tree.scope_of.get(call)
        function = scope.node if scope is not None else None
        if function not in self.wrappers:
            return False
        parameters = _parameter_names(Target(function, scope, True)) | _parameter_names(Target(function, scope, False))  # type: ignore[arg-type]
        return any(isinstance(node, cst.Name) and node.value in parameters for node in _names(call))

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
        return self.method(owner, func.attr.value)

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

    def instance_class(self, node: cst.BaseExpression, scope: Scope) -> Scope | None:
        """The class (of the run) of the object ``node`` names: ``self``, a name assigned
        ``Cls(...)`` or bound by ``with Cls(...) as name``, a parameter annotated ``Cls``,
        ``self.x`` set to ``Cls(...)`` in a method."""
        if isinstance(node, cst.Name) and node.value in ("self", "cls"):
            return scope.enclosing_class()
        if isinstance(node, cst.Name):
            found = self.tree.lookup(node.value, scope)
            if len(found) != 1:
                return None
            value, value_scope = found[0]
            if value is PARAMETER:
                return self._annotated(node.value, value_scope)
        elif isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == "self":
            owner = scope.enclosing_class()
            found = owner.self_attributes.get(node.attr.value, []) if owner is not None else []
            if len(found) != 1:
                return None
            value, value_scope = found[0]
        else:
            return None
        if isinstance(value, cst.Call):
            return self.named_class(value.func, value_scope)
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
                annotation = param.annotation.annotation
                if isinstance(annotation, cst.SimpleString):
                    text = str(annotation.evaluated_value)  # "Client" as a forward reference
                    if not text.isidentifier():
                        return None
                    annotation = cst.Name(text)
                return self.named_class(annotation, function.parent or function)
        return None

    # ---------------------------------------------------------------- one call

    def frame(self, target: Target, call: cst.Call, scope: Scope, via: tuple = ()) -> Frame | None:
        """The target's scope with its parameters bound to the call's arguments; None when
        they cannot be told apart (``*args`` or ``**kwargs`` at the call)."""
        if any(arg.star for arg in call.args):
            return None
        parameters = target.function.params
        positional = [*parameters.posonly_params, *parameters.params]
        if target.method and positional:
            positional = positional[1:]
        bindings: dict[str, Binding] = {}
        arguments = [arg for arg in call.args if arg.keyword is None]
        if len(arguments) > len(positional):
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
        uses_parameters = any(isinstance(node, cst.Name) and node.value in parameters for node in _names(inner_node))
        returns = self._returns(target.function, inner_node)
        if not uses_parameters or returns is None:
            return None
        self.wrappers.add(target.function)
        keywords = {}
        if _passes_keywords(inner_node, target.function):
            keywords = {arg.keyword.value: arg for arg in call.args if arg.keyword is not None and arg.keyword.value not in parameters}
        return HttpCall(
            call,
            inner.method if inner.method is not None or inner.frame is not None else self._method(inner_node, frame),
            inner.url,
            {**inner.keywords, **keywords} if inner.frame is not None else keywords,
            inner.receiver,
            frame=inner.frame or frame,
            returns_json=inner.returns_json or returns == "json",
            request=inner.request or inner_node,
        )

    def _request_in(self, target: Target, frame: Frame, depth: int) -> tuple[cst.Call, HttpCall] | None:
        """The one request a function makes: an HTTP call, or a call of another wrapper."""
        found = []
        for node in body_nodes(target.function):
            if not isinstance(node, cst.Call):
                continue
            direct = http_call(node)
            if direct is not None:
                found.append((node, direct))
                continue
            nested = self.wrapped(node, frame, depth + 1)
            if nested is not None:
                found.append((node, nested))
        return found[0] if len(found) == 1 else None

    def _method(self, request: cst.Call, frame: Frame) -> str | None:
        """The method of ``session.request(method, url)`` when ``method`` is a parameter bound to text."""
        argument = request.args[0].value if request.args and request.args[0].keyword is None else None
        if isinstance(argument, cst.Name):
            found = self.tree.lookup(argument.value, frame)
            if len(found) == 1 and found[0][0] is PARAMETER:
                binding = binding_of(frame, argument.value, found[0][1])
                if binding is not None and isinstance(binding.value, cst.SimpleString):
                    value = binding.value.evaluated_value
                    return value.upper() if isinstance(value, str) else None
        return None

    def _returns(self, function: cst.FunctionDef, request: cst.Call) -> str | None:
        """How a wrapper hands its request's response back: "response", "json" or None."""
        returned = self.returned(function)
        name = _bound_name(function, request)
        if returned is request or (name is not None and isinstance(returned, cst.Name) and returned.value == name):
            return "response" if _only_status_uses(function, name, returned) else None
        if isinstance(returned, cst.Call) and isinstance(returned.func, cst.Attribute) and returned.func.attr.value == "json":
            holder = returned.func.value
            if holder is request or (name is not None and isinstance(holder, cst.Name) and holder.value == name):
                return "json" if _only_status_uses(function, name, returned.func) else None
        return None

    def returned(self, function: cst.FunctionDef) -> cst.BaseExpression | None:
        """The expression a function returns, when it has exactly one return."""
        returns = [node for node in body_nodes(function) if isinstance(node, cst.Return)]
        if len(returns) == 1 and returns[0].value is not None:
            return returns[0].value
        return None


def body_nodes(function: cst.FunctionDef) -> list[cst.CSTNode]:
    """The nodes of a function's body, not of the functions, classes and lambdas in it."""
    out: list[cst.CSTNode] = []
    stack: list[cst.CSTNode] = [function.body]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(child for child in node.children if not isinstance(child, (cst.FunctionDef, cst.ClassDef, cst.Lambda)))
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


def _names(node: cst.CSTNode) -> list[cst.CSTNode]:
    out, stack = [], [node]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(current.children)
    return out


def _passes_keywords(request: cst.Call, function: cst.FunctionDef) -> bool:
    """Whether the request passes the wrapper's ``**kwargs`` on (so the call's keywords are the request's)."""
    star = function.params.star_kwarg
    return star is not None and any(
        arg.star == "**" and isinstance(arg.value, cst.Name) and arg.value.value == star.name.value for arg in request.args
    )


def _bound_name(function: cst.FunctionDef, request: cst.Call) -> str | None:
    """``r`` of ``r = <request>`` or ``with <request> as r`` in the function."""
    for node in body_nodes(function):
        if isinstance(node, cst.Assign) and node.value is request and len(node.targets) == 1:
            target = node.targets[0].target
            return target.value if isinstance(target, cst.Name) else None
        if isinstance(node, cst.WithItem) and node.item is request and node.asname is not None:
            target = node.asname.name
            return target.value if isinstance(target, cst.Name) else None
    return None


def _only_status_uses(function: cst.FunctionDef, name: str | None, returned: cst.CSTNode) -> bool:
    """Whether the wrapper uses the response it returns only for its status, if at all
    (``returned`` is the use that hands it back: ``r`` or ``r.json``)."""
    if name is None:
        return True
    for node in body_nodes(function):
        if node is returned:
            continue
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and node.value.value == name:
            if node.attr.value not in STATUS_USES:
                return False
        elif isinstance(node, cst.Arg) and isinstance(node.value, cst.Name) and node.value.value == name:
            return False  # passed to a function the migrator does not follow
    return True
