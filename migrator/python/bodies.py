"""Request arguments of a Python call: the logs' query default in params=, the JSON body
(keys renamed, dropped, or moved into the path), the form fields of an upload, and the
file name an update sends.

Guide: "Create File", "Update File", "Rename File", "Get Task Logs", "Schedule Advanced
Generation" (each section's "Input Changes").
"""

from __future__ import annotations

import posixpath

import libcst as cst

from migrator.edits import ByteEdit
from migrator.frontend import CannotRewrite
from migrator.python.calls import Rewrite, callee, static
from migrator.python.project import Project
from migrator.python.tree import Scope
from migrator.python.values import Values
from migrator.urls import Content, Hole, Literal, collapse, percent_encode


class Requests:
    def __init__(self, tree: Project, values: Values) -> None:
        self.tree = tree
        self.values = values

    def keyword(self, work: Rewrite, name: str) -> cst.BaseExpression | None:
        argument = work.call.keywords.get(name)
        return argument.value if argument is not None else None

    def dict_keyword(self, work: Rewrite, name: str) -> cst.Dict | None:
        value = self.keyword(work, name)
        if value is None:
            return None
        if not isinstance(value, cst.Dict) or any(static(e.key) is None for e in value.elements if isinstance(e, cst.DictElement)):
            raise CannotRewrite(f"{name}= is not a dict literal with string keys")
        return value

    def query_defaults(self, work: Rewrite) -> str:
        """Defaults go into params= when the call has a dict there, else into the URL."""
        defaults = work.rule.request.query_defaults
        if not defaults:
            return ""
        params = self.dict_keyword(work, "params")
        if params is None:
            return ""
        present = {static(e.key) for e in params.elements if isinstance(e, cst.DictElement)}
        missing = [(k, v) for k, v in defaults if k not in present]
        if missing:
            work.byte_edits.append(self.add_to_dict(params, missing))
        return "&".join(f"{k}=" for k in present | {k for k, _ in defaults})

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

    def add_form_fields(self, work: Rewrite) -> None:
        if self.keyword(work, "files") is None:
            raise CannotRewrite("the upload has no files= argument")
        items = list(work.rule.request.form_add)
        data = self.dict_keyword(work, "data")
        if data is not None:
            present = {static(e.key) for e in data.elements if isinstance(e, cst.DictElement)}
            missing = [(k, v) for k, v in items if k not in present]
            if missing:
                work.byte_edits.append(self.add_to_dict(data, missing))
            return
        fields = ", ".join(f'"{k}": "{v}"' for k, v in items)
        args = work.call.node.args
        # One argument a line stays one argument a line.
        gap = self.tree.code_at(self.tree.span(args[-2])[1], self.tree.span(args[-1])[0]) if len(args) > 1 else ""
        layout = gap[gap.index("\n") :] if "\n" in gap else " "
        end = self.tree.span(args[-1])[1]
        if isinstance(args[-1].comma, cst.Comma):
            after_comma = end + self.tree.code_at(end, self.tree.span(work.call.node)[1]).index(",") + 1
            work.byte_edits.append(self.tree.byte_edit(after_comma, after_comma, f"{layout}data={{{fields}}},"))
        else:
            work.byte_edits.append(self.tree.byte_edit(end, end, f",{layout}data={{{fields}}}"))

    def json_body(self, work: Rewrite) -> cst.Dict:
        body = self.dict_keyword(work, "json")
        if body is None:
            raise CannotRewrite("the body is not given as json={...}")
        return body

    def rewrite_json_body(self, work: Rewrite) -> None:
        """Drop and rename keys of json={...} in place, keeping the dict's layout."""
        request = work.rule.request
        body = self.json_body(work)
        consumed = {source.partition(":")[2] for _, source in request.path_params if source.startswith("body:")}
        drop = consumed | set(request.body_drop)
        renames = dict(request.body_rename)
        elements = list(body.elements)
        dropped = [isinstance(e, cst.DictElement) and static(e.key) in drop for e in elements]
        i = 0
        while i < len(elements):
            if not dropped[i]:
                element = elements[i]
                key = static(element.key) if isinstance(element, cst.DictElement) else None
                if key in renames:
                    quote = element.key.quote  # type: ignore[union-attr]
                    work.byte_edits.append(self.tree.replace_node(element.key, f"{quote}{renames[key]}{quote}"))
                i += 1
                continue
            j = i
            while j + 1 < len(elements) and dropped[j + 1]:
                j += 1
            # A run of dropped entries goes with the commas between it and its neighbours.
            if j + 1 < len(elements):
                start, end = self.tree.span(elements[i])[0], self.tree.span(elements[j + 1])[0]
            elif i > 0:
                start, end = self.tree.span(elements[i - 1])[1], self.tree.span(elements[j])[1]
            else:
                start, end = self.tree.span(elements[i])[0], self.tree.span(body)[1] - 1
            work.byte_edits.append(self.tree.byte_edit(start, end, ""))
            i = j + 1

    def path_params(self, work: Rewrite) -> dict[str, Content]:
        extra: dict[str, Content] = {}
        scope = self.scope_of_arguments(work)
        for name, source in work.rule.request.path_params:
            kind, _, key = source.partition(":")
            if kind == "body":
                body = self.json_body(work)
                values = [e.value for e in body.elements if isinstance(e, cst.DictElement) and static(e.key) == key]
                if len(values) != 1:
                    raise CannotRewrite(f"the body has no {key!r}")
                extra[name] = self.path_value(values[0], scope)
            else:
                extra[name] = self.upload_name(work, key, scope)
        return extra

    def scope_of_arguments(self, work: Rewrite) -> Scope:
        """Where the request's arguments are read: the call's scope, or the wrapper's frame when
        the wrapper passes arguments of its own (a function with one call)."""
        call = work.call
        if call.frame is not None and call.request is not None and any(
            arg in call.request.args for arg in call.keywords.values()
        ):
            return call.frame
        return self.tree.scope_of[call.node]

    def path_value(self, node: cst.BaseExpression, scope: Scope) -> Content:
        text = static(node)
        if text is not None:
            return (percent_encode(text),)
        pieces = collapse(self.values.pieces(node, scope))
        return tuple(percent_encode(p.text) if isinstance(p, Literal) else p for p in pieces)

    def upload_name(self, work: Rewrite, field_name: str, scope: Scope) -> Content:
        """The file name requests/httpx send for files={"file": ...}."""
        files = self.dict_keyword(work, "files")
        if files is None:
            raise CannotRewrite(f"no files={{{field_name!r}: ...}} upload to take the file name from")
        values = [e.value for e in files.elements if isinstance(e, cst.DictElement) and static(e.key) == field_name]
        if len(values) != 1:
            raise CannotRewrite(f"no {field_name!r} in files=")
        value = values[0]
        if isinstance(value, cst.Tuple) and value.elements:
            value = value.elements[0].value
            if static(value) is not None:
                return (percent_encode(static(value)),)  # type: ignore[arg-type]
            return self.path_value(value, scope)
        if isinstance(value, cst.Name):
            found = self.tree.lookup(value.value, scope)
            if len(found) == 1 and isinstance(found[0][0], cst.BaseExpression):
                value = found[0][0]
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
