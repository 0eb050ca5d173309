"""Request arguments of a Python call: the logs' query default in params=, the JSON body
(keys renamed, dropped, or moved into the path), the form fields of an upload, and the
file name an update sends.

A body is read as teams write it: a dict literal in the call, a name holding one (set over
several statements with ``payload["k"] = v``), ``dict(k=v)``, ``{**defaults, ...}``.

Guide: "Create File", "Update File", "Rename File", "Get Task Logs", "Schedule Advanced
Generation" (each section's "Input Changes").
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

import libcst as cst

from migrator.edits import ByteEdit
from migrator.frontend import CannotRewrite
from migrator.python.calls import HttpCall, Rewrite, callee, static
from migrator.python.project import Project
from migrator.python.flow import binding_of
from migrator.python.tree import PARAMETER, Scope
from migrator.python.values import Values
from migrator.urls import Content, Hole, Literal, collapse, percent_encode


SPREAD = "the body may hold keys the migrator cannot see (a ** spread or a dict passed on)"


@dataclass
class Entry:
    """One key of a body and where it is written."""

    key: str
    key_node: cst.CSTNode  # the key's string, or the keyword's name in dict(k=v)
    value: cst.BaseExpression
    index: int | None = None  # its place among the literal's items, or None when set by a statement
    statement: tuple[int, int] | None = None  # the line that sets it, outside the literal


@dataclass
class Mapping:
    """A body's keys as far as the code shows them."""

    entries: dict[str, Entry] = field(default_factory=dict)
    open: bool = False  # a **spread or a positional dict() argument may hold more keys
    literal: cst.Dict | None = None  # where keys are added
    container: cst.CSTNode | None = None  # the dict literal or dict(...) call the entries are in
    items: list[cst.CSTNode] = field(default_factory=list)  # its elements or arguments, in order
    scope: Scope | None = None


class Requests:
    def __init__(self, tree: Project, values: Values) -> None:
        self.tree = tree
        self.values = values

    def keyword(self, work: Rewrite, name: str) -> cst.BaseExpression | None:
        argument = work.call.keywords.get(name)
        return argument.value if argument is not None else None

    # ---------------------------------------------------------------- bodies as written

    def mapping(self, work: Rewrite, name: str, editing: bool = False) -> Mapping | None:
        """The keyword's body: None when the call has no such keyword; CannotRewrite when it
        cannot be read (computed at run time), or, when the rewrite edits it (``editing``),
        when other code uses it too."""
        value = self.keyword(work, name)
        if value is None:
            return None
        scope = self.scope_of_arguments(work)
        holder: cst.Name | None = None
        if isinstance(value, cst.Name):
            origin = self.values.origin(value, scope)
            if origin is None:
                raise CannotRewrite(f"{name}={value.value} is built where the migrator cannot see its keys")
            holder = value
            value, scope, _ = origin  # type: ignore[assignment]
        found = self._literal(value, scope)
        if found is None:
            raise CannotRewrite(f"{name}= is built at run time")
        if holder is not None:
            self._add_assigned(found, holder, work, editing)
        return found

    def _literal(self, value: cst.CSTNode, scope: Scope) -> Mapping | None:
        found = Mapping(scope=scope, container=value)
        if isinstance(value, cst.Dict):
            found.literal = value
            found.items = list(value.elements)
            for index, element in enumerate(value.elements):
                if isinstance(element, cst.StarredDictElement):
                    found.open = True
                    continue
                key = static(element.key)
                if key is None:
                    return None
                found.entries[key] = Entry(key, element.key, element.value, index=index)
            return found
        if isinstance(value, cst.Call) and callee(value) == "dict":
            found.items = list(value.args)
            for index, argument in enumerate(value.args):
                if argument.keyword is None:
                    found.open = True
                    continue
                key = argument.keyword.value
                found.entries[key] = Entry(key, argument.keyword, argument.value, index=index)
            return found
        return None

    def removals(self, body: Mapping, keys: set[str]) -> list[tuple[int, int]]:
        """The code that goes with the dropped keys. A run of dropped items in the literal goes
        with the commas between it and its neighbours, so no comma is cut twice or left alone."""
        out = [entry.statement for key, entry in body.entries.items() if key in keys and entry.statement]
        dropped = {entry.index for key, entry in body.entries.items() if key in keys and entry.index is not None}
        items, i = body.items, 0
        while i < len(items):
            if i not in dropped:
                i += 1
                continue
            j = i
            while j + 1 < len(items) and j + 1 in dropped:
                j += 1
            if j + 1 < len(items):
                out.append((self.tree.span(items[i])[0], self.tree.span(items[j + 1])[0]))
            elif i > 0:
                out.append((self.tree.span(items[i - 1])[1], self.tree.span(items[j])[1]))
            else:
                out.append((self.tree.span(items[i])[0], self.tree.span(body.container)[1] - 1))
            i = j + 1
        return out

    def _add_assigned(self, found: Mapping, holder: cst.Name, work: Rewrite, editing: bool) -> None:
        """``payload["new_name"] = new`` after ``payload = {...}`` and before the call. A body
        changed any other way (``.update()``) cannot be read; one the rewrite edits must not be
        used by other code (another call sends it too)."""
        call_start = self.tree.span(work.call.node)[0]
        for use in self.tree.names.get(holder.value, []):
            if use is holder or self.tree.scope_of.get(use) is not self.tree.scope_of.get(holder):
                continue
            parent = self.tree.parent.get(use)
            if isinstance(parent, cst.AssignTarget):
                continue  # the assignment the body comes from
            if isinstance(parent, cst.Subscript) and isinstance(self.tree.parent.get(parent), cst.AssignTarget):
                key = static(parent.slice[0].slice.value) if isinstance(parent.slice[0].slice, cst.Index) else None
                statement = self._statement(parent)
                if key is None or statement is None or self.tree.span(use)[0] > call_start:
                    raise CannotRewrite("the body is changed where the migrator cannot follow")
                assign = self.tree.parent.get(self.tree.parent.get(parent))
                found.entries[key] = Entry(key, parent.slice[0].slice.value, assign.value, statement=statement)  # type: ignore[union-attr]
                continue
            line = self.tree.line_column(use)[0]
            if editing or not isinstance(parent, cst.Arg):
                raise CannotRewrite(f"{holder.value} is used on line {line} too, so the body is not this call's alone")

    def _statement(self, node: cst.CSTNode) -> tuple[int, int] | None:
        """The whole line of the simple statement holding ``node``, when it is alone on it."""
        line = node
        while line is not None and not isinstance(line, cst.SimpleStatementLine):
            line = self.tree.parent.get(line)
        if line is None or len(line.body) != 1:
            return None
        start, end = self.tree.span(line)
        indent = self.tree.code_at(max(start - 64, 0), start).rsplit("\n", 1)[-1]
        after = self.tree.code_at(end, end + 2)
        newline = 2 if after == "\r\n" else int(after[:1] == "\n")
        return start - len(indent), end + newline

    # ---------------------------------------------------------------- query

    def query_defaults(self, work: Rewrite) -> str:
        """Defaults go into params= when the call has one, else into the URL."""
        defaults = work.rule.request.query_defaults
        value = self.keyword(work, "params")
        if not defaults:
            return ""
        # ``**kw``, ``**opts``, a wrapper's params parameter: they may carry the key too, and
        # the default in the URL would then be sent twice (?encode=false&encode=true).
        request = work.call.request or work.call.node
        wanted = "&".join(f"{k}={v}" for k, v in defaults)
        # A wrapper's own **kw is its call site's keywords, which the call has read already.
        if any(a.star == "**" for a in work.call.node.args):
            raise CannotRewrite(f"its ** arguments may carry params=; make sure it sends {wanted} unless they set it")
        if value is None and any(a.keyword is not None and a.keyword.value == "params" for a in request.args):
            raise CannotRewrite(f"params= comes from the caller; make sure it sends {wanted} unless the caller sets it")
        if value is None:
            return ""
        try:
            params = self.mapping(work, "params", editing=True)
        except CannotRewrite:
            params = None
        if params is not None and params.literal is not None and not params.open and params.scope is self.scope_of_arguments(work):
            missing = [(k, v) for k, v in defaults if k not in params.entries]
            if missing:
                work.byte_edits.append(self.add_to_dict(params.literal, missing))
            return "&".join(f"{k}=" for k in {*params.entries, *(k for k, _ in defaults)})
        if not self._known_mapping(value, self.scope_of_arguments(work)):
            raise CannotRewrite("params= is built at run time; make sure it sends " + "&".join(f"{k}={v}" for k, v in defaults))
        # params = {"encode": "true"} if raw else {}: v1's default first, what the caller sends over it.
        pairs = ", ".join(f'"{k}": "{v}"' for k, v in defaults)
        work.byte_edits.append(self.tree.replace_node(value, f"{{{pairs}, **{self.tree.text(value)}}}"))
        return "&".join(f"{k}=" for k, _ in defaults)

    def _known_mapping(self, value: cst.BaseExpression, scope: Scope, depth: int = 0) -> bool:
        """Whether an expression is always a dict: a literal, dict(...), a choice of those, a name of one."""
        if depth > 4:
            return False
        if isinstance(value, cst.Dict) or (isinstance(value, cst.Call) and callee(value) == "dict"):
            return True
        if isinstance(value, cst.IfExp):
            return self._known_mapping(value.body, scope, depth + 1) and self._known_mapping(value.orelse, scope, depth + 1)
        if isinstance(value, cst.Name):
            origin = self.values.origin(value, scope)
            return origin is not None and self._known_mapping(origin[0], origin[1], depth + 1)  # type: ignore[arg-type]
        return False

    def add_to_dict(self, node: cst.Dict, items: list[tuple[str, str]]) -> ByteEdit:
        text = ", ".join(f'"{k}": "{v}"' for k, v in items)
        start, end = self.tree.span(node)
        inner = self.tree.code_at(start + 1, end - 1)
        stripped = inner.rstrip()
        if stripped and not stripped.endswith(","):
            text = ", " + text
        elif stripped:
            text = " " + text
        at = start + 1 + len(stripped)
        return self.tree.byte_edit(at, at, text)

    # ---------------------------------------------------------------- form fields

    def add_form_fields(self, work: Rewrite) -> None:
        if self.keyword(work, "files") is None and not _written_in_request(work.call, "files"):
            raise CannotRewrite("the upload has no files= argument")
        items = list(work.rule.request.form_add)
        data = self.mapping(work, "data", editing=True)
        if data is not None:
            if data.literal is None:
                raise CannotRewrite("data= is not a dict the form fields can be added to")
            missing = [(k, v) for k, v in items if k not in data.entries]
            if missing:
                work.byte_edits.append(self.add_to_dict(data.literal, missing))
            return
        fields = ", ".join(f'"{k}": "{v}"' for k, v in items)
        target = self.arguments_call(work)
        args = target.args
        # One argument a line stays one argument a line.
        gap = self.tree.code_at(self.tree.span(args[-2])[1], self.tree.span(args[-1])[0]) if len(args) > 1 else ""
        layout = gap[gap.index("\n") :] if "\n" in gap else " "
        end = self.tree.span(args[-1])[1]
        if isinstance(args[-1].comma, cst.Comma):
            after_comma = end + self.tree.code_at(end, self.tree.span(target)[1]).index(",") + 1
            work.byte_edits.append(self.tree.byte_edit(after_comma, after_comma, f"{layout}data={{{fields}}},"))
        else:
            work.byte_edits.append(self.tree.byte_edit(end, end, f",{layout}data={{{fields}}}"))

    def arguments_call(self, work: Rewrite) -> cst.Call:
        """Where a new argument of the request goes: the call site, unless the request is
        made inside a wrapper that does not hand the call site's keywords on (``data=`` at
        ``client.create(p, fh)`` would be a TypeError). Inside a wrapper it is text every
        caller shares, so only a wrapper with one caller takes it."""
        call = work.call
        if call.frame is None or call.request is None:
            return call.node
        if not _wrappers_own_keywords(call) and any(arg.star == "**" for arg in call.request.args):
            return call.node
        if any(len(self.values.flow.callers(function)) != 1 for function, _ in call.through):
            raise CannotRewrite("the new form fields would go into a function other calls share")
        return call.request

    # ---------------------------------------------------------------- JSON body

    def json_body(self, work: Rewrite, editing: bool = False) -> Mapping:
        body = self.mapping(work, "json", editing)
        if body is None:
            body = self.encoded_body(work, editing)
        if body is None:
            raise CannotRewrite("the body is not given as json=")
        return body

    def encoded_body(self, work: Rewrite, editing: bool) -> Mapping | None:
        """``Request(url, data=json.dumps(body).encode())`` in a wrapper, ``body`` the caller's
        dict (``data = json.dumps(body).encode() if body is not None else None``): the dict the
        call site hands the wrapper, read and edited where the caller writes it."""
        call = work.call
        request = call.request
        if request is None or call.frame is None or callee(request) != "Request":
            return None
        data = next((arg.value for arg in request.args if arg.keyword is not None and arg.keyword.value == "data"), None)
        if data is None and len(request.args) > 1 and request.args[1].keyword is None:
            data = request.args[1].value
        scope: Scope = call.frame
        if isinstance(data, cst.Name):  # data = json.dumps(body).encode(): a local of the wrapper, read in its frame
            found = self.tree.lookup(data.value, scope)
            data = found[0][0] if len(found) == 1 and found[0][1] is call.frame.function else None  # type: ignore[assignment,attr-defined]
        holder = _dumped(data)
        # Through the wrapper's parameters to the name the caller holds the dict in.
        while isinstance(holder, cst.Name):
            found = self.tree.lookup(holder.value, scope)
            binding = binding_of(scope, holder.value, found[0][1]) if len(found) == 1 and found[0][0] is PARAMETER else None
            if binding is None:
                break
            holder, scope = binding.value, binding.scope
        origin = self.values.origin(holder, scope) if isinstance(holder, cst.Name) else None
        if origin is None or origin[0] is PARAMETER:
            return None
        found = self._literal(origin[0], origin[1])
        if found is None:
            return None
        self._add_assigned(found, holder, work, editing)  # type: ignore[arg-type]
        return found

    def rewrite_json_body(self, work: Rewrite) -> None:
        """Drop and rename keys of the body where they are written, keeping its layout."""
        request = work.rule.request
        body = self.json_body(work, editing=True)
        consumed = {source.partition(":")[2] for _, source in request.path_params if source.startswith("body:")}
        drop = consumed | set(request.body_drop)
        renames = dict(request.body_rename)
        if body.open and (set(renames) | drop) - set(body.entries):
            raise CannotRewrite(SPREAD)
        if body.open and (set(renames) | drop) and self._spread_may_hold(body, set(renames) | drop):
            # dict(body, old_name=...) of a body another call keeps on v1: its keys go out too.
            raise CannotRewrite(SPREAD)
        for start, end in self.removals(body, drop):
            work.byte_edits.append(self.tree.byte_edit(start, end, ""))
        for key, entry in body.entries.items():
            if key in renames and key not in drop:
                node = entry.key_node
                if isinstance(node, cst.SimpleString):
                    work.byte_edits.append(self.tree.replace_node(node, f"{node.quote}{renames[key]}{node.quote}"))
                else:
                    work.byte_edits.append(self.tree.replace_node(node, renames[key]))

    def _spread_may_hold(self, body: Mapping, keys: set[str]) -> bool:
        """Whether a dict spread into the body (``**base``, ``dict(base, ...)``) may hold one of
        ``keys``: it does unless it is a literal the migrator reads without them."""
        scope = body.scope or self.tree.tree_of(body.container).module_scope
        for item in body.items:
            spread = item.value if isinstance(item, cst.StarredDictElement) else item.value if isinstance(item, cst.Arg) and item.keyword is None else None
            if spread is None:
                continue
            origin = self.values.origin(spread, scope) if isinstance(spread, cst.Name) else (spread, scope, None)
            found = self._literal(origin[0], origin[1]) if origin is not None else None
            if found is None or found.open or keys & set(found.entries):
                return True
        return False

    # ---------------------------------------------------------------- path parameters

    def path_params(self, work: Rewrite) -> dict[str, Content]:
        extra: dict[str, Content] = {}
        for name, source in work.rule.request.path_params:
            kind, _, key = source.partition(":")
            if kind == "body":
                body = self.json_body(work)
                if key not in body.entries:
                    raise CannotRewrite(SPREAD if body.open else f"the body has no {key!r}")
                extra[name] = self.path_value(body.entries[key].value, body.scope or self.scope_of_arguments(work))
            else:
                extra[name] = self.upload_name(work, key)
        return extra

    def scope_of_arguments(self, work: Rewrite) -> Scope:
        """Where the request's arguments are read: the call's scope, or the wrapper's frame when
        the wrapper passes arguments of its own (a function with one call)."""
        call = work.call
        return call.frame if _wrappers_own_keywords(call) else self.tree.scope_of[call.node]  # type: ignore[return-value]

    def path_value(self, node: cst.BaseExpression, scope: Scope) -> Content:
        text = static(node)
        if text is not None:
            return (percent_encode(text),)
        pieces = collapse(self.values.pieces(node, scope))
        return tuple(percent_encode(p.text) if isinstance(p, Literal) else p for p in pieces)

    def upload_name(self, work: Rewrite, field_name: str) -> Content:
        """The file name requests/httpx send for files={"file": ...}."""
        files = self.mapping(work, "files")
        if files is None:
            raise CannotRewrite(f"no files={{{field_name!r}: ...}} upload to take the file name from")
        if field_name not in files.entries:
            raise CannotRewrite(f"no {field_name!r} in files=")
        value = files.entries[field_name].value
        scope = files.scope or self.scope_of_arguments(work)
        if isinstance(value, cst.Tuple) and value.elements:
            value = value.elements[0].value
            if static(value) is not None:
                return (percent_encode(static(value)),)  # type: ignore[arg-type]
            return self.path_value(value, scope)
        if isinstance(value, cst.Name):
            origin = self.values.origin(value, scope)
            if origin is not None and isinstance(origin[0], cst.BaseExpression):
                value, scope = origin[0], origin[1]  # type: ignore[assignment]
        if isinstance(value, cst.Call) and callee(value) == "open" and value.args:
            path = value.args[0].value
            text = static(path)
            if text is not None:
                return (percent_encode(posixpath.basename(text)),)
            if not self.tree.lookup("os", scope):
                raise CannotRewrite("the upload's path is computed at run time and os is not imported")
            work.unsafe_reason = "the file name is taken from the upload's path at run time with os.path.basename"
            source = self.tree.text(path)
            return (Hole(f"os.path.basename({source})", self.tree.span(path), "py-expr"),)
        raise CannotRewrite("the upload's file name cannot be found")


def _written_in_request(call: HttpCall, name: str) -> bool:
    """Whether a wrapper's request has the keyword written itself: the call site's keywords
    are all a wrapper with several callers is read with."""
    return call.request is not None and any(arg.keyword is not None and arg.keyword.value == name for arg in call.request.args)


def _wrappers_own_keywords(call: HttpCall) -> bool:
    """Whether the request's keywords are written in the wrapper it is made in (arguments of
    its own), not handed on from the call site."""
    return call.frame is not None and call.request is not None and any(arg in call.request.args for arg in call.keywords.values())


def _dumped(node: cst.CSTNode | None) -> cst.BaseExpression | None:
    """``X`` of ``json.dumps(X).encode()``, also as ``... if X is not None else None``."""
    if isinstance(node, cst.IfExp) and isinstance(node.orelse, cst.Name) and node.orelse.value == "None":
        node = node.body
    if isinstance(node, cst.Call) and callee(node) == "encode" and isinstance(node.func, cst.Attribute):
        node = node.func.value
    if isinstance(node, cst.Call) and callee(node) == "dumps" and len(node.args) == 1 and not node.args[0].star:
        return node.args[0].value
    return None

