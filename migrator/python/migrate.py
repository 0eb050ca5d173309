"""The Python front end: DATAMIMIC v1 calls made with requests, httpx, aiohttp or
urllib, their request arguments, and the reads of their JSON responses.

Guide: "External API Endpoint Mapping"; the issue "Python front end".
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

import libcst as cst

from migrator import frontend
from migrator.config import Settings
from migrator.edits import ByteEdit, Fix, ignored_lines
from migrator.findings import Finding, Status
from migrator.frontend import CannotRewrite
from migrator.matching import Mapped, Possible, Unknown, classify
from migrator.python.tree import ParseError, Scope, Tree
from migrator.python.values import EXPRESSION, RAW, Values, render, requote, string_literal
from migrator.responses import Access, Field, Index, MappedAccess, Step, map_access
from migrator.ruletable import Rule
from migrator.urls import (
    Content,
    Edit,
    Flat,
    Hole,
    Literal,
    Piece,
    UrlMatch,
    collapse,
    percent_encode,
)

__all__ = ["ParseError", "migrate"]

HTTP_METHODS = {"get", "post", "put", "delete", "patch", "head", "options"}
CLIENTS = {"Client", "AsyncClient", "Session", "ClientSession"}
SUBPROCESS = {"run", "call", "check_call", "check_output", "Popen"}
# What a script may read of a response without parsing its body.
RESPONSE_METADATA = {
    "status_code", "status", "ok", "reason", "headers", "url", "raise_for_status", "close", "release",
    "elapsed", "encoding", "cookies", "is_success", "is_error", "getcode", "code",
}  # fmt: skip


@dataclass(frozen=True)
class HttpCall:
    node: cst.Call
    method: str | None
    url: cst.BaseExpression
    keywords: dict[str, cst.Arg]
    receiver: cst.BaseExpression | None  # the client or session object, if any


@dataclass
class _Rewrite:
    rule: Rule
    call: HttpCall
    url_spans: list[tuple[int, int]]  # the URL argument, and the client's base_url if any
    match: UrlMatch
    url_edits: list[Edit] = field(default_factory=list)
    byte_edits: list[ByteEdit] = field(default_factory=list)
    unsafe_reason: str = ""

    def variables(self) -> set[str]:
        """The names whose assignments the URL edits change (``api`` for ``self.api``)."""
        return {edit.via[-1].name.split(".")[-1] for edit in self.url_edits if edit.via}


def migrate(source: bytes, settings: Settings) -> tuple[list[Fix], list[Finding]]:
    """Plan the v2 rewrite of one Python file. Raises ParseError if it does not parse."""
    return _Program(Tree(source), settings).run()


def _static(node: cst.CSTNode | None) -> str | None:
    if isinstance(node, cst.SimpleString) and "b" not in node.prefix.lower():
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _callee(node: cst.Call) -> str:
    func = node.func
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else ""


def http_call(node: cst.Call) -> HttpCall | None:
    """The method, URL and keywords of an HTTP call, by its shape."""
    name = _callee(node)
    args = [a.value for a in node.args if a.keyword is None and not a.star]
    keywords = {a.keyword.value: a for a in node.args if a.keyword is not None}
    receiver = node.func.value if isinstance(node.func, cst.Attribute) else None

    def arg(index: int, keyword: str) -> cst.BaseExpression | None:
        if keyword in keywords:
            return keywords[keyword].value
        return args[index] if index < len(args) else None

    if name in HTTP_METHODS:
        url, method = arg(0, "url"), name.upper()
    elif name == "request":
        url, method = arg(1, "url"), _static(arg(0, "method"))
        method = method.upper() if method else None
    elif name in ("Request", "urlopen"):
        url = arg(0, "url")
        if isinstance(url, cst.Call) and _callee(url) == "Request":
            return None  # urlopen(Request(...)): the Request is the call
        explicit = _static(keywords["method"].value) if "method" in keywords else None
        method = explicit.upper() if explicit else ("POST" if arg(1, "data") is not None else "GET")
        if "method" in keywords and explicit is None:
            method = None
    else:
        return None
    if url is None:
        return None
    return HttpCall(node, method, url, keywords, receiver)


class _Program:
    def __init__(self, tree: Tree, settings: Settings) -> None:
        self.tree = tree
        self.settings = settings
        self.values = Values(tree)
        self.findings: list[Finding] = []
        self.rewrites: list[_Rewrite] = []
        self.classified_urls: list[tuple[tuple[int, int], bool]] = []  # (span, migrating)
        self.base_url_spans: dict[cst.Call, tuple[int, int]] = {}

    def run(self) -> tuple[list[Fix], list[Finding]]:
        for node in self.tree.calls:
            call = http_call(node)
            if call is not None:
                self.visit_call(call)
            elif _callee(node) in SUBPROCESS:
                self.visit_subprocess(node)
        fixes = self.settle_shared_variables()
        return fixes, self.findings

    def report(self, rule_id: str, status: Status, node: cst.CSTNode, message: str) -> None:
        position = self.tree.line_column(node)
        found = frontend.finding(self.settings, rule_id, status, position, message, self.tree.text(node))
        if found is not None:
            self.findings.append(found)

    # ---------------------------------------------------------------- calls

    def url_pieces(self, call: HttpCall, scope: Scope) -> list[Piece]:
        pieces = self.values.pieces(call.url, scope)
        base = self.client_base_url(call, scope)
        if base is None or (pieces and isinstance(pieces[0], Literal) and "://" in pieces[0].text):
            return pieces
        # httpx joins base_url and a relative path with exactly one "/".
        base_ends = bool(base) and isinstance(base[-1], Literal) and base[-1].text.endswith("/")
        path_starts = bool(pieces) and isinstance(pieces[0], Literal) and pieces[0].text.startswith("/")
        if base_ends and path_starts:
            first = pieces[0]
            assert isinstance(first, Literal)
            pieces = [Literal(first.text[1:], first.offsets[1:] if first.offsets else None, first.context, first.via), *pieces[1:]]
        elif not base_ends and not path_starts:
            pieces = [Literal("/", None, "py-expr"), *pieces]
        return base + pieces

    def client_base_url(self, call: HttpCall, scope: Scope) -> list[Piece] | None:
        """The base_url= of the httpx client the call is made on, if any."""
        receiver = call.receiver
        if not isinstance(receiver, (cst.Name, cst.Attribute)):
            return None
        found = self.values.assignments(receiver, scope)
        if len(found) != 1:
            return None
        value, value_scope = found[0]
        if isinstance(value, cst.Await):
            value = value.expression
        if not isinstance(value, cst.Call) or _callee(value) not in CLIENTS:
            return None
        for argument in value.args:
            if argument.keyword is not None and argument.keyword.value == "base_url":
                self.base_url_spans[call.node] = self.tree.span(argument.value)
                return self.values.pieces(argument.value, value_scope)
        return None

    def visit_call(self, call: HttpCall) -> None:
        scope = self.tree.scope_of[call.node]
        pieces = self.url_pieces(call, scope)
        if not pieces:
            return
        flat = Flat.of(pieces)
        found = classify(flat, call.method, self.settings, scope.names())
        if found is None:
            return
        spans = [self.tree.span(call.url)]
        if call.node in self.base_url_spans:
            spans.append(self.base_url_spans[call.node])
        self.handle(found, call.node, spans, lambda mapped: self.rewrite(call, mapped, spans))

    def handle(self, found: Possible | Unknown | Mapped, node: cst.Call, spans: list[tuple[int, int]], rewrite) -> None:
        """Report a possible or unmapped call, or rewrite a mapped one; remember the URLs of
        calls that do not migrate (a variable they share cannot change)."""
        if isinstance(found, Possible):
            self.report("DM000", Status.POSSIBLE, node, frontend.possible_message(found))
        elif isinstance(found, Unknown):
            self.report("DM100", Status.UNMAPPED, node, found.message)
        elif self.settings.enabled(found.rule.id) and rewrite(found):
            return
        self.classified_urls.extend((span, False) for span in spans)

    def visit_subprocess(self, node: cst.Call) -> None:
        """``subprocess.run(["curl", "-X", "GET", url])``: curl's arguments as a list."""
        argv = node.args[0].value if node.args else None
        if not isinstance(argv, (cst.List, cst.Tuple)) or not argv.elements:
            return
        program = _static(argv.elements[0].value)
        if program is None or program.rsplit("/", 1)[-1] != "curl":
            return
        from migrator.shell.curl import curl_call

        scope = self.tree.scope_of[node]
        args = [(e.value, 0, self.values.pieces(e.value, scope)) for e in argv.elements[1:]]
        curl = curl_call(node, args)
        for url in curl.urls:
            call = HttpCall(node, curl.method, url.node, {}, None)  # type: ignore[arg-type]
            found = classify(Flat.of(url.pieces), curl.method, self.settings, scope.names())
            if found is not None:
                span = self.tree.span(url.node)
                self.handle(found, node, [span], lambda mapped: self.rewrite_subprocess(call, mapped, span))

    def rewrite_subprocess(self, call: HttpCall, mapped: Mapped, span: tuple[int, int]) -> bool:
        rule = mapped.rule
        work = _Rewrite(rule, call, [span], mapped.match)
        try:
            if rule.request.changes_body or rule.request.form_add or rule.request.path_params:
                raise CannotRewrite("curl's body or form arguments change too: rewrite this argument list by hand")
            work.url_edits.extend(frontend.url_edits(mapped, self.settings, {}, ""))
            for edit in work.url_edits:
                self.render_edit(edit)
            holder = self.tree.parent.get(call.node)
            if rule.responses and not isinstance(holder, cst.Expr):
                self.report(rule.id, Status.REVIEW, call.node, f"{rule.title} response: curl's output is parsed where the migrator cannot follow")
                frontend.check_reads([self.tree.line_column(call.node)[0]])
        except CannotRewrite as exc:
            self.report(rule.id, Status.REVIEW, call.node, frontend.review_message(rule, exc))
            return False
        self.rewrites.append(work)
        return True

    def rewrite(self, call: HttpCall, mapped: Mapped, spans: list[tuple[int, int]]) -> bool:
        rule = mapped.rule
        work = _Rewrite(rule, call, spans, mapped.match)
        try:
            extra = self.path_params(work)
            sent_query = self.query_defaults(work)
            if rule.request.changes_body:
                self.rewrite_json_body(work)
            if rule.request.form_add:
                self.add_form_fields(work)
            work.url_edits.extend(frontend.url_edits(mapped, self.settings, extra, sent_query))
            for edit in work.url_edits:
                self.render_edit(edit)  # fails early on text that cannot be written back
            frontend.check_reads(self.rewrite_reads(work))
        except CannotRewrite as exc:
            self.report(rule.id, Status.REVIEW, call.node, frontend.review_message(rule, exc))
            return False
        self.rewrites.append(work)
        return True

    def render_edit(self, edit: Edit) -> ByteEdit:
        try:
            text = render(edit.content, edit.context, edit.side)
        except ValueError as exc:
            raise CannotRewrite(str(exc)) from None
        emptied = self.values.strings.get((edit.start, edit.end)) if not text else None
        operation = self.tree.parent.get(emptied) if emptied is not None else None
        if isinstance(operation, cst.BinaryOperation) and isinstance(operation.operator, cst.Add) and operation.right is emptied:
            # api + "/info" -> api, not api + ""
            return self.byte_edit(self.tree.span(operation.left)[1], self.tree.span(emptied)[1], "")
        return self.byte_edit(edit.start, edit.end, text)

    def byte_edit(self, start: int, end: int, text: str) -> ByteEdit:
        encoding = self.tree.module.encoding
        try:
            first, last = self.tree.byte_range(start, end)
        except ValueError as exc:
            raise CannotRewrite(str(exc)) from None
        return ByteEdit(first, last, text.encode(encoding, "surrogateescape"))

    def replace_node(self, node: cst.CSTNode, text: str) -> ByteEdit:
        start, end = self.tree.span(node)
        return self.byte_edit(start, end, text)

    # ---------------------------------------------------------------- requests

    def keyword(self, work: _Rewrite, name: str) -> cst.BaseExpression | None:
        argument = work.call.keywords.get(name)
        return argument.value if argument is not None else None

    def dict_keyword(self, work: _Rewrite, name: str) -> cst.Dict | None:
        value = self.keyword(work, name)
        if value is None:
            return None
        if not isinstance(value, cst.Dict) or any(_static(e.key) is None for e in value.elements if isinstance(e, cst.DictElement)):
            raise CannotRewrite(f"{name}= is not a dict literal with string keys")
        return value

    def query_defaults(self, work: _Rewrite) -> str:
        """Defaults go into params= when the call has a dict there, else into the URL."""
        defaults = work.rule.request.query_defaults
        if not defaults:
            return ""
        params = self.dict_keyword(work, "params")
        if params is None:
            return ""
        present = {_static(e.key) for e in params.elements if isinstance(e, cst.DictElement)}
        missing = [(k, v) for k, v in defaults if k not in present]
        if missing:
            work.byte_edits.append(self.add_to_dict(params, missing))
        return "&".join(f"{k}=" for k in present | {k for k, _ in defaults})

    def add_to_dict(self, node: cst.Dict, items: list[tuple[str, str]]) -> ByteEdit:
        text = ", ".join(f'"{k}": "{v}"' for k, v in items)
        start, end = self.tree.span(node)
        inner = self.tree.code[start + 1 : end - 1]  # type: ignore[index]
        stripped = inner.rstrip()
        if stripped and not stripped.endswith(","):
            text = ", " + text
        elif stripped:
            text = " " + text
        at = start + 1 + len(stripped)
        return self.byte_edit(at, at, text)

    def add_form_fields(self, work: _Rewrite) -> None:
        if self.keyword(work, "files") is None:
            raise CannotRewrite("the upload has no files= argument")
        items = list(work.rule.request.form_add)
        data = self.dict_keyword(work, "data")
        if data is not None:
            present = {_static(e.key) for e in data.elements if isinstance(e, cst.DictElement)}
            missing = [(k, v) for k, v in items if k not in present]
            if missing:
                work.byte_edits.append(self.add_to_dict(data, missing))
            return
        fields = ", ".join(f'"{k}": "{v}"' for k, v in items)
        args = work.call.node.args
        code = self.tree.code or ""
        # One argument a line stays one argument a line.
        gap = code[self.tree.span(args[-2])[1] : self.tree.span(args[-1])[0]] if len(args) > 1 else ""
        layout = gap[gap.index("\n") :] if "\n" in gap else " "
        end = self.tree.span(args[-1])[1]
        if isinstance(args[-1].comma, cst.Comma):
            after_comma = code.index(",", end) + 1
            work.byte_edits.append(self.byte_edit(after_comma, after_comma, f"{layout}data={{{fields}}},"))
        else:
            work.byte_edits.append(self.byte_edit(end, end, f",{layout}data={{{fields}}}"))

    def json_body(self, work: _Rewrite) -> cst.Dict:
        body = self.dict_keyword(work, "json")
        if body is None:
            raise CannotRewrite("the body is not given as json={...}")
        return body

    def rewrite_json_body(self, work: _Rewrite) -> None:
        """Drop and rename keys of json={...} in place, keeping the dict's layout."""
        request = work.rule.request
        body = self.json_body(work)
        consumed = {source.partition(":")[2] for _, source in request.path_params if source.startswith("body:")}
        drop = consumed | set(request.body_drop)
        renames = dict(request.body_rename)
        elements = list(body.elements)
        dropped = [isinstance(e, cst.DictElement) and _static(e.key) in drop for e in elements]
        i = 0
        while i < len(elements):
            if not dropped[i]:
                element = elements[i]
                key = _static(element.key) if isinstance(element, cst.DictElement) else None
                if key in renames:
                    quote = element.key.quote  # type: ignore[union-attr]
                    work.byte_edits.append(self.replace_node(element.key, f"{quote}{renames[key]}{quote}"))
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
            work.byte_edits.append(self.byte_edit(start, end, ""))
            i = j + 1

    def path_params(self, work: _Rewrite) -> dict[str, Content]:
        extra: dict[str, Content] = {}
        scope = self.tree.scope_of[work.call.node]
        for name, source in work.rule.request.path_params:
            kind, _, key = source.partition(":")
            if kind == "body":
                body = self.json_body(work)
                values = [e.value for e in body.elements if isinstance(e, cst.DictElement) and _static(e.key) == key]
                if len(values) != 1:
                    raise CannotRewrite(f"the body has no {key!r}")
                extra[name] = self.path_value(values[0], scope)
            else:
                extra[name] = self.upload_name(work, key, scope)
        return extra

    def path_value(self, node: cst.BaseExpression, scope: Scope) -> Content:
        text = _static(node)
        if text is not None:
            return (percent_encode(text),)
        pieces = collapse(self.values.pieces(node, scope))
        return tuple(percent_encode(p.text) if isinstance(p, Literal) else p for p in pieces)

    def upload_name(self, work: _Rewrite, field_name: str, scope: Scope) -> Content:
        """The file name requests/httpx send for files={"file": ...}."""
        files = self.dict_keyword(work, "files")
        if files is None:
            raise CannotRewrite(f"no files={{{field_name!r}: ...}} upload to take the file name from")
        values = [e.value for e in files.elements if isinstance(e, cst.DictElement) and _static(e.key) == field_name]
        if len(values) != 1:
            raise CannotRewrite(f"no {field_name!r} in files=")
        value = values[0]
        if isinstance(value, cst.Tuple) and value.elements:
            value = value.elements[0].value
            if _static(value) is not None:
                return (percent_encode(_static(value)),)  # type: ignore[arg-type]
            return self.path_value(value, scope)
        if isinstance(value, cst.Name):
            found = self.tree.lookup(value.value, scope)
            if len(found) == 1 and isinstance(found[0][0], cst.BaseExpression):
                value = found[0][0]
        if isinstance(value, cst.Call) and _callee(value) == "open" and value.args:
            path = value.args[0].value
            text = _static(path)
            if text is not None:
                return (percent_encode(posixpath.basename(text)),)
            if not self.tree.lookup("os", self.tree.module_scope):
                raise CannotRewrite("the upload's path is computed at run time and os is not imported")
            work.unsafe_reason = "the file name is taken from the upload's path at run time with os.path.basename"
            source = self.tree.text(path)
            return (Hole(f"os.path.basename({source})", self.tree.span(path), "py-expr"),)
        raise CannotRewrite("the upload's file name cannot be found")

    # ---------------------------------------------------------------- responses

    def rewrite_reads(self, work: _Rewrite) -> list[int]:
        rule = work.rule
        unreadable: list[int] = []
        if not rule.responses:
            return unreadable
        reads, escapes = self.reads(work.call)
        for node in escapes:
            self.report(rule.id, Status.REVIEW, node, f"{rule.title} response: it is parsed here in a way the migrator cannot follow")
            unreadable.append(self.tree.line_column(node)[0])
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
                line = self.tree.line_column(read.node)[0]
                self.report(rule.id, Status.REVIEW, read.node, f"{rule.title} response: {problem}")
                unreadable.append(line)
        return unreadable

    def reads(self, call: HttpCall) -> tuple[list[_Read], list[cst.CSTNode]]:
        """Every read of the call's JSON response (subscript chains, loops, len()),
        and the places where the response goes where it cannot be followed."""
        roots: list[cst.CSTNode] = []
        escapes: list[cst.CSTNode] = []
        for expression in self.responses_of(call, escapes):
            holder = self.tree.parent.get(expression)
            if isinstance(holder, cst.Await):
                expression, holder = holder, self.tree.parent.get(holder)
            if isinstance(holder, cst.Attribute) and holder.attr.value == "json":
                roots.extend(self.json_calls_on(holder))
                continue
            if isinstance(holder, cst.Expr):
                continue  # the response is not used
            name = self.bound_name(expression)
            if name is None:
                escapes.append(expression)
                continue
            for use in self.uses_after(name, expression):
                attribute = self.tree.parent.get(use)
                if isinstance(attribute, cst.Attribute) and attribute.value is use:
                    if attribute.attr.value == "json":
                        roots.extend(self.json_calls_on(attribute))
                    elif attribute.attr.value not in RESPONSE_METADATA:
                        escapes.append(attribute)
                else:
                    escapes.append(use)
        reads: list[_Read] = []
        for root in roots:
            self.follow(root, [], reads, 0)
        return reads, escapes

    def responses_of(self, call: HttpCall, escapes: list[cst.CSTNode]) -> list[cst.CSTNode]:
        """The expressions whose value is the response: the call, or for a
        urllib Request the urlopen() calls it is given to."""
        if _callee(call.node) != "Request":
            return [call.node]
        name = self.bound_name(call.node)
        if name is None:
            parent = self.tree.parent.get(call.node)
            opener = self.tree.parent.get(parent) if isinstance(parent, cst.Arg) else None
            return [opener] if isinstance(opener, cst.Call) and _callee(opener) == "urlopen" else []
        found = []
        for use in self.uses_after(name, call.node):
            parent = self.tree.parent.get(use)
            opener = self.tree.parent.get(parent) if isinstance(parent, cst.Arg) else None
            if isinstance(opener, cst.Call) and _callee(opener) == "urlopen":
                found.append(opener)
            elif not isinstance(parent, cst.Attribute):
                escapes.append(use)
        return found

    def json_calls_on(self, attribute: cst.Attribute) -> list[cst.CSTNode]:
        call = self.tree.parent.get(attribute)
        if not isinstance(call, cst.Call):
            return []
        awaited = self.tree.parent.get(call)
        return [awaited if isinstance(awaited, cst.Await) else call]

    def bound_name(self, expression: cst.CSTNode) -> cst.Name | None:
        """``r`` of ``r = <expression>`` or ``with <expression> as r``."""
        holder = self.tree.parent.get(expression)
        if isinstance(holder, cst.Assign) and len(holder.targets) == 1 and isinstance(holder.targets[0].target, cst.Name):
            return holder.targets[0].target
        if isinstance(holder, cst.WithItem) and holder.asname is not None and isinstance(holder.asname.name, cst.Name):
            return holder.asname.name
        return None

    def uses_after(self, name: cst.Name, expression: cst.CSTNode) -> list[cst.Name]:
        scope = self.tree.scope_of.get(name) or self.tree.scope_of.get(expression)
        after = self.tree.span(expression)[1]
        return [
            use
            for use in self.tree.names.get(name.value, [])
            if use is not name
            and self.tree.scope_of.get(use) is scope
            and self.tree.span(use)[0] >= after
            and _is_variable(use, self.tree)
        ]

    def follow(self, root: cst.CSTNode, segments: list[_Segment], reads: list[_Read], depth: int) -> None:
        """Walk up from a value of the response through subscripts, loops and names."""
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
        segment = _Segment(root, node, steps)
        chain = [*segments, segment]
        flat_steps = tuple(s for seg in chain for s in seg.steps_with_loops())
        parent = self.tree.parent.get(node)
        grandparent = self.tree.parent.get(parent) if parent is not None else None
        if depth < 6 and isinstance(parent, (cst.For, cst.CompFor)) and parent.iter is node and isinstance(parent.target, cst.Name):
            segment.loop = True
            for use in self._loop_uses(parent):
                self.follow(use, chain, reads, depth + 1)
            return
        bound = self.bound_name(node) if isinstance(parent, cst.Assign) else None
        uses = self.uses_after(bound, node) if bound is not None and depth < 6 else []
        if uses:
            for use in uses:
                self.follow(use, chain, reads, depth + 1)
            return
        then = "end"
        if isinstance(parent, cst.Arg) and isinstance(grandparent, cst.Call) and _callee(grandparent) == "len":
            then = "length"
        reads.append(_Read(node, chain, Access(flat_steps, then)))  # type: ignore[arg-type]

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
        edits = []
        for number in sorted(set(cut) | set(put)):
            edits.extend(self.replace_steps(read.segments[number], cut.get(number, 0), put.get(number, []), transform if number == last else None))
        return edits

    def replace_steps(self, segment: _Segment, count: int, steps: list[Step], transform: str | None) -> list[ByteEdit]:
        """Replace the first ``count`` subscripts after the segment's root by ``steps``."""
        code = self.tree.code or ""
        root_start, root_end = self.tree.span(segment.root)
        end = self.tree.span(segment.steps[count - 1][1])[1] if count else root_end
        avoid = self.tree.fstring_quotes(segment.root)
        try:
            text = "".join(f"[{string_literal(s.name, avoid)}]" if isinstance(s, Field) else f"[{s.value}]" for s in steps)
            transform = requote(transform, avoid) if transform else None
        except ValueError as exc:
            raise CannotRewrite(str(exc)) from None
        if transform:
            return [self.byte_edit(root_start, end, transform.format(value=code[root_start:root_end] + text))]
        if code[root_end:end] == text:
            return []
        return [self.byte_edit(root_end, end, text)]

    # ---------------------------------------------------------------- whole file

    def settle_shared_variables(self) -> list[Fix]:
        """Rewrite a constant's v1 base where every use migrates; elsewhere the calls alone."""

        def report_left(work: _Rewrite, variable: str, where: str) -> None:
            self.report(work.rule.id, Status.REVIEW, work.call.node, frontend.shared_variable_message(work.rule, variable, where))

        marks = ignored_lines(self.tree.source)
        active = frontend.settle_shared_variables(
            self.rewrites,
            self.settings,
            lambda work: frontend.will_apply(work, self.tree.line_column(work.call.node), self.settings, marks),
            self.uses_outside,
            self.rewrite_call_only,
            report_left,
        )
        fixes = []
        for work in active:
            start, end = self.tree.span(work.call.node)
            span = (self.tree.byte(start), self.tree.byte(end))
            edits = [self.render_edit(e) for e in work.url_edits] + work.byte_edits
            position = self.tree.line_column(work.call.node)
            fixes.append(frontend.migrated_fix(work.rule, position, span, edits, work.unsafe_reason))
        return fixes

    def rewrite_call_only(self, work: _Rewrite, variable: str) -> bool:
        """Leave the constant as it is and strip its v1 base in the call:
        ``f"{API}/{p}/files"`` -> ``f"{API.removesuffix('/api/v1')}/api/v2/projects/{p}/files_uri"``,
        ``API + "/" + p`` -> ``API.removesuffix("/api/v1") + "/api/v2/projects/" + p``.
        """
        strip = frontend.base_strip(work.url_edits, work.match, variable, self.settings)
        if strip is None or not all(isinstance(item, str) for item in strip.after):
            return False
        anchor = strip.anchor
        added = strip.new_base + "".join(strip.after)  # type: ignore[arg-type]
        if anchor.context == EXPRESSION:
            text = f'{anchor.source}.removesuffix("{strip.tail}") + "{added}"'
        elif anchor.context.startswith("py:") and "f" in anchor.context.split(":")[1]:
            quote = "'" if '"' in anchor.context.split(":", 2)[2] else '"'
            text = f"{{{anchor.source}.removesuffix({quote}{strip.tail}{quote})}}{added}"
        else:
            return False
        edit = Edit(anchor.span[0], anchor.span[1], (text,), RAW)
        try:
            self.render_edit(edit)
        except CannotRewrite:
            return False
        work.url_edits = [*strip.rest, edit]
        return True

    def uses_outside(
        self, variable: str, migrating: list[tuple[int, int]], held: list[tuple[int, int]]
    ) -> tuple[str | None, str | None]:
        """Where ``variable`` is used by a call that does not migrate (or whose fix is held
        back), and where by anything else (another module of the run that imports it counts)."""
        other = None
        if (self.settings.module, variable) in self.settings.imported and variable in self.tree.module_scope.assignments:
            other = "another module that imports it"
        for use in self.tree.names.get(variable, []):
            if _is_keyword(use, self.tree):
                continue
            start = self.tree.span(use)[0]
            if any(a <= start < b for a, b in migrating) or _is_assignment_target(use, self.tree):
                continue
            line = f"line {self.tree.line_column(use)[0]}"
            if any(a <= start < b for (a, b), ok in self.classified_urls if not ok) or any(a <= start < b for a, b in held):
                return line, None
            other = other or line
        return None, other


@dataclass
class _Segment:
    """One expression of a read: a root and the subscripts on it; ``loop`` if a loop iterates it."""

    root: cst.CSTNode
    top: cst.CSTNode
    steps: list[tuple[Step, cst.CSTNode]]
    loop: bool = False

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
            key = _static(index.value)
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
            key = _static(call.args[0].value)
            if key is not None:
                return Field(key)
    return None


def _is_keyword(name: cst.Name, tree: Tree) -> bool:
    """``files`` of ``post(url, files=...)``: a keyword, not a variable."""
    parent = tree.parent.get(name)
    return isinstance(parent, cst.Arg) and parent.keyword is name


def _is_variable(name: cst.Name, tree: Tree) -> bool:
    """A name read as a variable: not a keyword, an attribute's name, or a parameter."""
    parent = tree.parent.get(name)
    if _is_keyword(name, tree) or isinstance(parent, (cst.Param, cst.FunctionDef, cst.ClassDef, cst.ImportAlias)):
        return False
    return not (isinstance(parent, cst.Attribute) and parent.attr is name)


def _is_assignment_target(name: cst.Name, tree: Tree) -> bool:
    parent = tree.parent.get(name)
    if isinstance(parent, cst.Attribute) and parent.attr is name:
        parent = tree.parent.get(parent)
    return isinstance(parent, (cst.AssignTarget, cst.AnnAssign))
