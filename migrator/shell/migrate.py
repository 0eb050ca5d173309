"""The shell front end: find DATAMIMIC v1 requests (curl, and the wrapper functions and
command variables around it), follow their responses to the jq filters that read
them, and plan their v2 rewrite as byte edits.

A request is migrated only when it can be whole: its URL, its body, and every use
of its response (``flow``). A definition several requests share (a base variable, a
wrapper function's text, a jq filter they all feed) changes only when every one of
them migrates with its fix written; otherwise each request strips the base itself
with an expansion bash evaluates, or stays on v1 and is reported.

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
from migrator.ruletable import Rule
from migrator.shell import body as bodies
from migrator.shell import jqread
from migrator.shell.curl import Arg, CurlCall, command_words, curl_call, wget_call
from migrator.shell.flow import Flow, Reader, Sink
from migrator.shell.script import Script, parse_tolerant
from migrator.shell.words import Frame, Words, defaulted, parse, quote_word, render, static, text, walk
from migrator.urls import HOLE_MARK, Content, Edit, Flat, Hole, Literal, Piece, UrlMatch, collapse, find_base, match_template

NEWLINE = b"\n"
_SIMPLE_EXPANSION_BEFORE = re.compile(rb"(?<![\\$])\$[A-Za-z_][A-Za-z0-9_]*$")
MAX_WRAPPER_DEPTH = 6
REQUESTS = {"curl": curl_call, "wget": wget_call}  # the commands read as requests
# Commands that read no variable of the environment the script exports (a script that runs
# only these keeps its exports to itself; anything else may read them).
KNOWN_TOOLS = frozenset("""
    curl jq echo printf cat grep egrep fgrep sed awk cut tr sort uniq head tail wc tee mkdir rm rmdir cp mv ls test [ [[
    true false exit return set export local unset read sleep date basename dirname find unzip zip tar gzip gunzip
    base64 sha256sum sha1sum md5sum column seq cd pwd touch chmod ln readlink realpath mktemp trap shift wait : source .
    declare typeset readonly getopts let eval printenv stat diff cmp comm paste nl fold od xxd hexdump file du df
    break continue case if for while until
""".split())
# A script tree-sitter-bash cannot read in full (zsh syntax, bash it does not know) is still
# migrated where it parses; past this share of its text in error regions it is refused.
MAX_ERROR_SHARE = 0.3


class ParseError(Exception):
    pass


@dataclass(eq=False)
class Invocation:
    """One request: a curl command, reached directly or through wrapper functions."""

    curl: Node  # the curl command (in a wrapper's body, or the site itself)
    frame: Frame | None  # the innermost wrapper call being followed
    outer: Node  # the outermost call: where the request happens in the script's order
    call: CurlCall
    site: Node | None = None  # the command that writes the request's endpoint path (for findings)

    def __post_init__(self) -> None:
        if self.site is None:
            self.site = self.outer

    @property
    def functions(self) -> list[Node]:
        out = []
        frame = self.frame
        while frame is not None:
            out.append(frame.function)
            frame = frame.caller
        return out


@dataclass(eq=False)
class _Rewrite:
    """One URL of one request on its way to a fix."""

    rule: Rule
    inv: Invocation
    url: Arg
    match: UrlMatch
    url_edits: list[Edit] = field(default_factory=list)  # may reach into variables' assignments
    byte_edits: list[ByteEdit] = field(default_factory=list)  # bodies, forms, jq
    unsafe_reason: str = ""
    shared: set[str] = field(default_factory=set)  # wrapper texts the edits change ("dm_api()")
    shared_edits: dict[str, frozenset] = field(default_factory=dict)  # per wrapper text: the edits in it
    readers: list[Node] = field(default_factory=list)  # jq commands whose filter it rewrites
    url_spans: list[tuple[int, int]] = field(default_factory=list)
    pinned: set[str] = field(default_factory=set)  # variables it strips itself: they must keep v1

    def variables(self) -> set[str]:
        """The variables (and wrapper texts) whose definitions the URL edits change."""
        return {edit.via[-1].name for edit in self.url_edits if edit.via} | self.shared


def migrate(
    source: bytes,
    settings: Settings,
    segments: list[tuple[int, int]] | None = None,
    foreign: bytes = b"",
    outside: frozenset[str] = frozenset(),
    names: list[str] | None = None,
    pieces: list[tuple[int, int]] | None = None,
    lines: list[list[int]] | None = None,
    elsewhere: frozenset[str] = frozenset(),
    held_by: tuple[tuple[str, int], ...] = (),
) -> tuple[list[Fix], list[Finding]]:
    """Plan the v2 rewrite of one shell script.

    ``segments``: parts of the text that are files of their own (sourced files joined into
    one unit); ``pieces``: the parts parsed each on its own (a file, a block); ``foreign``: the rest of a host file, which may read
    files the script writes; ``outside``: variables defined where a shell expansion
    cannot strip them (a Makefile's); ``elsewhere``: variables code outside the script may
    read; ``held_by``: (variable, line) of calls outside the script that use the variable and
    stay on v1 (a CI file's Python step). Raises ParseError if the script does not parse.
    """
    segments = segments or [(0, len(source))]
    roots, errors = parse_tolerant(source, pieces or segments)
    unread = sum(end - start for start, end in errors)
    if any(root.has_error for root in roots) or unread > MAX_ERROR_SHARE * max(len(source.strip()), 1):
        raise ParseError(f"line {_first_error(parse(source))}: shell syntax error")
    script = Script.of(source, roots, segments, errors)
    migration = _Migration(script, settings, foreign, outside, names or [], lines or [])
    migration.elsewhere = elsewhere
    migration.held_by = held_by
    return migration.run()


def migrate_check(source: bytes) -> None:
    """Raise ParseError when the shell code does not parse."""
    root = parse(source)
    if root.has_error:
        raise ParseError(f"line {_first_error(root)}: shell syntax error")


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


def _line_of(source: bytes, offset: int) -> int:
    return source.count(NEWLINE, 0, offset) + 1


class _Migration:
    def __init__(
        self, script: Script, settings: Settings, foreign: bytes, outside: frozenset[str], names: list[str], lines: list[list[int]]
    ) -> None:
        self.names = names  # the files the segments come from, for line numbers in messages
        self.lines = lines  # per segment: the line of its file each of its lines is
        self.script = script
        self.source = script.source
        self.settings = settings
        self.outside = outside
        self.words = Words(self.source, script)
        self.flow = Flow(script, self.words, foreign)
        self.findings: list[Finding] = []
        self.rewrites: list[_Rewrite] = []
        self.invocations: list[Invocation] = []
        self.followed: list[tuple[int, int]] = []  # source spans of the URLs classified
        self.span_users: dict[tuple[int, int], list[Invocation]] = {}  # expansion span -> requests through it
        self.planned: dict[int, _Rewrite] = {}  # id(invocation) -> its rewrite
        self.reader_users: dict[int, list[Invocation]] = {}  # jq command -> requests it reads
        self.blocked: dict[int, str] = {}  # id(invocation) -> why it stays on v1
        self.quiet: set[int] = set()  # lines of requests whose rule is not selected: nothing to say
        self.possible: set[int] = set()  # id(invocation) of requests not taken for DATAMIMIC's
        self._programs: bool | None = None
        self.classified: set[int] = set()  # id(invocation) of requests whose URL is a v1 URL
        self.elsewhere: frozenset[str] = frozenset()  # variables code the unit does not hold reads
        self.held_by: tuple[tuple[str, int], ...] = ()  # calls outside the unit that keep a variable's v1 value

    # ---------------------------------------------------------------- run

    def run(self) -> tuple[list[Fix], list[Finding]]:
        self.invocations = self.find_invocations()
        self.flow.writers = [(_chain(inv), arg.pieces) for inv in self.invocations for arg in inv.call.outputs]
        for inv in self.invocations:
            self.request(inv)
        self.shell_strings()
        self.settle_readers()
        fixes = self.settle_shared_variables()
        for _ in range(4):
            if not self.settle_readers():
                break
            fixes = self.settle_shared_variables()
        self.check_messages()
        self.no_silent_misses(fixes)
        # A request through a function called from two places is reported once where it is written.
        unique = list(dict.fromkeys((f.rule, f.status, f.line, f.column, f.message, f.before, f.after, f.end_line) for f in self.findings))
        return fixes, [Finding(*key[:5], before=key[5], after=key[6], end_line=key[7]) for key in unique]

    # ---------------------------------------------------------------- findings

    def ref(self, offset: int, seen_from: int | None = None) -> str:
        """A line as a person finds it: its number in its own file, and the file's name when
        the message is about another file of the unit."""
        segment = self.script.segment_of(offset)
        start = self.script.segments[segment][0]
        line = self.source.count(NEWLINE, start, offset) + 1
        if segment < len(self.lines) and 0 < line <= len(self.lines[segment]):
            line = self.lines[segment][line - 1]
        if seen_from is not None and self.names and self.script.segment_of(seen_from) != segment:
            return f"{line} of {self.names[segment]}"
        return str(line)

    def report(self, rule_id: str, status: Status, node: Node, message: str) -> None:
        found = frontend.finding(self.settings, rule_id, status, _position(node), message, text(self.source, node))
        if found is not None:
            self.findings.append(found)

    # ---------------------------------------------------------------- requests

    def find_invocations(self) -> list[Invocation]:
        """Every curl the script runs: at its own place, or at each call of the wrapper
        functions (functions whose request takes their arguments) that lead to it."""
        wrappers = self.wrappers()
        # A wrapper nothing in the run calls is read on its own: its arguments are unknown.
        wrappers = {w for w in wrappers if self.script.calls_of(w)}
        found: list[Invocation] = []
        for command in self.script.commands:
            function = self.script.function_of(command)
            if function is not None and self._inside_wrapper(command, wrappers):
                continue
            name, args = command_words(self.words, command)
            if name in REQUESTS:
                found.append(Invocation(command, None, command, REQUESTS[name](command, args)))
            elif name is not None:
                definition = self.script.definition(name, command.start_byte)
                if definition is not None and definition in wrappers:
                    found.extend(self.expand(command, definition, args, None, wrappers))
        return found

    def _inside_wrapper(self, command: Node, wrappers: set[Node]) -> bool:
        parent = command.parent
        while parent is not None:
            if parent.type == "function_definition" and parent in wrappers:
                return True
            parent = parent.parent
        return False

    def expand(self, call: Node, function: Node, args: list, caller: Frame | None, wrappers: set[Node]) -> list[Invocation]:
        frame = Frame(function, tuple(args), call, caller)
        if frame.depth() > MAX_WRAPPER_DEPTH:
            return []
        words = self.words.at(frame)
        out: list[Invocation] = []
        for command in self.script.commands:
            if not (function.start_byte <= command.start_byte < function.end_byte) or self.script.function_of(command) != function:
                continue
            name, inner_args = command_words(words, command)
            if name in REQUESTS:
                out.append(Invocation(command, frame, _outermost(frame), REQUESTS[name](command, inner_args)))
            elif name is not None:
                definition = self.script.definition(name, command.start_byte)
                if definition is not None and definition in wrappers and definition != function:
                    out.extend(self.expand(command, definition, inner_args, frame, wrappers))
        return out

    def wrappers(self) -> set[Node]:
        """Functions whose request takes their arguments: ``dm_api GET /files``."""
        positional: set[Node] = set()
        for name, uses in self.script.uses.items():
            if name.isdigit() or name in ("@", "*"):
                positional.update(u.function for u in uses if u.function is not None)
        requesting: set[Node] = set()
        changed = True
        while changed:
            changed = False
            for command in self.script.commands:
                function = self.script.function_of(command)
                if function is None or function in requesting:
                    continue
                name = self.script.command_name(command)
                head = command.child_by_field_name("name")
                named_by_variable = head is not None and name is None
                target = self.script.definition(name, command.start_byte) if name else None
                if name in REQUESTS or named_by_variable or (target is not None and target in requesting):
                    requesting.add(function)
                    changed = True
        return {f for f in requesting if f in positional}

    def enclosing_names(self, inv: Invocation) -> list[str]:
        """Names of the code around a request, whose evidence a base without a name of its own borrows."""
        names = []
        for node in (inv.curl, inv.site):
            parent = node.parent
            while parent is not None:
                if parent.type == "function_definition":
                    names.append(self.script.function_name(parent))
                parent = parent.parent
        return names

    def request(self, inv: Invocation) -> None:
        call = inv.call
        context = self.enclosing_names(inv)
        for url in call.urls:
            if not url.pieces:
                continue
            flat = Flat.of(url.pieces)
            found = classify(flat, call.method, self.settings, [*context, *self.alternatives(url.pieces)])
            if found is None:
                self.unreadable_base(inv, url)
                continue
            inv.site = self.path_site(inv, flat)
            self.classified.add(id(inv))
            self.follow(inv, url)
            if isinstance(found, Possible):
                self.possible.add(id(inv))
                self.block(inv, "DM000", Status.POSSIBLE, self.possible_message(found, flat, call.method))
            elif isinstance(found, Unknown):
                rule_id, status = found.rule, Status.UNMAPPED if found.rule == "DM100" else Status.REVIEW
                self.block(inv, rule_id, status, self.unknown_message(found, flat, call.method))
            elif isinstance(found, Mapped) and self.settings.enabled(found.rule.id):
                self.rewrite(inv, url, found)
            elif isinstance(found, Mapped):
                self.blocked[id(inv)] = "its rule is not selected"
                self.quiet.update(range(inv.site.start_point[0] + 1, inv.site.end_point[0] + 2))

    def unreadable_base(self, inv: Invocation, url: Arg) -> None:
        """A URL whose variable is assigned in code that does not parse, with the v1 base there:
        the request cannot be read, and is reported (``typeset base=.../api/v1/$p`` in zsh)."""
        for piece in url.pieces:
            if not isinstance(piece, Hole) or not piece.name:
                continue
            found = self.script.assigned_in_error(piece.name)
            unseen = self.script.assigned_unseen(piece.name) if found is None else None
            if unseen is not None and self.holds_v1_base(piece.name, unseen[1]):
                at = self.ref(unseen[0], inv.outer.start_byte)
                message = f"its URL comes from ${piece.name}, which line {at} also sets in a way the migrator cannot follow: migrate it by hand"
                self.block(inv, "DM003", Status.REVIEW, message)
                return
            if found is not None and self.settings.table.v1_base.encode() in found[1]:
                at = self.ref(found[0], inv.outer.start_byte)
                message = f"its URL comes from ${piece.name} on line {at}, which does not parse: migrate it by hand"
                self.block(inv, "DM003", Status.REVIEW, message)
                self.followed.append((found[0], found[0] + len(found[1]) + len(piece.name) + 1))
                return

    def holds_v1_base(self, name: str, unseen: bytes) -> bool:
        """The v1 base is in an assignment of ``name``, seen or not."""
        base = self.settings.table.v1_base.encode()
        return base in unseen or any(base in self.source[a.start : a.end] for a in self.script.assignments.get(name, []))

    def path_site(self, inv: Invocation, flat: Flat) -> Node:
        """The command that writes the request's endpoint-specific path (the text after the
        project id): a wrapper's call site (``dm_api GET /files``), or the curl itself."""
        base = find_base(flat, self.settings.table.v1_base) + len(self.settings.table.v1_base)
        slash = flat.text.find("/", base + 1)
        at = slash + 1 if slash >= 0 and slash + 1 < len(flat.text) else base + 1
        if at >= len(flat.text):
            return inv.outer
        piece = flat.pieces[flat.where[at][0]]
        if piece.via:
            offset = piece.via[0].span[0]
        elif isinstance(piece, Literal) and piece.offsets:
            offset = piece.offsets[flat.where[at][1]]
        elif isinstance(piece, Hole):
            offset = piece.span[0]
        else:
            return inv.outer
        candidates = [inv.curl]
        frame = inv.frame
        while frame is not None:
            candidates.append(frame.call)
            frame = frame.caller
        return next((node for node in candidates if node.start_byte <= offset < node.end_byte), inv.outer)

    def block(self, inv: Invocation, rule_id: str, status: Status, message: str) -> None:
        self.blocked[id(inv)] = message
        self.report(rule_id, status, inv.site, message)

    def follow(self, inv: Invocation, url: Arg) -> None:
        """Remember what a classified URL is made of: its text (no silent misses) and the
        expansions it came through (the one-plan rule)."""
        for piece in url.pieces:
            # The expansion written at the call (or in a wrapper's text) is this request's use;
            # expansions inside a variable's value are that variable's, followed through it.
            if piece.via:
                self.span_users.setdefault(piece.via[0].span, []).append(inv)
            for via in piece.via:
                self.followed.append(via.span)
            if isinstance(piece, Literal) and piece.offsets:
                self.followed.append((piece.offsets[0], piece.offsets[-1]))
            elif isinstance(piece, Hole):
                if not piece.via:
                    self.span_users.setdefault(piece.span, []).append(inv)
                self.followed.append(piece.span)

    def alternatives(self, pieces: list[Piece]) -> list[str]:
        """The text of every value a base variable assigned more than once may hold
        (``URL=${DATAMIMIC_URL:-...}`` and ``URL=$OPTARG``): evidence its name alone lacks."""
        out = []
        for piece in pieces:
            if isinstance(piece, Hole) and piece.name and not piece.name.isdigit():
                for assignment in self.script.assignments.get(piece.name, [])[:4]:
                    out.extend(text(self.source, node) for node in assignment.value)
        return out

    def possible_message(self, found: Possible, flat: Flat, method: str | None) -> str:
        """DM000's guess takes the method into account (POST .../files is a create, not a list)."""
        if found.rule is not None and method is not None and method not in found.rule.methods:
            better = self._guess(flat, method)
            found = Possible(better, found.match, found.reason)
        return frontend.possible_message(found)

    def _guess(self, flat: Flat, method: str) -> Rule | None:
        table = self.settings.table
        base = find_base(flat, table.v1_base)
        candidates = [(rule.v1.literal_count, rule) for rule in table.rules if method in rule.methods and match_template(flat, base, table.v1_base, rule.v1)]
        return max(candidates, key=lambda c: c[0])[1] if candidates else None

    def unknown_message(self, found: Unknown, flat: Flat, method: str | None) -> str:
        """"no v2 mapping" only for a path that is known: a path computed at run time says so."""
        table = self.settings.table
        base = find_base(flat, table.v1_base)
        path = flat.text[base + len(table.v1_base) :].split("?")[0]
        segments = path.split("/")[1:]
        computed = any(seg.count(HOLE_MARK) > 1 or (HOLE_MARK in seg and (k > 0 or seg != HOLE_MARK)) for k, seg in enumerate(segments))
        run_time = found.rule == "DM003" or (found.message.startswith("no v2 mapping") and ":" not in found.message)
        if run_time and (computed or not segments):
            holes = [p.source for p in flat.pieces if isinstance(p, Hole)]
            shown = flat.text[base:].split("?")[0].replace(HOLE_MARK, "{…}")
            guess = ""
            if method is not None:
                rules = [r for r in table.rules if method in r.methods]
                if rules:
                    guess = f"; a {method} may be one of: " + ", ".join(sorted({r.id for r in rules}))
            return (
                f"the path {shown} is only known at run time ({', '.join(holes[-2:])}), so the call cannot be "
                f"matched to a v2 endpoint: migrate it by hand{guess}"
            )
        return found.message

    # ---------------------------------------------------------------- rewriting

    def rewrite(self, inv: Invocation, url: Arg, mapped: Mapped) -> None:
        rule = mapped.rule
        call = inv.call
        work = _Rewrite(rule, inv, url, mapped.match)
        work.url_spans = [s for p in url.pieces for s in _piece_spans(p)]
        try:
            self.check_parsed(inv, url)
            self.check_tool(inv, rule)
            extra = self.path_params(work)
            if rule.request.changes_body:
                self.rewrite_body(work)
            if rule.request.form_add:
                self.add_form_fields(work)
            work.url_edits.extend(frontend.url_edits(mapped, self.settings, extra, self.sent_query(call)))
            for edit in work.url_edits:
                self.render_edit(edit)  # fails early on text that cannot be written back
            self.check_remote_name(work)
            frontend.check_reads(self.plan_reads(work))
            self.mark_shared(work)
        except CannotRewrite as exc:
            self.block(inv, rule.id, Status.REVIEW, frontend.review_message(rule, exc))
            return
        self.rewrites.append(work)
        self.planned[id(inv)] = work

    def check_parsed(self, inv: Invocation, url: Arg) -> None:
        """A request in (or built in) code tree-sitter cannot read is not rewritten: its
        words may not be what they seem."""
        for node in _chain(inv):
            at = self.script.error_at(node.start_byte, node.end_byte)
            if at is not None:
                raise CannotRewrite(f"the shell on line {self.ref(at, inv.site.start_byte)} around it does not parse")
        for piece in url.pieces:
            for via in piece.via:
                name = via.name.split("@")[0]
                for assignment in self.script.assignments.get(name, []):
                    at = self.script.error_at(assignment.start, assignment.end)
                    if at is not None:
                        raise CannotRewrite(f"its URL comes from line {self.ref(at, inv.site.start_byte)}, which does not parse")
                at = self.script.named_in_error(name)
                if at is not None:
                    raise CannotRewrite(f"line {self.ref(at, inv.site.start_byte)}, which does not parse, may change {via.source}")

    def check_tool(self, inv: Invocation, rule: Rule) -> None:
        """A curl config file (-K) may set the method, a body, the output or another URL: a
        call reading one is not understood from its command line alone. wget's request is
        rewritten only in its URL: a GET whose body and form stay as they are."""
        call = inv.call
        if call.tool == "wget":
            if "unfollowed" in call.flags:
                raise CannotRewrite("wget also takes URLs, commands or options from elsewhere (-i, -e, --config, -r)")
            if call.method not in ("GET", "HEAD") or rule.request.changes_body or rule.request.form_add:
                raise CannotRewrite("the migrator rewrites only the URL of a wget call, and this request changes more")
        if inv.call.configs:
            named = ", ".join(self.source[arg.node.start_byte : arg.end].decode("utf-8", "replace") for arg in inv.call.configs)
            raise CannotRewrite(
                f"curl also reads its options from {named} (-K), which may set its method, body, output or "
                "another URL, and the migrator does not read curl config files"
            )

    def mark_shared(self, work: _Rewrite) -> None:
        """An edit inside a wrapper's text changes it for every call of the wrapper: that text
        (the command holding it) is shared like a variable, and every request through it must
        migrate and make the same edits there. Named ``function()#offset``."""
        edits = [self.render_edit(e) for e in work.url_edits if not e.via] + work.byte_edits
        found: dict[str, set] = {}
        for edit in edits:
            holder = self.shared_text(work.inv, edit.start)
            if holder is not None:
                found.setdefault(holder, set()).add(edit)
        work.shared = set(found)
        work.shared_edits = {name: frozenset(items) for name, items in found.items()}

    def shared_text(self, inv: Invocation, offset: int) -> str | None:
        """The wrapper text an offset of this request is in, if the request reaches it through a call."""
        for node, function in zip(_chain(inv), inv.functions):
            if function.start_byte <= offset < function.end_byte:
                return f"{self.script.function_name(function)}()#{node.start_byte}"
        return None

    def check_remote_name(self, work: _Rewrite) -> None:
        """curl -O names the file after the URL's last segment, which v2 may change."""
        if "remote-name" not in work.inv.call.flags and "remote-header-name" not in work.inv.call.flags:
            return
        old, new = work.rule.v1.segments[-1:], work.rule.v2.segments[-1:]
        if old != new:
            raise CannotRewrite("curl -O names the saved file after the URL's last segment, which v2 changes")

    def sent_query(self, call: CurlCall) -> str:
        """The query curl adds to the URL's: --url-query's parts, and with -G the data options."""
        sent = [arg for arg in call.queries] + ([arg for _, arg in call.data] if "get" in call.flags else [])
        return "&".join(Flat.of(arg.pieces).text.lstrip("+") for arg in sent)

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
        elif not new and self.whole_word(start, end) and start != end:
            new = '""'  # dm_api GET /info -> dm_api GET "": the argument stays, empty
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

    # ---------------------------------------------------------------- request parts

    def path_params(self, work: _Rewrite) -> dict[str, Content]:
        extra: dict[str, Content] = {}
        for name, source in work.rule.request.path_params:
            kind, _, key = source.partition(":")
            if kind == "upload":
                extra[name] = self.upload_name(work, key)
            else:
                extra[name] = bodies.path_param(self.json_body(work).content(key))
        return extra

    def upload_name(self, work: _Rewrite, field_name: str) -> Content:
        fields = [bodies.form_field(arg.pieces) for _, arg in work.inv.call.forms]
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

    def json_body(self, work: _Rewrite) -> _Body:
        """Where the request's JSON body is written, as a person wrote it: the -d argument, a
        heredoc or here-string on -d @-, a jq -n piped in, a variable or a substitution that
        holds one of those (``body=$(jq -n --arg ...)``, ``payload=$(cat <<EOF ...)``)."""
        call = work.inv.call
        if len(call.data) != 1:
            raise CannotRewrite("expected exactly one -d/--data/--json body")
        option, arg = call.data[0]
        if option == "data-urlencode":
            raise CannotRewrite("the body is URL-encoded")
        text_value = static(arg.pieces)
        if text_value == "@-":
            return self.stdin_body(work)
        if text_value is None and len(arg.pieces) == 1 and isinstance(arg.pieces[0], Hole):
            return self.computed_body(arg.pieces[0], arg)
        head = arg.pieces[0] if arg.pieces else None
        if isinstance(head, Literal) and head.text.startswith("@"):
            raise CannotRewrite("the body is read from a file")
        if len(arg.pieces) == 1 and isinstance(head, Literal) and head.via and head.offsets:
            # -d "$body" with body='{...}': the assignment's text
            return self.text_body(arg.pieces, head.offsets[0], head.offsets[-1], head.context)
        if any(p.via for p in arg.pieces):
            raise CannotRewrite("the body is built elsewhere and may be shared")
        style = "double" if arg.node.type == "string" else "single"
        return self.text_body(arg.pieces, arg.node.start_byte, arg.end, "word-" + style)

    def text_body(self, pieces: list[Piece], start: int, end: int, where: str) -> _Body:
        body = bodies.parse_json_body(pieces)
        if isinstance(body, str):
            raise CannotRewrite(body)
        return _Body(body, start, end, where)

    def stdin_body(self, work: _Rewrite) -> _Body:
        """-d @-: what the request reads on stdin (the call's own, or its wrapper call's)."""
        for node in _chain(work.inv):
            statement = node.parent if node.parent is not None and node.parent.type == "redirected_statement" else None
            for child in ([*statement.children[1:]] if statement is not None else []) + list(node.children):
                if child.type == "heredoc_redirect":
                    return self.heredoc_body(child)
                if child.type == "herestring_redirect":
                    word = next((c for c in child.children if c.type not in ("<<<",)), None)
                    if word is not None:
                        return self.text_body(self.words.joined([word]), word.start_byte, word.end_byte, "word-" + ("double" if word.type == "string" else "single"))
            holder = statement if statement is not None else node
            pipeline = holder.parent
            if pipeline is not None and pipeline.type == "pipeline":
                previous = None
                for child in pipeline.children:
                    if child == holder:
                        break
                    if child.type not in ("|", "|&"):
                        previous = child
                if previous is not None and previous.type == "command":
                    return self.jq_body(previous, "the body piped in")
                raise CannotRewrite("the body is piped in from a command the migrator does not read")
        raise CannotRewrite("the body is read from stdin, which the migrator does not see")

    def heredoc_body(self, redirect: Node) -> _Body:
        start_node = next((c for c in redirect.children if c.type == "heredoc_start"), None)
        body = next((c for c in redirect.children if c.type == "heredoc_body"), None)
        if start_node is None or body is None:
            raise CannotRewrite("the heredoc has no body")
        quoted = text(self.source, start_node)[:1] in ("'", '"') or "\\" in text(self.source, start_node)
        if quoted:
            raw = self.source[body.start_byte : body.end_byte]
            pieces: list[Piece] = [Literal(raw.decode("utf-8", "surrogateescape"), None, "heredoc")]
        else:
            pieces = self.heredoc_pieces(body)
        where = "heredoc-quoted" if quoted else "heredoc"
        if text(self.source, redirect).startswith("<<-"):
            raise CannotRewrite("a <<- heredoc strips tabs the migrator would have to keep")
        return self.text_body(pieces, body.start_byte, body.end_byte, where)

    def heredoc_pieces(self, body: Node) -> list[Piece]:
        """An unquoted heredoc's text and expansions (its text as written, holes for $...)."""
        out: list[Piece] = []
        position = body.start_byte
        for child in body.children:
            if child.type not in ("simple_expansion", "expansion", "command_substitution"):
                continue
            if child.start_byte > position:
                out.append(Literal(self.source[position : child.start_byte].decode("utf-8", "surrogateescape"), None, "heredoc"))
            out.append(Hole(text(self.source, child), (child.start_byte, child.end_byte), "double", None))
            position = child.end_byte
        if body.end_byte > position:
            out.append(Literal(self.source[position : body.end_byte].decode("utf-8", "surrogateescape"), None, "heredoc"))
        return out

    def computed_body(self, hole: Hole, arg) -> _Body:
        """-d "$body" / -d "$(jq -n ...)": the command that builds it."""
        source = hole.source
        if source.startswith("$(") and hole.span != (0, 0):
            node = self.script.root_at(hole.span[0]).descendant_for_byte_range(hole.span[0], hole.span[1])
            while node is not None and node.type != "command_substitution":
                node = node.parent
            if node is not None:
                return self.substitution_body(node)
        name = hole.name
        if name and not name.isdigit():
            assignments = [a for a in self.script.visible_assignments(name, hole.span[0]) if a.kind != "declare"]
            if len(assignments) == 1 and len(assignments[0].value) == 1:
                value = assignments[0].value[0]
                inner = value
                if value.type == "string":
                    parts = [c for c in value.children if c.type not in ('"',)]
                    inner = parts[0] if len(parts) == 1 else value
                if inner.type == "command_substitution":
                    return self.substitution_body(inner)
                pieces = self.words.joined([value])
                quoted = value.type in ("raw_string", "string")
                start = value.start_byte + (1 if quoted else 0)
                end = value.end_byte - (1 if quoted else 0)
                return self.text_body(pieces, start, end, "word-" + ("single" if value.type == "raw_string" else "double") + "-inner")
        raise CannotRewrite("the body is built at run time")

    def substitution_body(self, substitution: Node) -> _Body:
        commands = [c for c in substitution.children if c.type not in ("$(", ")", "`")]
        if len(commands) != 1:
            raise CannotRewrite("the body is built at run time")
        command = commands[0]
        statement = command
        if command.type == "redirected_statement" and command.children:
            command = command.children[0]
        name = self.script.command_name(command) if command.type == "command" else None
        if name == "cat" and statement.type == "redirected_statement":
            redirect = next((c for c in statement.children if c.type == "heredoc_redirect"), None)
            if redirect is not None:
                return self.heredoc_body(redirect)
        if name == "jq":
            return self.jq_body(command, "the body")
        raise CannotRewrite("the body is built at run time")

    def jq_body(self, command: Node, what: str) -> _Body:
        """``jq -n --arg o "$old" '{old_name: $o, new_name: $n}'``: the object the filter builds."""
        from migrator.shell.jq import jq_command
        from migrator.shell.jqlang import JqSyntaxError, parse as parse_jq

        name = self.script.command_name(command)
        if name != "jq":
            raise CannotRewrite(f"{what} comes from {name or 'a command'}, which the migrator does not read")
        args = command_words(self.words, command)[1]
        jq = jq_command(args)
        if jq.filter is None or jq.problem or not jq.null_input:
            raise CannotRewrite(f"{what} is built by a jq filter the migrator does not read")
        pieces = args[jq.filter][2]
        literal = pieces[0] if len(pieces) == 1 else None
        if not isinstance(literal, Literal) or literal.offsets is None or literal.via:
            raise CannotRewrite(f"{what} is built by a jq filter computed at run time")
        try:
            root = parse_jq(literal.text)
        except JqSyntaxError:
            raise CannotRewrite(f"{what} is built by a jq filter that does not parse") from None
        while root.kind == "paren":
            root = root.children[0]  # type: ignore[assignment]
        if root.kind != "object":
            raise CannotRewrite(f"{what} is built by a jq filter that is not an object")
        return _Body(None, literal.offsets[0], literal.offsets[-1], "jq", jq_root=root, jq_text=literal.text,
                     jq_args={n: args[i][2] for n, (how, i) in jq.bound.items() if how == "arg"},
                     context=literal.context, whole=self.whole_word(literal.offsets[0], literal.offsets[-1]))

    def rewrite_body(self, work: _Rewrite) -> None:
        request = work.rule.request
        body = self.json_body(work)
        drop = {key for _, source in request.path_params for kind, _, key in [source.partition(":")] if kind == "body"}
        drop |= set(request.body_drop)
        edits = body.edits(drop, dict(request.body_rename))
        work.byte_edits.extend(edits)

    def _in_site(self, inv: Invocation, offset: int) -> bool:
        """Whether ``offset`` is in text written for this request alone (not a shared wrapper)."""
        return not any(f.start_byte <= offset < f.end_byte for f in inv.functions)

    def add_form_fields(self, work: _Rewrite) -> None:
        call = work.inv.call
        present = {f.name for f in (bodies.form_field(arg.pieces) for _, arg in call.forms) if f is not None}
        missing = [(k, v) for k, v in work.rule.request.form_add if k not in present]
        if not missing:
            return
        if not call.forms:
            raise CannotRewrite("the upload has no -F form fields")
        last = call.forms[-1][1]
        flag = last.flag
        if flag is None or flag.parent is None or flag.parent.type != "command":
            raise CannotRewrite("the form fields are not written out in the call")
        gap = self.source[flag.prev_sibling.end_byte : flag.start_byte].decode() if flag.prev_sibling else " "
        if "\n" not in gap:
            gap = " "
        flag_text = text(self.source, flag)
        added = "".join(f"{gap}{flag_text} {quote_word((f'{k}={v}',), 'single')}" for k, v in missing)
        at = last.end
        work.byte_edits.append(ByteEdit(at, at, added.encode()))

    # ---------------------------------------------------------------- responses

    def sinks(self, inv: Invocation) -> list[Sink]:
        """Where the body of the response goes."""
        call = inv.call
        if call.outputs:
            out: list[Sink] = []
            for output in call.outputs:
                out.extend(self.flow.file(output.pieces, inv.curl, inv.frame, 0))
            return out
        return self.flow.stdout_of(inv.curl, inv.frame)

    def plan_reads(self, work: _Rewrite) -> list[int]:
        """Plan the rewrite of the jq filters that read this response; the lines of the
        uses that cannot be migrated (each also reported where it is)."""
        rule = work.rule
        if not rule.responses:
            return []
        unreadable: list[int] = []
        transforms = {name: t.jq for name, t in self.settings.table.transforms.items()}
        for sink in self.sinks(work.inv):
            if sink.reader is not None:
                self.reader_users.setdefault(sink.reader.command.start_byte, []).append(work.inv)
            if sink.kind in ("shown", "discarded", "status"):
                continue
            if sink.kind == "unknown":
                unreadable.append(self.report_use(rule, work.inv, sink.node, sink.why, sink.at))
                continue
            reader = sink.reader
            assert reader is not None
            problem = self.plan_reader(work, reader, transforms)
            if problem:
                unreadable.append(self.report_use(rule, work.inv, reader.command, problem))
        return unreadable

    def plan_reader(self, work: _Rewrite, reader: Reader, transforms: dict[str, str]) -> str | None:
        jq = reader.jq
        if jq.problem:
            return jq.problem
        if jq.changes_input and not reader.origin:
            return f"{jq.changes_input} changes how the response is read"
        if jq.filter is None:
            return None if not reader.origin else "jq is given the response and no filter"
        at = self.script.error_at(reader.command.start_byte, reader.command.end_byte)
        if at is not None:
            return f"the jq command on line {self.ref(at)} does not parse in full"
        args = command_words(self.words.at(reader.frame), reader.command)[1]
        pieces = args[jq.filter][2]
        literal = pieces[0] if len(pieces) == 1 else None
        if not isinstance(literal, Literal) or literal.offsets is None:
            return "the jq filter is computed at run time"
        if literal.via:
            return "the jq filter is kept in a variable"
        bound = {reader.origin: reader.how} if reader.origin else {}
        plan = jqread.plan_reads(literal.text, {reader.origin: work.rule.responses}, transforms, bound)
        if plan.problems:
            return "; ".join(plan.problems)
        if plan.passes:
            # jq . / jq -c .: the answer goes on, and where it is read further that read is v1's
            further = [s for s in self.flow.stdout_of(reader.command, reader.frame) if s.kind not in ("shown", "discarded", "status")]
            if further:
                return f"jq passes the whole answer on, and it is read further (line {self.ref(further[0].node.start_byte)})"
        if not plan.edits:
            return None
        new = plan.apply(literal.text)
        start, end = literal.offsets[0], literal.offsets[-1]
        work.byte_edits.append(ByteEdit(start, end, render((new,), literal.context, self.whole_word(start, end)).encode()))
        work.readers.append(reader.command)
        return None

    def report_use(self, rule: Rule, inv: Invocation, where: Node, problem: str, at: int | None = None) -> int:
        offset = where.start_byte if at is None else at
        same = _line_of(self.source, inv.site.start_byte) == _line_of(self.source, offset)
        call = "" if same else f" (the call on line {self.ref(inv.site.start_byte, offset)})"
        message = f"{rule.title} response{call}: {problem}"
        if at is None:
            self.report(rule.id, Status.REVIEW, where, message)
        else:
            line = _line_of(self.source, at)
            column = at - (self.source.rfind(NEWLINE, 0, at) + 1) + 1
            found = frontend.finding(self.settings, rule.id, Status.REVIEW, (line, column, line), message)
            if found is not None:
                self.findings.append(found)
        return self.ref(offset, inv.site.start_byte)  # type: ignore[return-value]

    def settle_readers(self) -> bool:
        """A jq filter several requests feed is rewritten only if all of them migrate by the
        same rule; otherwise the ones that would rewrite it stay on v1 too. Whether anything changed."""
        removed = False
        changed = True
        while changed:
            changed = False
            for start, users in self.reader_users.items():
                editing = [u for u in users if id(u) in self.planned and any(r.start_byte == start for r in self.planned[id(u)].readers)]
                if not editing:
                    continue
                rules = {self.planned[id(u)].rule.id if id(u) in self.planned else None for u in users}
                if len(rules) == 1 and None not in rules:
                    continue
                for user in editing:
                    line = self.ref(start, user.site.start_byte)
                    work = self.planned.pop(id(user))
                    if work in self.rewrites:
                        self.rewrites.remove(work)
                    reason = f"the jq filter on line {line} also reads the response of a call that stays on v1 or changes otherwise"
                    self.block(user, work.rule.id, Status.REVIEW, frontend.review_message(work.rule, CannotRewrite(reason)))
                    changed = removed = True
        return removed

    # ---------------------------------------------------------------- shared definitions

    def settle_shared_variables(self) -> list[Fix]:
        """Rewrite a variable's v1 base where every use migrates; elsewhere the calls alone."""

        def report_left(work: _Rewrite, variable: str, where: str) -> None:
            self.planned.pop(id(work.inv), None)
            where = re.sub("\x00(\\d+)\x00", lambda m: self.ref(int(m.group(1)), work.inv.site.start_byte), where)
            if "()#" in variable:
                message = (
                    f"{work.rule.title}: it goes through {variable.split('#')[0]}, which the call on {where} also goes through "
                    "and which stays on v1 (or needs other changes there): migrate them by hand together"
                )
            elif variable.split("@")[0] not in self.script.assignments and defaulted(self.source, variable.split("@")[0]) is not None:
                message = (
                    f"{work.rule.title}: its v1 base is the default of ${{{variable.split('@')[0]}:-...}}, whose value may come "
                    "from the environment; the call cannot strip it there: migrate by hand"
                )
            elif variable in self.outside:
                message = (
                    f"{work.rule.title}: its v1 base is in the make variable {variable}, which the call on {where} "
                    "also uses and which stays on v1; a recipe cannot strip a make variable itself: migrate by hand"
                )
            else:
                message = frontend.shared_variable_message(work.rule, f"${variable.split('@')[0]}", where)
            self.block(work.inv, work.rule.id, Status.REVIEW, message)

        marks = ignored_lines(self.source)
        applies = {id(w): frontend.will_apply(w, _position(w.inv.site), self.settings, marks) for w in self.rewrites}
        active = frontend.settle_shared_variables(
            self.rewrites,
            self.settings,
            lambda work: applies[id(work)],
            lambda variable, migrating, held: self.uses_outside(variable, applies),
            self.rewrite_call_only,
            report_left,
        )
        self.rewrites = list(active)
        for work in list(self.planned.values()):
            if work not in self.rewrites:
                del self.planned[id(work.inv)]
        fixes = []
        for work in active:
            span = (work.inv.site.start_byte, work.inv.site.end_byte)
            edits = [self.render_edit(e) for e in work.url_edits] + work.byte_edits
            if edits and not any(span[0] <= e.start <= span[1] for e in edits):
                span = (min(e.start for e in edits), max(e.end for e in edits))  # all in a wrapper: show that
            fixes.append(frontend.migrated_fix(work.rule, _position(work.inv.site), span, edits, work.unsafe_reason))
        return fixes

    def migrates(self, inv: Invocation, applies: dict[int, bool]) -> bool:
        work = self.planned.get(id(inv))
        return work is not None and work in self.rewrites and applies.get(id(work), False)

    def uses_outside(self, variable: str, applies: dict[int, bool], seen_from: int | None = None) -> tuple[str | None, str | None]:
        """Where ``variable`` (or a wrapper's text, ``name()``) is used by a request that does not
        migrate, and where by anything else."""
        blocked, other = self.offsets_outside(variable, applies)

        def where(at: int | None) -> str | None:
            return None if at is None else f"line \x00{at}\x00"  # written as a line once the reader is known

        return where(blocked), where(other)

    def offsets_outside(self, variable: str, applies: dict[int, bool], depth: int = 0) -> tuple[int | None, int | None]:
        if "()#" in variable:
            start = int(variable.rsplit("#", 1)[1])
            users = [inv for inv in self.invocations if start in {n.start_byte for n in _chain(inv)}]
            edits = set()
            for inv in users:
                if not self.migrates(inv, applies):
                    return _site(inv).start_byte, None
                edits.add(self.planned[id(inv)].shared_edits.get(variable, frozenset()))
            if len(edits) > 1:
                return _site(users[-1]).start_byte, None  # the calls need different changes there
            return None, None
        for work in self.planned.values():
            if variable in work.pinned:
                return _site(work.inv).start_byte, None
        name, _, scope = variable.partition("@")
        hidden = self.script.named_in_error(name)
        if hidden is None:
            hidden = self.script.hidden_use(name)  # in a string run later, or read through ${!ref}
        if hidden is not None:
            return hidden, None  # a use in code that does not parse is a use we cannot see
        other = self.exported(name)
        if other is None:
            other = defaulted(self.source, name)  # the environment may set it: a use we cannot see
        for use in self.script.uses.get(name, []):
            if scope and (use.function is None or self.script.function_name(use.function) != scope):
                continue
            if self.script.in_error(use.start, use.end):
                return use.start, None
            users = self.span_users.get((use.node.start_byte, use.end)) or self.span_users.get((use.start, use.end))
            if users:
                for inv in users:
                    if not self.migrates(inv, applies):
                        return _site(inv).start_byte, None
                continue
            inside = self.enclosing_assignment(use.start)
            if inside is not None and depth < 8:
                blocked, deeper = self.offsets_outside(inside, applies, depth + 1)
                if blocked is not None:
                    return blocked, None
                other = other if other is not None else deeper
                continue
            other = use.start if other is None else other
        return None, other

    def exported(self, variable: str) -> int | None:
        """An exported variable is read by every program the script starts: a use we cannot see,
        when the script starts a program (other than the tools and functions it is made of)."""
        for assignment in self.script.assignments.get(variable, []):
            if assignment.exported and (self.starts_programs() or variable in self.elsewhere):
                return assignment.start
        return None

    def starts_programs(self) -> bool:
        if self._programs is None:
            self._programs = any(
                name is not None and name not in KNOWN_TOOLS and not self.script.functions.get(name)
                or name is None
                for name in (self.script.command_name(c) for c in self.script.commands)
            )
        return self._programs

    def enclosing_assignment(self, offset: int) -> str | None:
        """The variable whose assigned value holds ``offset``."""
        for name, assignments in self.script.assignments.items():
            for assignment in assignments:
                if assignment.value and assignment.value[0].start_byte <= offset < assignment.value[-1].end_byte:
                    if assignment.local and assignment.function is not None:
                        return f"{name}@{self.script.function_name(assignment.function)}"
                    return name
        return None

    def rewrite_call_only(self, work: _Rewrite, variable: str) -> bool:
        """Leave ``$variable`` as it is and strip its v1 base in the call:
        ``"$API/$P/files"`` -> ``"${API%/api/v1}/api/v2/projects/$P/files_uri"``, and for a value
        that holds more than the base (``API=$URL/api/v1/$PROJECT``) ``"${API%%/api/v1/*}/api/v2/projects/$PROJECT/..."``.

        Possible when the call's own word expands the variable (not a wrapper's shared text),
        and every variable the v2 path takes from the value still holds, at the call, what
        it held when the value was assigned.
        """
        if "()#" in variable or variable.split("@")[0] in self.outside:
            return False
        strip = _Strip.of(work, self)
        if strip is None:
            return False
        work.url_edits, work.pinned = strip
        return True

    # ---------------------------------------------------------------- whole file

    def check_messages(self) -> None:
        """Code that compares v1's wording of a response message."""
        migrated = {w.rule.id: w.rule for w in self.rewrites}
        for rule in migrated.values():
            for message in rule.messages:
                start = self.source.find(message.encode())
                while start != -1:
                    line = _line_of(self.source, start)
                    if self.settings.enabled(rule.id):
                        self.findings.append(
                            Finding(rule.id, Status.REVIEW, line, 1, f"compares v1's message {message!r}, which v2 words differently")
                        )
                    start = self.source.find(message.encode(), start + 1)

    def no_silent_misses(self, fixes: list[Fix]) -> None:
        """Every v1 URL left in the text ends the run with a finding on its line: a base kept
        for the requests that stay on v1 (or for other readers), or one no request uses."""
        table = self.settings.table
        changed = [(e.start, e.end) for fix in fixes for e in fix.edits]
        covered = {line for f in self.findings for line in range(f.line, max(f.line, f.end_line) + 1)}
        covered |= {line for fix in fixes for line in range(fix.finding.line, max(fix.finding.line, fix.finding.end_line) + 1)}
        covered |= self.quiet
        base = table.v1_base.encode()
        start = self.source.find(base)
        while start != -1:
            end = start + len(base)
            line = _line_of(self.source, start)
            after = self.source[end : end + 1]
            if after not in (b"/", b"", b"?", b"#", b'"', b"'", b"\n", b" ", b"\\", b"}", b")", b"`", b";"):
                start = self.source.find(base, start + 1)
                continue
            if line not in covered and not any(a <= start + len(base) - 1 < max(b, a + 1) for a, b in changed):
                finding = self.unmigrated_base(start, line)
                if finding is not None:
                    self.findings.append(finding)
                    covered.add(line)
            start = self.source.find(base, start + 1)

    def unmigrated_base(self, offset: int, line: int) -> Finding | None:
        followed = any(a <= offset < b for a, b in self.followed)
        column = offset - (self.source.rfind(NEWLINE, 0, offset) + 1) + 1
        position = (line, column, line)
        if self.script.error_at(offset, offset + 1) is not None:
            if not self._evidence_at(offset):
                if b"datamimic" not in self.source.lower():
                    return None
                return frontend.unfollowed_finding(self.settings, position, False, "in code that does not parse")
            message = "a DATAMIMIC v1 URL in code tree-sitter-bash cannot read (zsh, or bash it does not know): migrate it by hand"
            return frontend.finding(self.settings, "DM003", Status.REVIEW, position, message)
        if followed:
            variable = self.enclosing_assignment(offset)
            shown = f"${variable.split('@')[0]}" if variable else "this URL"
            using = [inv for inv in self.invocations if id(inv) in self.classified and self._uses_offset(inv, offset)]
            held = sorted({self.ref(inv.site.start_byte, offset) for inv in using if id(inv) in self.blocked}, key=_natural)
            if variable:
                held = sorted({*held, *(str(line) for name, line in self.held_by if name == variable.split("@")[0])}, key=_natural)
            if using and all(id(inv) in self.possible for inv in using):
                lines = ", ".join(map(str, held))
                message = f"a v1 URL of the call{'s' if len(held) > 1 else ''} on line {lines}, not taken for DATAMIMIC's: left alone"
                return frontend.finding(self.settings, "DM000", Status.POSSIBLE, position, message)
            if held:
                why = f"the call{'s' if len(held) > 1 else ''} on line {', '.join(map(str, held))} that use{'s' if len(held) == 1 else ''} it stay{'s' if len(held) == 1 else ''} on v1"
            elif variable and self.exported(variable.split("@")[0]) is not None:
                why = "it is exported to the programs the script starts (the calls strip it themselves)"
            elif variable and defaulted(self.source, variable.split("@")[0]) is not None:
                why = "its value may come from the environment (the calls strip it themselves)"
            else:
                why = "something other than the migrated calls uses it (they strip it themselves)"
            message = f"the v1 base in {shown} stays: {why}; migrate it by hand when they are"
            return frontend.finding(self.settings, "DM003", Status.REVIEW, position, message)
        evidence = self._evidence_at(offset)
        if not evidence and b"datamimic" not in self.source.lower():
            return None  # a file that says nothing of DATAMIMIC: another service's URL
        return frontend.unfollowed_finding(self.settings, position, evidence, self._where(offset))

    def _uses_offset(self, inv: Invocation, offset: int) -> bool:
        for url in inv.call.urls:
            for piece in url.pieces:
                if isinstance(piece, Literal) and piece.offsets and piece.offsets[0] <= offset < piece.offsets[-1]:
                    return True
        return False

    def _where(self, offset: int) -> str:
        node = self.script.root_at(offset).descendant_for_byte_range(offset, offset + 1)
        while node is not None and node.type not in ("comment", "variable_assignment", "command", "heredoc_body", "string", "raw_string"):
            node = node.parent
        if node is None:
            return "here"
        return {"comment": "in a comment", "variable_assignment": "in an assignment", "heredoc_body": "in a heredoc"}.get(node.type, "here")

    def shell_strings(self) -> None:
        """A curl in a string run by another shell (``xargs sh -c '... curl "$1/files/{}"' _ "$API"``)
        is not followed: reported on its line when a DATAMIMIC v1 URL goes into it."""
        for command in self.script.commands:
            if self.script.command_name(command) not in ("xargs", "sh", "bash", "zsh", "dash", "ksh", "env", "timeout", "nohup"):
                continue
            words = [c for c in command.children if c.type in ("word", "raw_string", "string", "concatenation", "simple_expansion", "number")]
            texts = [text(self.source, w) for w in words]
            if "-c" not in texts:
                continue
            at = texts.index("-c") + 1
            if at >= len(words) or b"curl" not in self.source[words[at].start_byte : words[at].end_byte]:
                continue
            script = words[at]
            datamimic = any(self._evidence_at(self.source.find(self.settings.table.v1_base.encode(), w.start_byte, w.end_byte))
                            for w in words[at:] if self.settings.table.v1_base.encode() in self.source[w.start_byte : w.end_byte])
            if not datamimic:
                continue
            start = script.start_byte
            while True:
                found = self.source.find(b"curl", start, script.end_byte)
                if found < 0:
                    break
                line = _line_of(self.source, found)
                column = found - (self.source.rfind(NEWLINE, 0, found) + 1) + 1
                message = "this curl runs in a shell started with -c, with a DATAMIMIC v1 URL given to it: migrate it by hand"
                finding = frontend.finding(self.settings, "DM003", Status.REVIEW, (line, column, line), message)
                if finding is not None:
                    self.findings.append(finding)
                start = found + 4

    def _evidence_at(self, offset: int) -> bool:
        """Whether the v1 URL's own base says DATAMIMIC: read as the word it is in (its
        variables followed), or as the text before /api/v1 on its line."""
        from migrator.matching import evidence, names_datamimic

        if offset < 0:
            return False
        node = self.script.root_at(offset).descendant_for_byte_range(offset, offset + 1)
        while node is not None and node.parent is not None and node.parent.type in ("string", "concatenation"):
            node = node.parent
        if node is not None and node.type in ("string", "concatenation", "word", "raw_string"):
            pieces = self.words.joined([node])
            flat = Flat.of(pieces)
            base = find_base(flat, self.settings.table.v1_base)
            if base >= 0:
                context = [self.script.function_name(f) for f in [self.script.function_of(node)] if f is not None]
                return evidence(flat, base, self.settings, context) is None

        line_start = self.source.rfind(NEWLINE, 0, offset) + 1
        before = self.source[line_start:offset].decode("utf-8", "replace")
        base = re.split(r"[\s\"'=(]", before)[-1] if before else ""
        if any(i and i.split("://")[-1].rstrip("/") in before for i in self.settings.instances):
            return True
        return names_datamimic(base, self.settings.table.evidence)


# ------------------------------------------------------------------ bodies


@dataclass
class _Body:
    """A JSON body where it is written: JSON text (an argument, a heredoc, a variable's
    value), or a jq -n object construction."""

    json: bodies.JsonBody | None
    start: int
    end: int
    where: str  # word-single | word-double | ...-inner | heredoc | heredoc-quoted | jq
    jq_root: object = None
    jq_text: str = ""
    jq_args: dict = field(default_factory=dict)
    context: str = ""
    whole: bool = False

    def keys(self) -> list[str]:
        if self.json is not None:
            return list(self.json.value)
        return [entry.name for entry in self.jq_root.children]  # type: ignore[union-attr]

    def content(self, key: str) -> Content:
        """The value of a body key, as text and holes to put in a URL path."""
        if self.json is not None:
            if key not in self.json.value:
                raise CannotRewrite(f"the body has no {key!r}")
            return bodies.to_content(self.json, self.json.value[key])
        for entry in self.jq_root.children:  # type: ignore[union-attr]
            if entry.name != key:
                continue
            value = entry.children[1]
            if value is None and entry.value == "var":
                value = entry.children[0]
            if value is not None and value.kind == "var" and value.name in self.jq_args:
                return tuple(collapse(self.jq_args[value.name]))
            if value is not None and value.kind == "string" and not value.children and not value.name:
                return ("".join(value.value),)
            raise CannotRewrite(f"the body's {key!r} is computed by jq")
        raise CannotRewrite(f"the body has no {key!r}")

    def edits(self, drop: set[str], rename: dict[str, str]) -> list[ByteEdit]:
        if self.json is not None:
            value = {rename.get(k, k): v for k, v in self.json.value.items() if k not in drop}
            if value == self.json.value:
                return []
            new = bodies.to_content(self.json, value)
            return [ByteEdit(self.start, self.end, _write_body(new, self.where).encode("utf-8", "surrogateescape"))]
        return self._jq_edits(drop, rename)

    def _jq_edits(self, drop: set[str], rename: dict[str, str]) -> list[ByteEdit]:
        entries = list(self.jq_root.children)  # type: ignore[union-attr]
        text = self.jq_text
        kept = [e for e in entries if e.name not in drop]
        if len(kept) == len(entries) and not any(e.name in rename for e in entries):
            return []
        parts = []
        for entry in kept:
            written = text[entry.start : entry.end]
            if entry.name in rename:
                if entry.value != "ident" or entry.children[1] is None:
                    raise CannotRewrite(f"the body's {entry.name!r} is not written as name: value")
                written = rename[entry.name] + written[len(entry.name) :]
            parts.append(written)
        first, last = entries[0], entries[-1]
        separator = ", "
        if len(entries) > 1:
            gap = text[entries[0].end : entries[1].start]
            separator = gap if gap.strip() == "," else ", "
        new = text[: first.start] + separator.join(parts) + text[last.end :]
        return [ByteEdit(self.start, self.end, render((new,), self.context, self.whole).encode("utf-8", "surrogateescape"))]


def _write_body(content: Content, where: str) -> str:
    if where.startswith("heredoc"):
        text = "".join(item if isinstance(item, str) else item.source for item in content)
        return text if text.endswith("\n") else text + "\n"
    style = "double" if "double" in where else "single"
    if where.endswith("-inner"):
        return render(content, style)
    return quote_word(content, style)


# ------------------------------------------------------------------ per-call strips


class _Strip:
    """The call-only rewrite of a base variable: the call's expansion of it is written anew
    as an expansion that strips the v1 part, followed by the v2 path."""

    @staticmethod
    def of(work: _Rewrite, migration: _Migration) -> tuple[list[Edit], set[str]] | None:
        match = work.match
        flat = match.flat
        table = migration.settings.table
        piece_index, _ = flat.where[match.base_start]
        base_piece = flat.pieces[piece_index]
        if not base_piece.via:
            return None
        anchor = base_piece.via[0]
        if not migration._in_site(work.inv, anchor.span[0]):
            return None
        if not re.fullmatch(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?", anchor.source):
            return None  # ${API:-...}: a strip would drop its default
        name = anchor.name.split("@")[0]
        # The flat range the anchor's value covers.
        inside = [k for k, (index, _) in enumerate(flat.where) if anchor in flat.pieces[index].via]
        first, last = inside[0], inside[-1] + 1
        value = flat.text[first:last]
        base_at = match.base_start - first
        tail = value[base_at:]
        v1 = table.v1_base
        # "${API%/api/v*}": the shortest end that starts with the API's version, whatever the
        # value holds after it (a project, a task); it reads the same if API is moved to v2 later.
        if (tail in (v1, v1 + "/") or tail.startswith(v1 + "/")) and value.count(v1.rstrip("0123456789")) == 1:
            expression = f"${{{name}%{v1.rstrip('0123456789')}*}}"
        else:
            return None
        # What comes after the anchor in the call must be one run of text in the anchor's quoting.
        end = anchor.span[1]
        for k in range(last, len(flat.text)):
            piece = flat.pieces[flat.where[k][0]]
            if piece.via:
                if piece.via[0].context != anchor.context or piece.via[0].span[0] < anchor.span[1]:
                    return None
                end = max(end, piece.via[0].span[1])
            elif isinstance(piece, Literal) and piece.offsets and piece.context == anchor.context:
                end = max(end, piece.offsets[flat.where[k][1] + 1])
            elif isinstance(piece, Hole) and piece.context == anchor.context:
                end = max(end, piece.span[1])
            else:
                return None
        if migration.source[anchor.span[1] : end].count(b'"') or migration.source[anchor.span[1] : end].count(b"'"):
            return None
        chain = base_piece.via
        content = _v2_content(work, migration, anchor, chain)
        if content is None:
            return None
        # Variables the v2 path takes from the value must still hold the same at the call;
        # a value that ends with the project (API=$URL/api/v1/$P) gives it itself: ${API#*/api/v*/}.
        unstable = [
            item for item in content
            if isinstance(item, Hole) and item.span != (0, 0) and not anchor.span[1] <= item.span[0] < end and not _stable(migration, item, anchor)
        ]
        if unstable:
            project = match.bindings.get("project_id")
            segment = value[base_at + len(v1) + 1 :]
            if project is None or "/" in segment or not segment or project != (first + base_at + len(v1) + 1, last):
                return None
            pattern = v1.rstrip("0123456789") + "*/"
            own = Hole(f"${{{name}#*{pattern}}}", anchor.span, anchor.context)
            content = tuple(own if item in unstable else item for item in content)
        pinned = {via.name for k in range(first, last) for via in flat.pieces[flat.where[k][0]].via}
        return [Edit(anchor.span[0], end, (Hole(expression, anchor.span, anchor.context), *content), anchor.context)], pinned


def _written(flat: Flat, start: int, end: int, anchor, chain: tuple) -> list:
    """flat[start:end] as text and holes to write at the call: what came through the base's
    variables (``chain``) as their text, any other expansion (``$PROJECT`` in the value,
    ``$name`` in the call) as written."""
    out: list = []
    for k in range(start, end):
        index, _ = flat.where[k]
        piece = flat.pieces[index]
        outer = next((v for v in piece.via if v not in chain), None)
        if outer is not None:
            if not (out and isinstance(out[-1], Hole) and out[-1].span == outer.span):
                out.append(Hole(outer.source, outer.span, outer.context, outer.name.split("@")[0]))
        elif isinstance(piece, Hole):
            if not (out and isinstance(out[-1], Hole) and out[-1].span == piece.span):
                out.append(Hole(piece.source, piece.span, piece.context, piece.name))
        else:
            out.append(flat.text[k])
    return out


def _v2_content(work: _Rewrite, migration: _Migration, anchor, chain: tuple) -> Content | None:
    """The v2 URL from its base on, as text and holes to write at the call."""
    match = work.match
    flat = match.flat
    rule = work.rule
    table = migration.settings.table
    try:
        extra = migration.path_params(work)
    except CannotRewrite:
        return None
    out: list = [table.v2_base]
    for segment in rule.v2.segments:
        out.append("/")
        if isinstance(segment, str):
            out.append(segment)
        elif segment.name in match.bindings:
            a, b = match.bindings[segment.name]
            out.extend(_written(flat, a, b, anchor, chain))
        else:
            out.extend(extra[segment.name])
    query_text = flat.text[match.path_end :]
    out.extend(_written(flat, match.path_end, len(flat.text), anchor, chain))
    sent = migration.sent_query(work.inv.call)
    query = f"{match.query}&{sent}"
    missing = [f"{k}={v}" for k, v in rule.request.query_defaults if not re.search(rf"(^|&){re.escape(k)}=", query)]
    if missing and HOLE_MARK in query:
        return None
    if missing:
        out.append(("&" if query_text.startswith("?") and match.query else "?" if not query_text.startswith("?") else "") + "&".join(missing))
    merged: list = []
    for item in out:
        if isinstance(item, str) and merged and isinstance(merged[-1], str):
            merged[-1] += item
        elif item != "":
            merged.append(item)
    return tuple(merged)


def _stable(migration: _Migration, hole: Hole, anchor) -> bool:
    """Whether an expansion inside a base's value (``$PROJECT``) gives the same value at the call
    as when the base was assigned: every variable it names has the same assignments visible."""
    names = re.findall(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", hole.source)
    if not names or "$(" in hole.source or "`" in hole.source:
        return False
    definition = hole.span[0]
    use = anchor.span[0]
    for name in names:
        script = migration.script
        at_definition = script.visible_assignments(name, definition)
        at_use = script.visible_assignments(name, use)
        if [a.node for a in at_definition] != [a.node for a in at_use]:
            return False
        same = script.segment_of(definition) == script.segment_of(use)
        if same and any(definition < a.start < use and a.function is None for a in script.assignments.get(name, [])):
            return False
    return True


# ------------------------------------------------------------------ helpers


def _outermost(frame: Frame) -> Node:
    while frame.caller is not None:
        frame = frame.caller
    return frame.call


def _site(inv: Invocation) -> Node:
    return inv.outer


def _chain(inv: Invocation) -> list[Node]:
    """The curl and the wrapper calls that lead to it, innermost first."""
    nodes = [inv.curl]
    frame = inv.frame
    while frame is not None:
        nodes.append(frame.call)
        frame = frame.caller
    return nodes


def _piece_spans(piece: Piece) -> list[tuple[int, int]]:
    spans = [via.span for via in piece.via]
    if isinstance(piece, Hole):
        spans.append(piece.span)
    elif piece.offsets:
        spans.append((piece.offsets[0], piece.offsets[-1]))
    return spans


def _natural(ref: str) -> tuple:
    number, _, name = ref.partition(" of ")
    return (name, int(number))


def _ends_word(char: bytes) -> bool:
    return not char.strip() or char in b";|&()<>`"


__all__ = ["ParseError", "migrate", "static"]
