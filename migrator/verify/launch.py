"""The first program of a ``verify`` run, inside its sandbox: it runs as a plain script
(``python -I -S launch.py``), imports nothing of the package, and then runs the script.

    launch.py CHANNEL PORT MEMORY FILE_SIZE -- COMMAND...

With a CHANNEL (a Unix socket inherited from verify; -1 for none) the run has a network
of its own: the launcher brings its loopback up, listens on 127.0.0.1:PORT and hands
that listening socket to verify, whose emulator then answers on it. The socket belongs
to the sandbox's network, so the script reaches the emulator there and nothing else.

It then caps the address space (MEMORY bytes) and the size of any file written
(FILE_SIZE bytes), starts COMMAND and waits for it. It reaps every orphan meanwhile,
as the first process of a process namespace must, and exits with COMMAND's status:
when the first process of a namespace exits, the kernel kills everything else in it,
so no background child outlives the script.
"""

import fcntl
import os
import resource
import socket
import struct
import sys

SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


def _loopback_up() -> None:
    """``unshare --net`` leaves the namespace's loopback down (bubblewrap brings it up)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(probe, SIOCGIFFLAGS, request)[:18])[1]
        if not flags & IFF_UP:
            fcntl.ioctl(probe, SIOCSIFFLAGS, struct.pack("16sH", b"lo", flags | IFF_UP))


def _hand_over_listener(channel: int, port: int) -> None:
    with socket.socket(fileno=channel) as unix:
        try:
            _loopback_up()
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", port))
            listener.listen(64)
        except OSError as error:
            unix.sendall(f"error: the sandbox's loopback: {error}".encode())
            sys.exit(125)
        socket.send_fds(unix, [b"ready"], [listener.fileno()])
        listener.close()


def main(argv: list[str]) -> int:
    channel, port, memory, file_size = (int(word) for word in argv[1:5])
    command = argv[6:]
    if channel >= 0:
        _hand_over_listener(channel, port)
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if file_size:
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))
    child = os.fork()
    if child == 0:
        try:
            os.execvp(command[0], command)
        except OSError as error:
            print(f"verify: cannot run {command[0]}: {error}", file=sys.stderr)
            os._exit(127)
    while True:
        pid, status = os.wait()
        if pid == child:
            code = os.waitstatus_to_exitcode(status)
            return 128 - code if code < 0 else code


if __name__ == "__main__":
    sys.exit(main(sys.argv))
