"""The sandbox: a graded notebook's kernel runs under bubblewrap (Debian's ``bwrap``).

The kernel spec ``nnlego-sandbox`` (``make sandbox`` writes it into the venv's
``share/jupyter/kernels/``) starts ``python -m nnlego.course.grading.sandbox CONNECTION_FILE``,
which replaces itself with ``bwrap ... python -m nnlego.course.grading.kernel``. Inside, the kernel
sees:

- read-only: ``/usr``, the Python installation and the venv, nnlego's own source folder, the data
  home, and the assignment's released files (``exercises/<assignment>``) when present;
- read-write: its working folder ``/nnlego-work``, a private tmpfs filled at start with a copy
  of the folder the launcher was started in (the grader's private copy of
  ``autograded/<student>/<assignment>/``, bound read-only at ``/nnlego-start``), the private
  folder of its connection file and sockets, and a private scratch tmpfs (``HOME``,
  ``TMPDIR``); ``/tmp`` is an empty read-only tmpfs (a course under /tmp stays out of reach).
  The kernel writes no folder of the course: what it leaves in its tmpfs goes with it, and what
  the grader keeps of a run is the executed notebook, from nbgrader's memory;
- nothing else, the rest of the tree read-only: no ``solutions/``, no ``gradebook.db``, no
  other student's ``submitted/``, no home folder, no network (``--unshare-net``: the kernel
  talks to nbgrader over Unix sockets, the IPC transport).

Limits (``resource.setrlimit``, inherited through bwrap): address space ``NNLEGO_GRADER_MEMORY``
(default 4 GiB), CPU time ``NNLEGO_GRADER_CPU`` (default 900 s per notebook), files of at most
``NNLEGO_GRADER_FILE_SIZE`` (default 256 MiB); each tmpfs holds at most ``NNLEGO_GRADER_DISK``
(default 1 GiB; bwrap 0.8's ``--size``, without it the tmpfs is unbounded). The grading key
arrives in ``NNLEGO_GRADER_KEY`` and goes on through a pipe only.

jupyter_client makes a kernel's ``env`` its *whole* environment, so the launcher inherits nothing
of the grader's: no ``HOME``, no ``NNLEGO_DATA``. What the kernel needs is decided once, in the
grader's own process, by :func:`kernel_environment` (the data home as an absolute path, the
limits, the BLAS thread counts, the locale), and handed to the launcher as its environment.
"""

from __future__ import annotations

import functools
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from nnlego import processes

KERNEL_NAME = "nnlego-sandbox"
SCRATCH = "/nnlego-scratch"          # the kernel's private writable tmpfs (HOME, TMPDIR)
WORK = "/nnlego-work"                # the kernel's working folder, a private tmpfs
START = "/nnlego-start"              # what WORK starts with (read-only; copied by the kernel)
COURSE_MARKERS = ("solutions", "gradebook.db", "submitted", "nbgrader_config.py")
PASS_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "LANG", "LC_ALL")
# what the launcher reads (the limits, where the released files are), passed on when set
LAUNCHER_ENV = ("NNLEGO_GRADER_MEMORY", "NNLEGO_GRADER_CPU", "NNLEGO_GRADER_FILE_SIZE",
                "NNLEGO_GRADER_DISK", "NNLEGO_RELEASED")


def kernel_spec(python: str = sys.executable) -> dict:
    """The kernel.json of the sandboxed grading kernel."""
    return {"argv": [python, "-m", "nnlego.course.grading.sandbox", "{connection_file}"],
            "display_name": "Python 3 (nnlego grading sandbox)", "language": "python",
            "interrupt_mode": "message", "metadata": {"debugger": False}}


def install_kernel(prefix: str | os.PathLike = sys.prefix) -> Path:
    """Write the kernel spec into ``<prefix>/share/jupyter/kernels/nnlego-sandbox/``."""
    if shutil.which("bwrap") is None:
        raise RuntimeError("bubblewrap is not installed: run `make sandbox` "
                           "(apt-get install bubblewrap)")
    folder = Path(prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    spec, path = json.dumps(kernel_spec(), indent=1) + "\n", folder / "kernel.json"
    if not path.is_file() or path.read_text() != spec:   # atomically: a grader may be reading it
        part = folder / f".kernel.json.{os.getpid()}.part"
        part.write_text(spec)
        part.replace(path)
    return folder


def kernel_environment(environ=None) -> dict[str, str]:
    """The environment the sandbox launcher gets, decided in the grader's own process.

    ``NNLEGO_DATA`` is the grader's data home (``$NNLEGO_DATA``, else the user cache folder of
    the grader's ``HOME``) as an absolute path; ``PYTHONPATH`` the folder of the grader's own
    nnlego package (so the launcher and the kernel run the same nnlego as the grader); the
    limits, ``NNLEGO_RELEASED``, the BLAS thread counts and the locale pass on when set.
    Nothing else of the grader's environment does.
    """
    from nnlego.datasets import ENV_VAR, data_home

    environ = os.environ if environ is None else environ
    home = data_home(environ.get(ENV_VAR)).resolve()
    env = {name: environ[name] for name in LAUNCHER_ENV + PASS_ENV if name in environ}
    env[ENV_VAR] = str(home)
    env["PATH"] = f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin"
    env["PYTHONPATH"] = str(_source_root())     # the launcher runs the grader's own nnlego
    return env


def _source_root() -> Path:
    """The folder that holds the nnlego package this process runs."""
    import nnlego

    return Path(nnlego.__file__).resolve().parent.parent


def data_home_for_kernel() -> Path:
    """The data home the grader chose (:func:`kernel_environment`); refuses a missing one."""
    from nnlego.datasets import ENV_VAR, data_home

    home = data_home().resolve()
    if not home.is_dir():
        raise SystemExit(f"nnlego sandbox: the data home {home} (${ENV_VAR} of the grader, else "
                         "its user cache folder) does not exist: run `make data` (or `nnlego "
                         f"data fetch all`) as the user who grades, or set {ENV_VAR} to the "
                         "folder that holds the data")
    return home


def _read_only_paths(workdir: Path, data: Path) -> list[Path]:
    import nnlego

    paths = [Path(sys.base_prefix), Path(sys.prefix), Path(nnlego.__file__).resolve().parent,
             data]
    released = os.environ.get("NNLEGO_RELEASED")
    course = _course_root(workdir)
    if released is None and course is not None:
        released = course / "exercises" / workdir.name
    if released is not None and Path(released).is_dir():
        paths.append(Path(released).resolve())
    return paths


def _course_root(workdir: Path) -> Path | None:
    for parent in workdir.parents:
        if (parent / "nbgrader_config.py").exists():
            return parent
    return None


def check_workdir(workdir: Path):
    """Refuse to give a kernel write access to a course folder itself."""
    found = [name for name in COURSE_MARKERS if (workdir / name).exists()]
    if found or workdir == Path("/") or workdir == Path.home():
        raise SystemExit(f"nnlego sandbox: refusing to run a kernel in {workdir} (it holds "
                         f"{', '.join(found) or 'everything'}); nbgrader runs it in "
                         "autograded/<student>/<assignment>/")


def bwrap_prefix(workdir: Path, private: str | None = None, over_nnlego=None) -> list[str]:
    """bwrap's arguments up to the environment: what every sandboxed process of the grader
    sees (the kernel's and grading v2's child). ``private``: a folder bound read-write (the
    kernel's sockets); ``over_nnlego``: a folder bound read-only over nnlego's own (the copy
    without the graded pieces, :mod:`nnlego.course.grading.withheld`)."""
    command = ["bwrap", "--die-with-parent", "--unshare-all", "--cap-drop", "ALL",
               "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib",
               "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
               "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
               *_sized_tmpfs(SCRATCH), *_sized_tmpfs(WORK)]
    for name in ("ld.so.cache", "localtime", "passwd", "group", "fonts"):
        command += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    data = data_home_for_kernel()
    for path in dict.fromkeys(_read_only_paths(workdir, data)):
        command += ["--ro-bind", str(path), str(path)]
    if over_nnlego is not None:
        import nnlego

        command += ["--ro-bind", str(over_nnlego), str(Path(nnlego.__file__).resolve().parent)]
    command += ["--ro-bind", str(workdir), START]
    if private is not None:
        command += ["--bind", private, private]
    command += ["--remount-ro", "/", "--remount-ro", "/tmp",   # (its binds stay writable)
                "--chdir", WORK, "--clearenv"]
    env = {"PATH": f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin", "HOME": SCRATCH,
           "TMPDIR": SCRATCH, "MPLCONFIGDIR": f"{SCRATCH}/matplotlib",
           "IPYTHONDIR": f"{SCRATCH}/ipython", "JUPYTER_RUNTIME_DIR": f"{SCRATCH}/jupyter",
           "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "agg",
           "PYTHONPATH": str(_source_root())}    # (only its nnlego/ is bound, read-only)
    env["NNLEGO_DATA"] = str(data)
    env["NNLEGO_WORK_START"] = START
    env.update({name: os.environ[name] for name in PASS_ENV if name in os.environ})
    for name, value in env.items():
        command += ["--setenv", name, value]
    return command


def bwrap_command(connection_file: str, workdir: Path, key_fd: int | None) -> list[str]:
    """The bwrap command line that starts the grading kernel for ``connection_file``."""
    private = str(Path(connection_file).resolve().parent)
    command = bwrap_prefix(workdir, private=private)
    if key_fd is not None:
        command += ["--setenv", "NNLEGO_GRADER_KEY_FD", str(key_fd)]
    return command + ["--", sys.executable, "-m", "nnlego.course.grading.kernel", "-f",
                      str(Path(connection_file).resolve())]


def computer_command(start, nnlego_copy=None) -> list[str]:
    """The command that starts grading v2's child (:mod:`nnlego.course.grading.computer`) in
    the sandbox, its working folder filled from ``start``, nnlego replaced by ``nnlego_copy``."""
    if shutil.which("bwrap") is None:
        raise RuntimeError("bubblewrap is not installed: run `make sandbox` "
                           "(apt-get install bubblewrap)")
    workdir = Path(start).resolve()
    check_workdir(workdir)
    return bwrap_prefix(workdir, over_nnlego=nnlego_copy) + [
        "--", sys.executable, "-m", "nnlego.course.grading.computer"]


def zygote_command(start, nnlego_copy=None) -> list[str]:
    """The command that starts grading v2's warm zygote (:mod:`nnlego.course.grading.zygote`)
    in the sandbox: like :func:`computer_command`, its children get their files from it."""
    return computer_command(start, nnlego_copy)[:-1] + ["nnlego.course.grading.zygote"]


def start(command, *, stdin, stdout) -> subprocess.Popen:
    """Start grading v2's child or zygote (:func:`computer_command`, :func:`zygote_command`):
    bwrap with an environment of its own (the child's is bwrap_prefix's), the limits, death with
    the grader, no descriptor of the grader but ``stdin`` and ``stdout``, no stderr."""
    env = {"PATH": f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin",
           **{name: os.environ[name] for name in LAUNCHER_ENV + PASS_ENV if name in os.environ}}
    return subprocess.Popen(command, stdin=stdin, stdout=stdout, stderr=subprocess.DEVNULL,
                            env=env, preexec_fn=_limited_and_tied, close_fds=True)


def _limited_and_tied():
    """In the child before bwrap starts: the limits, and dying with the grader."""
    set_limits()
    processes.die_with_parent(signal.SIGKILL)


def _limit(name, default) -> int:
    return int(float(os.environ.get(name) or default))


def _sized_tmpfs(path) -> list[str]:
    """bwrap's arguments for a tmpfs at path of at most NNLEGO_GRADER_DISK bytes."""
    if not _bwrap_sizes_tmpfs():
        return ["--tmpfs", path]
    return ["--size", str(_limit("NNLEGO_GRADER_DISK", 2 ** 30)), "--tmpfs", path]


@functools.cache
def _bwrap_sizes_tmpfs() -> bool:
    try:
        done = subprocess.run(["bwrap", "--help"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return False
    return "--size" in done.stdout + done.stderr


def set_limits():
    """Memory, CPU time and file size limits for the kernel and everything it starts."""
    memory = _limit("NNLEGO_GRADER_MEMORY", 4 * 2 ** 30)
    cpu = _limit("NNLEGO_GRADER_CPU", 900)
    size = _limit("NNLEGO_GRADER_FILE_SIZE", 256 * 2 ** 20)
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))


def _key_pipe() -> int | None:
    key = os.environ.pop("NNLEGO_GRADER_KEY", None)
    if key is None:
        return None
    read, write = os.pipe()
    os.write(write, key.encode())
    os.close(write)
    os.set_inheritable(read, True)
    return read


def die_with_the_grader():
    """SIGKILL this launcher (and so bwrap, which it becomes) when the grading process that
    started it dies, and end now if that already happened while Python was starting
    (:func:`nnlego.processes.die_with_parent`; the grader's pid is jupyter_client's
    ``JPY_PARENT_PID``).

    bwrap's ``--die-with-parent`` only ties the sandboxed kernel to bwrap; without this, a
    grading worker killed mid-task leaves bwrap and its kernel behind. Linux only."""
    started_by = os.environ.get("JPY_PARENT_PID", "")   # jupyter_client's kernel manager
    processes.die_with_parent(signal.SIGKILL,
                              parent=int(started_by) if started_by.isdigit() else None)


def main(argv=None):
    die_with_the_grader()
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        raise SystemExit("usage: python -m nnlego.course.grading.sandbox CONNECTION_FILE")
    if shutil.which("bwrap") is None:
        raise SystemExit("nnlego sandbox: bwrap not found; run `make sandbox`")
    workdir = Path.cwd().resolve()
    check_workdir(workdir)
    command = bwrap_command(argv[0], workdir, _key_pipe())
    set_limits()
    os.execvp("bwrap", command)


if __name__ == "__main__":
    main()
