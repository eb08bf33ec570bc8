"""The self-learner's path, timed: each chapter's published notebook run top to bottom in a fresh
environment outside the repository, one chapter at a time.

What "fresh" means here (the launch button's Colab or Binder session, without the network):

- nnlego installed from a wheel built from the sources (``--ref``: a git commit instead of the
  working tree) into a new venv, with ipykernel and nbclient; the venv and everything else live
  in a temporary folder outside the repository;
- an empty ``$HOME``, and an empty results cache per chapter (``$NNLEGO_RESULTS``);
- the data supplied: ``$NNLEGO_DATA`` is the data home holding the verified caches
  (``--data``, default ``nnlego.datasets.data_home()``), as a Colab session gets it from
  the official sources;
- the results pack served by a loopback HTTP server (``$NNLEGO_RESULTS_URL`` and
  ``$NNLEGO_RESULTS_SHA256``), built with ``nnlego results pack`` from a filled results cache
  (``--pack DIR`` uses a pack you have; ``--no-pack`` serves none).

The notebook is the one the launch button opens: the chapter's MyST notebook as jupytext reads
it, made readable with :mod:`nnlego.course.notebook_export` when the sources have it. Times are wall
clock per chapter, kernel start included; the venv's set-up is printed once, apart.

    python benchmarks/fresh_notebooks.py                       # chapters 02 04 05 09
    python benchmarks/fresh_notebooks.py 05 09 --ref 4b107b3 --no-pack   # before the pack

The test of the same path (tests/test_fresh_notebooks.py) calls these functions and requires
success only; this script prints the numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CHAPTERS = ("02", "04", "05", "09")
KERNEL_TOOLS = ("ipykernel", "nbclient", "nbformat")
RUNNER = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
client = NotebookClient(nb, timeout=1800, kernel_name="python3",
                        resources={"metadata": {"path": "."}})
client.execute()
nbformat.write(nb, sys.argv[2])
"""


def sources(ref: str | None, into: Path) -> Path:
    """The repository's files at ``ref`` (None: the working tree) in ``into``."""
    if ref is None:
        return ROOT
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def fresh_venv(src: Path, tmp: Path, extras: str = "") -> Path:
    """A new venv in ``tmp/venv`` with nnlego's wheel (built from a copy of ``src``, so the
    build leaves nothing in the sources), its ``extras`` (e.g. ``"course"``) and a kernel;
    returns its python."""
    wheels, copy = tmp / "wheels", tmp / "wheel-src"
    _copy_sources(src, copy)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", wheels, copy])
    _run([sys.executable, "-m", "venv", tmp / "venv"])
    python = tmp / "venv" / "bin" / "python"
    wheel = next(wheels.glob("nnlego-*.whl"))
    _run([python, "-m", "pip", "install", "--quiet", f"{wheel}[{extras}]" if extras else wheel,
          *KERNEL_TOOLS])
    return python


def _copy_sources(src: Path, into: Path):
    """The files of ``src`` that git tracks or would (a git checkout), else all of them."""
    if not (src / ".git").exists():
        shutil.copytree(src, into)
        return
    listed = subprocess.run(["git", "-C", str(src), "ls-files", "-co", "--exclude-standard",
                             "-z"], check=True, capture_output=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (src / name).is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / name, into / name)


def published_notebook(src: Path, chapter: str, out: Path) -> Path:
    """The notebook the chapter's launch button opens, from the sources in ``src``."""
    import jupytext
    import nbformat

    path = next((src / "book").glob(f"{chapter}_*.md"))
    nb = jupytext.read(path)
    if (src / "nnlego" / "notebook_export.py").is_file():
        from nnlego.course.notebook_export import links_from_sources, python_source, readable
        from nnlego.course.publishing import publication

        links = links_from_sources(src, f"book/{path.stem}", publication(src / "_config.yml"))
        nb = nbformat.from_dict(readable(nb, links, None, python_source))
    target = out / f"{path.stem}.ipynb"
    nbformat.write(nb, target)
    return target


def build_pack(tmp: Path) -> Path:
    """The pack ``nnlego results pack`` makes of this environment's filled results cache, into
    ``tmp/pack``; not recorded in the cache's packs.json (a benchmark's pack is no release's:
    tests/test_results_pins.py compares the pin with caches that made or imported one)."""
    from nnlego.reproduce import book_entries
    from nnlego.results_pack import build

    entries = book_entries(3)
    made = build(tmp / "pack", entries, labels=entries, record=False)
    print(f"{made.path}: {made.n_entries} networks, sha256 {made.sha256}")
    return tmp / "pack"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):   # no line per request on stderr
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """A loopback HTTP server of ``folder`` while the block runs; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def run_chapter(python: Path, notebook: Path, tmp: Path, *, data: Path,
                pack_url: str | None, pack_sha256: str | None) -> float:
    """Run ``notebook`` in the fresh venv from an empty home and results cache; seconds taken.
    Raises CalledProcessError (with the kernel's error on stderr) when a cell fails."""
    home, results, work = (tmp / name / notebook.stem for name in ("home", "results", "run"))
    for folder in (home, results, work):
        folder.mkdir(parents=True)
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
           "NNLEGO_RESULTS": str(results), "NNLEGO_DATA": str(data), "MPLBACKEND": "Agg"}
    if pack_url:
        env.update(NNLEGO_RESULTS_URL=pack_url, NNLEGO_RESULTS_SHA256=pack_sha256 or "")
    start = time.perf_counter()
    subprocess.run([python, "-c", RUNNER, notebook, work / notebook.name], cwd=work, env=env,
                   check=True, capture_output=True, text=True)
    return time.perf_counter() - start


def measure(chapters, *, ref=None, pack=None, use_pack=True, data=None, tmp=None) -> dict:
    """``{chapter: seconds}`` for ``chapters`` (plus ``"venv"``: the set-up's seconds)."""
    tmp = Path(tmp or tempfile.mkdtemp(prefix="nnlego-fresh-"))
    if data is None:
        from nnlego.datasets import data_home
        data = data_home()
    data = Path(data)
    start = time.perf_counter()
    src = sources(ref, tmp / "src")
    python = fresh_venv(src, tmp)
    times = {"venv": time.perf_counter() - start}
    folder = (Path(pack) if pack else build_pack(tmp)) if use_pack else None
    sha = None
    if folder is not None:
        sha = next(folder.glob("*.zip.sha256")).read_text().split()[0]
    notebooks = tmp / "notebooks"
    notebooks.mkdir(exist_ok=True)
    with serve(folder) if folder else contextlib.nullcontext() as url:
        for chapter in chapters:
            notebook = published_notebook(src, chapter, notebooks)
            try:
                times[chapter] = run_chapter(python, notebook, tmp, data=data, pack_url=url,
                                             pack_sha256=sha)
            except subprocess.CalledProcessError as error:
                print(f"  {notebook.stem} FAILED:\n{error.stderr[-3000:]}", flush=True)
                times[chapter] = float("nan")
                continue
            print(f"  {notebook.stem}: {times[chapter]:.1f} s", flush=True)
    return times


def _run(argv):
    subprocess.run([str(a) for a in argv], check=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", default=DEFAULT_CHAPTERS, metavar="NN")
    parser.add_argument("--ref", default=None, help="a git commit to measure (default: the "
                        "working tree)")
    parser.add_argument("--pack", default=None, help="a folder holding the results pack "
                        "(default: pack this environment's results cache)")
    parser.add_argument("--no-pack", action="store_true", help="serve no results pack")
    parser.add_argument("--data", default=None, help="the data home with verified caches")
    args = parser.parse_args(argv)
    print(f"fresh venv per run, {os.cpu_count()} cores, ref {args.ref or 'working tree'}, "
          f"{'no pack' if args.no_pack else 'results pack over loopback HTTP'}")
    times = measure(args.chapters, ref=args.ref, pack=args.pack, use_pack=not args.no_pack,
                    data=args.data)
    print(f"\n| chapter | seconds |\n|---|---|\n| (venv + wheel, once) | {times.pop('venv'):.0f} |")
    for chapter, seconds in times.items():
        print(f"| {chapter} | {seconds:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
