"""What every layer reports: a ``Finding`` per call or read, a ``FileResult`` per file.

A file's run never raises: it ends as changed, unchanged, skipped (with the
reason) or failed (with the error), always with its findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from migrator.files import Stamp


class Status(StrEnum):
    MIGRATED = "migrated"  # rewritten (or, with --diff/--check, would be)
    UNSAFE = "unsafe"  # a fix exists but is applied only with --unsafe-fixes
    REVIEW = "review"  # a DATAMIMIC v1 call or read that needs a person
    UNMAPPED = "unmapped"  # a DATAMIMIC v1 path the guide gives no v2 form for
    POSSIBLE = "possible"  # a v1-shaped call that may not be DATAMIMIC's: left alone
    ERROR = "error"  # the file could not be read or parsed

    @property
    def blocks(self) -> bool:
        """Whether this finding means something is left to migrate (exit code 1)."""
        return self is not Status.POSSIBLE

    def label(self, written: bool) -> str:
        """What a person is shown: a fix not written (--diff, --check) is "fixable"."""
        return "fixable" if self is Status.MIGRATED and not written else self.value


@dataclass(frozen=True)
class TextEdit:
    """One replacement of a fix, where an editor or a SARIF viewer finds it: 1-based lines,
    columns in characters, the end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    path: str = ""  # another file of the run the fix edits too ("": the finding's own)


@dataclass(frozen=True)
class Finding:
    rule: str
    status: Status
    line: int  # 1-based
    column: int  # 1-based
    message: str
    before: str = ""
    after: str = ""
    end_line: int = 0  # last line of the call, for ignore comments; 0 = same as line
    fix: tuple[TextEdit, ...] = ()  # the replacements of a migrated (or unsafe) call


class Outcome(StrEnum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class FileResult:
    path: str
    outcome: Outcome
    findings: tuple[Finding, ...] = ()
    reason: str = ""  # why skipped or failed
    original: bytes = field(default=b"", repr=False)
    migrated: bytes = field(default=b"", repr=False)
    stamp: Stamp | None = field(default=None, repr=False, compare=False)  # the file read, for the write
