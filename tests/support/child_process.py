"""A worker for tests/test_processes.py: ``python -m support.child_process`` (from tests/), started
by ``nnlego.processes.Child``, answers one request at a time on its channel:

- ``["echo", x]``: answers ``["echo", x]``;
- ``["exit", code]``: ends at once with that exit status (``os._exit``);
- ``["signal", name]``: sends itself that signal (``"SIGKILL"``, ``"SIGSEGV"``...);
- ``["hang", pid_file, ignore_term]``: starts a grandchild in its process group (a Python that
  sleeps, ignoring SIGTERM if asked), writes the grandchild's pid to pid_file, then never answers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from nnlego import processes

SLEEPER = "import signal, time\n{}\nwhile True:\n    time.sleep(1)\n"


def hang(pid_file, ignore_term):
    ignore = "signal.signal(signal.SIGTERM, signal.SIG_IGN)" if ignore_term else ""
    grandchild = subprocess.Popen([sys.executable, "-c", SLEEPER.format(ignore)])
    time.sleep(0.5)                       # its SIGTERM handler is set by then
    with open(pid_file, "w") as f:
        f.write(str(grandchild.pid))
    while True:
        time.sleep(1)


def main(argv):
    channel, _ = processes.parent_channel(argv)
    while True:
        try:
            request = channel.receive()
        except EOFError:
            return
        if request[0] == "echo":
            channel.send(request)
        elif request[0] == "exit":
            os._exit(request[1])
        elif request[0] == "signal":
            os.kill(os.getpid(), getattr(signal, request[1]))
        elif request[0] == "hang":
            hang(*request[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
