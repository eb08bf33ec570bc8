"""``explained``: a student's function that raises fails its test with a sentence, not a traceback.

A test cell calls the student's function inside ``with explained(call, fix): ...``. If the
function raises (a reshape that does not fit, a KeyError, an IndexError), the test fails with
``AssertionError("<call> raised <Type>: <message> — <fix>")`` chained to the error, so the
feedback says which input broke and what usually causes it. AssertionErrors (the tests' own, and
``own_work``'s) pass through unchanged.
"""

from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def explained(call: str, fix: str):
    """Turn an error raised in the block into an AssertionError naming ``call`` and ``fix``.

    ``call`` describes the call and its input (``"shuffle_tiles(25 images 28 x 28, grid=7)"``);
    ``fix`` the likely cause and its fix (``"tiles are h // grid pixels a side"``).
    """
    try:
        yield
    except AssertionError:
        raise
    except Exception as error:
        message = str(error).strip().splitlines()
        raise AssertionError(f"{call} raised {type(error).__name__}: "
                             f"{message[0] if message else '(no message)'} — {fix}") from error


__all__ = ["explained"]
