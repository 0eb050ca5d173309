"""Where ``verify`` runs other people's scripts: the strongest sandbox this machine offers.

- **bubblewrap** (``bwrap``): a network of its own with only a loopback (where the
  emulator listens), a process namespace (every background child dies with the
  script), and a read-only view of the file system, except a scratch copy of the
  working folder at a fixed path and an empty ``/tmp``. No capability is kept.
- **unshare** (util-linux; as root, or through a user namespace): the same network
  and process namespaces, but the file system is the real one: writes land.
- **none**: the script runs as the user, with the user's network and files; its
  process group is stopped at the end, and a child that leaves it may live on.

Each run says what was not isolated (:attr:`Sandbox.note`). On every kind, the
script's address space and the size of each file it writes are capped, and so is
what verify keeps of its output (:mod:`migrator.verify.run`).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LAUNCHER = Path(__file__).with_name("launch.py")
# Inside bubblewrap, every run has this folder: the same path in both runs, so a script
# that prints $PWD or $0 prints the same.
INSIDE = Path("/tmp/datamimic-verify")
# Inside a network of its own, the emulator has the same address in both runs.
PORT = 8080


@dataclass(frozen=True)
class Sandbox:
    kind: str  # "bubblewrap", "unshare", "none"
    network: bool  # a network of its own, with only a loopback
    processes: bool  # a process namespace: nothing outlives the script
    files: bool  # a read-only file system but for the scratch folder

    @property
    def note(self) -> str:
        """What a reader must know about a run in this sandbox; empty when it isolates all."""
        if self.kind == "none":
            return (
                "verify found no sandbox here (neither bubblewrap nor unshare can make namespaces on this machine): the "
                "script ran as you, with your network and your files, and a background process that left its process "
                "group may still run; install bubblewrap (Linux) to isolate it"
            )
        if not self.files:
            return (
                f"verify ran the script in a network and process namespace of its own ({self.kind}), but on the real "
                "file system: what it wrote outside its working folder was written; install bubblewrap to isolate it"
            )
        return ""

    def folder(self, scratch: Path) -> Path:
        """Where the script sees the scratch folder."""
        return INSIDE if self.files else scratch

    def command(self, scratch: Path, launch: list[str]) -> list[str]:
        """The command line that runs ``launch`` (the launcher and its arguments) in this sandbox."""
        if self.kind == "bubblewrap":
            return [
                "bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                *(word for path in _under_tmp() for word in ("--ro-bind", path, path)),
                "--bind", str(scratch / "work"), str(INSIDE / "work"), "--bind", str(scratch / "home"), str(INSIDE / "home"),
                "--ro-bind", str(scratch / "shims"), str(INSIDE / "shims"),
                "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--chdir", str(INSIDE / "work"),
                "--", *launch,
            ]  # fmt: skip
        if self.kind == "unshare":
            user = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
            return ["unshare", *user, "--net", "--pid", "--fork", "--kill-child", "--mount-proc", "--", *launch]
        return launch


def _under_tmp() -> list[str]:
    """What the run needs from under /tmp, which bubblewrap replaces with an empty one: the
    interpreter's environment and the launcher, in a checkout or a virtualenv made there."""
    needed = {sys.prefix, sys.exec_prefix, sys.base_prefix, str(LAUNCHER.parent)}
    tmp = Path("/tmp").resolve()
    return sorted(path for path in {os.path.realpath(p) for p in needed} if Path(path).is_relative_to(tmp))


BUBBLEWRAP = Sandbox("bubblewrap", network=True, processes=True, files=True)
UNSHARE = Sandbox("unshare", network=True, processes=True, files=False)
NONE = Sandbox("none", network=False, processes=False, files=False)


def launcher(channel: int, port: int, memory: int, file_size: int, command: list[str]) -> list[str]:
    """The launcher's command line (:mod:`migrator.verify.launch`)."""
    return [sys.executable, "-I", "-S", str(LAUNCHER), str(channel), str(port), str(memory), str(file_size), "--", *command]


def works(sandbox: Sandbox) -> bool:
    """Whether ``sandbox`` runs a program here: the tool is installed, and the kernel and the
    container allow its namespaces."""
    if sandbox.kind == "none":
        return True
    if not shutil.which("bwrap" if sandbox.kind == "bubblewrap" else "unshare"):
        return False
    import tempfile

    with tempfile.TemporaryDirectory(prefix="datamimic-verify-probe-") as temporary:
        scratch = Path(temporary)
        for part in ("work", "home", "shims"):
            (scratch / part).mkdir()
        try:
            result = subprocess.run(
                sandbox.command(scratch, launcher(-1, 0, 0, 0, ["true"])),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=30,
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
    return result.returncode == 0


@functools.cache
def best() -> Sandbox:
    """The strongest sandbox that works here (probed once)."""
    return next(sandbox for sandbox in (BUBBLEWRAP, UNSHARE, NONE) if works(sandbox))
