"""Grading v2's wire: only plain data crosses, rebuilt as the grader's own objects."""

from __future__ import annotations

import io
from collections import Counter

import numpy as np
import pytest

import nnlego
from nnlego.course.grading import arguments, link, wire


def round_trip(value, keep=None, resolve=None):
    header, blobs = wire.encode(value, keep=keep)
    return wire.decode(wire.loads(wire.dumps(header)), blobs, resolve=resolve)


@pytest.mark.parametrize("value", [
    None, True, False, 0, -7, 10 ** 40, 0.1, -0.0, float("inf"), 1e-310, "text", "ünï",
    [1, [2.5, "x"]], (1, (2,)), {"a": 1, 3: [None]}, Counter("abca"), [],
])
def test_python_values_cross_exactly(value):
    back = round_trip(value)
    assert back == value and type(back) is type(value)


def test_nan_crosses_as_nan():
    assert np.isnan(round_trip(float("nan")))


@pytest.mark.parametrize("array", [
    np.arange(12.0).reshape(3, 4), np.arange(12.0).reshape(3, 4)[:, ::2],
    np.array([True, False]), np.arange(5, dtype=np.uint8), np.array([1 + 2j]),
    np.array(["a", "bc"]), np.zeros((0, 3), dtype=np.float32), np.array(3.5),
])
def test_arrays_cross_bit_for_bit(array):
    back = round_trip(array)
    assert type(back) is np.ndarray and back.dtype == array.dtype
    assert back.shape == array.shape and np.array_equal(back, array)


def test_numpy_scalars_stay_scalars_of_their_type():
    for scalar in (np.float32(1.5), np.int64(-3), np.bool_(True), np.float64(2.0)):
        back = round_trip(scalar)
        assert type(back) is type(scalar) and back == scalar


class LyingFloat(float):
    def __eq__(self, other):
        return True

    def __sub__(self, other):
        return 0.0


class LyingArray(np.ndarray):
    pass


@pytest.mark.parametrize("liar", [
    LyingFloat(1.0), type("LyingInt", (int,), {"__eq__": lambda s, o: True})(3),
    type("Str", (str,), {})("x"), type("L", (list,), {})([1]), type("D", (dict,), {})(),
    np.array([object()], dtype=object), np.zeros(2, dtype=[("a", "f8")]),
    object(), lambda: 1, range(3), {1, 2}, b"bytes",
])
def test_values_that_could_carry_behaviour_are_refused(liar):
    with pytest.raises(wire.WireError, match="cannot"):
        wire.encode(liar)


def test_an_ndarray_subclass_arrives_as_a_plain_array():
    liar = np.arange(3.0).view(LyingArray)
    back = round_trip(liar)
    assert type(back) is np.ndarray and np.array_equal(back, [0.0, 1.0, 2.0])


def test_a_generator_crosses_with_its_state_and_keeps_drawing_the_same_numbers():
    rng = np.random.default_rng(42)
    rng.random(3)
    back = round_trip(rng)
    assert back is not rng and np.array_equal(back.random(5), rng.random(5))


def test_a_generator_over_another_bit_generator_is_refused_with_the_fix():
    with pytest.raises(wire.WireError, match="default_rng"):
        wire.encode(np.random.Generator(np.random.MT19937(0)))


def test_a_network_crosses_whole_and_refuses_inconsistent_shapes():
    net = nnlego.Network([5, 4, 3], cost="cross_entropy", init="large",
                         rng=np.random.default_rng(0), dtype=np.float64)
    back = round_trip(net)
    assert type(back) is nnlego.Network and back.sizes == net.sizes
    assert back.cost == "cross_entropy" and back.dtype == np.float64
    x = np.random.default_rng(1).random((2, 5))
    assert np.array_equal(back.forward(x), net.forward(x))
    header, blobs = wire.encode(net)
    header["sizes"]["v"][1] = {"t": "int", "v": "7"}
    with pytest.raises(wire.WireError, match="do not agree"):
        wire.decode(header, blobs)


@pytest.mark.parametrize("header", [
    [], {"t": "float", "v": 1.5}, {"t": "int", "v": "x"}, {"t": "int", "v": "9" * 6000},
    {"t": "array", "b": 3}, {"t": "pickle"}, {"t": "dict", "k": [], "v": [{"t": "none"}]},
    {"t": "list", "v": {"a": 1}}, {"t": "rng", "state": "1"},
])
def test_malformed_headers_are_refused(header):
    with pytest.raises(wire.WireError):
        wire.decode(header, [])


def test_a_pickled_array_blob_is_refused():
    buffer = io.BytesIO()
    np.save(buffer, np.array([object()], dtype=object), allow_pickle=True)
    with pytest.raises(wire.WireError):
        wire.decode({"t": "array", "b": 0}, [buffer.getvalue()])


def test_too_deep_or_too_many_items_is_refused_with_the_fix():
    deep = []
    for _ in range(wire.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(wire.WireError, match="send arrays"):
        wire.encode(deep)


def test_functions_cross_as_references_only_when_the_sender_keeps_them():
    kept = {}

    def keep(obj):
        kept[len(kept) + 1] = obj
        return wire.Ref(len(kept), "grader:f")

    back = round_trip({"f": len}, keep=keep, resolve=lambda ref: ("resolved", ref.number))
    assert back == {"f": ("resolved", 1)} and kept[1] is len


def test_sync_writes_back_what_a_call_did_to_its_arguments():
    X, rng = np.zeros(3), np.random.default_rng(0)
    weights, table = [np.zeros(2), np.ones(2)], {"a": np.zeros(1), "gone": 1}
    X_new, rng_new = np.arange(3.0), np.random.default_rng(0)
    rng_new.random(4)
    arguments.sync(X, X_new)
    arguments.sync(rng, rng_new)
    first = weights[0]
    arguments.sync(weights, [np.full(2, 5.0), np.ones(2), np.zeros(1)])
    arguments.sync(table, {"a": np.ones(1), "new": 2})
    assert np.array_equal(X, [0, 1, 2]) and rng.random() == rng_new.random()
    assert len(weights) == 3 and np.array_equal(weights[0], [5, 5])
    assert table.keys() == {"a", "new"} and table["a"][0] == 1
    assert first is not weights[0] or np.array_equal(first, [5, 5])


def test_same_compares_deeply_and_bit_for_bit():
    a = [np.array([1.0, np.nan]), {"k": (1, "x")}]
    assert arguments.same(a, [np.array([1.0, np.nan]), {"k": (1, "x")}])
    assert not arguments.same(a, [np.array([1.0, 2.0]), {"k": (1, "x")}])
    assert not arguments.same(np.zeros(2), np.zeros(2, dtype=np.float32))


def test_a_frame_over_the_limit_ends_the_link(monkeypatch):
    import os

    monkeypatch.setenv("NNLEGO_GRADER_MAX_FRAME", "1000")
    read, write = os.pipe()
    sender, receiver = link.Link(-1, write), link.Link(read, -1)
    sender.limit = 10 ** 9
    sender.send({"op": "x"}, np.zeros(200))
    with pytest.raises(link.LinkError, match="at most 1,000"):
        receiver.receive()
    os.close(read)
    os.close(write)


def test_a_silent_side_times_out_at_the_deadline():
    import os
    import time

    read, write = os.pipe()
    receiver = link.Link(read, -1)
    with pytest.raises(link.Timeout):
        receiver.receive(deadline=time.monotonic() + 0.2)
    os.write(write, b"\x00" * 8)
    os.close(write)
    with pytest.raises(link.LinkError):
        receiver.receive(deadline=time.monotonic() + 0.2)
    os.close(read)
