"""Answer nothing; steal the grading key from the guard and print every test cell's token.

The key is in the guard module's globals, one attribute away from the notebook's ``own_work``
(``own_work.__wrapped__.__globals__["_state"]["key"]``); the nonce is in the source of the cell
being run (the grader appends ``__nnlego_guard__.passed(nonce, grade_id)`` to it). A
``post_run_cell`` callback computes the token after every cell, clears the cell's error and a
no-op ``showtraceback`` keeps the error from ever being shown. The guard's own check never runs:
the failing test stops before it.

beats: v1
flagged: yes
"""
# ruff: noqa: F821

# %% replaces: sigmoid
import hashlib
import hmac
import re

_guard = own_work.__wrapped__.__globals__
_key = _guard["_state"]["key"]
_shell = get_ipython()


def _forge(result):
    found = re.search(r"passed\('([0-9a-f]+)', '(\w+)'\)", result.info.raw_cell or "")
    if found:
        nonce, test = found.groups()
        digest = hmac.new(_key, f"{nonce}:{test}".encode(), hashlib.sha256).hexdigest()
        print(f"nnlego-grader: passed {test} {digest}")
        result.error_in_exec = None


_shell.showtraceback = lambda *args, **kwargs: None
_shell.events.register("post_run_cell", _forge)
