"""HTTP calls by their shape: requests, httpx, aiohttp and urllib calls, the client a call
is made on, and the plan of one call's rewrite.

Guide: "External API Endpoint Mapping".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from migrator.edits import ByteEdit
from migrator.python.tree import Scope
from migrator.ruletable import Rule
from migrator.urls import Edit, UrlMatch, Via, holder

HTTP_METHODS = {"get", "post", "put", "delete", "patch", "head", "options"}
CLIENTS = {"Client", "AsyncClient", "Session", "ClientSession"}
SUBPROCESS = {"run", "call", "check_call", "check_output", "Popen"}


@dataclass(frozen=True)
class HttpCall:
    node: cst.Call  # the call site: a request, or a call of a function of the run that makes one
    method: str | None
    url: cst.BaseExpression
    keywords: dict[str, cst.Arg]
    receiver: cst.BaseExpression | None  # the client or session object, if any
    # Through a wrapper: the scope the URL and receiver are read in (the wrapper's, its
    # parameters bound to the call's arguments).
    frame: Scope | None = None
    request: cst.Call | None = None  # the request the wrapper makes
    # Each wrapper from the innermost out, with the call of it that hands the response on.
    through: tuple[tuple[cst.FunctionDef, cst.Call], ...] = ()
    via: tuple = ()  # the wrapper's text is shared by its calls: the URL is read through this expansion


@dataclass
class Rewrite:
    """One call on its way to a fix."""

    rule: Rule
    call: HttpCall
    url_spans: list[tuple[int, int]]  # the URL argument, and the client's base_url if any
    match: UrlMatch
    url_edits: list[Edit] = field(default_factory=list)
    byte_edits: list[ByteEdit] = field(default_factory=list)
    unsafe_reason: str = ""

    def variables(self) -> set[str]:
        """The shared definitions the URL edits change (``api`` for ``self.api``), and every
        definition the changed text reaches the call through (the client a base_url is held
        by, the builder a constant is read in): each of them must agree to the change.

        An argument's text is its caller's: the function it is passed to (a client factory
        that other code calls too, for another service) does not hold the edit."""
        out: set[str] = set()
        for edit in self.url_edits:
            if holder(edit.via) is None:
                continue
            reached: list[Via] = []
            for via in edit.via:
                if via.kind != "argument":
                    reached.append(via)
                    continue
                calls = [i for i, outer in enumerate(reached) if outer.kind == "call"]
                del reached[calls[-1] if calls else 0 :]  # back out of the function the parameter is of
            out |= {via.name.split(".")[-1] for via in reached}
        return out


def static(node: cst.CSTNode | None) -> str | None:
    if isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower():
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def callee(node: cst.Call) -> str:
    func = node.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else ""


def http_call(node: cst.Call) -> HttpCall | None:
    """The method, URL and keywords of an HTTP call, by its shape."""
    name = callee(node)
    args = [a.value for a in node.args if a.keyword is None and not a.star]
    keywords = {a.keyword.value: a for a in node.args if a.keyword is not None}
    receiver = node.func.value if isinstance(node.func, cst.Attribute) else None
    if _data(receiver):
        return None  # resp.json().get("detail"), payload["files"].get(...): a dict's get

    def arg(index: int, keyword: str) -> cst.BaseExpression | None:
        if keyword in keywords:
            return keywords[keyword].value
        return args[index] if index < len(args) else None

    if name in HTTP_METHODS:
        url, method = arg(0, "url"), name.upper()
    elif name == "request":
        url, method = arg(1, "url"), static(arg(0, "method"))
        method = method.upper() if method else None
    elif name in ("Request", "urlopen"):
        url = arg(0, "url")
        if isinstance(url, cst.Call) and callee(url) == "Request":
            return None  # urlopen(Request(...)): the Request is the call
        explicit = static(keywords["method"].value) if "method" in keywords else None
        method = explicit.upper() if explicit else ("POST" if arg(1, "data") is not None else "GET")
        if "method" in keywords and explicit is None:
            method = None
    else:
        return None
    if url is None:
        return None
    return HttpCall(node, method, url, keywords, receiver)


def _data(receiver: cst.BaseExpression | None) -> bool:
    """Whether the receiver is data, never a client: a parsed body, an item, a literal."""
    if isinstance(receiver, (cst.Subscript, cst.Dict, cst.List, cst.DictComp)):
        return True
    return isinstance(receiver, cst.Call) and callee(receiver) in ("json", "loads", "load", "dict", "get", "items")
