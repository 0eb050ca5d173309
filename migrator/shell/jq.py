"""jq's command line as jq reads it: which argument is the filter, which are input
files, what changes how the input is read, and the variables bound to values
(``--arg``, ``--argjson``, ``--slurpfile``, ``--rawfile``).

What a filter reads of a response is planned by ``jqread``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migrator.urls import Hole

_WITH_ONE = {"--indent", "-L", "--seq-sep", "--library-path"}
_BINDS = {"--arg": "arg", "--argjson": "json", "--slurpfile": "slurp", "--rawfile": "raw"}
_FROM_FILE = {"-f", "--from-file"}
_CHANGES_INPUT = {"s": "--slurp", "R": "--raw-input"}
_CHANGES_INPUT_LONG = {"--slurp", "--raw-input", "--stream", "--stream-errors", "--seq"}
_SHORT_FLAGS = set("nrjacCMSseRh")


@dataclass(frozen=True)
class JqCommand:
    filter: int | None = None  # the filter's argument
    problem: str | None = None  # why the filter cannot be read
    inputs: tuple[int, ...] = ()  # input files
    null_input: bool = False
    changes_input: str | None = None  # -s, -R, --stream: the response is not the input as it came
    bound: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (how, argument of the value)
    positional: bool = False  # --args/--jsonargs: what follows the filter is not a file


def _static(pieces) -> str | None:
    if any(isinstance(p, Hole) for p in pieces):
        return None
    return "".join(p.text for p in pieces)


def jq_command(args: list) -> JqCommand:
    """Read jq's arguments (each: (node, end, pieces))."""
    filter_index: int | None = None
    problem: str | None = None
    inputs: list[int] = []
    null_input = False
    changes: str | None = None
    bound: dict[str, tuple[str, int]] = {}
    positional = False
    from_file = False
    i = 0
    while i < len(args):
        word = _static(args[i][2])
        if word is None:
            if filter_index is None and not from_file:
                filter_index, problem = i, "the jq filter is computed at run time"
            elif not positional:
                inputs.append(i)
            i += 1
            continue
        if word in _BINDS and i + 2 < len(args):
            name = _static(args[i + 1][2]) or ""
            bound[name] = (_BINDS[word], i + 2)
            i += 3
            continue
        if word in _WITH_ONE:
            i += 2
            continue
        if word in _FROM_FILE:
            from_file = True
            problem = problem or "the jq filter is read from a file"
            i += 2
            continue
        if word in ("--args", "--jsonargs"):
            positional = True
            i += 1
            continue
        if word == "--null-input":
            null_input = True
        elif word in _CHANGES_INPUT_LONG:
            changes = changes or word
        elif word.startswith("-") and not word.startswith("--") and len(word) > 1 and set(word[1:]) <= _SHORT_FLAGS:
            null_input = null_input or "n" in word
            letters = set(word[1:]) & set(_CHANGES_INPUT)
            if letters:
                changes = changes or f"jq {word}"
        elif word.startswith("-") and word != "-":
            pass  # another option without a value
        elif filter_index is None and not from_file:
            filter_index = i
        elif not positional:
            inputs.append(i)
        i += 1
    return JqCommand(filter_index, problem, tuple(inputs), null_input, changes, bound, positional)
