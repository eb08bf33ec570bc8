"""nnlego's own source of each piece (``inspect.getsource``), one line added, exec'd in a copy
of its module's namespace: new code objects whose instructions differ from the reference's, so
``own_work`` neither sees the reference run nor recognises a copy.

beats: v1
flagged: yes
"""
# ruff: noqa: F821

# %% replaces: knock_out
import inspect


def _recompiled(module, function):
    source = inspect.getsource(function).replace('"""\n', '"""\n    _edited = True\n', 1)
    namespace = dict(vars(module))
    exec(source, namespace)
    return namespace[function.__name__]


knock_out = _recompiled(knockout, knockout.knock_out)

# %% replaces: digit_use
digit_use = _recompiled(brick_use, brick_use.digit_use)
