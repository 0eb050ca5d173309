"""What Python code says a value is, for the precision rule (:mod:`migrator.matching`).

A base known only at run time is still named by the code that fills it: a parameter by
its default and the command-line option that sets it (``typer.Option(envvar=
"DATAMIMIC_URL")``, ``@click.option("--url", envvar=...)``), ``args.url`` by its
``add_argument``, a settings field by its default and its environment prefix, and a
call by the docstrings and the module around it. Only names count from such code: the
environment variables, option flags and URLs written in it, never its help prose.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import libcst as cst

from migrator.python.flow import Flow, param_default
from migrator.python.project import Project
from migrator.python.tree import Scope, children

# Keywords whose strings are prose for people, not names of the value.
_PROSE = frozenset({"help", "description", "title", "metavar", "prompt", "doc", "examples", "rich_help_panel"})
_NAME_LIKE = re.compile(r"[-\w./:@]+")


def names_in(node: cst.CSTNode) -> list[str]:
    """The strings in an expression that name a value: environment variables, option flags,
    URLs (``os.getenv("TDM_URL", "https://tdm.acme.com")`` -> both); or the expression
    itself when it is a name (``url=BLOBBY_URL``)."""
    if isinstance(node, (cst.Name, cst.Attribute)):
        return [cst.Module([]).code_for_node(node)]
    out: list[str] = []

    def visit(current: cst.CSTNode) -> None:
        if isinstance(current, cst.Arg) and current.keyword is not None and current.keyword.value in _PROSE:
            return
        if isinstance(current, cst.SimpleString):
            value = current.evaluated_value
            if isinstance(value, str) and _NAME_LIKE.fullmatch(value):
                out.append(value)
            return
        for child in children(current):
            visit(child)

    visit(node)
    return out


def of_parameter(flow: Flow, scope: Scope, name: str) -> list[str]:
    """A parameter: its default, the decorators that declare it as a command-line option
    (click's ``@click.option("--url", ...)``), and what the run's calls pass for it
    (``Blobby(BLOBBY_URL, token)`` names ``url`` of ``Blobby.__init__``)."""
    function = scope.node
    assert isinstance(function, cst.FunctionDef)
    out: list[str] = []
    for call, target in flow.calls_of(scope):
        frame = flow.frame(target, call, flow.tree.scope_of[call])
        binding = frame.bindings.get(name) if frame is not None else None
        if binding is not None and binding.value is not param_default(function, name):
            out += names_in(binding.value)
    params = function.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        if param.name.value == name and param.default is not None:
            out += names_in(param.default)
    for decorator in function.decorators:
        call = decorator.decorator
        if isinstance(call, cst.Call) and name in {_option_name(word) for word in names_in(call)}:
            out += names_in(call)
    return out


def of_argument(tree: Project, attribute: cst.Attribute) -> list[str]:
    """``args.url``: the ``add_argument`` calls of its module that declare ``--url`` or
    ``dest="url"``."""
    name = attribute.attr.value
    module = tree.tree_of(attribute)
    out: list[str] = []
    for call in module.calls:
        func = call.func
        if not (isinstance(func, cst.Attribute) and func.attr.value == "add_argument"):
            continue
        flags = [static for arg in call.args if arg.keyword is None and (static := _string(arg.value))]
        dest = next((_string(arg.value) for arg in call.args if arg.keyword and arg.keyword.value == "dest"), None)
        if dest == name or (dest is None and any(_option_name(flag) == name for flag in flags)):
            out += names_in(call)
    return out


def of_field(tree: Project, scope: Scope, field: str, default: cst.CSTNode | None) -> list[str]:
    """A field of a settings class (dataclass, pydantic): its default, what the run's code
    passes for it when it makes one (``Profile(url=os.environ.get("DATAMIMIC_URL"))``), and
    the class's environment prefix (``model_config = SettingsConfigDict(env_prefix="TDM_")``).
    The class's name is the program's (``MirrorSettings``), not the service's: it does not count."""
    out: list[str] = []
    if default is not None:
        out += names_in(default)
    for call in tree.calls:
        if isinstance(call.func, (cst.Name, cst.Attribute)) and _last_name(call.func) == scope.name:
            out += [word for arg in call.args if arg.keyword is not None and arg.keyword.value == field for word in names_in(arg.value)]
    for value, _ in scope.assignments.get("model_config", []):
        out += names_in(value)
    return out


def around(scope: Scope, path: str) -> list[str]:
    """The code around a call, whose evidence a base with no name of its own borrows: the
    names and docstrings of the enclosing functions and classes, the module's docstring, and
    the module's and its folder's names (``tdm/datamimic/client.py``)."""
    out: list[str] = []
    current: Scope | None = scope
    while current is not None:
        if current.name:
            out.append(current.name)
        node = current.node
        if isinstance(node, (cst.Module, cst.ClassDef, cst.FunctionDef)):
            docstring = node.get_docstring()
            if docstring:
                out.append(docstring)
        current = current.parent
    if path:
        parts = PurePosixPath(path.replace("\\", "/")).parts
        out += [PurePosixPath(parts[-1]).stem, *parts[-2:-1]]
    return out


def _last_name(node: cst.Name | cst.Attribute) -> str:
    return node.value if isinstance(node, cst.Name) else node.attr.value


def _option_name(word: str) -> str:
    """``--datamimic-url`` -> ``datamimic_url``, the name click and argparse give it."""
    return word.lstrip("-").replace("-", "_")


def _string(node: cst.BaseExpression) -> str | None:
    value = node.evaluated_value if isinstance(node, cst.SimpleString) else None
    return value if isinstance(value, str) else None
