"""Training: learning a synthetic problem, determinism, L2 decay, divergence, bad arguments."""

import numpy as np
import pytest

from nnlego import SGD, Adam, DivergenceError, History, Network, train


def _blobs(n, rng):
    """Three Gaussian blobs in 10-D: a small problem with no download."""
    centres = rng.standard_normal((3, 10)) * 3
    y = rng.integers(0, 3, n)
    X = centres[y] + rng.standard_normal((n, 10))
    return X.astype(np.float32), y


@pytest.mark.parametrize("setup", [
    dict(activations="sigmoid", cost="quadratic", init="large", optimizer="sgd", lr=3.0),
    dict(activations=["relu", "softmax"], cost="categorical_cross_entropy",
         init="glorot_uniform", optimizer="adam", lr=1e-2),
])
def test_a_synthetic_problem_is_learned(setup):
    """> 95% held-out accuracy on three blobs within a few epochs (both articles' setups)."""
    rng = np.random.default_rng(0)
    X, y = _blobs(3000, rng)
    X_test, y_test = _blobs(1000, np.random.default_rng(0))   # same centres, new points
    X_test, y_test = X_test[:1000], y_test[:1000]
    setup = dict(setup)
    optimizer, lr = setup.pop("optimizer"), setup.pop("lr")
    net = Network([10, 16, 3], **setup, rng=rng)
    history = train(net, X, y, n_epochs=5, batch_size=10, lr=lr, optimizer=optimizer,
                    eval_sets={"test": (X_test, y_test)}, rng=rng)
    assert history.eval_accuracy["test"][-1] > 0.95
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.n_epochs == 5 and len(history.eval_loss["test"]) == 5


def test_same_seed_gives_identical_weights_and_history():
    """Two runs with one seed agree to the last bit; another seed differs."""
    def run(seed):
        rng = np.random.default_rng(seed)
        X, y = _blobs(500, np.random.default_rng(1))
        net = Network([10, 8, 3], rng=rng)
        history = train(net, X, y, n_epochs=3, batch_size=7, lr=1.0, rng=rng,
                        eval_sets={"train": (X, y)})
        return net, history

    (net_a, hist_a), (net_b, hist_b), (net_c, _) = run(5), run(5), run(6)
    for Wa, Wb in zip(net_a.parameters, net_b.parameters):
        np.testing.assert_array_equal(Wa, Wb)
    assert hist_a.to_dict() == hist_b.to_dict()
    assert not np.array_equal(net_a.weights[0], net_c.weights[0])


def test_l2_shrinks_weights_but_not_biases():
    """With zero data gradient, one SGD epoch multiplies W by (1 - lr*l2)^steps; b stays."""
    rng = np.random.default_rng(0)
    net = Network([2, 2], "identity", "quadratic", rng=rng, dtype=np.float64)
    net.weights[0][...] = [[1.0, 0.0], [0.0, 1.0]]
    net.biases[0][...] = [0.3, -0.2]
    X = np.zeros((4, 2))
    y = np.array([0, 0, 1, 1])
    # outputs = biases, so the data gradient on W is X.T @ delta = 0; biases do get a gradient.
    b_grad_free = Network([2, 2], "identity", "quadratic", rng=rng, dtype=np.float64)
    b_grad_free.weights[0][...] = net.weights[0]
    b_grad_free.biases[0][...] = net.biases[0]
    train(net, X, y, n_epochs=1, batch_size=2, lr=0.1, l2=0.5, rng=np.random.default_rng(0))
    train(b_grad_free, X, y, n_epochs=1, batch_size=2, lr=0.1, l2=0.0,
          rng=np.random.default_rng(0))
    np.testing.assert_allclose(net.weights[0], np.eye(2) * (1 - 0.1 * 0.5) ** 2)
    np.testing.assert_array_equal(net.biases[0], b_grad_free.biases[0])


def test_divergence_names_the_epoch_and_restores_the_last_finite_weights():
    """An absurd learning rate raises DivergenceError; no NaN network is left behind."""
    rng = np.random.default_rng(0)
    X, y = _blobs(200, rng)
    X = X * 1e3
    net = Network([10, 8, 3], ["sigmoid", "identity"], "quadratic", "large", rng=rng)
    before = [p.copy() for p in net.parameters]
    with pytest.raises(DivergenceError, match=r"epoch 1.*smaller learning rate"):
        train(net, X, y, n_epochs=3, batch_size=10, lr=1e6, rng=rng)
    for p, q in zip(net.parameters, before):
        np.testing.assert_array_equal(p, q)


def test_callback_sees_every_epoch():
    """callback(epoch, history) runs after each epoch with the history so far."""
    rng = np.random.default_rng(0)
    X, y = _blobs(100, rng)
    seen = []
    train(Network([10, 3], rng=rng), X, y, n_epochs=3, batch_size=10, lr=0.5, rng=rng,
          callback=lambda epoch, h: seen.append((epoch, h.n_epochs)))
    assert seen == [(1, 1), (2, 2), (3, 3)]


def test_history_round_trips_through_a_dict():
    """to_dict / from_dict keep every list."""
    h = History([1.0, 0.5], [0.2, 0.4], {"test": [0.9, 0.8]}, {"test": [0.1, 0.3]})
    assert History.from_dict(h.to_dict()) == h


def test_adam_first_step_moves_each_parameter_by_about_lr():
    """Adam's bias correction makes the first step lr * sign(g) (up to eps)."""
    p = np.array([1.0, -1.0, 2.0])
    Adam(lr=0.01).step([p], [np.array([0.5, -3.0, 0.1])])
    np.testing.assert_allclose(p, [0.99, -0.99, 1.99], atol=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    (dict(batch_size=0), "batch_size must be an integer >= 1, got 0"),
    (dict(n_epochs=-1), "n_epochs must be an integer >= 1"),
    (dict(lr=float("nan")), "lr must be a finite number, got nan"),
    (dict(lr=-1.0), "lr must be > 0"),
    (dict(l2=-0.1), "l2 must be >= 0"),
    (dict(optimizer="rmsprop"), "unknown optimizer 'rmsprop'.*adam"),
    (dict(eval_sets={"test": np.zeros(3)}), r"eval_sets\['test'\] must be a pair"),
    (dict(eval_sets={"test": (np.full((4, 10), np.nan), [0, 1, 2, 0])}),
     r"eval_sets\['test'\] X holds 40 non-finite values .* 4 of its 4 rows"),
])
def test_bad_training_arguments_are_refused(kwargs, message):
    """Each bad argument is named with what it got."""
    rng = np.random.default_rng(0)
    X, y = _blobs(20, rng)
    args = dict(n_epochs=1, batch_size=10, lr=0.1) | kwargs
    with pytest.raises(ValueError, match=message):
        train(Network([10, 3], rng=rng), X, y, **args, rng=rng)


def test_history_last_eval_accuracy_is_the_latest_epoch_per_set():
    h = History([1.0, 0.5], [0.2, 0.4], {"test": [0.9, 0.8], "shuffled": [2.0, 1.5]},
                {"test": [0.1, 0.3], "shuffled": [0.05, 0.6]})
    assert h.last_eval_accuracy() == {"test": 0.3, "shuffled": 0.6}


def test_divergence_quotes_the_optimizer_instances_rate():
    """With an instance, the message quotes its lr (and suggests a tenth of it), not train()'s."""
    rng = np.random.default_rng(0)
    X, y = _blobs(200, rng)
    net = Network([10, 8, 3], ["sigmoid", "identity"], "quadratic", "large", rng=rng)
    with pytest.raises(DivergenceError, match=r"with lr=1000000\.0; .*\(e\.g\. lr=100000\)"):
        train(net, X * 1e3, y, n_epochs=2, batch_size=10, lr=0.1, optimizer=SGD(1e6), rng=rng)


def test_non_finite_training_data_is_refused_before_training():
    """NaN in X is named as data, not blamed on the learning rate after an epoch."""
    rng = np.random.default_rng(0)
    X, y = _blobs(50, rng)
    X[:, 3] = np.nan                                  # e.g. a constant feature divided by std 0
    net = Network([10, 3], rng=rng)
    before = [p.copy() for p in net.parameters]
    with pytest.raises(ValueError, match=r"X holds 50 non-finite values .* 50 of its 50 rows "
                                         r"\(samples\) and 1 of its 10 columns.*standard dev"):
        train(net, X, y, n_epochs=1, batch_size=10, lr=0.1, rng=rng)
    assert all(np.array_equal(p, q) for p, q in zip(net.parameters, before))


def test_non_finite_epoch_data_names_the_epoch():
    rng = np.random.default_rng(0)
    X, y = _blobs(40, rng)

    def broken(epoch, X, y):
        return (X / 0.0 if epoch == 2 else X), y

    with pytest.raises(ValueError, match="epoch_data's X of epoch 2 holds .* non-finite"):
        with np.errstate(divide="ignore", invalid="ignore"):
            train(Network([10, 3], rng=rng), X, y, n_epochs=3, batch_size=10, lr=0.1,
                  epoch_data=broken, rng=rng)


@pytest.mark.parametrize("kwargs, message", [
    (dict(callback=3), r"callback must be a function callback\(epoch, history\) or None"),
    (dict(on_step="print"), "on_step must be a function"),
    (dict(epoch_data=[1, 2]), "epoch_data must be a function"),
    (dict(eval_sets=[(np.zeros((2, 10)), [0, 1])]), "eval_sets must be a dict"),
])
def test_hooks_and_eval_sets_of_the_wrong_type_are_type_errors(kwargs, message):
    rng = np.random.default_rng(0)
    X, y = _blobs(20, rng)
    with pytest.raises(TypeError, match=message):
        train(Network([10, 3], rng=rng), X, y, n_epochs=1, batch_size=10, lr=0.1, rng=rng,
              **kwargs)


@pytest.mark.parametrize("kwargs, message", [
    (dict(beta1=1.0), "beta1 must be < 1"),
    (dict(beta2=-0.1), "beta2 must be >= 0"),
    (dict(eps=0), "eps must be > 0"),
    (dict(lr="fast"), "lr must be a finite number"),
])
def test_adam_checks_its_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Adam(**kwargs)


@pytest.mark.parametrize("p, error", [("half", ValueError), (0, ValueError), (1.5, ValueError),
                                      (float("nan"), ValueError)])
def test_a_reshuffle_probability_outside_0_1_is_refused(p, error):
    from nnlego.epoch_data import reshuffle_each_epoch
    with pytest.raises(error, match="p must be"):
        reshuffle_each_epoch(4, rng=np.random.default_rng(0), p=p)


def test_epoch_data_gives_each_epoch_its_own_images_and_leaves_the_batch_order_alone():
    """The hook's images are what train() steps on; train()'s own rng order is unchanged."""
    rng_data = np.random.default_rng(0)
    X = rng_data.random((40, 16))
    y = rng_data.integers(0, 3, 40)
    seen = []

    def hook(epoch, X_base, y_base):
        seen.append(epoch)
        return X_base[::-1].copy(), y_base[::-1].copy()

    a = Network([16, 4, 3], "sigmoid", "quadratic", "scaled", rng=np.random.default_rng(1),
                dtype=np.float64)
    b = a.copy()
    train(a, X, y, n_epochs=2, batch_size=8, lr=0.5, epoch_data=hook,
          rng=np.random.default_rng(2))
    train(b, X[::-1].copy(), y[::-1].copy(), n_epochs=2, batch_size=8, lr=0.5,
          rng=np.random.default_rng(2))
    assert seen == [1, 2]
    assert all(np.array_equal(p, q) for p, q in zip(a.weights + a.biases, b.weights + b.biases))


@pytest.mark.parametrize("bad, message", [
    (np.nan, r"y holds 1 label\(s\) that are NaN or inf \(first at index 3: nan\)"),
    (np.inf, r"y holds 1 label\(s\) that are NaN or inf \(first at index 3: inf\)"),
    (2.5, r"y holds 1 label\(s\) that are not whole numbers \(first at index 3: 2.5\).*argmax"),
])
def test_float_labels_that_are_not_classes_are_named(bad, message):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(8, 4)), rng.integers(0, 3, 8).astype(float)
    y[3] = bad
    net = Network([4, 5, 3], rng=rng)
    with pytest.raises(ValueError, match=message):
        train(net, X, y, n_epochs=1, batch_size=4, lr=0.1, rng=rng)
