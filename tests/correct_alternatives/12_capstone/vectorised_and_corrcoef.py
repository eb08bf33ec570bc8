"""The shuffler vectorised (every row redrawn at once until none has a fixed point, tiles moved
with np.take_along_axis), the map and the score from np.corrcoef, the run with spawned
generators and np.where."""
# ruff: noqa: F821
import numpy as np


# %% replaces: shuffler
def derange_images(X, grid=4, *, rng):
    n, n_pixels = np.shape(X)
    side, n_tiles = int(round(n_pixels ** 0.5)), grid * grid
    perms = np.tile(np.arange(n_tiles), (n, 1))
    todo = np.ones(n, bool)
    while todo.any():
        perms[todo] = rng.permuted(np.tile(np.arange(n_tiles), (int(todo.sum()), 1)), axis=1)
        todo = np.any(perms == np.arange(n_tiles), axis=1)
    t = side // grid
    blocks = np.asarray(X).reshape(n, grid, t, grid, t).swapaxes(2, 3).reshape(n, n_tiles, t * t)
    moved = np.take_along_axis(blocks, perms[:, :, None], axis=1)
    return moved.reshape(n, grid, grid, t, t).swapaxes(2, 3).reshape(n, n_pixels), perms


# %% replaces: correlation_map
def correlation_map(W1, side=28):
    C = np.corrcoef(W1)
    index = np.arange(side * side).reshape(side, side)
    out = np.empty((side, side))
    for r in range(side):
        for c in range(side):
            pairs = ([C[index[r, c], index[r, c + 1]]] if c + 1 < side else []) + \
                    ([C[index[r, c], index[r + 1, c]]] if r + 1 < side else [])
            out[r, c] = np.mean(pairs) if pairs else np.nan
    return out


# %% replaces: grid_score
def grid_score(W1, grid=4, side=28):
    C, tile = np.corrcoef(W1), side // grid
    within, across = [], []
    for r in range(side):
        for c in range(side):
            for r2, c2 in ((r, c + 1), (r + 1, c)):
                if r2 < side and c2 < side:
                    same = (r // tile, c // tile) == (r2 // tile, c2 // tile)
                    (within if same else across).append(C[r * side + c, r2 * side + c2])
    return float(np.mean(within) - np.mean(across))


# %% replaces: run_capstone
def run_capstone(X, y, X_test, y_test, *, seed, grid=4, p=1.0, n_hidden=128, n_epochs=3):
    pick, shuffle, init, batches = (np.random.default_rng(s)
                                    for s in np.random.SeedSequence(seed).spawn(4))
    chosen = pick.random(len(X)) < p
    X_train = np.where(chosen[:, None], derange_images(X, grid, rng=shuffle)[0], X)
    X_test_shuffled, _ = derange_images(X_test, grid, rng=shuffle)
    settings = savant.ORIGINAL
    with single_thread():
        net = nnlego.Network([784, n_hidden, 10], list(settings.activations), settings.cost,
                             settings.init, rng=init)
        nnlego.train(net, X_train.astype(np.float32), y, n_epochs=n_epochs,
                     batch_size=settings.batch_size, lr=settings.lr,
                     optimizer=settings.optimizer, rng=batches)
    return {"accuracy_original": float(np.mean(net.predict(X_test) == y_test)),
            "accuracy_shuffled": float(np.mean(net.predict(X_test_shuffled) == y_test)),
            "grid_score": grid_score(net.weights[0], grid), "net": net}
