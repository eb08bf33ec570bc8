"""Subnormal flushing (issue 29): what is flushed, what is kept, when the optimizers flush."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlego import SGD, Adam, subnormals
from nnlego.subnormals import count_subnormal, flush_subnormal, is_subnormal, smallest_normal

DTYPES = [np.float32, np.float64]


def _mixed(dtype, rng, n=1000):
    """Normal numbers of every magnitude, subnormals of both signs, zeros, inf and NaN."""
    info = np.finfo(dtype)
    normal = rng.standard_normal(n) * np.exp(rng.uniform(np.log(info.smallest_normal),
                                                         np.log(info.max) / 2, n))
    sub = rng.uniform(-1, 1, n // 2) * info.smallest_normal
    edges = [0.0, -0.0, np.inf, -np.inf, np.nan, info.smallest_normal, -info.smallest_normal,
             info.smallest_subnormal, -info.smallest_subnormal, info.max]
    a = np.concatenate([normal, sub, edges]).astype(dtype)
    return a[rng.permutation(len(a))]


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_smallest_normal_of_each_dtype(dtype):
    """float32: 1.1754944e-38, float64: 2.2250738585072014e-308 (the docstrings' numbers)."""
    expected = {np.float32: 1.1754944e-38, np.float64: 2.2250738585072014e-308}[dtype]
    assert smallest_normal(dtype) == pytest.approx(expected, rel=1e-7)
    tiny = dtype(smallest_normal(dtype))
    assert not is_subnormal(tiny) and is_subnormal(tiny / 2) and not is_subnormal(dtype(0))


@pytest.mark.parametrize("dtype", DTYPES)
def test_flushing_zeroes_every_subnormal_and_leaves_every_other_bit(dtype):
    """Subnormals become zeros of their sign; normal numbers, zeros, inf, NaN keep their bits."""
    a = _mixed(dtype, np.random.default_rng(0))
    before = a.copy()
    sub = is_subnormal(a)
    assert count_subnormal([a]) == sub.sum() > 400
    flush_subnormal([a])
    assert count_subnormal([a]) == 0
    bits = np.uint32 if dtype == np.float32 else np.uint64
    np.testing.assert_array_equal(a[~sub].view(bits), before[~sub].view(bits))
    assert np.all(a[sub] == 0)
    np.testing.assert_array_equal(np.signbit(a), np.signbit(before))


@pytest.mark.parametrize("dtype", DTYPES)
def test_adam_leaves_no_subnormal_in_m_v_or_the_weights(dtype):
    """Zero gradients after one real step: m decays by 0.9 per step into the subnormal range
    and gets stuck there (0.9 * 4 ulp rounds back to 4 ulp); gradients whose square is
    subnormal make v subnormal; tiny weights are subnormal from the start. After a multiple of
    flush_every steps none is left; with flush_every=None (today's Adam before issue 29) many
    are, so this test fails on an optimizer that does not flush."""
    info = np.finfo(dtype)
    n_steps = {np.float32: 1000, np.float64: 7000}[dtype]    # m: 0.1 * 0.9^t < smallest normal
    g_tiny = np.sqrt(info.smallest_normal) / 8                # g^2 / 64: subnormal
    counts = {}
    for flush_every in (100, None):
        W = np.array([[1.0, -2.0], [info.smallest_normal / 3, 0.5]], dtype)
        b = np.array([info.smallest_subnormal * 7, 1.0], dtype)
        opt = Adam(1e-3, flush_every=flush_every)
        first = [np.ones_like(W), np.ones_like(b)]
        first[0][1, 0] = first[1][0] = 0                      # the tiny weights stay tiny
        opt.step([W, b], first)
        zero = [np.zeros_like(W), np.zeros_like(b)]
        for t in range(2, n_steps + 1):
            opt.step([W, b], zero if t % 50 else [np.full_like(W, g_tiny), np.zeros_like(b)])
        counts[flush_every] = [count_subnormal(part) for part in ([W, b], opt.m, opt.v)]
        assert W.dtype == b.dtype == opt.m[0].dtype == dtype
    assert counts[100] == [0, 0, 0]
    assert min(counts[None]) >= 1            # weights, m (stuck at a few ulps) and v each


@pytest.mark.parametrize("dtype", DTYPES)
def test_the_flush_leaves_normal_values_bit_for_bit(dtype):
    """With gradients that never make a subnormal, flushing or not gives the same bits."""
    rng = np.random.default_rng(1)
    start = [rng.standard_normal((5, 3)).astype(dtype), rng.standard_normal(3).astype(dtype)]
    grads = [[rng.standard_normal(p.shape).astype(dtype) for p in start] for _ in range(30)]
    results = []
    for flush_every in (1, None):
        params = [p.copy() for p in start]
        opt = Adam(1e-2, flush_every=flush_every)
        for g in grads:
            opt.step(params, g)
        results.append(params + opt.m + opt.v)
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


@settings(max_examples=30, deadline=None)
@given(flush_every=st.integers(1, 40), n_steps=st.integers(0, 120),
       which=st.sampled_from(["sgd", "adam"]))
def test_the_flush_runs_once_every_flush_every_steps(flush_every, n_steps, which):
    """Amortised: exactly at steps flush_every, 2 flush_every, ...; never in between."""
    calls = []
    original = subnormals.flush_subnormal

    def spy(arrays):
        calls.append(opt.t)
        original(arrays)

    opt = SGD(0.1, flush_every=flush_every) if which == "sgd" else Adam(flush_every=flush_every)
    p = np.ones(3, np.float32)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("nnlego.optimizers.flush_subnormal", spy)
        for _ in range(n_steps):
            opt.step([p], [np.full(3, 0.01, np.float32)])
    assert calls == list(range(flush_every, n_steps + 1, flush_every))


def test_sgd_flushes_its_parameters():
    """A subnormal weight (SGD has no state) is zero after flush_every steps, not before."""
    p = np.array([np.finfo(np.float32).smallest_normal / 4, 1.0], np.float32)
    opt = SGD(0.1, flush_every=3)
    for _ in range(3):
        assert count_subnormal([p]) == 1            # not flushed before step 3
        opt.step([p], [np.zeros(2, np.float32)])
    assert count_subnormal([p]) == 0 and p[1] == 1.0


@pytest.mark.parametrize("flush_every", [-1, 2.5, "100", True])
def test_a_bad_flush_every_is_refused_with_the_fix(flush_every):
    with pytest.raises(ValueError, match=r"flush_every must be a positive number of steps, or "
                                         r"None \(or 0\).*default is 100"):
        Adam(flush_every=flush_every)
    with pytest.raises(ValueError, match="flush_every must be"):
        SGD(0.1, flush_every=flush_every)


def test_the_book_s_census_counts_what_the_flush_removes():
    """savant.adam_subnormals (chapter 9): pixels so faint (1e-36) that their gradients, and so
    Adam's m, are subnormal from the start; without the flush they stay, with it none is left
    after step 200 and fewer are seen on average."""
    from nnlego.articles import savant
    rng = np.random.default_rng(0)
    X = rng.random((640, 784), dtype=np.float32)
    X[:, 100:200] *= np.float32(1e-36)
    y = rng.integers(0, 10, 640)
    without = savant.adam_subnormals(X, y, n_steps=200, flush_every=None)
    flushed = savant.adam_subnormals(X, y, n_steps=200)
    assert without["entries"] == flushed["entries"] == 3 * (784 * 128 + 128 + 128 * 10 + 10)
    assert without["final"]["m"] > 1000 and without["peak"] >= without["final"]["m"]
    assert flushed["final"] == {"weights": 0, "m": 0, "v": 0}
    assert flushed["mean"] < without["mean"]
    assert savant.adam_subnormals(X, y, n_steps=200) == flushed       # seeded: repeatable


def test_the_census_digest_tells_networks_apart():
    """The digest the chapter compares is equal for the same run and differs for another seed."""
    from nnlego.articles import savant
    rng = np.random.default_rng(0)
    X, y = rng.random((64, 784), dtype=np.float32), rng.integers(0, 10, 64)
    one = savant.adam_subnormals(X, y, n_steps=3, seed=0)
    assert one["digest"] == savant.adam_subnormals(X, y, n_steps=3, seed=0)["digest"]
    assert one["digest"] != savant.adam_subnormals(X, y, n_steps=3, seed=1)["digest"]
