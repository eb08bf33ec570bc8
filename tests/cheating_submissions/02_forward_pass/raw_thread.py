"""Call nnlego's own implementation from a thread started with ``_thread.start_new_thread``.

``own_work`` watches new threads through ``threading.setprofile``, which only threads started by
the ``threading`` module inherit; a thread of the low-level ``_thread`` module runs unwatched.

beats: v1
flagged: no
"""
# ruff: noqa: F821

# %% replaces: sigmoid
import _thread


def _elsewhere(function, *args):
    done, out = _thread.allocate_lock(), []
    done.acquire()

    def run():
        try:
            out.append(function(*args))
        finally:
            done.release()

    _thread.start_new_thread(run, ())
    done.acquire()
    return out[0]


def sigmoid(z):
    return _elsewhere(nnlego.sigmoid, z)

# %% replaces: sigmoid_prime
def sigmoid_prime(z):
    return _elsewhere(nnlego.sigmoid_prime, z)

# %% replaces: forward
def forward(weights, biases, X):
    sizes = [weights[0].shape[0]] + [W.shape[1] for W in weights]
    net = nnlego.Network(sizes, rng=np.random.default_rng(0), dtype=np.float64)
    net.weights, net.biases = list(weights), list(biases)
    return _elsewhere(net.forward, X)
