"""Recipe lines of Makefiles: each logical line (with its continuations) is a shell
script of its own, as make runs it; with the Makefile's variables and macros.

make reads ``$$`` as ``$`` and ``$(NAME)`` as its own variable; the shell front end
sees ``$`` and ``${NAME}``, and text written back has its ``$`` doubled. A variable
the recipes use (``API := $(DATAMIMIC_URL)/api/v1/$(PROJECT)``) comes first as a
shell assignment of its value, so a base kept there is seen and moves when every
call that uses it migrates (make variables are make's: a call cannot strip one with
a shell expansion). ``$(call dm,task/$(TASK_ID))`` is expanded as make expands it:
the macro's text (which no call may change alone) with ``$(1)``, ``$(2)`` replaced by
the call's arguments, written where the call writes them. ``$(shell cmd)`` is the
shell's ``$(cmd)``: it runs when make sets the variable, so its curl is a call. The
automatic variables the shell would not parse (``$<``, ``$^``) read as shell variables.
"""

from __future__ import annotations

import re

from migrator.hosts.regions import Region, continued_lines, lines

MAKE_VARIABLE = re.compile(rb"\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]")
RECIPE_PREFIX = re.compile(rb"\t[@+\-]*")
ASSIGNMENT = re.compile(rb"^([A-Za-z_][A-Za-z0-9_]*)[ \t]*(\?=|:=|::=|=)[ \t]*(.*?)[ \t]*$", re.MULTILINE)
DEFINE = re.compile(rb"^define[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*=?[ \t]*\r?\n(.*?)^endef", re.MULTILINE | re.DOTALL)
CALL = re.compile(rb"\$\(call[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
SHELL_FUNCTION = re.compile(rb"\$\(shell[ \t]+")
# make's automatic variables whose shell reading would not parse; $@, $* and $? parse as they are.
AUTOMATIC = {b"<": b"${make_first_prerequisite}", b"^": b"${make_prerequisites}", b"+": b"${make_all_prerequisites}", b"|": b"${make_order_only}"}


def regions(source: bytes) -> list[Region]:
    macros = {m.group(1): (m.start(2), m.end(2) - 1 if source[m.end(2) - 1 : m.end(2)] == b"\n" else m.end(2)) for m in DEFINE.finditer(source)}
    in_defines = [(m.start(), m.end()) for m in DEFINE.finditer(source)]
    recipes = []
    for number, spans in continued_lines(source, lambda line: line.startswith(b"\t")):
        if any(a <= spans[0][0] < b for a, b in in_defines):
            continue
        region = Region("shell", first_line=number, escape=lambda text: text.replace(b"$", b"$$"))
        for index, (start, end) in enumerate(spans):
            # A recipe's first line may start with @, - or +; a continuation line loses one tab.
            if index == 0:
                prefix = RECIPE_PREFIX.match(source, start, end).end() - start  # type: ignore[union-attr]
            else:
                prefix = 1 if source[start : start + 1] == b"\t" else 0
            region.add(b" " * prefix)
            _take(region, source, start + prefix, end, macros)
        recipes.append(region)
    if not recipes:
        return []
    used = set()
    for region in recipes:
        used.update(m.group(1) for m in MAKE_VARIABLE.finditer(bytes(region.text)))
    variables = _assignments(source, used, in_defines, macros)
    names = frozenset(m.group(1).decode() for m in ASSIGNMENT.finditer(source))
    for region in [*variables, *recipes]:
        region.outside = names  # type: ignore[attr-defined]
    return [*variables, *recipes]


def _assignments(source: bytes, used: set[bytes], in_defines, macros) -> list[Region]:
    """The variables the recipes use, and those their values use, as shell assignments."""
    found: dict[bytes, re.Match[bytes]] = {}
    for match in ASSIGNMENT.finditer(source):
        if not any(a <= match.start() < b for a, b in in_defines) and not source[match.start() : match.start() + 1].isspace():
            found.setdefault(match.group(1), match)
    wanted = set(used)
    changed = True
    while changed:
        changed = False
        for name in list(wanted):
            match = found.get(name)
            if match is None:
                continue
            for inner in MAKE_VARIABLE.finditer(match.group(3)):
                if inner.group(1) not in wanted:
                    wanted.add(inner.group(1))
                    changed = True
    out = []
    for name, match in sorted(found.items(), key=lambda item: item[1].start()):
        if name not in wanted or name in macros:
            continue
        value = match.group(3)
        line = source.count(b"\n", 0, match.start()) + 1
        region = Region("shell", first_line=line, escape=lambda text: text.replace(b"$", b"$$"))
        whole_shell = SHELL_FUNCTION.match(value) and _closing(value, 2, len(value)) == len(value) - 1
        quote = b"" if whole_shell or not re.search(rb"[\s\"'|;&<>()]", re.sub(rb"\$\([^)]*\)", b"", value)) else b"'" if b"'" not in value else b'"'
        region.add(name + b"=" + quote)
        _take(region, source, match.start(3), match.end(3), {})
        region.add(quote + b"\n")
        out.append(region)
    return out


def _take(region: Region, source: bytes, start: int, end: int, macros: dict, shared: bool = False, args: list | None = None) -> None:
    """Copy text as the shell sees it: ``$$`` -> ``$``, ``$(NAME)`` -> ``${NAME}``, macros
    called with ``$(call ...)`` expanded. ``shared``: the text of a macro, which the region
    shows but no edit may change (every call of the macro has it)."""

    def copy(at: int, until: int) -> None:
        if shared:
            region.add(source[at:until])
        else:
            region.take(source, at, until)

    position = start
    while position < end:
        if source[position : position + 2] == b"$$":
            region.add(b"$", -1 if shared else position, -1 if shared else position + 2)
            position += 2
            continue
        automatic = AUTOMATIC.get(source[position + 1 : position + 2]) if source[position : position + 1] == b"$" else None
        if automatic is not None:
            region.add(automatic, -1 if shared else position, -1 if shared else position + 2)
            position += 2
            continue
        function = SHELL_FUNCTION.match(source, position, end)
        if function:
            region.add(b"$(", -1 if shared else position, -1 if shared else function.end())
            position = function.end()
            continue
        argument = re.match(rb"\$\(([1-9])\)", source[position:end])
        if argument and args is not None:
            number = int(argument.group(1)) - 1
            if number < len(args):
                arg_start, arg_end = args[number]
                _take(region, source, arg_start, arg_end, macros)
            position += len(argument.group())
            continue
        call = CALL.match(source, position, end)
        if call and call.group(1) in macros:
            close = _closing(source, call.end(), end)
            if close is not None:
                body_start, body_end = macros[call.group(1)]
                _take(region, source, body_start, body_end, macros, True, _split_arguments(source, call.end(), close))
                position = close + 1
                continue
        match = MAKE_VARIABLE.match(source, position, end)
        if match:
            text = b"${" + match.group(1) + b"}"
            if shared:
                region.add(text)
            else:
                region.take(source, match.start(), match.end())
                region.text[-len(match.group()) :] = text
            position = match.end()
            continue
        copy(position, position + 1)
        position += 1


def _closing(source: bytes, start: int, end: int) -> int | None:
    depth = 1
    for position in range(start, end):
        char = source[position : position + 1]
        if char == b"(":
            depth += 1
        elif char == b")":
            depth -= 1
            if depth == 0:
                return position
    return None


def _split_arguments(source: bytes, start: int, close: int) -> list[tuple[int, int]]:
    """``,task/$(TASK_ID),-o $@`` -> the spans of each argument (after the macro's name)."""
    out = []
    depth = 0
    current = None
    for position in range(start, close):
        char = source[position : position + 1]
        if char == b"(":
            depth += 1
        elif char == b")":
            depth -= 1
        elif char == b"," and depth == 0:
            if current is not None:
                out.append((current, position))
            current = position + 1
    if current is not None:
        out.append((current, close))
    return out


__all__ = ["regions", "lines"]
