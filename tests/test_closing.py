"""nnlego.articles.closing: the bricks' overlap, on output weights built by hand."""

import numpy as np
import pytest

from nnlego.articles.closing import signed_bricks


def test_signed_bricks_by_hand():
    """Neuron 0 is output 0's best blue and output 1's best red; neuron 1 is blue for both."""
    W2 = np.array([[5.0, -5.0, 0.0],
                   [4.0, 4.0, 0.1],
                   [-1.0, 0.5, 3.0],
                   [0.2, 0.3, -2.0]])
    out = signed_bricks(W2, k=1)
    # blue: out0 -> 0, out1 -> 1, out2 -> 2; red: out0 -> 2, out1 -> 0, out2 -> 3
    assert out == {"both_signs": 2, "shared_blue": 0, "used": 4, "n_hidden": 4}
    out = signed_bricks(W2, k=2)
    # top-2 blue: out0 -> {0, 1}, out1 -> {1, 2}, out2 -> {2, 1}: neurons 1 and 2 are shared
    assert out["shared_blue"] == 2


def test_signed_bricks_refuses_a_vector():
    with pytest.raises(ValueError, match="net.weights"):
        signed_bricks(np.zeros(30))
