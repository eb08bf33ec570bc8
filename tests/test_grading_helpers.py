"""nnlego.course.grading.repeat and .explain: many calls in order; a raising call in words."""

import numpy as np
import pytest

from nnlego.course.grading import explained, repeat


def test_repeat_returns_every_call_in_order_and_advances_the_generator():
    draws = repeat(lambda *, rng: int(rng.integers(1_000_000)), 5, rng=np.random.default_rng(7))
    rng = np.random.default_rng(7)
    assert draws == [int(rng.integers(1_000_000)) for _ in range(5)]
    assert len(set(draws)) == 5


def test_repeat_passes_positional_and_keyword_arguments_to_every_call():
    calls = []

    def record(*args, **kwargs):
        calls.append((args, kwargs))
        return len(calls)

    assert repeat(record, 3, 4, "a", key=None) == [1, 2, 3]
    assert calls == [((4, "a"), {"key": None})] * 3


def test_repeat_zero_times_calls_nothing():
    assert repeat(lambda: pytest.fail("called"), 0) == []


def test_repeat_lets_the_functions_error_through():
    with pytest.raises(KeyError, match="k"):
        repeat({}.__getitem__, 2, "k")


@pytest.mark.parametrize(("function", "times", "error", "words"), [
    (None, 3, TypeError, "callable"), (len, 2.5, TypeError, "int"),
    (len, -1, ValueError, ">= 0")])
def test_repeat_rejects_bad_arguments_and_says_the_fix(function, times, error, words):
    with pytest.raises(error, match=words):
        repeat(function, times)


def test_repeat_takes_function_and_times_by_position_only():
    assert repeat(dict, 2, function=1, times=2) == [{"function": 1, "times": 2}] * 2


# -- explained -------------------------------------------------------------------------------
def test_explained_names_the_call_the_error_and_the_fix():
    with pytest.raises(AssertionError, match=r"^f\(3 images\) raised ValueError: "
                                             r"cannot reshape — cut square tiles$") as caught:
        with explained("f(3 images)", "cut square tiles"):
            raise ValueError("cannot reshape\nmore detail")
    assert isinstance(caught.value.__cause__, ValueError)


def test_explained_lets_assertions_and_success_through():
    with pytest.raises(AssertionError, match="^the test's own$"):
        with explained("f()", "fix"):
            raise AssertionError("the test's own")
    with explained("f()", "fix"):
        value = 1
    assert value == 1
