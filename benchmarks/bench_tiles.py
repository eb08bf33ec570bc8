"""Benchmark: derange-shuffling a training set's tiles costs a small fraction of an epoch.

The second article shuffles every Fashion-MNIST training image (60,000 of 28 x 28) by its own
4 x 4 tile derangement. This times that against one training epoch of its 784-128-10 relu/softmax
network (Adam, batch 32) measured in the same run, on one BLAS thread, with synthetic data of the
same shape (the timing does not depend on the pixel values). Target: ratio < 0.1.

Run: ``python benchmarks/bench_tiles.py``.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from nnlego import Network, single_thread, train
from nnlego.tiles import derange_tiles, random_derangements, shuffle_tiles


def _seconds(fn, repeats):
    """Median wall time of ``repeats`` calls of ``fn()``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(n_images=60_000, grid=4, seed=0, shuffle_repeats=5, epoch_repeats=3):
    """Seconds to derange ``n_images`` images (and its two parts), seconds per epoch, the ratio."""
    rng = np.random.default_rng(seed)
    images = rng.random((n_images, 28, 28), dtype=np.float32)
    labels = rng.integers(0, 10, n_images)
    X = images.reshape(n_images, 784)

    def one_epoch():
        net = Network(
            [784, 128, 10],
            activations=["relu", "softmax"],
            cost="categorical_cross_entropy",
            init="glorot_uniform",
            rng=rng,
        )
        train(net, X, labels, n_epochs=1, batch_size=32, lr=1e-3, optimizer="adam", rng=rng)

    with single_thread():
        shuffle = _seconds(lambda: derange_tiles(images, grid, rng=rng), shuffle_repeats)
        perms = random_derangements(n_images, grid * grid, rng=rng)
        draw = _seconds(
            lambda: random_derangements(n_images, grid * grid, rng=rng), shuffle_repeats
        )
        move = _seconds(lambda: shuffle_tiles(images, perms, grid), shuffle_repeats)
        epoch = _seconds(one_epoch, epoch_repeats)
    return {
        "n_images": n_images,
        "shuffle_s": shuffle,
        "draw_s": draw,
        "move_s": move,
        "epoch_s": epoch,
        "ratio": shuffle / epoch,
    }


def main():
    result = run()
    print(
        f"derange-shuffle {result['n_images']:,} images (4x4 tiles, float32): "
        f"{result['shuffle_s'] * 1000:.0f} ms (median of 5): drawing the derangements "
        f"{result['draw_s'] * 1000:.0f} ms, moving the tiles {result['move_s'] * 1000:.0f} ms"
    )
    print(
        f"one epoch, 784-128-10 relu/softmax, Adam, batch 32: {result['epoch_s']:.2f} s "
        "(median of 3, with nnlego's end-of-epoch evaluation on the training set)"
    )
    print(f"shuffle/epoch ratio: {result['ratio']:.3f} (target < 0.1)")


if __name__ == "__main__":
    main()
