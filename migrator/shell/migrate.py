"""The shell front end: find DATAMIMIC v1 curl calls and the jq filters that read
their responses, and plan their v2 rewrite as byte edits.

Guide: "External API Endpoint Mapping" and "Complete Migration Examples".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from migrator import frontend
from migrator.config import Settings
from migrator.edits import ByteEdit, Fix, ignored_lines
from migrator.findings import Finding, Status
from migrator.frontend import CannotRewrite
from migrator.matching import Mapped, Possible, Unknown, classify
from migrator.responses import Field, map_access
from migrator.ruletable import Rule
from migrator.shell import body as bodies
from migrator.shell import jq
from migrator.shell.curl import Arg, CurlCall, arguments, parse_curl
from migrator.shell.words import (
    Variables,
    Words,
    parse,
    quote_word,
    render,
    static,
    text,
    walk,
)
from migrator.urls import Content, Edit, Flat, Hole, Literal, Piece, UrlMatch, collapse

NEWLINE = b"\n"
_SIMPLE_EXPANSION_BEFORE = re.compile(rb"(?<![\\$])\$[A-Za-z_][A-Za-z0-9_]*$")


class ParseError(Exception):
    pass


@dataclass
class _Rewrite:
    """One URL of one call on its way to a fix."""

    rule: Rule
    call: CurlCall
    url_spans: list[tuple[int, int]]
    match: UrlMatch
    url_edits: list[Edit] = field(default_factory=list)  # may reach into variables' assignments
    byte_edits: list[ByteEdit] = field(default_factory=list)  # bodies, forms, jq: all in the call
    unsafe_reason: str = ""

    def variables(self) -> set[str]:
        """The variables whose assignments the URL edits change."""
        return {edit.via[-1].name for edit in self.url_edits if edit.via}


def migrate(source: bytes, settings: Settings) -> tuple[list[Fix], list[Finding]]:
    """Plan the v2 rewrite of one shell script. Raises ParseError if it does not parse."""
    root = parse(source)
    if root.has_error:
        raise ParseError(f"line {_first_error(root)}: shell syntax error")
    return _Script(source, root, settings).run()


def _first_error(root: Node) -> int:
    """The line of the first syntax error, as a person would point at it."""
    for node in walk(root):
        if node.is_missing:
            return node.start_point[0] + 1
        if node.type == "ERROR":
            # An ERROR node may wrap good statements before the bad token: skip them.
            culprit = next((c for c in node.children if not c.is_named or c.has_error), node)
            return culprit.start_point[0] + 1
    return 1


def _position(node: Node) -> tuple[int, int, int]:
    return node.start_point[0] + 1, node.start_point[1] + 1, node.end_point[0] + 1


def _command_name(source: bytes, node: Node) -> str | None:
    name = node.child_by_field_name("name")
    return text(source, name) if name is not None else None


class _Script:
    def __init__(self, source: bytes, root: Node, settings: Settings) -> None:
        self.source = source
        self.root = root
        self.settings = settings
        self.variables = Variables.of(source, root)
        self.words = Words(source, self.variables)
        self.findings: list[Finding] = []
        self.rewrites: list[_Rewrite] = []
        self.newline = "\r\n" if b"\r\n" in source else "\n"

    def run(self) -> tuple[list[Fix], list[Finding]]:
        for node in walk(self.root):
            if node.type == "command" and _command_name(self.source, node) == "curl":
                self.curl(node)
        fixes = self.settle_shared_variables()
        self.check_messages()
        return fixes, self.findings

    # ---------------------------------------------------------------- findings

    def report(self, rule_id: str, status: Status, node: Node, message: str) -> None:
        found = frontend.finding(self.settings, rule_id, status, _position(node), message, text(self.source, node))
        if found is not None:
            self.findings.append(found)

    # ---------------------------------------------------------------- calls

    def curl(self, node: Node) -> None:
        call = parse_curl(self.words, node)
        enclosing = self.enclosing_functions(node)
        for url in call.urls:
            if not url.pieces:
                continue
            flat = Flat.of(url.pieces)
            found = classify(flat, call.method, self.settings, enclosing)
            if found is None:
                continue
            if isinstance(found, Possible):
                self.report("DM000", Status.POSSIBLE, node, frontend.possible_message(found))
            elif isinstance(found, Unknown):
                self.report(found.rule, Status.UNMAPPED if found.rule == "DM100" else Status.REVIEW, node, found.message)
            elif isinstance(found, Mapped) and self.settings.enabled(found.rule.id):
                self.rewrite(call, url, found)

    def enclosing_functions(self, node: Node) -> list[str]:
        names = []
        parent = node.parent
        while parent is not None:
            if parent.type == "function_definition":
                name = parent.child_by_field_name("name")
                if name is not None:
                    names.append(text(self.source, name))
            parent = parent.parent
        return names

    def rewrite(self, call: CurlCall, url: Arg, mapped: Mapped) -> None:
        rule = mapped.rule
        work = _Rewrite(rule, call, [(url.node.start_byte, url.end)], mapped.match)
        try:
            extra = self.path_params(work)
            if rule.request.changes_body:
                self.rewrite_body(work)
            if rule.request.form_add:
                self.add_form_fields(work)
            work.url_edits.extend(frontend.url_edits(mapped, self.settings, extra, self.sent_query(call)))
            for edit in work.url_edits:
                self.render_edit(edit)  # fails early on text that cannot be written back
            frontend.check_reads(self.rewrite_readers(work))
        except CannotRewrite as exc:
            self.report(rule.id, Status.REVIEW, call.node, frontend.review_message(rule, exc))
            return
        self.rewrites.append(work)

    def sent_query(self, call: CurlCall) -> str:
        """The query that curl -G builds from the data options."""
        if "get" not in call.flags:
            return ""
        return "&".join(Flat.of(arg.pieces).text for _, arg in call.data)

    def whole_word(self, start: int, end: int) -> bool:
        """Whether [start, end) is a whole word of the script (text in a bare word is escaped, not quoted)."""
        return _ends_word(self.source[start - 1 : start]) and _ends_word(self.source[end : end + 1])

    def render_edit(self, edit: Edit) -> ByteEdit:
        try:
            new = render(edit.content, edit.context, self.whole_word(edit.start, edit.end))
        except ValueError as exc:
            raise CannotRewrite(str(exc)) from None
        start, end = edit.start, edit.end
        if not new and self.empties_quotes(start, end):
            start, end = start - 1, end + 1  # "$HOST"'/info' -> "$HOST", not "$HOST"''
        expansion = _SIMPLE_EXPANSION_BEFORE.search(self.source[:start][-80:])
        if expansion and edit.context != "single" and re.match(r"[A-Za-z0-9_]", new):
            # Text glued to "$U" would rename the variable: "$U_uri" -> "${U}_uri".
            start -= len(expansion.group())
            new = "${" + expansion.group()[1:].decode() + "}" + new
        return ByteEdit(start, end, new.encode("utf-8", "surrogateescape"))

    def empties_quotes(self, start: int, end: int) -> bool:
        """Whether [start, end) is all of a quoted part of a longer word."""
        source = self.source
        if start < 1 or end >= len(source) or start == end:
            return False
        quote = source[start - 1 : start]
        if quote not in (b"'", b'"') or source[end : end + 1] != quote or source[start - 2 : start - 1] == b"\\":
            return False
        return not _ends_word(source[start - 2 : start - 1]) or not _ends_word(source[end + 1 : end + 2])

    # ---------------------------------------------------------------- requests

    def path_params(self, work: _Rewrite) -> dict[str, Content]:
        extra: dict[str, Content] = {}
        for name, source in work.rule.request.path_params:
            kind, _, key = source.partition(":")
            if kind == "upload":
                extra[name] = self.upload_name(work, key)
            else:
                body = self.json_body(work.call)
                if key not in body.value:
                    raise CannotRewrite(f"the body has no {key!r}")
                extra[name] = bodies.path_param(bodies.to_content(body, body.value[key]))
        return extra

    def upload_name(self, work: _Rewrite, field_name: str) -> Content:
        fields = [bodies.form_field(arg.pieces) for _, arg in work.call.forms]
        found = [f for f in fields if f is not None and f.name == field_name]
        if len(found) != 1:
            raise CannotRewrite(f"no single -F {field_name}=@path upload to take the file name from")
        value = found[0].value
        path_source = self._path_source(value)
        upload = bodies.upload_name(value, path_source)
        if isinstance(upload, str):
            raise CannotRewrite(upload)
        if upload.at_run_time:
            work.unsafe_reason = "the file name is taken from the upload's path at run time with basename"
        return upload.name

    def _path_source(self, value: list[Piece]) -> str:
        """The upload's path (after "@"), written for use inside double quotes."""
        flat = Flat.of(collapse(value))
        end = flat.text.find(";")
        return render(flat.content(1, len(flat.text) if end < 0 else end), "double")

    def json_body(self, call: CurlCall) -> bodies.JsonBody:
        if len(call.data) != 1:
            raise CannotRewrite("expected exactly one -d/--data/--json body")
        option, arg = call.data[0]
        if option == "data-urlencode":
            raise CannotRewrite("the body is URL-encoded")
        body = bodies.parse_json_body(arg.pieces)
        if isinstance(body, str):
            raise CannotRewrite(body)
        return body

    def rewrite_body(self, work: _Rewrite) -> None:
        request = work.rule.request
        body = self.json_body(work.call)
        value = dict(body.value)
        for _, source in request.path_params:
            kind, _, key = source.partition(":")
            if kind == "body":
                value.pop(key, None)
        for key in request.body_drop:
            value.pop(key, None)
        value = {dict(request.body_rename).get(k, k): v for k, v in value.items()}
        if value == body.value:
            return
        arg = work.call.data[0][1]
        style = "double" if arg.node.type == "string" else "single"
        new = quote_word(bodies.to_content(body, value), style)
        work.byte_edits.append(ByteEdit(arg.node.start_byte, arg.end, new.encode("utf-8", "surrogateescape")))

    def add_form_fields(self, work: _Rewrite) -> None:
        call = work.call
        present = {f.name for f in (bodies.form_field(arg.pieces) for _, arg in call.forms) if f is not None}
        missing = [(k, v) for k, v in work.rule.request.form_add if k not in present]
        if not missing:
            return
        if not call.forms:
            raise CannotRewrite("the upload has no -F form fields")
        last = call.forms[-1][1]
        flag = last.flag
        if flag is None or last.node.parent != call.node:
            raise CannotRewrite("the form fields are not written out in the call")
        gap = self.source[flag.prev_sibling.end_byte : flag.start_byte].decode() if flag.prev_sibling else " "
        if "\n" not in gap:
            gap = " "
        flag_text = text(self.source, flag)
        added = "".join(f"{gap}{flag_text} {quote_word((f'{k}={v}',), 'single')}" for k, v in missing)
        at = last.end
        work.byte_edits.append(ByteEdit(at, at, added.encode()))

    # ---------------------------------------------------------------- responses

    def rewrite_readers(self, work: _Rewrite) -> list[int]:
        """Rewrite the jq filters that read this call's response; the lines of those that cannot be."""
        rule = work.rule
        unreadable: list[int] = []
        if not rule.responses:
            return unreadable
        for reader in self.readers(work.call.node):
            pieces = [p for _, _, p in arguments(self.words, reader)]
            found = jq.find_filter([static(p) for p in pieces])
            if found is None:
                continue
            if found.problem:
                unreadable.append(self.report_read(rule, reader, found.problem))
                continue
            filter_pieces = pieces[found.index]
            literal = filter_pieces[0] if len(filter_pieces) == 1 else None
            if not isinstance(literal, Literal) or literal.offsets is None:
                unreadable.append(self.report_read(rule, reader, "the jq filter cannot be edited in place"))
                continue
            parsed = jq.parse_filter(literal.text)
            mapped = map_access(rule.responses, parsed.access)
            changed_fields = {m.v1.steps[0].name for m in rule.responses if m.v1.steps and isinstance(m.v1.steps[0], Field)}
            rest = literal.text[parsed.rest :] if mapped else literal.text
            if jq.reads_field(rest, changed_fields):
                unreadable.append(self.report_read(rule, reader, "the jq filter reads a changed field where the migrator cannot follow"))
                continue
            if mapped is None:
                continue
            if mapped.mapping.review:
                unreadable.append(self.report_read(rule, reader, mapped.mapping.review))
                continue
            transform = self.settings.table.transforms[mapped.mapping.transform].jq if mapped.mapping.transform else None
            new = jq.rewrite(literal.text, parsed, mapped, transform)
            start, end = literal.offsets[0], literal.offsets[-1]
            work.byte_edits.append(ByteEdit(start, end, render((new,), literal.context, self.whole_word(start, end)).encode()))
        return unreadable

    def report_read(self, rule: Rule, reader: Node, problem: str) -> int:
        self.report(rule.id, Status.REVIEW, reader, f"{rule.title} response: {problem}")
        return reader.start_point[0] + 1

    def readers(self, curl: Node) -> list[Node]:
        """The jq commands that read this curl's output: piped, or through a captured variable."""
        node = curl
        if node.parent is not None and node.parent.type == "pipeline":
            following = self.next_in_pipeline(node)
            if following is not None:
                return [following] if _command_name(self.source, following) == "jq" else []
            node = node.parent
        substitution = node.parent
        if substitution is None or substitution.type != "command_substitution":
            return []
        assignment = substitution.parent
        if assignment is None or assignment.type != "variable_assignment":
            return []
        name = text(self.source, assignment.child_by_field_name("name"))
        later = [a.start_byte for a in self.variables.assignments[name] if a.start_byte > assignment.start_byte]
        until = min(later, default=len(self.source))
        found = []
        for use in self.variables.uses.get(name, []):
            if not assignment.end_byte <= use.start_byte < until:
                continue
            reader = self.reader_of_use(use)
            if reader is not None:
                found.append(reader)
        return found

    def next_in_pipeline(self, command: Node) -> Node | None:
        sibling = command.next_named_sibling
        return sibling if sibling is not None and sibling.type == "command" else None

    def reader_of_use(self, use: Node) -> Node | None:
        """The jq that reads ``$var`` from ``echo "$var" | jq`` or ``jq ... <<< "$var"``."""
        node = use
        while node.parent is not None and node.type != "command" and node.type != "herestring_redirect":
            node = node.parent
        if node.type == "herestring_redirect":
            command = node.parent
            if command is not None and command.type == "command" and _command_name(self.source, command) == "jq":
                return command
            return None
        if node.type == "command" and _command_name(self.source, node) in ("echo", "printf"):
            if node.parent is not None and node.parent.type == "pipeline":
                following = self.next_in_pipeline(node)
                if following is not None and _command_name(self.source, following) == "jq":
                    return following
        return None

    # ---------------------------------------------------------------- whole file

    def settle_shared_variables(self) -> list[Fix]:
        """Rewrite a variable's v1 base where every use migrates; elsewhere the calls alone."""

        def report_left(work: _Rewrite, variable: str, where: str) -> None:
            self.report(work.rule.id, Status.REVIEW, work.call.node, frontend.shared_variable_message(work.rule, f"${variable}", where))

        marks = ignored_lines(self.source)
        active = frontend.settle_shared_variables(
            self.rewrites,
            self.settings,
            lambda work: frontend.will_apply(work, _position(work.call.node), self.settings, marks),
            self.uses_outside,
            self.rewrite_call_only,
            report_left,
        )
        fixes = []
        for work in active:
            span = (work.call.node.start_byte, work.call.node.end_byte)
            edits = [self.render_edit(e) for e in work.url_edits] + work.byte_edits
            fixes.append(frontend.migrated_fix(work.rule, _position(work.call.node), span, edits, work.unsafe_reason))
        return fixes

    def rewrite_call_only(self, work: _Rewrite, variable: str) -> bool:
        """Leave ``$variable`` as it is and strip its v1 base in the call:
        ``"$API/$P/files"`` -> ``"${API%/api/v1}/api/v2/projects/$P/files_uri"``.

        Possible when the call expands the variable directly and its value ends
        with the base (and an optional "/").
        """
        strip = frontend.base_strip(work.url_edits, work.match, variable, self.settings)
        if strip is None:
            return False
        # Text inserted right after "$API" joins the new expansion (so "$API" is not braced twice).
        expansion = Hole(f"${{{variable}%{strip.tail}}}", strip.anchor.span, strip.anchor.context)
        content = (expansion, strip.new_base, *strip.after)
        work.url_edits = [*strip.rest, Edit(strip.anchor.span[0], strip.anchor.span[1], content, strip.anchor.context)]
        return True

    def uses_outside(
        self, variable: str, migrating: list[tuple[int, int]], held: list[tuple[int, int]]
    ) -> tuple[str | None, str | None]:
        """Where ``variable`` is used by a call that does not migrate (a held call's URL is
        a curl URL like any other), and where by anything else."""
        blocked, other = self.offsets_outside(variable, migrating)

        def where(at: int | None) -> str | None:
            return None if at is None else f"line {self.source.count(NEWLINE, 0, at) + 1}"

        return where(blocked), where(other)

    def offsets_outside(self, variable: str, migrating: list[tuple[int, int]], depth: int = 0) -> tuple[int | None, int | None]:
        # An exported variable is read by every program the script starts: a use we cannot see.
        other = self.exported(variable)
        for use in self.variables.uses.get(variable, []):
            if any(start <= use.start_byte < end for start, end in migrating):
                continue
            inside = self.enclosing_assignment(use)
            if inside is not None and depth < 8:
                name = text(self.source, inside.child_by_field_name("name"))
                blocked, deeper = self.offsets_outside(name, migrating, depth + 1)
                if blocked is not None:
                    return blocked, None
                other = other if other is not None else deeper
                continue
            if self.in_curl_url(use):
                return use.start_byte, None
            other = use.start_byte if other is None else other
        return None, other

    def exported(self, variable: str) -> int | None:
        for assignment in self.variables.assignments.get(variable, []):
            declaration = assignment.parent
            if declaration is not None and declaration.type == "declaration_command":
                keyword = text(self.source, declaration.children[0])
                flags = [text(self.source, c) for c in declaration.children if c.type == "word"]
                if keyword == "export" or any(f.startswith("-") and "x" in f for f in flags):
                    return declaration.start_byte
        return None

    def enclosing_assignment(self, node: Node) -> Node | None:
        parent = node.parent
        while parent is not None and parent.type in ("string", "concatenation", "expansion"):
            parent = parent.parent
        if parent is not None and parent.type == "variable_assignment":
            return parent
        return None

    def in_curl_url(self, node: Node) -> bool:
        parent = node.parent
        while parent is not None and parent.type != "command":
            parent = parent.parent
        return parent is not None and _command_name(self.source, parent) == "curl"

    def check_messages(self) -> None:
        """Code that compares v1's wording of a response message."""
        migrated = {w.rule.id: w.rule for w in self.rewrites}
        for rule in migrated.values():
            for message in rule.messages:
                start = self.source.find(message.encode())
                while start != -1:
                    line = self.source.count(b"\n", 0, start) + 1
                    if self.settings.enabled(rule.id):
                        self.findings.append(
                            Finding(rule.id, Status.REVIEW, line, 1, f"compares v1's message {message!r}, which v2 words differently")
                        )
                    start = self.source.find(message.encode(), start + 1)


def _ends_word(char: bytes) -> bool:
    return not char.strip() or char in b";|&()<>`"
