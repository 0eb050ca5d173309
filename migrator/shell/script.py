"""What a shell script defines and uses, found in one pass over its tree: functions and
their call sites, every assignment and every use of each variable, commands by name,
and the regions tree-sitter could not parse.

tree-sitter-bash cuts an unquoted word after its second ``$NAME`` when more text
follows (``FILES_URL=$BASE/api/v1/$P/files`` becomes an assignment of
``$BASE/api/v1/$`` and a command named ``P/files``); the binder puts such words
back together, so values, uses and calls are all seen (a missed use of a shared
variable would let the one-plan rule change it under that use).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from tree_sitter import Node

from migrator.shell.words import parse, text, walk

_NAME_AFTER_DOLLAR = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*|[0-9]")
_EXPANSION_PARENTS = {"simple_expansion", "expansion", "command_substitution", "arithmetic_expansion", "process_substitution"}
_WORDS = {"word", "concatenation", "simple_expansion", "expansion", "string", "raw_string", "number", "command_name", "ansi_c_string"}
DECLARATIONS = {"local", "declare", "typeset", "export", "readonly"}


@dataclass(eq=False)
class Assignment:
    name: str
    node: Node  # variable_assignment, or the command/loop that assigns (read, getopts, for)
    value: tuple[Node, ...]  # the value's nodes, put back together; () when not a plain value
    kind: str  # set | append | array | loop | read | declare
    local: bool = False
    exported: bool = False
    readonly: bool = False
    function: Node | None = None

    @property
    def start(self) -> int:
        return self.node.start_byte

    @property
    def end(self) -> int:
        return max([self.node.end_byte, *(n.end_byte for n in self.value)])


@dataclass(eq=False)
class Use:
    name: str
    node: Node  # the expansion, or the lone "$" of a word the parser cut
    start: int
    end: int
    plain: bool  # $NAME or ${NAME}: nothing changes the value
    function: Node | None = None


@dataclass
class Script:
    source: bytes
    roots: list[Node]  # one tree per segment: files of a unit are parsed each on its own
    functions: dict[str, list[Node]] = field(default_factory=lambda: defaultdict(list))
    calls: dict[str, list[Node]] = field(default_factory=lambda: defaultdict(list))
    commands: list[Node] = field(default_factory=list)
    assignments: dict[str, list[Assignment]] = field(default_factory=lambda: defaultdict(list))
    uses: dict[str, list[Use]] = field(default_factory=lambda: defaultdict(list))
    errors: list[tuple[int, int]] = field(default_factory=list)
    # Parts of the text that are files (or blocks) of their own: [start, end) each.
    segments: list[tuple[int, int]] = field(default_factory=list)
    not_commands: set[int] = field(default_factory=set)  # command nodes that are only a cut-off word
    # Text no shell reads: comments, and the single-quoted programs of jq, awk, sed... (whose
    # $name is their own variable or field).
    comments: list[tuple[int, int]] = field(default_factory=list)
    # ${!name} or a nameref (declare -n): a variable may be read or set through another's value.
    indirect: bool = False
    _unseen: dict[str, tuple[int, bytes] | None] = field(default_factory=dict)
    _hidden: dict[str, int | None] = field(default_factory=dict)

    @property
    def zsh(self) -> bool:
        """A zsh script: an unquoted $array stands for its elements."""
        return b"zsh" in self.source.split(b"\n", 1)[0]

    @classmethod
    def of(
        cls,
        source: bytes,
        roots: list[Node] | None = None,
        segments: list[tuple[int, int]] | None = None,
        errors: list[tuple[int, int]] | None = None,
    ) -> Script:
        """``segments``: the files of a unit (flows of values stay inside one); ``roots``: the
        trees of the parts parsed on their own (a file, a Markdown block, a CI step);
        ``errors``: the regions that do not parse (``parse_tolerant``)."""
        segments = segments or [(0, len(source))]
        if roots is None:
            roots, errors = parse_tolerant(source, segments)
        script = cls(source, roots)
        script.segments = segments
        script.errors = list(errors or [])
        script._bind()
        return script

    def root_at(self, offset: int) -> Node:
        for root in self.roots:
            if root.start_byte <= offset < max(root.end_byte, root.start_byte + 1):
                return root
        return self.roots[-1]

    # ---------------------------------------------------------------- binding

    def _bind(self) -> None:
        for node in (n for root in self.roots for n in walk(root)):
            kind = node.type
            if kind == "ERROR" or node.is_missing:
                start, end = node.start_byte, node.end_byte
                if node.is_missing or start == end:
                    # A missing token: the trouble is on its line.
                    start = self.source.rfind(b"\n", 0, start) + 1
                    newline = self.source.find(b"\n", end)
                    end = len(self.source) if newline < 0 else newline
                self.errors.append((start, end))
            elif kind == "function_definition":
                name = node.child_by_field_name("name")
                if name is not None:
                    self.functions[text(self.source, name)].append(node)
            elif kind == "variable_assignment":
                self._assignment(node)
            elif kind == "for_statement":
                variable = node.child_by_field_name("variable")
                if variable is not None:
                    self.assignments[text(self.source, variable)].append(Assignment(text(self.source, variable), node, (), "loop", function=self.function_of(node)))
            elif kind in ("simple_expansion", "expansion"):
                self._use(node)
            elif kind == "$" and node.parent is not None and node.parent.type not in _EXPANSION_PARENTS:
                self._cut_use(node)
            elif kind == "command":
                self._command(node)
            elif kind == "declaration_command":
                self._declaration(node)
            elif kind == "comment":
                self.comments.append((node.start_byte, node.end_byte))
        self.indirect = bool(_INDIRECT.search(self.source))
        self.commands.sort(key=lambda n: n.start_byte)

    def _assignment(self, node: Node) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        if name_node.type == "subscript":  # a[k]=v: the array changes
            inner = name_node.child_by_field_name("name")
            if inner is not None:
                self.assignments[text(self.source, inner)].append(Assignment(text(self.source, inner), node, (), "append", function=self.function_of(node)))
            return
        if name_node.type != "variable_name":
            return
        name = text(self.source, name_node)
        value = node.child_by_field_name("value")
        operator = self.source[name_node.end_byte : name_node.end_byte + 2]
        values = self.repaired(value) if value is not None else ()
        kind = "array" if value is not None and value.type == "array" else "append" if operator == b"+=" else "set"
        declaration = node.parent if node.parent is not None and node.parent.type == "declaration_command" else None
        keyword = text(self.source, declaration.children[0]) if declaration is not None else ""
        flags = self._flags(declaration) if declaration is not None else ""
        function = self.function_of(node)
        local = function is not None and (keyword == "local" or (keyword in ("declare", "typeset") and "g" not in flags))
        # API="$BASE" cmd: the value is passed to the program the command runs
        prefix = node.parent is not None and node.parent.type == "command"
        exported = keyword == "export" or "x" in flags or prefix
        self.assignments[name].append(
            Assignment(name, node, values, kind, local, exported, keyword == "readonly" or "r" in flags, function)
        )

    def _flags(self, declaration: Node) -> str:
        return "".join(text(self.source, c)[1:] for c in declaration.children if c.type == "word" and text(self.source, c).startswith("-"))

    def _declaration(self, node: Node) -> None:
        """``local x`` / ``export X`` without a value: a declaration of the name."""
        keyword = text(self.source, node.children[0])
        flags = self._flags(node)
        function = self.function_of(node)
        for child in node.children[1:]:
            if child.type == "variable_name":
                name = text(self.source, child)
                local = function is not None and keyword in ("local", "declare", "typeset") and "g" not in flags
                self.assignments[name].append(
                    Assignment(name, child, (), "declare", local, keyword == "export" or "x" in flags, keyword == "readonly", function)
                )

    def _use(self, node: Node) -> None:
        names = [c for c in node.children if c.type in ("variable_name", "special_variable_name")]
        if not names:
            subscript = next((c for c in node.children if c.type == "subscript"), None)
            inner = subscript.child_by_field_name("name") if subscript is not None else None
            if inner is None:
                return
            names = [inner]
        plain = node.type == "simple_expansion" or [c.type for c in node.children] in (["${", "variable_name", "}"], ["${", "special_variable_name", "}"])
        name = text(self.source, names[0])
        self.uses[name].append(Use(name, node, node.start_byte, node.end_byte, plain, self.function_of(node)))

    def _cut_use(self, dollar: Node) -> None:
        match = _NAME_AFTER_DOLLAR.match(self.source, dollar.end_byte)
        if match is None:
            return
        name = match.group().decode()
        self.uses[name].append(Use(name, dollar, dollar.start_byte, match.end(), True, self.function_of(dollar)))

    def _command(self, node: Node) -> None:
        name = node.child_by_field_name("name")
        if name is not None and self._is_cut_word(name):
            self.not_commands.add(node.start_byte)
            return
        self.commands.append(node)
        word = self.command_name(node)
        if word is not None:
            self.calls[word].append(node)
        if word in _OTHER_LANGUAGES:
            self.comments.extend((c.start_byte, c.end_byte) for c in node.children[1:] if c.type == "raw_string")
        if word == "read":
            self._read_targets(node)
        elif word == "getopts":
            args = [c for c in node.children[1:] if c.type in _WORDS]
            for target in [*args[1:2], None]:
                name_text = text(self.source, target) if target is not None else "OPTARG"
                self.assignments[name_text].append(Assignment(name_text, node, (), "read", function=self.function_of(node)))

    def _read_targets(self, node: Node) -> None:
        args = [c for c in node.children[1:] if c.type == "word"]
        skip = False
        for arg in args:
            word = text(self.source, arg)
            if skip:
                skip = False
                if word != "-a":
                    continue
            if word.startswith("-"):
                skip = word[-1] in "adnNptu" and len(word) == 2 and word not in ("-r", "-s", "-e")
                if "a" in word[1:]:
                    skip = True
                continue
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", word):
                self.assignments[word].append(Assignment(word, node, (), "read", function=self.function_of(node)))

    def _is_cut_word(self, name: Node) -> bool:
        """A command name that is really the rest of a word the parser cut (``$P/files``)."""
        previous = name.prev_sibling
        return previous is not None and previous.type == "variable_assignment" and previous.end_byte == name.start_byte

    # ---------------------------------------------------------------- words

    def repaired(self, node: Node) -> tuple[Node, ...]:
        """A word's nodes with what the parser cut off after it (written right after, no space)."""
        nodes = [node]
        while True:
            following = _adjacent(nodes[-1])
            if following is None:
                return tuple(nodes)
            nodes.append(following)

    def command_name(self, command: Node) -> str | None:
        """The command's name when it is written as plain text (``curl``, ``jq``, ``dm_api``)."""
        name = command.child_by_field_name("name")
        if name is None:
            return None
        inner = name.children[0] if name.children else name
        if inner.type == "word":
            return text(self.source, inner)
        if inner.type in ("raw_string", "string") and len(inner.children) <= 3:
            value = text(self.source, inner)[1:-1]
            return value if "$" not in value and "`" not in value else None
        return None

    # ---------------------------------------------------------------- queries

    def function_of(self, node: Node) -> Node | None:
        parent = node.parent
        while parent is not None:
            if parent.type == "function_definition":
                return parent
            parent = parent.parent
        return None

    def function_name(self, function: Node) -> str:
        name = function.child_by_field_name("name")
        return text(self.source, name) if name is not None else ""

    def definition(self, name: str, at: int) -> Node | None:
        """The function a call at ``at`` runs: the one defined in the same part of the text,
        else the only one of that name."""
        found = self.functions.get(name, [])
        if not found:
            return None
        segment = self.segment_of(at)
        own = [f for f in found if self.segment_of(f.start_byte) == segment]
        if len(own) == 1:
            return own[0]
        if len(own) > 1:
            before = [f for f in own if f.start_byte < at]
            return before[-1] if before else None
        return found[0] if len(found) == 1 else None

    def calls_of(self, function: Node) -> list[Node]:
        """The commands that run ``function``."""
        name = self.function_name(function)
        return [c for c in self.calls.get(name, []) if self.definition(name, c.start_byte) == function]

    def segment_of(self, offset: int) -> int:
        for number, (start, end) in enumerate(self.segments):
            if start <= offset < end:
                return number
        return len(self.segments) - 1

    def in_error(self, start: int, end: int) -> bool:
        return any(a < end and start < b for a, b in self.errors)

    def error_at(self, start: int, end: int) -> int | None:
        """The start of a region that does not parse, overlapping [start, end)."""
        return next((a for a, b in self.errors if a < end and start < b), None)

    def named_in_error(self, name: str) -> int | None:
        """Where a region that does not parse mentions ``$name``: a use the tree may not show."""
        # $name, ${name...}, ${#name}, and zsh's ${(f)name}, $#name, ${^name}
        pattern = re.compile(rb"\$\{?(?:\([^)]*\))?[#!^=~+]*" + re.escape(name.encode()) + rb"(?![A-Za-z0-9_])")
        for start, end in self.errors:
            if pattern.search(self.source, start, end):
                return start
        return None

    def assigned_in_error(self, name: str) -> tuple[int, bytes] | None:
        """An assignment of ``name`` the tree may not show, in a region that does not parse:
        its offset and the rest of its line (``typeset base=${URL:-...}/api/v1/$project``)."""
        pattern = re.compile(rb"(?:^|[\s;(])" + re.escape(name.encode()) + rb"(?:\[[^]]*\])?\+?=([^\n]*)")
        for start, end in self.errors:
            line_start = self.source.rfind(b"\n", 0, start) + 1
            line_end = self.source.find(b"\n", end)
            match = pattern.search(self.source, line_start, len(self.source) if line_end < 0 else line_end)
            if match:
                return match.start(), match.group(1)
        return None

    def hidden_use(self, name: str) -> int | None:
        """Where the text mentions ``name`` in a way the binder did not read as a use or an
        assignment: ``$name`` in a single-quoted string run later (eval, trap, alias, a command
        kept in a variable), an escaped ``\\$name`` given to eval, or the bare name where
        ``${!ref}`` or a nameref may read it. Such a use cannot be followed."""
        if name not in self._hidden:  # asked per variable by the flow and the plan alike
            self._hidden[name] = self._hidden_use(name)
        return self._hidden[name]

    def _hidden_use(self, name: str) -> int | None:
        known = [(u.start, u.end) for u in self.uses.get(name, [])]
        for match in _mention(name).finditer(self.source):
            at = match.start()
            if any(start <= at < end for start, end in known) or self._in_comment(at) or self._removed_later(at):
                continue
            return at
        if self.indirect:
            assigned = {a.node.start_byte for a in self.assignments.get(name, [])}
            for match in _bare(name).finditer(self.source):
                if match.start() not in assigned and not self._in_comment(match.start()):
                    return match.start()
        return None

    def assigned_unseen(self, name: str) -> tuple[int, bytes] | None:
        """An assignment of ``name`` the binder does not read (``printf -v``, ``${name:=...}``,
        ``eval "name=..."``, ``mapfile``, a string sourced at run time, a nameref): its offset
        and the rest of its line. The variable's value is then not known from the file."""
        if name not in self._unseen:
            self._unseen[name] = self._assigned_unseen(name)
        return self._unseen[name]

    def _assigned_unseen(self, name: str) -> tuple[int, bytes] | None:
        known = {a.node.start_byte for a in self.assignments.get(name, [])}
        patterns = [_assigning(name)] + ([_bare(name)] if self.indirect else [])
        for pattern in patterns:
            for match in pattern.finditer(self.source):
                at = next((match.start(g) for g in range(1, (pattern.groups or 0) + 1) if match.group(g) is not None), match.start())
                if at in known or self._in_comment(at):
                    continue
                line_end = self.source.find(b"\n", at)
                return at, self.source[at : len(self.source) if line_end < 0 else line_end]
        for start, end in self.errors:  # code that does not parse may set it any way (select NAME in ...)
            match = _bare(name).search(self.source, start, end)
            if match:
                return match.start(), self.source[match.start() : end]
        return None

    def _removed_later(self, at: int) -> bool:
        """``trap 'rm -rf "$tmp"' EXIT``: a single-quoted command that only removes files
        names them, and reads neither a value into a request nor the file."""
        node = self.root_at(at).descendant_for_byte_range(at, at + 1)
        while node is not None and node.type != "raw_string":
            node = node.parent
        if node is None:
            return False
        content = self.source[node.start_byte + 1 : node.end_byte - 1]
        inner = parse(content)
        commands = [n for n in walk(inner) if n.type == "command"]
        names = {text(content, c.child_by_field_name("name")) for c in commands if c.child_by_field_name("name") is not None}
        return not inner.has_error and names == {"rm"}

    def _in_comment(self, at: int) -> bool:
        return any(start <= at < end for start, end in self.comments)

    def text_in_error(self, needle: bytes) -> int | None:
        for start, end in self.errors:
            if needle and self.source.find(needle, start, end) >= 0:
                return start
        return None

    def shifts_before(self, function: Node, offset: int) -> int:
        """How many positional parameters ``shift`` dropped before ``offset`` in ``function``."""
        count = 0
        for command in self.calls.get("shift", []):
            if self.function_of(command) == function and command.start_byte < offset:
                args = [text(self.source, c) for c in command.children[1:] if c.type in ("number", "word")]
                count += int(args[0]) if args and args[0].isdigit() else 1
        return count

    def visible_assignments(self, name: str, at: int) -> list[Assignment]:
        """The assignments a use of ``name`` at ``at`` may read: inside a function, those of
        the function before the use when it has any (its locals, or what it set itself);
        otherwise the script's own (outside every function, or in functions without ``local``)."""
        every = self.assignments.get(name, [])
        function = self._function_at(at)
        if function is not None:
            own = [a for a in every if a.function is not None and a.function == function]
            if any(a.local for a in own):
                return [a for a in own if a.start < at] or [a for a in own if a.local]
            before = [a for a in own if a.start < at and a.kind != "declare"]
            if before:
                return before[-1:]
        return [a for a in every if not a.local]

    def _function_at(self, at: int) -> Node | None:
        best = None
        for nodes in self.functions.values():
            for function in nodes:
                if function.start_byte <= at < function.end_byte and (best is None or function.start_byte > best.start_byte):
                    best = function
        return best


# Programs whose single-quoted argument is code of another language, not shell run later.
_OTHER_LANGUAGES = {"jq", "yq", "gojq", "jaq", "awk", "gawk", "mawk", "nawk", "sed", "gsed", "perl", "python", "python3", "node", "ruby", "grep", "egrep"}
_INDIRECT = re.compile(rb"\$\{![A-Za-z_][A-Za-z0-9_]*\}|\b(?:declare|local|typeset)\s+-[A-Za-z]*n")


def _mention(name: str) -> re.Pattern[bytes]:
    """``$name``, ``${name...}``, ``${#name}``, ``${!name}``, zsh's ``${(f)name}``."""
    return re.compile(rb"\$\{?(?:\([^)]*\))?[#!^=~+]*" + re.escape(name.encode()) + rb"(?![A-Za-z0-9_])")


def _bare(name: str) -> re.Pattern[bytes]:
    """The name as a word of its own (``ref=BASE``, ``declare -n ref=BASE``)."""
    return re.compile(rb"(?<![A-Za-z0-9_$#!{])" + re.escape(name.encode()) + rb"(?![A-Za-z0-9_])")


def _assigning(name: str) -> re.Pattern[bytes]:
    """Text that assigns ``name``: ``name=`` anywhere (in a string given to eval or sourced),
    ``${name:=...}``, ``printf -v name``, ``mapfile``/``readarray name``."""
    word = re.escape(name.encode())
    return re.compile(
        rb"(?<![A-Za-z0-9_$#!{.-])(" + word + rb")(?:\[[^]]*\])?\+?="
        rb"|\$\{(" + word + rb"):?="
        rb"|-v\s*[\"']?(" + word + rb")(?![A-Za-z0-9_])"
        rb"|\b(?:mapfile|readarray)\b[^\n;|&]*?(?<![A-Za-z0-9_$])(" + word + rb")(?![A-Za-z0-9_])"
    )


def parse_tolerant(source: bytes, segments: list[tuple[int, int]], rounds: int = 12) -> tuple[list[Node], list[tuple[int, int]]]:
    """Each segment parsed on its own; the lines tree-sitter-bash cannot read (zsh syntax,
    bash it does not know) blanked and the rest parsed again, until it parses.

    After a syntax error tree-sitter's recovery may read good lines as a string or a
    word: only a tree without errors is trusted. The blanked lines keep their newlines,
    so every offset and line stays; they are returned as the regions that do not parse,
    where any use of a variable or a file is taken for a use the migrator cannot see.
    """
    roots: list[Node] = []
    blanked: list[tuple[int, int]] = []
    pending = list(segments)
    while pending:
        start, end = pending.pop(0)
        text = bytearray(byte if byte == 10 else 32 for byte in source[:start]) + source[start:end]
        root = parse(bytes(text))
        for _ in range(rounds):
            if not root.has_error:
                break
            for first, last in _error_lines(bytes(text), root):
                first, last = max(first, start), min(last, end)
                for k in range(first, last):
                    if text[k] != 10:
                        text[k] = 32
                blanked.append((first, last))
            root = parse(bytes(text))
        cut = _false_continuation(bytes(text), root, start)
        if cut is not None and len(roots) + len(pending) < 64:
            # tree-sitter-bash sometimes goes on with a command past the end of its line
            # (a statement read as more arguments of the one before): read it again from there.
            pending[:0] = [(start, cut), (cut, end)]
            continue
        roots.append(root)
    return roots, _merged(blanked)


def _false_continuation(text: bytes, root: Node, start: int) -> int | None:
    """The start of a line a command's arguments run into without a backslash before the
    line break: a statement the parser took for more of the command above."""
    for node in walk(root):
        if node.type != "command":
            continue
        children = node.children
        for before, after in zip(children, children[1:]):
            gap = text[before.end_byte : after.start_byte]
            if b"\n" not in gap or before.type == "heredoc_redirect":
                continue
            line_end = gap.index(b"\n")
            if gap[:line_end].rstrip(b" \t\r").endswith(b"\\") and after.type != "comment":
                continue
            cut = text.rfind(b"\n", 0, after.start_byte) + 1
            return cut if cut > start else None
    return None


def _error_lines(text: bytes, root: Node) -> list[tuple[int, int]]:
    """The whole lines of every error (and the line a continuation comes from)."""
    out = []
    for node in walk(root):
        if node.type != "ERROR" and not node.is_missing:
            continue
        first = text.rfind(b"\n", 0, node.start_byte) + 1
        while first > 1 and text[first - 2 : first - 1] == b"\\":
            first = text.rfind(b"\n", 0, first - 1) + 1  # a line continued into the error
        last = text.find(b"\n", node.end_byte)
        out.append((first, len(text) if last < 0 else last))
    return out


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def parse_segments(source: bytes, segments: list[tuple[int, int]]) -> list[Node]:
    """Each segment parsed on its own, at its own offsets and lines: tree-sitter-bash reads a
    file differently when other statements come before it, so the files of a unit are
    parsed as they are read alone (what comes before is blanked, its newlines kept)."""
    if len(segments) == 1 and segments[0] == (0, len(source)):
        return [parse(source)]
    roots = []
    for start, end in segments:
        blank = bytes(byte if byte == 10 else 32 for byte in source[:start])
        roots.append(parse(blank + source[start:end]))
    return roots


def _adjacent(node: Node) -> Node | None:
    """The word node written right after ``node`` without a space, climbing out of an
    assignment or a command name the parser ended there."""
    current = node
    while current is not None:
        following = current.next_sibling
        if following is not None:
            if following.start_byte != node.end_byte or following.type not in _WORDS:
                return None
            if following.type == "command_name":
                return following.children[0] if following.children else following
            return following
        parent = current.parent
        if parent is None or parent.end_byte != node.end_byte or parent.type not in ("variable_assignment", "concatenation"):
            return None
        current = parent
    return None
