"""What a jq filter reads of a response, and the edits that make it read the v2 response.

The filter is parsed (``jqlang``) and evaluated abstractly: the input is the
response's root, and every expression yields the parts of the response it
passes on (a path from the root, each step remembering the expression that
took it) or something else. Where a part of the response is used (compared,
printed, counted, interpolated, collected, passed to a function...), that use
is an ``Access`` the rule table maps (``responses.map_access``): the steps the
mapping consumes are rewritten where they are written, wherever they sit in the
filter (``.files[] | select(.name | endswith(".xml"))``, ``any(.files[]; ...)``,
``.result[0] | {status, date_done}``, ``[.[].size] | add``). A use whose meaning
cannot be kept is a problem that names the exact sub-expression.

Guide: "Common Issues and Solutions" (response parsing) and each "Output Changes".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from migrator.responses import Access, Field, Index, MappedAccess, ResponseMapping, Step, map_access, overlaps
from migrator.shell.jqlang import JqSyntaxError, Node, parse


@dataclass(frozen=True, eq=False)
class StepRef:
    step: Step
    node: Node  # the expression that takes this step (for a virtual step: the call that implies it)
    virtual: bool = False  # map(f), any(f), first...: the step is not written in the filter


@dataclass(frozen=True)
class Resp:
    """A part of a response: ``origin`` names the response (``""``: jq's input)."""

    origin: str
    path: tuple[StepRef, ...] = ()
    # The depths at which the part went through a function that rebuilds the array (sort_by,
    # reverse, map(select), a slice): a rewrite of a step above one lands after that function.
    through: tuple[int, ...] = ()

    def step(self, ref: StepRef) -> Resp:
        return Resp(self.origin, (*self.path, ref), self.through)

    def rebuilt(self) -> Resp:
        return Resp(self.origin, self.path, (*self.through, len(self.path)))


@dataclass(frozen=True)
class Slurped:
    """``--slurpfile NAME FILE``: an array whose only element is the response."""

    origin: str


class _Other:
    def __repr__(self) -> str:
        return "OTHER"


OTHER = _Other()
Value = Resp | Slurped | _Other


@dataclass(frozen=True)
class Use:
    origin: str
    path: tuple[StepRef, ...]
    then: str  # end | length | other
    at: Node  # the expression that uses the value
    through: tuple[int, ...] = ()


@dataclass(frozen=True, order=True)
class JqEdit:
    start: int
    end: int
    text: str


@dataclass
class ReadPlan:
    edits: list[JqEdit]
    problems: list[str]
    reads: bool  # the filter uses the response at all
    passes: bool = False  # the filter outputs the whole response as it came (jq .)

    def apply(self, source: str) -> str:
        out = source
        for edit in sorted(self.edits, reverse=True):
            out = out[: edit.start] + edit.text + out[edit.end :]
        return out


# ------------------------------------------------------------------ builtins

_PRESERVE = {
    "select", "values", "nulls", "booleans", "numbers", "strings", "arrays", "objects", "iterables", "scalars",
    "sort", "reverse", "unique", "debug", "stderr", "sort_by", "unique_by",
}  # fmt: skip
_REBUILD = {"sort", "reverse", "unique", "sort_by", "unique_by"}  # a new array of the same elements
_ELEMENT_ARG = {"sort_by", "unique_by", "min_by", "max_by", "group_by", "map", "any", "all"}
_VALUE = {
    "tostring", "tojson", "ascii_downcase", "ascii_upcase", "ltrimstr", "rtrimstr", "startswith", "endswith",
    "test", "match", "capture", "split", "splits", "join", "sub", "gsub", "ascii", "explode", "implode",
    "tonumber", "not", "add", "min", "max", "flatten", "floor", "sqrt", "fabs", "round", "ceil", "contains",
    "inside", "index", "rindex", "indices", "todate", "fromdate", "fromjson", "todateiso8601", "fromdateiso8601",
    "dateadd", "datesub", "date", "strptime", "strftime", "strflocaltime", "mktime", "gmtime", "localtime",
    "type", "infinite", "nan", "isinfinite", "isnan", "isnormal", "error", "@text", "@json", "@html", "@uri",
    "@csv", "@tsv", "@sh", "@base64", "@base64d", "ascii", "trim", "ltrim", "rtrim", "abs", "toarray",
    "utf8bytelength", "tostream", "halt_error", "significand", "logb", "gamma", "exp", "log", "pow", "log10",
    "exp10", "trunc",
}  # fmt: skip
_STRUCTURE = {
    "keys", "keys_unsorted", "has", "in", "to_entries", "from_entries", "with_entries", "paths", "leaf_paths",
    "getpath", "setpath", "delpaths", "del", "path", "walk", "map_values", "recurse", "env", "input", "inputs",
    "splits", "transpose", "combinations", "group_by", "IN", "INDEX", "GROUP_BY", "UNIQUE_BY", "ANY", "ALL",
    "tostream", "fromstream", "truncate_stream", "getpath", "pick", "limit", "until", "while", "repeat",
    "range", "input_filename", "$__prog_args", "ltrimstr", "splits", "min_by", "max_by",
}  # fmt: skip
_CONSTANT = {"empty", "now", "input_line_number", "builtins", "null", "true", "false", "halt", "env", "$__loc__"}


class _Evaluator:
    def __init__(self, origins: set[str]) -> None:
        self.origins = origins
        self.uses: list[Use] = []

    def use(self, value: Value, then: str, at: Node) -> None:
        if isinstance(value, Resp):
            self.uses.append(Use(value.origin, value.path, then, at, value.through))
        elif isinstance(value, Slurped):
            self.uses.append(Use(value.origin, (), "other", at))

    def consume(self, values: Sequence[Value], then: str, at: Node) -> None:
        for value in values:
            self.use(value, then, at)

    # ---------------------------------------------------------------- evaluation

    def eval(self, node: Node | None, value: Value, env: dict[str, list[Value]]) -> list[Value]:
        if node is None:
            return [value]
        handler = getattr(self, "on_" + node.kind, None)
        if handler is None:
            self.use(value, "other", node)
            return [OTHER]
        return _unique(handler(node, value, env))

    def on_identity(self, node: Node, value: Value, env) -> list[Value]:
        return [value]

    def on_paren(self, node: Node, value: Value, env) -> list[Value]:
        return self.eval(node.children[0], value, env)

    def on_optional(self, node: Node, value: Value, env) -> list[Value]:
        return self.eval(node.children[0], value, env)

    def _target(self, node: Node, value: Value, env) -> list[Value]:
        target = node.children[0]
        return [value] if target is None else self.eval(target, value, env)

    def on_field(self, node: Node, value: Value, env) -> list[Value]:
        out: list[Value] = []
        for base in self._target(node, value, env):
            if isinstance(base, Resp):
                out.append(base.step(StepRef(Field(node.name), node)))
            else:
                self.use(base, "other", node)
                out.append(OTHER)
        return out

    def on_index(self, node: Node, value: Value, env) -> list[Value]:
        index = node.children[1]
        assert index is not None
        out: list[Value] = []
        literal = index.value if index.kind == "literal" and isinstance(index.value, int) else None
        if literal is None and index.kind == "negate" and index.children[0] is not None and index.children[0].kind == "literal":
            literal = -int(index.children[0].value)  # type: ignore[arg-type]
        keys = self.eval(index, value, env)
        self.consume(keys, "end", index)
        for base in self._target(node, value, env):
            if isinstance(base, Slurped) and literal in (0, -1):
                out.append(Resp(base.origin))
            elif isinstance(base, Resp) and literal is not None:
                out.append(base.step(StepRef(Index(literal), node)))
            elif isinstance(base, Resp):
                # A computed index ($i, .[$n]) or key ($k): which part it reads is not known.
                self.use(base, "other", node)
                out.append(OTHER)
            else:
                out.append(OTHER)
        return out

    def on_iterate(self, node: Node, value: Value, env) -> list[Value]:
        out: list[Value] = []
        for base in self._target(node, value, env):
            if isinstance(base, Resp):
                out.append(base.step(StepRef(Index(None), node)))
            elif isinstance(base, Slurped):
                out.append(Resp(base.origin))
            else:
                out.append(OTHER)
        return out

    def on_slice(self, node: Node, value: Value, env) -> list[Value]:
        for bound in node.children[1:]:
            if bound is not None:
                self.consume(self.eval(bound, value, env), "end", bound)
        # A slice of an array is an array of the same elements: the path goes on.
        return [base.rebuilt() if isinstance(base, Resp) else OTHER for base in self._target(node, value, env)]

    def on_recurse(self, node: Node, value: Value, env) -> list[Value]:
        self.use(value, "other", node)
        return [OTHER]

    def on_literal(self, node: Node, value: Value, env) -> list[Value]:
        return [OTHER]

    def on_string(self, node: Node, value: Value, env) -> list[Value]:
        if node.name and node.name != "@text":
            pass  # a format string: each interpolated value is formatted, a value use like any other
        for child in node.children:
            self.consume(self.eval(child, value, env), "end", child)  # type: ignore[arg-type]
        return [OTHER]

    def on_format(self, node: Node, value: Value, env) -> list[Value]:
        self.use(value, "end", node)
        return [OTHER]

    def on_var(self, node: Node, value: Value, env) -> list[Value]:
        return list(env.get(node.name, [OTHER]))

    def on_array(self, node: Node, value: Value, env) -> list[Value]:
        inner = node.children[0]
        if inner is not None:
            self.consume(self.eval(inner, value, env), "end", inner)
        return [OTHER]

    def on_object(self, node: Node, value: Value, env) -> list[Value]:
        for entry in node.children:
            assert entry is not None
            key, content = entry.children
            if key is not None and entry.value == "expression":
                self.consume(self.eval(key, value, env), "end", key)
            elif key is not None and key.kind == "string":
                self.eval(key, value, env)
            if content is not None:
                self.consume(self.eval(content, value, env), "end", content)
            elif entry.value == "ident":
                # {name}: the shorthand of {name: .name}
                if isinstance(value, Resp):
                    self.use(value.step(StepRef(Field(entry.name), entry)), "end", entry)
                else:
                    self.use(value, "other", entry)
            elif entry.value == "var":
                self.consume(env.get(entry.name, [OTHER]), "end", entry)
            elif key is not None:
                # {"a b"} / {@base64}: like {name}
                self.use(value, "other", entry)
        return [OTHER]

    def on_pipe(self, node: Node, value: Value, env) -> list[Value]:
        left, right = node.children
        out: list[Value] = []
        for item in self.eval(left, value, env):
            out.extend(self.eval(right, item, env))
        return out

    def on_comma(self, node: Node, value: Value, env) -> list[Value]:
        left, right = node.children
        return self.eval(left, value, env) + self.eval(right, value, env)

    def on_alternative(self, node: Node, value: Value, env) -> list[Value]:
        left, right = node.children
        return self.eval(left, value, env) + self.eval(right, value, env)

    def on_binary(self, node: Node, value: Value, env) -> list[Value]:
        for side in node.children:
            self.consume(self.eval(side, value, env), "end", side)  # type: ignore[arg-type]
        return [OTHER]

    def on_negate(self, node: Node, value: Value, env) -> list[Value]:
        self.consume(self.eval(node.children[0], value, env), "end", node)
        return [OTHER]

    def on_assign(self, node: Node, value: Value, env) -> list[Value]:
        self.use(value, "other", node)
        for side in node.children:
            self.consume(self.eval(side, value, env), "other", side)  # type: ignore[arg-type]
        return [OTHER]

    def on_if(self, node: Node, value: Value, env) -> list[Value]:
        children = node.children
        out: list[Value] = []
        pairs = len(children) // 2
        for k in range(pairs):
            self.consume(self.eval(children[2 * k], value, env), "end", children[2 * k])  # type: ignore[arg-type]
            out.extend(self.eval(children[2 * k + 1], value, env))
        if len(children) % 2:
            out.extend(self.eval(children[-1], value, env))
        else:
            out.append(value)  # jq 1.7: a missing else is "."
        return out

    def on_try(self, node: Node, value: Value, env) -> list[Value]:
        body, catch = node.children
        out = self.eval(body, value, env)
        if catch is not None:
            self.consume(self.eval(catch, OTHER, env), "end", catch)
        return out

    def on_label(self, node: Node, value: Value, env) -> list[Value]:
        return self.eval(node.children[0], value, env)

    def on_bind(self, node: Node, value: Value, env) -> list[Value]:
        source, body, *patterns = node.children
        out: list[Value] = []
        for item in self.eval(source, value, env):
            scope = dict(env)
            for pattern in patterns:
                self.bind(pattern, item, scope)  # type: ignore[arg-type]
            out.extend(self.eval(body, value, scope))
        return out

    def bind(self, pattern: Node, value: Value, env: dict[str, list[Value]]) -> None:
        if pattern.kind == "pattern_var":
            env[pattern.name] = [value]
            return
        if pattern.kind == "pattern_array":
            for position, item in enumerate(pattern.children):
                element: Value = OTHER
                if isinstance(value, Resp):
                    element = value.step(StepRef(Index(position), item, virtual=True))  # type: ignore[arg-type]
                self.bind(item, element, env)  # type: ignore[arg-type]
            return
        for entry in pattern.children:
            assert entry is not None
            if entry.value in ("ident", "var") and isinstance(value, Resp):
                inner: Value = value.step(StepRef(Field(entry.name), entry, virtual=True))
            else:
                self.use(value, "other", entry)
                inner = OTHER
            if entry.value == "var":
                env[entry.name] = [inner]
            target = entry.children[-1]
            if target is not None and target.kind.startswith("pattern"):
                self.bind(target, inner, env)

    def on_funcdef(self, node: Node, value: Value, env) -> list[Value]:
        definition, rest = node.children
        assert definition is not None
        scope = dict(env)
        scope[f"{definition.name}/{len(definition.children) - 1}"] = []  # user functions: unknown
        return self.eval(rest, value, scope)

    def on_reduce(self, node: Node, value: Value, env) -> list[Value]:
        return self._fold(node, value, env)

    def on_foreach(self, node: Node, value: Value, env) -> list[Value]:
        return self._fold(node, value, env)

    def _fold(self, node: Node, value: Value, env) -> list[Value]:
        source, pattern, *parts = node.children
        scope = dict(env)
        for item in self.eval(source, value, env):
            self.use(item, "other", source)  # type: ignore[arg-type]
        self.bind(pattern, OTHER, scope)  # type: ignore[arg-type]
        for part in parts:
            self.consume(self.eval(part, OTHER, scope), "other", part)  # type: ignore[arg-type]
        self.consume(self.eval(parts[0], value, env), "other", parts[0])  # type: ignore[arg-type]
        return [OTHER]

    # ---------------------------------------------------------------- calls

    def on_call(self, node: Node, value: Value, env) -> list[Value]:
        name, args = node.name, [a for a in node.children if a is not None]
        arity = len(args)
        if f"{name}/{arity}" in env:
            return self.unknown(node, value, env, args)
        if name in ("length", "utf8bytelength") and not args:
            self.use(value, "length", node)
            return [OTHER]
        if name == "empty" and not args:
            return []
        if name in _CONSTANT and not args:
            return [OTHER]
        if name == "select" and arity == 1:
            self.consume(self.eval(args[0], value, env), "end", args[0])
            return [value]
        if name in _PRESERVE and not args:
            return [value.rebuilt() if isinstance(value, Resp) and name in _REBUILD else value]
        if name in ("first", "last") and not args:
            return self.element(node, value, 0 if name == "first" else -1)
        if name in ("first", "last", "limit", "nth", "isempty", "until", "while", "repeat") and args:
            for arg in args[:-1]:
                self.consume(self.eval(arg, value, env), "end", arg)
            outputs = self.eval(args[-1], value, env)
            if name == "isempty":
                self.consume(outputs, "end", args[-1])
                return [OTHER]
            return outputs if name in ("first", "last", "limit", "nth") else self._consumed(outputs, node)
        if name in ("any", "all") and arity == 2:
            for item in self.eval(args[0], value, env):
                self.consume(self.eval(args[1], item, env), "end", args[1])
            return [OTHER]
        if name in _ELEMENT_ARG and arity == 1:
            element = self.element(node, value, None)
            outputs = [out for item in element for out in self.eval(args[0], item, env)]
            if name in ("sort_by", "unique_by"):
                self.consume([o for o in outputs], "end", args[0])
                return [value.rebuilt() if isinstance(value, Resp) else value]
            if name in ("min_by", "max_by"):
                self.consume(outputs, "end", args[0])
                return element
            if name == "map" and outputs and all(o in element for o in outputs):
                return [value.rebuilt() if isinstance(value, Resp) else value]  # map(select(...)): the same array, fewer elements
            self.consume(outputs, "end", args[0])
            if name == "group_by":
                self.use(value, "other", node)
            return [OTHER]
        if name in _VALUE or name.startswith("@"):
            self.use(value, "end", node)
            for arg in args:
                self.consume(self.eval(arg, value, env), "end", arg)
            return [OTHER]
        return self.unknown(node, value, env, args)

    def unknown(self, node: Node, value: Value, env, args: list[Node]) -> list[Value]:
        self.use(value, "other", node)
        for arg in args:
            self.consume(self.eval(arg, value, env), "other", arg)
        return [OTHER]

    def element(self, node: Node, value: Value, index: int | None) -> list[Value]:
        if isinstance(value, Resp):
            return [value.step(StepRef(Index(index), node, virtual=True))]
        if isinstance(value, Slurped):
            return [Resp(value.origin)]
        return [OTHER]

    def _consumed(self, outputs: list[Value], node: Node) -> list[Value]:
        self.consume(outputs, "other", node)
        return [OTHER]


def _unique(values: list[Value]) -> list[Value]:
    out: list[Value] = []
    for value in values:
        if value not in out:
            out.append(value)
    return out


# ------------------------------------------------------------------ planning


def _chain_target(node: Node) -> Node | None:
    """The expression a postfix step is applied to (through ``?``)."""
    target = node.children[0] if node.kind in ("field", "index", "iterate", "slice") and node.children else None
    while target is not None and target.kind == "optional":
        target = target.children[0]
    return target


def _same_chunk(before: StepRef, after: StepRef) -> bool:
    return not before.virtual and not after.virtual and _chain_target(after.node) is before.node


def _chunks(steps: Sequence[StepRef]) -> list[tuple[int, int]]:
    """Runs of consecutive steps written as one postfix chain (``.result[0]``)."""
    out: list[tuple[int, int]] = []
    start = 0
    for k in range(1, len(steps) + 1):
        if k == len(steps) or not _same_chunk(steps[k - 1], steps[k]):
            out.append((start, k))
            start = k
    return out


def _alignment(pattern: Sequence[Step], replacement: Sequence[Step], cut: int) -> int | None:
    """Where in the replacement the pattern's position ``cut`` falls: beside an index step,
    whose ``[]`` the replacement keeps in the same order (``.files[] | .name``)."""
    if cut == 0:
        return 0
    if cut == len(pattern):
        return len(replacement)
    index_positions = [k for k, step in enumerate(replacement) if isinstance(step, Index)]
    if isinstance(pattern[cut - 1], Index):
        count = sum(1 for step in pattern[:cut] if isinstance(step, Index))
        return index_positions[count - 1] + 1 if count <= len(index_positions) else None
    if isinstance(pattern[cut], Index):
        count = sum(1 for step in pattern[:cut] if isinstance(step, Index))
        return index_positions[count] if count < len(index_positions) else None
    return None


def _is_name(text: str) -> bool:
    return text.isidentifier() and text.isascii()


def _path_text(steps: Sequence[Step], based: bool) -> str:
    out = []
    for step in steps:
        if isinstance(step, Field):
            out.append(f".{step.name}" if _is_name(step.name) else f'.["{step.name}"]')
        else:
            out.append("[]" if step.value is None else f"[{step.value}]")
    text = "".join(out)
    if text and not based and not text.startswith("."):
        text = "." + text
    return text


_PIPE_SAFE_PARENTS = {"pipe", "paren", "array", "string", "call", "if", "label", "funcdef", "def", "try"}


def _pipe_safe(node: Node) -> bool:
    """Whether text with a ``|`` may replace ``node`` without parentheses."""
    parent = node.parent
    if parent is None:
        return True
    if parent.kind == "bind":
        return parent.children[1] is node
    if parent.kind == "entry":
        return parent.children[-1] is node
    if parent.kind == "try":
        return False
    return parent.kind in _PIPE_SAFE_PARENTS


def _followed(node: Node) -> Node | None:
    """The postfix step written right after ``node`` in the same chain, if any."""
    parent = node.parent
    while parent is not None and parent.kind == "optional":
        node, parent = parent, parent.parent
    if parent is not None and parent.kind in ("field", "index", "iterate", "slice") and parent.children[0] is node:
        return parent
    return None


def _step_start(ref: StepRef) -> tuple[int, bool]:
    """Where a step's own text starts, and whether it is applied to something written before it."""
    node = ref.node
    target = _chain_target(node)
    if node.kind == "entry":
        return node.start, False
    if target is None or target.kind == "identity":
        return (target.start if target is not None else node.start), False
    return node.name_span[0], True


class _Planner:
    def __init__(self, source: str, transforms: dict[str, str]) -> None:
        self.source = source
        self.transforms = transforms
        self.edits: dict[tuple[int, int], str] = {}
        self.problems: list[str] = []

    def text(self, node: Node) -> str:
        return self.source[node.start : node.end]

    def edit(self, start: int, end: int, text: str, what: Node) -> None:
        key = (start, end)
        if self.edits.get(key, text) != text:
            self.problems.append(f"{self.text(what)!r} is read as two different parts of the v2 response")
        self.edits[key] = text

    def insert_before(self, node: Node, prefix: str) -> None:
        """``node`` applied to ``prefix`` of its input: ``length`` -> ``.artifacts | length``."""
        if _pipe_safe(node) and _followed(node) is None:
            self.edit(node.start, node.start, f"{prefix} | ", node)
        else:
            self.edit(node.start, node.start, f"({prefix} | ", node)
            self.edit(node.end, node.end, ")", node)

    def plan(self, use: Use, mapped: MappedAccess) -> None:
        mapping = mapped.mapping
        transform = self.transforms.get(mapping.transform) if mapping.transform else None
        consumed = use.path[: mapped.consumed]
        replacement = mapped.replacement
        if not consumed:
            self.insert_before(use.at, _path_text(replacement, False))
            return
        pattern = [ref.step for ref in consumed]
        chunks = _chunks(consumed)
        cuts = [_alignment(pattern, replacement, start) for start, _ in chunks] + [len(replacement)]
        if any(cut is None for cut in cuts):
            where = " | ".join(self._written(consumed[a:b]) for a, b in chunks)
            self.problems.append(f"{where!r} cannot keep its meaning on v2's response ({mapping.v1.text} -> {format_steps(replacement)})")
            return
        for number, (start, end) in enumerate(chunks):
            part = list(replacement[cuts[number] : cuts[number + 1]])  # type: ignore[index,misc]
            last = number == len(chunks) - 1
            self.chunk(consumed[start:end], part, transform if last else None, mapping)

    def _written(self, refs: Sequence[StepRef]) -> str:
        """The steps as written, one part per place (``.files[] | .extension``)."""
        parts = []
        for start, end in _chunks(refs):
            if refs[start].virtual:
                parts.append(self.text(refs[start].node))
                continue
            begin, _ = _step_start(refs[start])
            parts.append(self.source[begin : refs[end - 1].node.end])
        return " | ".join(parts)

    def chunk(self, refs: Sequence[StepRef], part: list[Step], transform: str | None, mapping: ResponseMapping) -> None:
        first, last = refs[0], refs[-1]
        if first.virtual:
            # map(.name) on the artifact list: the step map takes is the [] the replacement
            # ends with; what comes before it goes in front of the call.
            if len(refs) != 1 or not part or part[-1] != first.step or transform:
                self.problems.append(f"{self.text(first.node)!r} cannot keep its meaning on v2's response ({mapping.v1.text})")
                return
            if len(part) > 1:
                self.insert_before(first.node, _path_text(part[:-1], False))
            return
        begin, based = _step_start(first)
        end = last.node.end if last.node.kind != "entry" else last.node.end
        follower = _followed(last.node)
        if last.node.kind == "entry":
            # {name}: the shorthand of {name: .name}
            new = _path_text(part, False) or "."
            if transform:
                new = transform if new == "." else f"{new} | {transform}"
            self.edit(begin, end, f"{last.node.name}: {new}", last.node)
            return
        path = _path_text(part, based)
        if transform:
            if based:
                self.problems.append(f"{self._written(refs)!r} cannot keep its meaning on v2's response ({mapping.v1.text})")
                return
            new = transform if not path else f"{path} | {transform}"
            if path and (follower is not None or not _pipe_safe(last.node)):
                new = f"({new})"
            elif not path and follower is not None:
                new = f"({new})"
            self.edit(begin, end, new, last.node)
            return
        if not path and not based:
            if follower is None:
                path = "."
                pipe = last.node.parent
                if pipe is not None and pipe.kind == "pipe" and begin == last.node.start:
                    left, right = pipe.children
                    # ".result[0] | .status" -> ".status", not ". | .status"
                    if left is last.node and right is not None:
                        self.edit(begin, right.start, "", last.node)
                        return
                    if right is last.node and left is not None:
                        self.edit(left.end, end, "", last.node)
                        return
            elif self.source[follower.name_span[0] : follower.name_span[0] + 1] == "[":
                path = "."
        self.edit(begin, end, path, last.node)


def _rebuilt_across(depth: int, steps: Sequence[Step], mapped: MappedAccess) -> bool:
    """Whether a function that rebuilds the array at ``depth`` stands where the rewrite cannot
    cross it: the v2 steps of the part above it would land after it (``reverse | .[0]`` on
    the artifact list)."""
    if depth == 0:
        return bool(mapped.replacement)
    if depth >= mapped.consumed:
        return False
    return _alignment(steps[: mapped.consumed], mapped.replacement, depth) is None


def format_steps(steps: Sequence[Step]) -> str:
    return _path_text(steps, False) or "."


def plan_reads(
    source: str,
    mappings: dict[str, tuple[ResponseMapping, ...]],
    transforms: dict[str, str],
    bound: dict[str, str] | None = None,
) -> ReadPlan:
    """Plan the rewrite of a jq filter that reads responses.

    ``mappings``: for each response the filter reads (``""``: jq's input, or a
    variable name bound with --argjson/--slurpfile) the rule's response mappings.
    ``bound``: variables that hold a response: name -> "json" (--argjson) or "slurp".
    """
    try:
        root = parse(source)
    except JqSyntaxError as exc:
        return ReadPlan([], [f"the jq filter does not parse ({exc})"], True)
    evaluator = _Evaluator(set(mappings))
    env: dict[str, list[Value]] = {}
    for name, how in (bound or {}).items():
        env[name] = [Slurped(name) if how == "slurp" else Resp(name)]
    start: Value = Resp("") if "" in mappings else OTHER
    outputs = evaluator.eval(root, start, env)
    evaluator.consume(outputs, "end", root)
    planner = _Planner(source, transforms)
    reads = False
    for use in evaluator.uses:
        if use.origin not in mappings:
            continue
        reads = True
        steps = tuple(ref.step for ref in use.path)
        mapped = map_access(mappings[use.origin], Access(steps, use.then))  # type: ignore[arg-type]
        written = planner._written(use.path) if use.path else planner.text(use.at)
        if mapped is None:
            if use.path == () and use.then == "end" and use.at is root:
                continue  # jq .: the answer shown as it came
            if any(overlaps(m.v1.steps, steps) for m in mappings[use.origin]):
                # length, keys, .[], .., tojson...: a read of a part the table maps, not by its path
                planner.problems.append(f"{written!r} reads the response in a way the rule table does not map")
            continue
        if any(_rebuilt_across(depth, steps, mapped) for depth in use.through):
            planner.problems.append(f"{written!r} reads the response after a function that rebuilds it, where v2's answer has another shape")
            continue
        if mapped.mapping.review:
            planner.problems.append(f"{written!r}: {mapped.mapping.review}")
            continue
        planner.plan(use, mapped)
    edits = [JqEdit(start, end, text) for (start, end), text in planner.edits.items()]
    problems = list(dict.fromkeys(planner.problems))
    if not problems and _overlap(edits):
        problems.append("the filter reads the response in overlapping places the migrator cannot rewrite together")
    passes = any(isinstance(o, Resp) and not o.path and o.origin in mappings for o in outputs)
    return ReadPlan(edits if not problems else [], problems, reads, passes)


def _overlap(edits: list[JqEdit]) -> bool:
    ordered = sorted(edits)
    return any(b.start < a.end for a, b in zip(ordered, ordered[1:]))
