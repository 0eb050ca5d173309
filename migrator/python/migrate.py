"""The Python front end: DATAMIMIC v1 calls made with requests, httpx, aiohttp or
urllib, their request arguments, and the reads of their JSON responses.

Guide: "External API Endpoint Mapping"; the issue "Python front end".
"""

from __future__ import annotations

import os
import re

import libcst as cst

from migrator import frontend
from migrator.config import Settings
from migrator.edits import ByteEdit, Fix, ignored_lines
from migrator.findings import Finding, Status
from migrator.frontend import CannotRewrite
from migrator.matching import Mapped, Possible, Unknown, classify, evidence, known_path, names_datamimic, own_evidence
from migrator.python.bodies import Requests
from migrator.python.calls import CLIENTS, SUBPROCESS, HttpCall, Rewrite, callee, http_call, static
from migrator.python.evidence import around
from migrator.python.flow import binding_of, called_by_decorator
from migrator.python.reads import Reads, is_keyword
from migrator.python.project import Project
from migrator.python.tree import PARAMETER, ParseError, Scope, Tree, dotted, lookup
from migrator.python.values import EXPRESSION, RAW, Values, render
from migrator.urls import Edit, Flat, Hole, Literal, Piece, Via, find_base, holder

__all__ = ["ParseError", "migrate"]


def migrate(source: bytes, settings: Settings) -> tuple[list[Fix], list[Finding]]:
    """Plan the v2 rewrite of one Python file. Raises ParseError if it does not parse."""
    results, errors = migrate_files({"": source}, settings)
    if errors:
        raise errors[""]
    return results[""]


def migrate_files(
    sources: dict[str, bytes], settings: Settings
) -> tuple[dict[str, tuple[list[Fix], list[Finding]]], dict[str, ParseError]]:
    """Plan the v2 rewrite of the Python modules of a run, read as one program: per file, its
    fixes (a fix may edit other files too: ByteEdit.path) and findings; and the files that
    do not parse."""
    project = Project(sources)
    return _Program(project, settings).run(), project.errors


class _Program:
    def __init__(self, tree: Project, settings: Settings) -> None:
        self.tree = tree
        self.settings = settings
        self.values = Values(tree)
        self.requests = Requests(tree, self.values)
        self.responses = Reads(tree, settings, self.values.flow)
        self.findings: dict[str, list[Finding]] = {path: [] for path in tree.trees}
        self.rewrites: list[Rewrite] = []
        self.classified_urls: list[tuple[tuple[int, int], cst.Call]] = []  # what calls that do not migrate use
        self.base_url_spans: dict[cst.Call, tuple[int, int]] = {}
        self.receiver_spans: dict[cst.Call, list[tuple[int, int]]] = {}  # the calls that pass the client in
        # Code in the URLs of classified calls (global offsets), and the call.
        self.followed: list[tuple[int, int, cst.CSTNode]] = []
        self.migrating: set[cst.CSTNode] = set()  # the calls that stay planned after settling
        self._edits: dict[str, list[ByteEdit]] = {}
        self.possible: set[cst.CSTNode] = set()  # calls left alone as maybe another service's
        # A call is reported where its endpoint's path is written (a wrapper's one call: in the wrapper).
        self.anchor: dict[cst.CSTNode, cst.CSTNode] = {}
        self._by_name: list | None = None  # the run's reads of names by a string, found once
        self.read_by_name_at: dict[cst.CSTNode, str] = {}  # such a read, and the v1 base it keeps

    def run(self) -> dict[str, tuple[list[Fix], list[Finding]]]:
        flow = self.values.flow
        calls: list[HttpCall] = []
        for node in self.tree.calls:
            scope = self.tree.scope_of[node]
            # A method of the run's own class (``api.get(rel)`` of a wrapper class) is its
            # wrapper's request, whatever its name says.
            call = flow.wrapped(node, scope) or http_call(node) or flow.forwarded(node, scope) or flow.partial(node, scope)
            if call is not None:
                calls.append(call)
            elif callee(node) in SUBPROCESS:
                self.visit_subprocess(node)
        for call in calls:
            if not flow.inside_wrapper(call.node):
                self.visit_call(call)
        fixes: dict[str, list[Fix]] = {path: [] for path in self.tree.trees}
        for home, fix in self.settle_shared_variables():
            fixes[home].append(fix)
        for node, variable in self.read_by_name_at.items():
            # What it reads is unseen: a v1 call through it would stay on v1 without a word.
            message = f"this may read {variable} by name, which keeps its v1 base: a call through it stays on v1, migrate it by hand"
            self.report("DM003", Status.REVIEW, node, message)
        for tree in self.tree.trees.values():
            self.report_unfollowed(tree, fixes[tree.path])
        return {path: (fixes[path], self.findings[path]) for path in self.tree.trees}

    def report(self, rule_id: str, status: Status, node: cst.CSTNode, message: str) -> None:
        node = self.anchor.get(node, node)
        position = self.tree.line_column(node)
        found = frontend.finding(self.settings, rule_id, status, position, message, self.tree.text(node))
        if found is not None and found not in self.findings[self.tree.path_of(node)]:
            self.findings[self.tree.path_of(node)].append(found)

    # ---------------------------------------------------------------- calls

    def url_pieces(self, call: HttpCall, scope: Scope) -> list[Piece]:
        pieces = self.values.pieces(call.url, scope, call.via)
        found = self.client_base_url(call, scope)
        if found is None or (pieces and isinstance(pieces[0], Literal) and "://" in pieces[0].text):
            return pieces
        base, client = found
        base_ends = bool(base) and isinstance(base[-1], Literal) and base[-1].text.endswith("/")
        path_starts = bool(pieces) and isinstance(pieces[0], Literal) and pieces[0].text.startswith("/")
        if client == "ClientSession" and not (base_ends and not path_starts and pieces):
            # aiohttp joins as a browser does (yarl's URL.join): a path appends only to a base
            # ending in "/"; "/x" replaces the base's path. Only the first can be told here.
            return pieces
        # httpx joins with exactly one "/" whatever either side has: that slash is the
        # client's, not a character of either text, and no edit may take it away.
        if base_ends:
            last = base[-1]
            assert isinstance(last, Literal)
            base = [*base[:-1], Literal(last.text[:-1], last.offsets[:-1] if last.offsets else None, last.context, last.via)]
        if path_starts:
            first = pieces[0]
            assert isinstance(first, Literal)
            pieces = [Literal(first.text[1:], first.offsets[1:] if first.offsets else None, first.context, first.via), *pieces[1:]]
        return [*base, Literal("/", None, EXPRESSION), *pieces]

    def client_base_url(self, call: HttpCall, scope: Scope) -> tuple[list[Piece], str] | None:
        """The base_url= of the client the call is made on, if any, wherever the client was
        made (a helper that receives it as a parameter too), and the client's class. The base
        is shared by every request on the client: it comes through the name the client is held
        in, so that it changes only when every use of that name is a request that migrates."""
        origin = self.values.origin(call.receiver, scope) if call.receiver is not None else None
        if origin is None and call.receiver is not None:
            passed: list[tuple[int, int]] = []
            origin = self.receiver_from_callers(call.receiver, scope, passed)
            self.receiver_spans[call.node] = passed
        if origin is None:
            return None
        value, value_scope, holder_name = origin
        vias = [Via(holder_name, holder_name, self.tree.span(call.receiver), EXPRESSION, "call")]
        flow = self.values.flow
        # A factory of the run (def tdm_client(args): return client_for(base, token)) is read
        # through like a URL builder: its call is shared by the clients it makes.
        while isinstance(value, cst.Call) and callee(value) not in CLIENTS and len(vias) < 5:
            target = flow.target(value, value_scope)
            returned = flow.returned(target.function) if target is not None else None
            frame = flow.frame(target, value, value_scope) if returned is not None else None
            if frame is None:
                return None
            vias.append(Via(f"{target.function.name.value}()", self.tree.text(value), self.tree.span(value), EXPRESSION, "call"))  # type: ignore[union-attr]
            value, value_scope = returned, frame
            if isinstance(value, (cst.Name, cst.Attribute)):
                found = self.values.origin(value, value_scope)
                if found is None:
                    return None
                value, value_scope = found[0], found[1]
        if not isinstance(value, cst.Call) or callee(value) not in CLIENTS:
            return None
        for argument in value.args:
            if argument.keyword is not None and argument.keyword.value == "base_url":
                self.base_url_spans[call.node] = self.tree.span(argument.value)
                return self.values.pieces(argument.value, value_scope, tuple(vias)), callee(value)
        return None

    def receiver_from_callers(
        self, node: cst.BaseExpression, scope: Scope, spans: list[tuple[int, int]], depth: int = 0
    ) -> tuple[cst.CSTNode, Scope, str] | None:
        """The client a function's parameter is, when every call of the function passes the same
        one, through any number of helpers (``fetch_json(session, path)`` called by
        ``mirror_task(session, ...)``): the arguments that pass it on are uses of it too (``spans``)."""
        while isinstance(node, cst.Name):
            found = self.tree.lookup(node.value, scope)
            if len(found) != 1 or found[0][0] is not PARAMETER:
                return None
            binding = binding_of(scope, node.value, found[0][1])
            if binding is None:
                break
            node, scope = binding.value, binding.scope  # the wrapper's call site passes it
        function = found[0][1].node if isinstance(node, cst.Name) else None
        flow = self.values.flow
        if not isinstance(function, cst.FunctionDef) or depth > 4 or not flow.only_called(function):
            return None
        origins = []
        for caller in flow.callers(function):
            caller_scope = self.tree.scope_of[caller]
            target = flow.target(caller, caller_scope)
            frame = flow.frame(target, caller, caller_scope) if target is not None else None
            binding = frame.bindings.get(node.value) if frame is not None else None  # type: ignore[union-attr]
            if binding is None:
                return None
            spans.append(self.tree.span(binding.value))
            origin = self.values.origin(binding.value, binding.scope) or self.receiver_from_callers(
                binding.value, binding.scope, spans, depth + 1
            )
            if origin is None:
                return None
            origins.append(origin)
        if not origins or any(origin[0] is not origins[0][0] for origin in origins):
            return None
        return origins[0]

    def around(self, node: cst.CSTNode) -> list[str]:
        """The code around a node, whose evidence a base with no name of its own borrows."""
        return around(self.tree.scope_of[node], self.tree.tree_of(node).path)

    def visit_call(self, call: HttpCall) -> None:
        scope = self.tree.scope_of[call.node]
        pieces = self.url_pieces(call, call.frame or scope)
        if not pieces:
            return
        flat = Flat.of(pieces)
        context = self.around(call.node) + (around(call.frame, "") if call.frame is not None else [])
        found = classify(flat, call.method, self.settings, context)
        if found is None:
            return
        self.follow(flat, call.node)
        self.anchor_at_endpoint(call, flat)
        # Where the call uses shared definitions: its own URL (or, through a wrapper, the call
        # site), and every expansion its URL came through on the way.
        spans = [self.tree.span(call.node if call.frame is not None else call.url)]
        spans += [via.span for piece in flat.pieces for via in piece.via]
        spans += [use for piece in flat.pieces for via in piece.via for use in self.values.filled.get(via.span, ())]
        if call.receiver is not None:
            spans.append(self.tree.span(call.receiver))  # the client it is made on: a use of that client
        spans += self.receiver_spans.get(call.node, [])
        if call.node in self.base_url_spans:
            spans.append(self.base_url_spans[call.node])
        self.handle(found, call.node, spans, lambda mapped: self.rewrite(call, mapped, spans))

    def anchor_at_endpoint(self, call: HttpCall, flat: Flat) -> None:
        """Report a call where the first text of its endpoint (after the project) is written:
        in a wrapper, once for all the calls that go through the same text, or in the local
        variable its URL is (``url = _url("task", t, "log")`` on the line before
        ``requests.get(url)``)."""
        start = find_base(flat, self.settings.table.v1_base)
        if start < 0:
            return
        local = self._local_url(call) if call.frame is None else None
        if call.frame is None and local is None:
            return
        project = start + len(self.settings.table.v1_base) + 1
        endpoint = flat.text.find("/", project)
        tried: set[int] = set()
        first: Piece | None = None
        for k in range(endpoint if endpoint > project else project, len(flat.text)):
            index = flat.where[k][0]
            piece = flat.pieces[index]
            # Each piece's words, from the endpoint's first on, where its string is written.
            if index not in tried and isinstance(piece, Literal) and piece.offsets and flat.text[k] != "/":
                tried.add(index)
                first = first or piece
                node = next((n for n in self.tree.strings if self.tree.span(n)[0] <= piece.offsets[0] < self.tree.span(n)[1]), None)
                if local is not None:
                    if node is not None and local[0] <= self.tree.span(node)[0] < local[1]:
                        self.anchor[call.node] = node
                    return
                # A template chosen by key from a dict (``ENDPOINTS[name]``): where it is written.
                chosen = any(via.span in self.values.entries for via in piece.via)
                if node is not None and (chosen or any(self._inside(node, function) for function, _ in call.through)):
                    self.anchor[call.node] = node
                    return
        # An endpoint no caller's argument writes (``self.files_url`` set in __post_init__) is
        # the wrapper's own: every call of it goes there, reported at the request it makes.
        if call.request is not None and first is not None and not any(via.kind == "argument" for via in first.via):
            self.anchor[call.node] = call.request

    def _local_url(self, call: HttpCall) -> tuple[int, int] | None:
        """The span of the one assignment, in the call's own function, of the name its URL is."""
        if not isinstance(call.url, cst.Name):
            return None
        scope = self.tree.scope_of[call.node]
        found = scope.assignments.get(call.url.value, [])
        if len(found) != 1 or not isinstance(found[0][0], cst.BaseExpression) or found[0][1] is not scope:
            return None
        return self.tree.span(found[0][0])

    def _inside(self, node: cst.CSTNode, function: cst.FunctionDef) -> bool:
        start, end = self.tree.span(function)
        return self.tree.path_of(node) == self.tree.path_of(function) and start <= self.tree.span(node)[0] < end

    def follow(self, flat: Flat, call: cst.CSTNode) -> None:
        for piece in flat.pieces:
            if isinstance(piece, Literal) and piece.offsets:
                self.followed.append((piece.offsets[0], piece.offsets[-1], call))

    def report_unfollowed(self, tree: Tree, fixes: list[Fix]) -> None:
        """No silent misses: a v1 URL no classified call uses is reported where it stands, and
        so is a v1 base a call follows but that stays (calls strip it, or one stays on v1)."""
        size = len(tree.code or "") + 1
        followed = [(tree.byte(a), tree.byte(b), call) for a, b, call in self.followed if tree.base <= a < tree.base + size]
        offsets = frontend.unfollowed(tree.source, self.settings, [(a, b) for a, b, _ in followed])
        base = len(self.settings.table.v1_base)
        kept = [
            offset
            for offset in frontend.unfollowed(tree.source, self.settings, [])
            if offset not in offsets and not any(e.start < offset + base and offset < e.end for e in self.all_edits(tree))
        ]
        if not offsets and not kept:
            return  # and the module's positions are never computed
        reported = {f.line for f in self.findings[tree.path]} | {fix.finding.line for fix in fixes}
        file_evidence = names_datamimic(tree.source.decode("utf-8", "replace"), self.settings.table.evidence)
        strings = [(tree.byte_span(node), node) for node in tree.strings]
        for offset in sorted([*offsets, *kept]):
            node = next((n for (a, b), n in strings if a <= offset < b), None)
            if node is None:
                line = tree.source.count(b"\n", 0, offset) + 1
                position, datamimic, where = (line, 1, line), False, "in a comment"
            else:
                position = tree.line_column(node)
                datamimic, where = self.describe_unfollowed(node)
            if position[0] in reported or not (datamimic or file_evidence):
                continue
            reported.add(position[0])
            if offset in kept:
                calls = {call for a, b, call in followed if a <= offset < b}
                found = self.kept_finding(position, calls, tree.path)
            else:
                found = frontend.unfollowed_finding(self.settings, position, datamimic, where)
            if found is not None:
                self.findings[tree.path].append(found)

    def all_edits(self, tree: Tree) -> list[ByteEdit]:
        """Every byte edit the planned calls make in one module (their fixes decide later)."""
        if tree.path not in self._edits:
            self._edits[tree.path] = [
                edit
                for work in self.rewrites
                if work.call.node in self.migrating
                for edit in [*(b for e in work.url_edits for b in self.render_edit(e)), *work.byte_edits]
                if edit.path == tree.path
            ]
        return self._edits[tree.path]

    def kept_finding(self, position: tuple[int, int, int], calls: set[cst.CSTNode], path: str) -> Finding | None:
        """A v1 base that stays: a call through it stays on v1, or the calls strip it themselves."""
        if calls and calls <= self.possible:
            lines = ", ".join(sorted({str(self.tree.line_column(c)[0]) for c in calls}))
            message = f"the v1 base of calls left alone as maybe not DATAMIMIC's (line {lines})"
            return frontend.finding(self.settings, "DM000", Status.POSSIBLE, position, message)
        calls -= self.possible
        anchors = {self.anchor.get(c, c) for c in calls if c not in self.migrating}
        staying = [self.line_ref(node, path) for node in sorted(anchors, key=lambda n: self._ref_order(n, path))]
        staying = list(dict.fromkeys(staying))
        if staying:
            one = f"the call {'at' if ':' in staying[0] else 'on line'} {staying[0]}"
            where = one if len(staying) == 1 else f"the calls on lines {', '.join(staying)}"
            message = f"this v1 base stays: {where} still use{'s' if len(staying) == 1 else ''} it on v1"
            return frontend.finding(self.settings, "DM003", Status.REVIEW, position, message)
        message = "this v1 base stays for its other uses; the calls that use it strip it themselves"
        return frontend.finding(self.settings, "DM003", Status.POSSIBLE, position, message)

    def line_ref(self, node: cst.CSTNode, seen_from: str) -> str:
        """A line as a person finds it: its number, and its file's name when a message in
        another file names it (``roundtrip.py:17``)."""
        line = str(self.tree.line_column(node)[0])
        path = self.tree.path_of(node)
        return line if path == seen_from else f"{os.path.relpath(path, os.path.dirname(seen_from) or '.')}:{line}"

    def _ref_order(self, node: cst.CSTNode, seen_from: str) -> tuple[bool, str, int]:
        path = self.tree.path_of(node)
        return (path != seen_from, path, self.tree.line_column(node)[0])

    def describe_unfollowed(self, node: cst.CSTNode) -> tuple[bool, str]:
        """Whether a string no followed call uses is a DATAMIMIC v1 URL, and where it goes."""
        expression = node
        while isinstance(self.tree.parent.get(expression), (cst.ConcatenatedString, cst.BinaryOperation)):
            expression = self.tree.parent[expression]
        holder = self.tree.parent.get(expression)
        if isinstance(holder, cst.Expr):
            return False, "in a docstring"
        scope = self.tree.scope_of[node]
        pieces = self.values.pieces(expression, scope)
        flat = Flat.of(pieces)
        if flat.text.startswith(self.settings.table.v1_base.lstrip("/")):
            # A relative path ("api/v1/..."), which a join puts after a base: read from its "/".
            flat = Flat.of([Literal("/", None, EXPRESSION), *pieces])
        base_start = find_base(flat, self.settings.table.v1_base)
        # Its own base, or the code around it with a path DATAMIMIC has: the code around a
        # Kubernetes call in a DATAMIMIC tool does not make /api/v1/namespaces DATAMIMIC's.
        # A path passed to a composition the migrator cannot resolve (urljoin(DATAMIMIC_URL, "api/v1/...")
        # of a base whose path is unknown) borrows the evidence of the parts it is composed with.
        parts = []
        if isinstance(holder, cst.Arg) and isinstance(call := self.tree.parent.get(holder), cst.Call):
            parts = [self.tree.text(arg.value) for arg in call.args if arg is not holder and not arg.keyword]
        datamimic = base_start >= 0 and (
            own_evidence(flat, base_start, self.settings)
            or (
                evidence(flat, base_start, self.settings, [*parts, *self.around(node)]) is None
                and known_path(flat, base_start, self.settings.table)
            )
        )
        if isinstance(holder, cst.Arg):
            call = self.tree.parent.get(holder)
            name = callee(call) if isinstance(call, cst.Call) else ""
            return datamimic, f"passed to {name}()" if name else "passed on"
        if isinstance(holder, cst.Return):
            return datamimic, "returned"
        if isinstance(holder, (cst.Assign, cst.AnnAssign)):
            return datamimic, "assigned here"
        return datamimic, "in a string"

    def handle(self, found: Possible | Unknown | Mapped, node: cst.Call, spans: list[tuple[int, int]], rewrite) -> None:
        """Report a possible or unmapped call, or rewrite a mapped one; remember the URLs of
        calls that do not migrate (a variable they share cannot change)."""
        if isinstance(found, Possible):
            self.possible.add(node)
            self.report("DM000", Status.POSSIBLE, node, frontend.possible_message(found))
        elif isinstance(found, Unknown):
            self.report(found.rule, Status.UNMAPPED if found.rule == "DM100" else Status.REVIEW, node, found.message)
        elif self.settings.enabled(found.rule.id) and rewrite(found):
            return
        self.classified_urls.extend((span, node) for span in spans)

    def visit_subprocess(self, node: cst.Call) -> None:
        """``subprocess.run(["curl", "-X", "GET", url])``: curl's arguments as a list."""
        argv = node.args[0].value if node.args else None
        if not isinstance(argv, (cst.List, cst.Tuple)) or not argv.elements:
            return
        program = static(argv.elements[0].value)
        if program is None or program.rsplit("/", 1)[-1] != "curl":
            return
        from migrator.shell.curl import curl_call

        scope = self.tree.scope_of[node]
        args = [(e.value, 0, self.values.pieces(e.value, scope)) for e in argv.elements[1:]]
        curl = curl_call(node, args)
        for url in curl.urls:
            call = HttpCall(node, curl.method, url.node, {}, None)  # type: ignore[arg-type]
            found = classify(Flat.of(url.pieces), curl.method, self.settings, self.around(node))
            if found is not None:
                self.follow(Flat.of(url.pieces), node)
                span = self.tree.span(url.node)
                self.handle(found, node, [span], lambda mapped: self.rewrite_subprocess(call, mapped, span))

    def rewrite_subprocess(self, call: HttpCall, mapped: Mapped, span: tuple[int, int]) -> bool:
        rule = mapped.rule
        work = Rewrite(rule, call, [span], mapped.match)
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
        work = Rewrite(rule, call, spans, mapped.match)
        try:
            extra = self.requests.path_params(work)
            sent_query = self.requests.query_defaults(work)
            if rule.request.changes_body:
                self.requests.rewrite_json_body(work)
            if rule.request.form_add:
                self.requests.add_form_fields(work)
            work.url_edits.extend(frontend.url_edits(mapped, self.settings, extra, sent_query))
            for edit in work.url_edits:
                self.render_edit(edit)  # fails early on text that cannot be written back
            self.rewrite_reads(work)
        except CannotRewrite as exc:
            self.report(rule.id, Status.REVIEW, call.node, frontend.review_message(rule, exc))
            return False
        self.rewrites.append(work)
        return True

    def render_edit(self, edit: Edit) -> list[ByteEdit]:
        """The byte edits that write ``edit`` into the source."""
        promoted = self.promotable(edit)
        try:
            text = render(edit.content, promoted[1] if promoted else edit.context, edit.side)
        except ValueError as exc:
            raise CannotRewrite(str(exc)) from None
        if promoted:
            # "/files" that must now hold {name}: written as f"/files/{name}" (the string has no braces).
            node = promoted[0]
            prefix_at = self.tree.span(node)[0] + len(node.prefix)
            return [self.tree.byte_edit(prefix_at, prefix_at, "f"), self.tree.byte_edit(edit.start, edit.end, text)]
        emptied = self.values.strings.get((edit.start, edit.end)) if not text else None
        operation = self.tree.parent.get(emptied) if emptied is not None else None
        if isinstance(operation, cst.BinaryOperation) and isinstance(operation.operator, cst.Add) and operation.right is emptied:
            # api + "/info" -> api, not api + ""
            return [self.tree.byte_edit(self.tree.span(operation.left)[1], self.tree.span(emptied)[1], "")]
        return [self.tree.byte_edit(edit.start, edit.end, text)]

    def promotable(self, edit: Edit) -> tuple[cst.SimpleString, str] | None:
        """The plain string an edit with a run-time value lands in, when it can become an f-string."""
        if not edit.context.startswith("py:") or "f" in edit.context.split(":")[1] or not any(isinstance(i, Hole) for i in edit.content):
            return None
        for (start, end), node in self.values.strings.items():
            if start <= edit.start and edit.end <= end and not set("{}\\") & set(node.value) and node.prefix.lower() in ("", "u"):
                flags, quote = edit.context.split(":")[1:]
                return node, f"py:{flags}f:{quote}"
        return None

    def rewrite_reads(self, work: Rewrite) -> None:
        """Rewrite the reads of the call's response; a use that cannot be is reported, and keeps the call on v1."""
        blockers = self.responses.rewrite(work)
        for blocker in blockers:
            if self.responses.first_report(work.rule.id, blocker):
                self.report(work.rule.id, Status.REVIEW, blocker.node, f"{work.rule.title} response: {blocker.problem}")
        if blockers:
            raise CannotRewrite(self.responses.blocked(work.call.node, blockers))

    # ---------------------------------------------------------------- whole file

    def settle_shared_variables(self) -> list[tuple[str, Fix]]:
        """Rewrite a constant's v1 base where every use migrates; elsewhere the calls alone."""

        def report_left(work: Rewrite, variable: str, where: str) -> None:
            self.report(work.rule.id, Status.REVIEW, work.call.node, frontend.shared_variable_message(work.rule, variable, where))

        marks = {path: ignored_lines(tree.source) for path, tree in self.tree.trees.items()}
        active = frontend.settle_shared_variables(
            self.rewrites,
            self.settings,
            lambda work: frontend.will_apply(
                work,
                self.tree.line_column(self.anchor.get(work.call.node, work.call.node)),
                self.settings,
                marks[self.tree.path_of(self.anchor.get(work.call.node, work.call.node))],
            ),
            self.uses_outside,
            self.rewrite_call_only,
            report_left,
        )
        self.migrating = {work.call.node for work in active}
        fixes = []
        for work in active:
            anchor = self.anchor.get(work.call.node, work.call.node)
            span = self.tree.byte_span(anchor)
            edits = [b for e in work.url_edits for b in self.render_edit(e)] + work.byte_edits
            position = self.tree.line_column(anchor)
            fix = frontend.migrated_fix(work.rule, position, span, edits, work.unsafe_reason)
            fixes.append((self.tree.path_of(anchor), fix))
        return fixes

    def rewrite_call_only(self, work: Rewrite, variable: str) -> bool:
        """Leave the constant as it is and strip its v1 base in the call:
        ``f"{API}/{p}/files"`` -> ``f"{API[:-7] if API.endswith('/api/v1') else API}/api/v2/projects/{p}/files_uri"``,
        ``API + "/" + p`` -> ``(API[:-7] if API.endswith("/api/v1") else API) + "/api/v2/projects/" + p``.
        """
        strip = frontend.base_strip(work.url_edits, work.match, variable, self.settings)
        if strip is None or not all(isinstance(item, str) for item in strip.after):
            return False
        anchor = strip.anchor
        added = strip.new_base + "".join(strip.after)  # type: ignore[arg-type]
        # str.removesuffix is Python 3.9's: a slice guarded by endswith runs on 3.8 too. It
        # reads the value twice, so only a name (API, self.base, cfg.API) is written so.
        if not _DOTTED.fullmatch(anchor.source):
            return False
        name, cut = anchor.source, f"[:-{len(strip.tail)}]"
        if anchor.context == EXPRESSION:
            text = f'({name}{cut} if {name}.endswith("{strip.tail}") else {name}) + "{added}"'
        elif anchor.context.startswith("py:") and "f" in anchor.context.split(":")[1]:
            quote = "'" if '"' in anchor.context.split(":", 2)[2] else '"'
            text = f"{{{name}{cut} if {name}.endswith({quote}{strip.tail}{quote}) else {name}}}{added}"
        else:
            return False
        edit = Edit(anchor.span[0], anchor.span[1], (text,), RAW, strip.via)
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
        homes = {
            self.tree.tree_at(edit.start).path
            for work in self.rewrites
            for edit in work.url_edits
            if holder(edit.via) is not None and any(via.name.split(".")[-1] == variable for via in edit.via)
        }
        # A plain name (``url = ...``) is not what an object's attribute of that name holds
        # (``err.url``); a module's attribute (``settings.API``) is the module's name. A
        # function's calls are uses however it is reached (``dm.url(path)`` of a method).
        plain = all(
            "." not in via.name
            for work in self.rewrites
            for edit in work.url_edits
            for via in edit.via
            if via.name.split(".")[-1] == variable
        )
        # "api()": the calls of api; "ENDPOINTS[info]": every read of ENDPOINTS.
        for use in self.tree.names.get(variable.removesuffix("()").split("[")[0], []):
            defined = self.tree.parent.get(use)
            if variable.endswith("()") and isinstance(defined, cst.FunctionDef) and defined.name is use:
                decorator = called_by_decorator(defined)
                if decorator is not None:  # it may call the function with text of its own
                    other = other or f"the decorator on line {self.tree.line_column(decorator)[0]}"
            if is_keyword(use, self.tree) or _is_assignment_target(use, self.tree) or _of_super(use, self.tree):
                continue
            if variable.endswith("()") and self.library_method(use):
                continue
            if plain and not variable.endswith("()") and self._attribute(use) and not self.of_module(use):
                continue
            start = self.tree.span(use)[0]
            if not self.may_be(use, homes):
                # An attribute (``cfg.api_base`` of a settings object made in another module)
                # is no name of its module: a call that stays on v1 through it still holds it.
                if not self._attribute(use) or not any(a <= start < b for a, b in [*held, *(s for s, _ in self.classified_urls)]):
                    continue
            line = f"line {self.tree.line_column(use)[0]}"
            if self.tree.path_of(use) not in homes:
                line += f" of {self.tree.path_of(use)}"
            # A use that a call staying on v1 goes through blocks, even if a migrating call
            # goes through it too (a wrapper both call): say which call.
            held_here = [(a, b) for a, b in held if a <= start < b]
            staying = [node for (a, b), node in self.classified_urls if a <= start < b]
            staying += [work.call.node for work in self.rewrites if any(span in held_here for span in work.url_spans)]
            if staying:
                call = self.anchor.get(staying[0], staying[0])
                ref = self.line_ref(call, self.tree.path_of(use))
                return f"the call {'at' if ':' in ref else 'on line'} {ref}, which stays on v1", None
            if held_here:
                return line, None
            if not any(a <= start < b for a, b in migrating):
                other = other or line
        by_name = self.read_by_name(variable.removesuffix("()").split("[")[0].split(".")[-1], homes)
        if by_name is not None:
            self.read_by_name_at[by_name[1]] = variable
            return by_name[0], None
        return None, other

    def read_by_name(self, name: str, homes: set[str]) -> tuple[str, cst.CSTNode] | None:
        """Where the run may read ``name`` by a string, which no use of the name shows:
        ``globals()``, ``vars()``, ``eval``, ``exec`` or ``sys.modules`` in the module that
        holds it, ``getattr`` of that name (or of a name not written out) anywhere,
        ``from home import *``, or a module imported by ``importlib``/``__import__``."""
        if self._by_name is None:
            self._by_name = list(self._readers_by_name())
        for kind, path, node, target in self._by_name:
            home = not homes or path in homes
            if kind == "getattr" and target not in (None, name):
                continue
            if kind in ("globals()", "vars()", "eval()", "exec()", "sys.modules") and not home:
                continue
            if kind == "import *" and not (target is None or not homes or target in homes):
                continue
            where = f"line {self.tree.line_column(node)[0]}" + (f" of {path}" if path else "")
            return f"{kind} on {where}, which may read it by name", node
        return None

    def _readers_by_name(self):
        """(kind, path, node, target) of each way the run reads names by a string: the name
        getattr reads (None when not written out), the module a star import reads."""
        for path, tree in self.tree.trees.items():
            for call in tree.calls:
                what = callee(call)
                if what in ("globals", "vars", "eval", "exec", "getattr") and isinstance(call.func, cst.Name):
                    if what != "getattr":
                        yield what + "()", path, call, None
                    elif len(call.args) >= 2:
                        literal = call.args[1].value
                        yield "getattr", path, call, literal.evaluated_value if isinstance(literal, cst.SimpleString) else None
                elif what in ("import_module", "__import__"):
                    yield what, path, call, None
            for use in tree.names.get("modules", []):
                parent = tree.parent.get(use)
                if isinstance(parent, cst.Attribute) and parent.attr is use and isinstance(parent.value, cst.Name) and parent.value.value == "sys":
                    yield "sys.modules", path, use, None
            for node in tree.star_imports:
                resolved = self.tree._resolve(dotted(node.module) if node.module else "", tree, len(node.relative))
                yield "import *", path, node, None if resolved is None else resolved.path

    def library_method(self, use: cst.Name) -> bool:
        """Whether a name is the method of an HTTP library's client or module
        (``self.http.get`` of a ``requests.Session()``, ``requests.get``), never a function of
        the run of that name."""
        if not self._attribute(use):
            return False
        owner = self.tree.parent[use].value  # type: ignore[attr-defined]
        scope = self.tree.scope_of.get(use) or self.tree.tree_of(use).module_scope
        if isinstance(owner, cst.Name) and owner.value in _LIBRARIES:
            found = self.tree.lookup(owner.value, scope)
            return len(found) == 1 and isinstance(found[0][0], cst.Import)
        origin = self.values.origin(owner, scope) if isinstance(owner, (cst.Name, cst.Attribute)) else None
        return origin is not None and isinstance(origin[0], cst.Call) and callee(origin[0]) in CLIENTS

    def of_module(self, use: cst.Name) -> bool:
        """Whether an attribute is read on a name imported (a module, or what may be one)."""
        owner = self.tree.parent[use].value  # type: ignore[attr-defined]
        if not isinstance(owner, cst.Name):
            return False
        found = self.tree.lookup(owner.value, self.tree.scope_of.get(use) or self.tree.tree_of(use).module_scope)
        return any(isinstance(node, (cst.Import, cst.ImportFrom, cst.Module)) for node, _ in found)

    def _attribute(self, use: cst.Name) -> bool:
        parent = self.tree.parent.get(use)
        return isinstance(parent, cst.Attribute) and parent.attr is use

    def may_be(self, use: cst.Name, homes: set[str]) -> bool:
        """Whether a name in another module may be the shared definition of the modules ``homes``:
        imported from one of them, or from a module the migrator cannot tell apart from them."""
        tree = self.tree.tree_of(use)
        if tree.path in homes:
            return True
        found = lookup(use.value, self.tree.scope_of.get(use) or tree.module_scope)
        imports = [node for node, _ in found if isinstance(node, (cst.Import, cst.ImportFrom))]
        if len(found) == 1 and found[0][0] is PARAMETER:
            # A test's parameter pytest fills with a fixture of another module (its conftest.py).
            fixture = self.values.flow.fixture_value(use.value, found[0][1])
            return fixture is not None and self.tree.path_of(fixture[0]) in homes
        if not imports:
            return False  # its own variable
        resolved = self.tree.imported(imports[0], use.value, found[0][1])
        if resolved is None:
            return True  # imported from a module the run cannot tell: it may be the one
        return any(self.tree.owns(node) and self.tree.path_of(node) in homes for node, _ in resolved)


def _of_super(name: cst.Name, tree: Tree) -> bool:
    """``super().request``: the base class's method, never the function of the run of that name
    (the override that calls it)."""
    parent = tree.parent.get(name)
    return isinstance(parent, cst.Attribute) and parent.attr is name and isinstance(parent.value, cst.Call) and callee(parent.value) == "super"


_LIBRARIES = {"requests", "httpx", "aiohttp"}
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def _is_assignment_target(name: cst.Name, tree: Tree) -> bool:
    """A name defined here (assigned, declared global, imported, a function, class or
    parameter): not a use of its value."""
    parent = tree.parent.get(name)
    if isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.Param, cst.ImportAlias)) and parent.name is name:
        return True
    if isinstance(parent, cst.Attribute) and parent.attr is name:
        parent = tree.parent.get(parent)
    return isinstance(parent, (cst.AssignTarget, cst.AnnAssign, cst.NameItem, cst.AsName))
