"""Nobody scores with nnlego's own answer: the child's nnlego lacks the pieces being graded.

The rule (grading v2). The pieces of an assignment are the nnlego functions its test cells name
in ``own_work(...)`` (e.g. ``own_work(nnlego.sigmoid)``, ``own_work(nnlego.Network.forward)``).
When a notebook is graded, its sandboxed child (:mod:`nnlego.course.grading.computer`) imports a
*copy* of nnlego bound read-only over the real one, in which each piece, and each private
helper of the same module it calls (a module-level ``_name``, followed to the end), has a body
that only raises ``NotImplementedError``. However a submission reaches nnlego's answer (an
import, a file path, a thread, a private helper, a table such as ``ACTIVATIONS``, ``exec`` of
``inspect.getsource``), it finds the stub: the code is not on the child's disk, nor in its
memory. The grader itself keeps the real nnlego, and computes the references with it.

One exception keeps nnlego usable where the course needs it: a withheld weight initialiser
(``nnlego.initializers``, graded in assignment 8) is a *decoy*, not a stub, so that
``nnlego.Network(...)`` still builds a network the student then fills with their own scheme: it
returns fresh random numbers of the right shape (from the operating system's entropy, not from
``rng``), which are nobody's answer.

:func:`pieces_named` reads the pieces from the test cells' source; :func:`nnlego_without`
makes the copy (once per set of pieces in a process; compiled, so the child imports it fast).
"""

from __future__ import annotations

import ast
import compileall
import hashlib
import shutil
import tempfile
from pathlib import Path

_COPIES: dict[tuple, Path] = {}
# module -> the body of its withheld functions' decoys (instead of raising)
DECOYS = {"nnlego.initializers":
          "return np.random.default_rng().standard_normal((int(n_in), int(n_out))) * 0.01"}


def pieces_named(sources, namespace) -> list:
    """The objects named in ``own_work(...)`` calls in ``sources`` (test cells' code),
    evaluated in ``namespace`` (the setup cell's names): ``own_work(nnlego.sigmoid)``,
    ``own_work(*TILE_MOVERS)`` (a tuple of the setup), ``own_work(*forbidden)`` (a tuple the
    cell itself assigns from the setup's names). Names that do not evaluate to an nnlego
    function are skipped."""
    found = []
    for source in sources:
        try:
            tree = ast.parse(_without_magics(source))
        except SyntaxError:
            continue
        assigned = {target.id: node.value for node in tree.body if isinstance(node, ast.Assign)
                    for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "own_work":
                for argument in node.args:
                    for piece in _evaluate(argument, namespace, assigned):
                        if _is_nnlego_function(piece) and piece not in found:
                            found.append(piece)
    return found


def _without_magics(source: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.split("\n"))


def _evaluate(node, namespace, assigned, depth=0) -> list:
    """The objects an ``own_work`` argument stands for (a starred one: each of its items)."""
    if depth > 3:
        return []
    if isinstance(node, ast.Starred):
        return [item for value in _evaluate(node.value, namespace, assigned, depth + 1)
                for item in (value if isinstance(value, (tuple, list)) else [value])]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [tuple(item for element in node.elts
                      for item in _evaluate(element, namespace, assigned, depth + 1))]
    if isinstance(node, ast.Name) and node.id not in namespace and node.id in assigned:
        return _evaluate(assigned[node.id], namespace, assigned, depth + 1)
    if not isinstance(node, (ast.Name, ast.Attribute)):
        return []
    try:
        return [eval(compile(ast.Expression(node), "<own_work>", "eval"), {}, dict(namespace))]
    except Exception:
        return []


def _is_nnlego_function(piece) -> bool:
    module = getattr(piece, "__module__", None) or ""
    return hasattr(piece, "__code__") and (module == "nnlego" or module.startswith("nnlego."))


def nnlego_without(pieces) -> Path:
    """A folder holding a copy of the nnlego package without ``pieces`` (see the module)."""
    import nnlego

    names = tuple(sorted(f"{p.__module__}:{p.__qualname__}" for p in pieces))
    if names in _COPIES and _COPIES[names].is_dir():
        return _COPIES[names]
    source = Path(nnlego.__file__).resolve().parent
    tag = hashlib.sha256(repr(names).encode()).hexdigest()[:12]
    folder = Path(tempfile.mkdtemp(prefix=f"nnlego-withheld-{tag}-")) / "nnlego"
    shutil.copytree(source, folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    by_module: dict[str, list[str]] = {}
    for piece in pieces:
        by_module.setdefault(piece.__module__, []).append(piece.__qualname__)
    for module, qualnames in by_module.items():
        path = folder.joinpath(*module.split(".")[1:])
        path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
        path.write_text(strip(path.read_text(), qualnames, module))
    compileall.compile_dir(str(folder), quiet=2, workers=1)
    folder.parent.chmod(0o755)
    _COPIES[names] = folder
    return folder


def strip(source: str, qualnames, module: str = "nnlego") -> str:
    """``source`` with the functions ``qualnames`` (``f`` or ``Class.method``) and the private
    module-level helpers they call replaced by stubs that raise ``NotImplementedError``."""
    tree = ast.parse(source)
    top = {node.name: node for node in tree.body
           if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    targets = [_find(tree, qualname) for qualname in qualnames]
    if module in DECOYS:
        for node in targets:
            if node is not None:
                node.body = ast.parse(DECOYS[module]).body
                ast.fix_missing_locations(node)
        return ast.unparse(tree) + "\n"
    todo = [node for node in targets if node is not None]
    done = set()
    while todo:
        node = todo.pop()
        if id(node) in done:
            continue
        done.add(id(node))
        helpers = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        todo += [top[name] for name in helpers if name.startswith("_") and name in top]
        _stub(node, f"{module}.{node.name}")
    return ast.unparse(tree) + "\n"


def _find(tree, qualname):
    scope = tree.body
    node = None
    for part in qualname.split("."):
        node = next((n for n in scope if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                          ast.ClassDef)) and n.name == part),
                    None)
        if node is None:
            return None
        scope = node.body
    return node


def _stub(node, name):
    message = (f"{name} is withheld while it is graded: write this piece yourself "
               "(NumPy is fine)")
    node.body = [ast.Raise(exc=ast.Call(func=ast.Name("NotImplementedError", ast.Load()),
                                        args=[ast.Constant(message)], keywords=[]), cause=None)]
    node.decorator_list = [d for d in node.decorator_list
                           if getattr(d, "id", "") in ("staticmethod", "classmethod",
                                                       "property")]
    ast.fix_missing_locations(node)


def remove_copies():
    """Delete this process's copies (tests; a grading worker's end)."""
    for folder in _COPIES.values():
        shutil.rmtree(folder.parent, ignore_errors=True)
    _COPIES.clear()


__all__ = ["pieces_named", "nnlego_without", "strip", "remove_copies"]
