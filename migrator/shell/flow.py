"""Where a command's output goes: a model of the shell's plumbing.

A response a call prints flows through pipelines (``| jq``, ``| tee file``),
command substitutions (``r=$(...)``), variables and their uses (``echo "$r" |``,
``<<< "$r"``, ``--argjson x "$r"``), redirections and ``-o`` files and the
commands that later read them (``jq ... file``, ``< file``, ``$(<file)``),
process substitutions (``<(...)``), compound commands and functions (a
function's output is its call sites' output). Each place it ends is a ``Sink``:

- ``jq``: a jq filter reads it (its rewrite is planned elsewhere);
- ``shown``: it reaches the script's stdout or stderr as it came;
- ``discarded``: ``>/dev/null``, ``-o /dev/null``;
- ``status``: only whether there was one (``[ -z "$r" ]``);
- ``unknown``: anything else (``| grep``, a ``while read`` loop, a function
  the value is passed to, ``wc -c < file``...), with the reason.

A response whose shape changes is migrated only when every sink is understood
("unknown use means no rewrite").
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

from tree_sitter import Node

from migrator.shell.curl import command_words
from migrator.shell.jq import JqCommand, jq_command
from migrator.shell.script import Script
from migrator.shell.words import Frame, Words, text
from migrator.urls import Hole, Literal, Piece

_PASS_THROUGH = {"cat"}
_STATUS_TESTS = {"-z", "-n"}
_FILE_TESTS = {"-e", "-f", "-s", "-r", "-w", "-d", "-x", "-L", "-h", "-b", "-c", "-p", "-S"}
_NOT_READING = {
    "rm", "mkdir", "touch", "chmod", "dirname", "basename", "realpath", "readlink", "trap", ":", "echo", "printf",
    "local", "export", "declare", "readonly", "true", "false", "exit", "return", "shift", "set", "unset", "sleep",
}  # fmt: skip


@dataclass(frozen=True)
class Reader:
    """A jq command that reads the response: as its input (``origin`` ""), or through a
    variable it binds (``--argjson NAME``: "json", ``--slurpfile NAME``: "slurp")."""

    command: Node
    frame: Frame | None
    jq: JqCommand
    origin: str = ""
    how: str = ""


@dataclass(frozen=True)
class Sink:
    kind: str  # jq | shown | discarded | status | unknown
    node: Node  # where the response ends up
    why: str = ""
    reader: Reader | None = None
    at: int | None = None  # where, when it is in code without a tree (it does not parse)


@dataclass
class Flow:
    script: Script
    words: Words
    foreign: bytes = b""  # text of the same file the shell front end does not read (other steps, prose)
    writers: list = field(default_factory=list)  # (call chain, path pieces) of every write of a response to a file
    _seen: set = field(default_factory=set)

    # ---------------------------------------------------------------- stdout

    def stdout_of(self, node: Node, frame: Frame | None, depth: int = 0) -> list[Sink]:
        """Where what ``node`` (a command, or a statement around it) prints goes."""
        if depth > 12:
            return [Sink("unknown", node, "it goes through too many functions to follow")]
        current = node
        while True:
            parent = current.parent
            if parent is None:
                return [Sink("shown", current)]
            kind = parent.type
            if kind == "pipeline":
                following = _after_in_pipeline(parent, current)
                if following is not None:
                    return self.stdin_of(following, frame, depth)
            elif kind == "redirected_statement" and parent.children and parent.children[0] == current:
                target = self.redirect(parent, frame, depth)
                if target is not None:
                    return target
                following = _heredoc_pipeline(parent)
                if following is not None:
                    return self.stdin_of(following, frame, depth)
            elif kind == "heredoc_redirect":
                # "cmd <<EOF | jq": the parser puts the rest of the pipeline in the heredoc
                following = _after_in_pipeline(current, None) if current.type == "pipeline" else None
                statement = parent.parent
                if statement is None:
                    return [Sink("unknown", node, "its output cannot be followed")]
                current = statement
                continue
            elif kind == "command_substitution":
                return self.substitution(parent, frame, depth)
            elif kind == "process_substitution":
                return self.process_substitution(parent, frame, depth)
            elif kind == "function_definition":
                if frame is not None and frame.function == parent:
                    return self.stdout_of(frame.call, frame.caller, depth + 1)
                calls = self.script.calls_of(parent)
                if not calls:
                    name = self.script.function_name(parent)
                    return [Sink("unknown", node, f"it is the output of {name}(), which nothing in the run calls")]
                out: list[Sink] = []
                for call in calls:
                    out.extend(self.stdout_of(call, None, depth + 1))
                return out
            elif kind in ("for_statement", "c_style_for_statement") and _is_loop_words(parent, current):
                return [Sink("unknown", parent, "a for loop splits it into words")]
            elif kind == "case_statement" and parent.child_by_field_name("value") == current:
                return [Sink("unknown", parent, "a case statement matches it")]
            elif kind in ("test_command", "binary_expression", "unary_expression"):
                return [Sink("unknown", parent, "a test compares it")]
            current = parent

    def redirect(self, statement: Node, frame: Frame | None, depth: int) -> list[Sink] | None:
        """Where a redirection of the statement's stdout sends it, if it has one."""
        for child in statement.children[1:]:
            if child.type != "file_redirect":
                continue
            descriptor = child.child_by_field_name("descriptor")
            operator = next((c for c in child.children if c.type in (">", ">>", "&>", "&>>", ">|", ">&", "<", "<&")), None)
            if operator is None or operator.type in ("<", "<&"):
                continue
            if descriptor is not None and text(self.script.source, descriptor) not in ("1",):
                continue
            target = child.child_by_field_name("destination")
            if target is None:
                continue
            word = text(self.script.source, target)
            if operator.type == ">&" or word in ("&2", "/dev/stderr", "/dev/tty", "/dev/stdout"):
                return [Sink("shown", statement)] if word.lstrip("&") in ("2", "/dev/stderr", "/dev/tty", "/dev/stdout") else [Sink("unknown", statement, f"it goes to descriptor {word}")]
            if word == "/dev/null":
                return [Sink("discarded", statement)]
            return self.file(self.words.at(frame).joined([target]), statement, frame, depth)
        return None

    # ---------------------------------------------------------------- stdin

    def stdin_of(self, command: Node, frame: Frame | None, depth: int) -> list[Sink]:
        """What a command does with what it reads on stdin."""
        if command.type == "negated_command" and command.children:
            command = command.children[-1]
        if command.type == "redirected_statement" and command.children:
            command = command.children[0]
        if command.type != "command":
            return [Sink("unknown", command, "a loop reads it line by line" if command.type in ("while_statement", "for_statement") else "a compound command reads it")]
        words = self.words.at(frame)
        name, args = command_words(words, command)
        if name == "jq":
            jq = jq_command(args)
            if jq.inputs or jq.null_input:
                return [Sink("unknown", command, "jq is given other input")]
            return [Sink("jq", command, reader=Reader(command, frame, jq))]
        if name == "tee":
            out: list[Sink] = []
            for node, _end, pieces in args:
                if not (isinstance(pieces[0], Literal) and pieces[0].text.startswith("-")):
                    out.extend(self.file(pieces, command, frame, depth))
            return out + self.stdout_of(command, frame, depth)
        if name in _PASS_THROUGH and not [a for a in args if _static(a[2]) not in ("-", None)]:
            return self.stdout_of(command, frame, depth)
        definition = self.script.definition(name, command.start_byte) if name else None
        if definition is not None:
            return [Sink("unknown", command, f"it is piped into the function {name}()")]
        return [Sink("unknown", command, f"it is piped into {name or 'a command computed at run time'}")]

    # ---------------------------------------------------------------- substitutions

    def substitution(self, substitution: Node, frame: Frame | None, depth: int) -> list[Sink]:
        """``$(...)``: the value goes where the word it stands in goes."""
        word = substitution
        while word.parent is not None and word.parent.type in ("string", "concatenation"):
            word = word.parent
        whole = word == substitution or _only_child(word, substitution)
        return self.value_use(word, whole, frame, depth)

    def value_use(self, word: Node, whole: bool, frame: Frame | None, depth: int) -> list[Sink]:
        """A word that holds the response (``$(curl ...)``, ``"$r"``): where its value goes."""
        parent = word.parent
        source = self.script.source
        if parent is None:
            return [Sink("unknown", word, "its value cannot be followed")]
        if parent.type == "variable_assignment" and parent.child_by_field_name("value") == word:
            if not whole:
                return [Sink("unknown", parent, "it is used in a string")]
            return self.variable(parent, frame, depth)
        if parent.type == "herestring_redirect":
            statement = parent.parent
            command = statement
            if statement is not None and statement.type == "redirected_statement":
                command = statement.children[0] if statement.children else None
            if command is None:
                return [Sink("unknown", parent, "its value cannot be followed")]
            if not whole:
                return [Sink("unknown", parent, "it is used in a string")]
            return self.stdin_of(command, frame, depth)
        if parent.type in ("test_command", "unary_expression", "binary_expression") or (parent.parent is not None and parent.parent.type == "test_command"):
            operator = word.prev_sibling
            if operator is not None and text(source, operator) in _STATUS_TESTS:
                return [Sink("status", parent)]
            return [Sink("unknown", parent, "a test compares it")]
        if parent.type == "command":
            words = self.words.at(frame)
            name, args = command_words(words, parent)
            if name in ("[", "test"):
                index = next((i for i, a in enumerate(args) if a[0] == word), -1)
                if index > 0 and _static(args[index - 1][2]) in _STATUS_TESTS:
                    return [Sink("status", parent)]
                return [Sink("unknown", parent, "a test compares it")]
            if name in ("echo", "printf"):
                return self.printed(parent, name, args, word, whole, frame, depth)
            if name == "jq":
                return self.jq_argument(parent, args, word, frame)
            if name in ("local", "export", "declare", "readonly", "typeset"):
                return [Sink("unknown", parent, f"it is declared with {name}")]
            definition = self.script.definition(name, parent.start_byte) if name else None
            if definition is not None and self.printer(definition):
                # die "failed: $r": a function that only prints its arguments shows it
                sinks = self.stdout_of(parent, frame, depth)
                if all(s.kind in ("shown", "discarded") for s in sinks):
                    return [Sink("shown", parent)]
            if definition is not None:
                return [Sink("unknown", parent, f"it is passed to the function {name}()")]
            return [Sink("unknown", parent, f"it is passed to {name or 'a command computed at run time'}")]
        if parent.type == "declaration_command":
            return [Sink("unknown", parent, "it is declared")]
        if parent.type in ("for_statement",):
            return [Sink("unknown", parent, "a for loop splits it into words")]
        if parent.type == "case_statement":
            return [Sink("unknown", parent, "a case statement matches it")]
        if parent.type in ("heredoc_body",):
            return [Sink("unknown", parent, "it is written into a heredoc")]
        return [Sink("unknown", parent, "its value is used where the migrator cannot follow it")]

    def printed(self, command: Node, name: str, args, word: Node, whole: bool, frame, depth: int) -> list[Sink]:
        """``echo "$r"`` / ``printf '%s' "$r"``: the value printed again, as it came or in a message."""
        positions = [a[0] for a in args]
        plain = False
        if name == "echo":
            options = [a for a in args if _static(a[2]) in ("-n", "-e", "-E", "-ne", "-en")]
            plain = whole and len(args) - len(options) == 1
        elif len(args) == 2 and positions[1] == word and _static(args[0][2]) in ("%s", "%s\n", "%s\\n"):
            plain = whole
        sinks = self.stdout_of(command, frame, depth)
        if plain:
            return sinks
        if all(s.kind in ("shown", "discarded") for s in sinks):
            return sinks  # a message that shows it to a person
        return [Sink("unknown", command, f"it is printed with {name} into a text that is used further")]

    def printer(self, function: Node, depth: int = 0) -> bool:
        """Whether a function only prints its arguments (``die() { echo "ERROR: $*" >&2; exit 1; }``):
        every use of them is an echo or printf of text, or a call of another such function."""
        uses = [u for name, found in self.script.uses.items() if name.isdigit() or name in ("@", "*") for u in found if u.function == function]
        if not uses or depth > 4:
            return False
        for use in uses:
            command = use.node.parent
            while command is not None and command.type not in ("command", "function_definition"):
                command = command.parent
            if command is None or command.type != "command":
                return False
            name = self.script.command_name(command)
            if name in ("echo", "printf") and not (command.parent is not None and command.parent.type == "pipeline"):
                continue
            inner = self.script.definition(name, command.start_byte) if name else None
            if inner is not None and inner != function and self.printer(inner, depth + 1):
                continue
            return False
        return True

    def jq_argument(self, command: Node, args, word: Node, frame: Frame | None) -> list[Sink]:
        jq = jq_command(args)
        for name, (how, index) in jq.bound.items():
            if args[index][0] == word:
                if how == "json":
                    return [Sink("jq", command, reader=Reader(command, frame, jq, name, "json"))]
                break
        return [Sink("unknown", command, "jq gets it as an argument it does not parse")]

    def variable(self, assignment: Node, frame: Frame | None, depth: int) -> list[Sink]:
        """``r=$(...)``: every later use of ``$r`` until ``r`` is assigned again."""
        name_node = assignment.child_by_field_name("name")
        name = text(self.script.source, name_node) if name_node is not None else ""
        key = ("variable", assignment.start_byte, id(frame))
        if key in self._seen:
            return []
        self._seen.add(key)
        own = next((a for a in self.script.assignments.get(name, []) if a.node == assignment), None)
        if own is None:
            return [Sink("unknown", assignment, "its value cannot be followed")]
        if own.exported or (assignment.parent is not None and assignment.parent.type == "declaration_command" and text(self.script.source, assignment.parent.children[0]) == "export"):
            return [Sink("unknown", assignment, f"{name} is exported to the programs the script starts")]
        if any(a.exported for a in self.script.assignments.get(name, [])):
            return [Sink("unknown", assignment, f"{name} is exported to the programs the script starts")]
        hidden = self.script.named_in_error(name)
        if hidden is not None:
            return [Sink("unknown", assignment, f"${name} is used in code that does not parse", at=hidden)]
        hidden = self.script.hidden_use(name)
        if hidden is not None:
            return [Sink("unknown", assignment, f"${name} is used in a way the migrator cannot follow", at=hidden)]
        segment = self.script.segment_of(assignment.start_byte)
        later = sorted(a.start for a in self.script.assignments.get(name, []) if a.start > own.end and _same(a.function, own.function))
        until = later[0] if later else len(self.script.source)
        loop = _enclosing_loop(assignment)
        out: list[Sink] = []
        for use in self.script.uses.get(name, []):
            if self.script.segment_of(use.start) != segment:
                continue
            if own.local and not _same(use.function, own.function):
                continue
            after = own.end <= use.start < until
            carried = loop is not None and loop.start_byte <= use.start < assignment.start_byte and not later
            if not (after or carried):
                continue
            if not use.plain and not _keeps_value(self.script.source, use):
                out.append(Sink("unknown", use.node, f"${{{name}...}} changes it"))
                continue
            word = use.node
            while word.parent is not None and word.parent.type in ("string", "concatenation"):
                word = word.parent
            out.extend(self.value_use(word, word == use.node or _only_child(word, use.node), frame if own.function else None, depth + 1))
        if not out:
            out.append(Sink("discarded", assignment))
        return out

    def process_substitution(self, substitution: Node, frame: Frame | None, depth: int) -> list[Sink]:
        """``<(...)``: a file the command around it reads."""
        parent = substitution.parent
        if parent is None:
            return [Sink("unknown", substitution, "its output cannot be followed")]
        if parent.type == "file_redirect":
            statement = parent.parent
            body = statement.children[0] if statement is not None and statement.children else None
            if body is None:
                return [Sink("unknown", parent, "its output cannot be followed")]
            return self.stdin_of(body, frame, depth)
        if parent.type == "command":
            words = self.words.at(frame)
            name, args = command_words(words, parent)
            if name == "jq":
                jq = jq_command(args)
                index = next((i for i, a in enumerate(args) if a[0] == substitution), -1)
                if index in jq.inputs and not jq.null_input:
                    return [Sink("jq", parent, reader=Reader(parent, frame, jq))]
                for bound, (how, position) in jq.bound.items():
                    if position == index and how == "slurp":
                        return [Sink("jq", parent, reader=Reader(parent, frame, jq, bound, "slurp"))]
            return [Sink("unknown", parent, f"{name or 'a command'} reads it as a file")]
        return [Sink("unknown", parent, "its output cannot be followed")]

    # ---------------------------------------------------------------- files

    def file(self, path: list[Piece], writer: Node, frame: Frame | None, depth: int) -> list[Sink]:
        """A file the response is written to: the commands that read it later."""
        if _static(path) == "/dev/null":
            return [Sink("discarded", writer)]
        key = ("file", writer.start_byte, _key(path))
        if key in self._seen:
            return []
        self._seen.add(key)
        out: list[Sink] = []
        literal = "".join(p.text for p in path if isinstance(p, Literal)).rsplit("/", 1)[-1].encode()
        if literal and len(literal) > 3 and literal in self.foreign:
            out.append(Sink("unknown", writer, f"{literal.decode()} is read elsewhere in this file"))
        names = [p.name for p in path if isinstance(p, Hole) and p.name]
        hidden = self.script.text_in_error(literal) if len(literal) > 3 else None
        hidden = hidden if hidden is not None else next((h for h in (self.script.named_in_error(n) for n in names) if h is not None), None)
        if hidden is not None:
            out.append(Sink("unknown", writer, "code that does not parse may read the file it is saved to", at=hidden))
        later = next((h for h in (self.script.hidden_use(n) for n in names) if h is not None), None)
        if later is not None and hidden is None:
            out.append(Sink("unknown", writer, "the file it is saved to is named in code the migrator cannot follow", at=later))
        chain = _chain(writer, frame)
        segment = self.script.segment_of(chain[-1].start_byte)
        for command in self.script.commands:
            if command == writer or self.script.segment_of(command.start_byte) != segment:
                continue
            site = self.position(chain, command)
            if not _reaches(site, command) or self.overwritten(site, command, path):
                continue
            out.extend(self.file_use(command, path, frame, depth))
        return out or [Sink("discarded", writer)]

    def position(self, chain: list[Node], reader: Node) -> Node:
        """Where a write (a curl, reached through ``chain`` of calls) happens as ``reader`` sees
        it: at the call in the reader's own function body, or at the outermost call."""
        function = self.script.function_of(reader)
        for node in chain:
            owner = self.script.function_of(node)
            if (owner is None and function is None) or (owner is not None and function is not None and owner == function):
                return node
        return chain[-1]

    def overwritten(self, site: Node, reader: Node, path: list[Piece]) -> bool:
        """Whether another write of the same file always happens between ``site`` and ``reader``."""
        key = _key(path)
        for other_chain, other_path in self.writers:
            other = self.position(other_chain, reader)
            if other == site or _key(other_path) != key:
                continue
            if site.end_byte <= other.start_byte and other.end_byte <= reader.start_byte and _dominates(other, reader):
                return True
            # Read earlier in a loop (the round before): a write earlier in the same round wins.
            if reader.start_byte < site.start_byte and other.end_byte <= reader.start_byte and _dominates(other, reader):
                loop = _enclosing_loop(reader)
                if loop is not None and loop.start_byte <= other.start_byte < loop.end_byte:
                    return True
        return False

    def file_use(self, command: Node, path: list[Piece], frame: Frame | None, depth: int) -> list[Sink]:
        """How ``command`` uses the file ``path``, if it names it."""
        if any(command in chain for chain, _ in self.writers):
            return []  # a call that makes a request (dm_api ... -o "$f"): it writes, it does not read
        words = self.words.at(None)
        name, args = command_words(words, command)
        statement = command.parent if command.parent is not None and command.parent.type == "redirected_statement" else None
        sinks: list[Sink] = []
        if statement is not None:
            for child in statement.children[1:]:
                target = child.child_by_field_name("destination") if child.type == "file_redirect" else None
                if target is None or not may_alias(path, words.joined([target])):
                    continue
                operator = next((c.type for c in child.children if c.type in ("<", ">", ">>", "&>", ">|")), "")
                if operator == "<":
                    sinks.extend(self.stdin_of(statement.children[0], None, depth + 1))
        only_variables = not any(isinstance(p, Literal) and not p.via for p in path)
        for index, (node, _end, pieces) in enumerate(args):
            word = _static(pieces)
            if word is not None and (word.startswith("-") or (only_variables and "/" not in word and "." not in word)):
                continue  # an option, or a bare word where a file held in a variable is written
            if not may_alias(path, _file_part(pieces)):
                if name not in _NOT_READING and _names_otherwise(path, pieces):
                    sinks.append(Sink("unknown", command, f"{name or 'a command'} may read the file it is saved to, named otherwise"))
                continue
            option = _static(args[index - 1][2]) if index else None
            if name == "jq":
                jq = jq_command(args)
                if index in jq.inputs:
                    sinks.append(Sink("jq", command, reader=Reader(command, None, jq)))
                    continue
                bound = [(n, how) for n, (how, position) in jq.bound.items() if position == index]
                if bound and bound[0][1] == "slurp":
                    sinks.append(Sink("jq", command, reader=Reader(command, None, jq, bound[0][0], "slurp")))
                    continue
                sinks.append(Sink("unknown", command, "jq reads it in a way the migrator cannot follow"))
            elif (name, option) in (("curl", "-o"), ("curl", "--output"), ("wget", "-O"), ("wget", "--output-document")):
                continue  # written again, not read
            elif name in _NOT_READING or (name in ("[", "test", "[[") and option in _FILE_TESTS):
                continue
            elif name in _PASS_THROUGH:
                sinks.extend(self.stdout_of(command, None, depth + 1))
            else:
                sinks.append(Sink("unknown", command, f"{name or 'a command'} reads the file it is saved to"))
        for substitution in _file_substitutions(command):
            target = next((c for c in substitution.children if c.type == "file_redirect"), None)
            destination = target.child_by_field_name("destination") if target is not None else None
            if destination is not None and may_alias(path, words.joined([destination])):
                sinks.extend(self.substitution(substitution, None, depth + 1))
        return sinks


# ------------------------------------------------------------------ helpers


def _keeps_value(source: bytes, use) -> bool:
    """``${r:-none}``, ``${r-}``: the value itself when there is one."""
    return bool(re.fullmatch(rb"\$\{[A-Za-z_][A-Za-z0-9_]*:?[-=][^}]*\}", source[use.start : use.end]))


def _same(a: Node | None, b: Node | None) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and a == b)


def _static(pieces) -> str | None:
    if any(isinstance(p, Hole) for p in pieces):
        return None
    return "".join(p.text for p in pieces)


def _key(path: list[Piece]) -> str:
    return "".join(p.text if isinstance(p, Literal) else f"${{{p.name or p.source}}}" for p in path)


def _file_part(pieces: list[Piece]) -> list[Piece]:
    """The file an argument names: ``@body.json`` and ``file=@a.csv`` name ``body.json``, ``a.csv``."""
    if pieces and isinstance(pieces[0], Literal) and "@" in pieces[0].text[:64]:
        head = pieces[0].text.split("@", 1)[1]
        return [Literal(head, None, pieces[0].context), *pieces[1:]] if head else list(pieces[1:])
    return pieces


def _tokens(pieces: list[Piece]) -> list:
    out: list = []
    for piece in pieces:
        if piece.via:
            # What a variable holds (its value, or what is only known at run time): the variable.
            token = ("var", piece.via[0].name)
            if not (out and out[-1] == token):
                out.append(token)
        elif isinstance(piece, Literal):
            out.extend(piece.text)
        elif piece.name and piece.source.strip("${}\"") == piece.name:
            out.append(("var", piece.name))
        elif piece.source.startswith(("$(", "`")):
            out.append(("command", piece.source))  # a command's output: the same command, the same name
        else:
            out.append(("any",))
    return out


def _names_otherwise(path: list[Piece], word: list[Piece]) -> bool:
    """Whether a word may name the file ``path`` in another spelling (``./out.json``,
    ``"$PWD/out.json"``, ``o*.json``), or hold its name in code (``python3 -c '...open("out.json")'``)."""
    name = "".join(p.text for p in path if isinstance(p, Literal)).rsplit("/", 1)[-1]
    if len(name) <= 3:
        return False
    written = "".join(p.text for p in word if isinstance(p, Literal))
    last = written.rsplit("/", 1)[-1]
    return name in written or (any(c in last for c in "*?[") and fnmatch.fnmatchcase(name, last))


def may_alias(a: list[Piece], b: list[Piece]) -> bool:
    """Whether two paths may name the same file: literal text must agree; a variable matches
    the same variable or any text; two different variables are taken for different files."""
    left, right = _tokens(a), _tokens(b)
    if not left or not right:
        return False
    if len(left) * len(right) > 40000:
        return True
    memo: dict[tuple[int, int], bool] = {}

    def match(i: int, j: int) -> bool:
        key = (i, j)
        if key in memo:
            return memo[key]
        memo[key] = False
        done_left, done_right = i == len(left), j == len(right)
        if done_left and done_right:
            result = True
        elif not done_left and left[i] == ("any",):
            result = match(i + 1, j) or (not done_right and match(i, j + 1))
        elif not done_right and right[j] == ("any",):
            result = match(i, j + 1) or (not done_left and match(i + 1, j))
        elif done_left or done_right:
            result = False
        else:
            x, y = left[i], right[j]
            if isinstance(x, tuple) and isinstance(y, tuple):
                result = x == y and match(i + 1, j + 1)
            elif isinstance(x, tuple):  # a variable: any literal text
                result = match(i + 1, j) or match(i, j + 1)
            elif isinstance(y, tuple):
                result = match(i, j + 1) or match(i + 1, j)
            else:
                result = x == y and match(i + 1, j + 1)
        memo[key] = result
        return result

    return match(0, 0)


def _after_in_pipeline(pipeline: Node, current: Node | None) -> Node | None:
    """The command that reads what ``current`` prints in the pipeline (the first one when
    ``current`` is None)."""
    found = current is None
    for child in pipeline.children:
        if child.type in ("|", "|&"):
            continue
        if found:
            return child
        if child == current:
            found = True
    return None


def _heredoc_pipeline(statement: Node) -> Node | None:
    """``cmd <<EOF | jq``: the command after the pipe the parser put inside the heredoc."""
    for child in statement.children:
        if child.type == "heredoc_redirect":
            for inner in child.children:
                if inner.type == "pipeline":
                    return _after_in_pipeline(inner, None)
    return None


def _only_child(word: Node, inner: Node) -> bool:
    """Whether ``word`` is just ``inner`` in double quotes."""
    if word.type != "string":
        return False
    parts = [c for c in word.children if c.type not in ('"',)]
    return len(parts) == 1 and parts[0] == inner


def _is_loop_words(loop: Node, child: Node) -> bool:
    body = loop.child_by_field_name("body")
    return child != body and child.type != "do_group"


def _enclosing_loop(node: Node) -> Node | None:
    parent = node.parent
    while parent is not None:
        if parent.type in ("while_statement", "for_statement", "c_style_for_statement"):
            return parent
        if parent.type == "function_definition":
            return None
        parent = parent.parent
    return None


def _chain(node: Node, frame: Frame | None) -> list[Node]:
    """A command and the calls that lead to it, innermost first."""
    out = [node]
    while frame is not None:
        out.append(frame.call)
        frame = frame.caller
    return out


def _reaches(writer: Node, reader: Node) -> bool:
    """Whether ``reader`` may run after ``writer``: later in the text, or earlier in a loop
    that holds both (the next round)."""
    if reader.start_byte >= writer.end_byte:
        return True
    loop = _enclosing_loop(writer)
    while loop is not None:
        if loop.start_byte <= reader.start_byte < loop.end_byte:
            return True
        loop = _enclosing_loop(loop)
    return False


def _dominates(node: Node, later: Node) -> bool:
    """Whether ``node`` runs whenever ``later`` (after it) runs: it is in no branch (if, case,
    the right side of && or ||) that ``later`` is not in too. Loops are taken to run."""
    while node.parent is not None:
        parent = node.parent
        if parent.start_byte <= later.start_byte < parent.end_byte:
            return True
        if parent.type in ("elif_clause", "else_clause", "case_item"):
            return False
        if parent.type == "if_statement":
            then = next((c for c in parent.children if c.type == "then"), None)
            if then is not None and node.start_byte > then.start_byte:
                return False
        if parent.type == "list" and parent.children and node == parent.children[-1]:
            return False
        node = parent
    return True


def _file_substitutions(command: Node) -> list[Node]:
    """``$(<file)`` inside a command's words."""
    out = []
    stack = list(command.children)
    while stack:
        node = stack.pop()
        if node.type == "command_substitution" and any(c.type == "file_redirect" for c in node.children):
            out.append(node)
        elif node.type in ("string", "concatenation", "command_substitution"):
            stack.extend(node.children)
    return out
