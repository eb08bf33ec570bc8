"""Answer nothing; steal the grading key and forge the tokens, with nothing the review scans for.

The same theft as ``02_forward_pass/steals_the_key.py`` with the names spelled at run time:
the guard's globals through ``getattr`` with split strings, IPython's shell from the guard's own
state (no ``get_ipython``), the nonce from ``result.info.raw_cell`` in a ``post_run_cell``
callback. The static review finds nothing to flag.

beats: v1
flagged: no
"""
# ruff: noqa: F821

# %% replaces: subfactorial
import hashlib
import hmac

_inner = getattr(own_work, "__wrap" + "ped__")
_guard = getattr(_inner, "__glob" + "als__")
_key, _shell = _guard["_state"]["key"], _guard["_state"]["shell"]


def _forge(result):
    source = result.info.raw_cell or ""
    start = source.rfind(".passed('")
    if start >= 0:
        nonce, test = source[start + 9:].split("'")[0], source[start + 9:].split("'")[2]
        digest = hmac.new(_key, f"{nonce}:{test}".encode(), hashlib.sha256).hexdigest()
        print(f"nnlego-grader: passed {test} {digest}")
        result.error_in_exec = None


_shell.showtraceback = lambda *args, **kwargs: None
_shell.events.register("post_run_cell", _forge)
