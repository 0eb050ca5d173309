"""Finding the files to migrate, reading them, and writing them back.

Directories are walked with ``git ls-files`` inside a git work tree, run so that
nothing the scanned repository configures can start a program; where git cannot
run (not installed, or a repository it refuses as of "dubious ownership"),
``.gitignore`` files are read with pathspec, so ignored files stay ignored either
way. A file is chosen by its extension or its shebang; only regular files are
read (a FIFO would hang the run, a device never ends).

A write replaces a file only if it still is what was read (the same inode, the
same bytes): an edit saved during the run, or a symbolic link put in its place,
is left alone and reported. It keeps the owner, group, mode and extended
attributes; it goes through a temporary file and one rename, so a crash never
leaves half a script, except for a file with several hard links, which is
rewritten in place (a rename would split the links) with its space reserved
first and signals held off. Temporary files are named after the process that
made them, so a later run removes those a killed run left.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from migrator import elsewhere

SHELL_SUFFIXES = {".sh", ".bash", ".zsh", ".ksh"}
SHELL_INTERPRETERS = {"sh", "bash", "zsh", "ksh", "dash", "ash"}
PYTHON_SUFFIXES = {".py", ".pyw"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
MAKEFILES = {"Makefile", "makefile", "GNUmakefile"}
SKIPPED_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", ".tox", ".mypy_cache"}

# git as tools that scan untrusted repositories run it: no fsmonitor, hook, pager or
# external diff of the repository's config runs, and git writes no lock or index.
GIT = [
    "git",
    "--no-optional-locks",
    "-c", "core.fsmonitor=false",
    "-c", "core.untrackedCache=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.pager=cat",
    "-c", "diff.external=",
    "-c", "protocol.allow=never",
]  # fmt: skip
GIT_ENVIRONMENT = {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": "cat", "GIT_EXTERNAL_DIFF": ""}

# ".run.sh.datamimic-migrate-4242-1a2b3c.tmp": the pid says whether its writer still runs.
TEMPORARY = re.compile(r"\..*\.datamimic-migrate-(?P<pid>\d+)-[0-9a-f]+\.tmp")

SPECIAL = {
    stat.S_IFIFO: "a FIFO",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


def interpreter(head: bytes) -> str | None:
    """The program a #! line runs: ``bash`` for ``#!/usr/bin/env -S bash -e``."""
    if not head.startswith(b"#!"):
        return None
    words = head[2:].split(b"\n", 1)[0].split()
    if words and words[0].endswith(b"/env"):
        words = [w for w in words[1:] if not w.startswith(b"-")]
    return words[0].rsplit(b"/", 1)[-1].decode("ascii", "replace") if words else None


def kind_of(path: Path, head: bytes) -> str | None:
    """The kind of a file the migrator reads (a front end's or a host's), None for the rest."""
    name = path.name
    if path.suffix in SHELL_SUFFIXES:
        return "shell"
    if path.suffix in PYTHON_SUFFIXES:
        return "python"
    if path.suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if path.suffix == ".ipynb":
        return "notebook"
    if name in MAKEFILES or path.suffix == ".mk":
        return "makefile"
    if name in ("Dockerfile", "Containerfile") or name.startswith("Dockerfile.") or path.suffix == ".dockerfile":
        return "dockerfile"
    if path.suffix in (".yml", ".yaml") and (
        path.parent.name == "workflows" and path.parent.parent.name == ".github"
        or name.endswith(".gitlab-ci.yml")
        or name in ("action.yml", "action.yaml")
    ):
        return "ci"
    if elsewhere.reported_only(path):
        return elsewhere.KIND
    program = interpreter(head) or ""
    if program in SHELL_INTERPRETERS:
        return "shell"
    if program.startswith("python"):
        return "python"
    return None


def display(path: str) -> str:
    """A path as a person reads it: bytes that are not UTF-8 (kept as surrogate escapes
    so the file can still be opened) shown as ``\\xe9``."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def special(mode: int) -> str | None:
    """What a file that is neither a regular file nor a folder is, None for those two."""
    return SPECIAL.get(stat.S_IFMT(mode))


# ------------------------------------------------------------------ discovery


def _git_files(folder: Path) -> list[Path] | None:
    try:
        result = subprocess.run(
            [*GIT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=folder,
            capture_output=True,
            check=True,
            env={**os.environ, **GIT_ENVIRONMENT},
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return [folder / os.fsdecode(name) for name in result.stdout.split(b"\0") if name]


def _work_tree(folder: Path) -> Path | None:
    """The top of the git work tree ``folder`` is in, found without running git."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _ignore_file(path: Path) -> object | None:
    """The patterns of one .gitignore (or info/exclude) file, None when there is none."""
    try:
        lines = path.read_text(encoding="utf-8", errors="surrogateescape").splitlines()
    except OSError:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(lines)


# A .gitignore's patterns, with how a path relative to the walked folder reads from the
# .gitignore's own folder: ``prefix + path[cut:]``.
_Rule = tuple[object, str, int]


def _ignored(rules: list[_Rule], relative: str, is_dir: bool) -> bool:
    """Whether git would ignore ``relative`` (from the walked folder): the last pattern that
    matches decides, a deeper .gitignore's after a shallower one's."""
    verdict = False
    for spec, prefix, cut in rules:
        local = prefix + relative[cut:] + ("/" if is_dir else "")
        include = spec.check_file(local).include  # type: ignore[attr-defined]
        if include is not None:
            verdict = include
    return verdict


def _rules_above(folder: Path) -> list[_Rule]:
    """The rules of the work tree's info/exclude and of the .gitignore files above ``folder``."""
    top = _work_tree(folder)
    if top is None:
        return []
    steps = folder.relative_to(top).parts
    sources = [(top / ".git" / "info" / "exclude", 0)] + [(top.joinpath(*steps[:depth], ".gitignore"), depth) for depth in range(len(steps))]
    rules = []
    for path, depth in sources:
        spec = _ignore_file(path)
        if spec is not None:
            rules.append((spec, "".join(part + "/" for part in steps[depth:]), 0))
    return rules


def _walk(folder: Path) -> Iterator[Path]:
    """Every file under ``folder`` that ``.gitignore`` files (read without git) do not exclude.
    Each folder's rules are its parent's and its own, so a tree without any costs a plain walk."""
    rules_of = {"": _rules_above(folder.resolve())}
    start = len(os.fspath(folder)) + 1
    for current, dirs, names in os.walk(folder):
        relative = current[start:] + "/" if len(current) >= start else ""
        rules = rules_of.pop(relative.rstrip("/"))
        spec = _ignore_file(Path(current) / ".gitignore") if ".gitignore" in names else None
        if spec is not None:
            rules = [*rules, (spec, "", len(relative))]
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not (rules and _ignored(rules, relative + d, True)))
        for name in dirs:
            rules_of[relative + name] = rules
        for name in sorted(names):
            if not (rules and _ignored(rules, relative + name, False)):
                yield Path(current) / name


@dataclass(frozen=True)
class Listing:
    """What a walk of the paths found: the files, with whether each was named, and our
    own temporary files (never read; removed when their writer is gone)."""

    files: list[tuple[Path, bool]]
    temporaries: list[Path]
    special: list[tuple[Path, str]]  # FIFOs, sockets and devices found or named: never read


def discover(paths: Iterable[Path]) -> Listing:
    """Every file under ``paths``, each once however it is spelled; files named directly are
    always included (a missing one too: reading it reports it)."""
    found: dict[object, tuple[Path, bool]] = {}
    temporaries: list[Path] = []
    specials: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            listed = _git_files(path)
            for file in listed if listed is not None else _walk(path):
                if TEMPORARY.fullmatch(file.name):
                    temporaries.append(file)
                    continue
                try:
                    info = os.lstat(file)
                except OSError:
                    continue
                if stat.S_ISREG(info.st_mode):
                    found.setdefault((info.st_dev, info.st_ino), (file, False))
                elif special(info.st_mode) and kind_of(file, b""):
                    specials.append((file, special(info.st_mode) or ""))
            continue
        try:
            info = os.stat(path)
        except OSError:
            found.setdefault(path, (path, True))
            continue
        if special(info.st_mode):
            specials.append((path, special(info.st_mode) or ""))
            continue
        key = (info.st_dev, info.st_ino)
        if key not in found or not found[key][1]:
            found[key] = (path, True)  # counted once, under the first name given
    return Listing(list(found.values()), temporaries, specials)


def stale(temporary: Path) -> bool:
    """Whether a temporary file of ours was left by a process that no longer runs."""
    match = TEMPORARY.fullmatch(temporary.name)
    if match is None:
        return False
    try:
        os.kill(int(match["pid"]), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError):
        return False
    return False


def is_binary(data: bytes) -> bool:
    return b"\0" in data[:8192]


# ------------------------------------------------------------------ writing


@dataclass(frozen=True)
class Stamp:
    """The file a path led to when it was read: links resolved, and its identity then."""

    real: str
    device: int
    inode: int


def stamp(path: Path, info: os.stat_result) -> Stamp:
    return Stamp(os.path.realpath(path), info.st_dev, info.st_ino)


def stamp_now(path: Path) -> Stamp | None:
    """The stamp of a file read elsewhere (a module another one imports), taken right after."""
    try:
        return stamp(path, os.stat(path))
    except OSError:
        return None


def read_only(mode: int) -> bool:
    return not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


class NotWritten(Exception):
    """A file that was not written, and why (the run reports it and goes on)."""


class ReadOnly(NotWritten):
    """A read-only file, left as it is (not an error: its calls are still to migrate)."""


def write(found: Stamp, original: bytes, data: bytes, force_read_only: bool = False) -> None:
    """Replace the file read as ``found`` (holding ``original``) by ``data``; NotWritten
    with the reason when it cannot or must not be."""
    folder, name = os.path.split(found.real)
    try:
        directory = os.open(folder or ".", os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise NotWritten(f"cannot write: {_why(exc)}") from exc
    try:
        now = _check(directory, name, found, original)
        if read_only(now.st_mode) and not force_read_only:
            raise ReadOnly(f"read-only (mode {stat.S_IMODE(now.st_mode):04o}): left as it is; --force-readonly writes it")
        if now.st_nlink > 1:
            _write_in_place(directory, name, data)
        else:
            _write_by_rename(directory, name, now, data)
    except NotWritten:
        raise
    except OSError as exc:
        raise NotWritten(f"cannot write: {_why(exc)}") from exc
    finally:
        os.close(directory)


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _check(directory: int, name: str, found: Stamp, original: bytes) -> os.stat_result:
    """The file must still be the one read, with the same bytes."""
    try:
        now = os.stat(name, dir_fd=directory, follow_symlinks=False)
    except FileNotFoundError:
        raise NotWritten("deleted since it was read: nothing written") from None
    if stat.S_ISLNK(now.st_mode):
        raise NotWritten("replaced by a symbolic link since it was read: left as it is")
    if not stat.S_ISREG(now.st_mode):
        raise NotWritten(f"replaced by {special(now.st_mode) or 'a folder'} since it was read: left as it is")
    if (now.st_dev, now.st_ino) != (found.device, found.inode):
        raise NotWritten("replaced by another file since it was read: left as it is; run again")
    descriptor = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=directory)
    with os.fdopen(descriptor, "rb") as stream:
        if stream.read(len(original) + 1) != original:
            raise NotWritten("changed since it was read: left as it is; run again")
    return now


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is done (a write in place is never cut)."""
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _write_in_place(directory: int, name: str, data: bytes) -> None:
    """For a file with hard links: its space is reserved before a byte changes, so a full
    disk fails before the write, and the rest is one write and one truncate."""
    descriptor = os.open(name, os.O_WRONLY | os.O_NOFOLLOW, dir_fd=directory)
    try:
        try:
            os.posix_fallocate(descriptor, 0, max(1, len(data)))
        except AttributeError:
            pass  # no posix_fallocate here (macOS)
        except OSError as exc:
            if exc.errno not in (errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL, errno.ENOSYS):
                raise  # ENOSPC, EFBIG: stop before a byte changes
        with _signals_held():
            view = memoryview(data)
            offset = 0
            while offset < len(data):
                offset += os.pwrite(descriptor, view[offset:], offset)
            os.ftruncate(descriptor, len(data))
            os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_by_rename(directory: int, name: str, now: os.stat_result, data: bytes) -> None:
    temporary = f".{name}.datamimic-migrate-{os.getpid()}-{os.urandom(3).hex()}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600, dir_fd=directory)
    try:
        try:
            view = memoryview(data)
            offset = 0
            while offset < len(data):
                offset += os.write(descriptor, view[offset:])
            if not _same_owner(descriptor, now) or not _copy_xattrs(directory, name, descriptor):
                # The replacement would lose who owns the file or its attributes: write it in place.
                os.unlink(temporary, dir_fd=directory)
                _write_in_place(directory, name, data)
                return
            os.fchmod(descriptor, stat.S_IMODE(now.st_mode))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(temporary, name, src_dir_fd=directory, dst_dir_fd=directory)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary, dir_fd=directory)
        raise


def _same_owner(descriptor: int, now: os.stat_result) -> bool:
    info = os.fstat(descriptor)
    if (info.st_uid, info.st_gid) == (now.st_uid, now.st_gid):
        return True
    try:
        os.fchown(descriptor, now.st_uid, now.st_gid)
    except PermissionError:
        return False
    return True


def _copy_xattrs(directory: int, name: str, descriptor: int) -> bool:
    """Copy the extended attributes (ACLs, SELinux labels, user.*); False when one cannot be."""
    if not hasattr(os, "listxattr"):
        return True
    source = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=directory)
    try:
        try:
            names = os.listxattr(source)
        except OSError as exc:
            return exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP)
        for attribute in names:
            try:
                value = os.getxattr(source, attribute)
                if attribute not in os.listxattr(descriptor) or os.getxattr(descriptor, attribute) != value:
                    os.setxattr(descriptor, attribute, value)
            except OSError:
                return False
        return True
    finally:
        os.close(source)
