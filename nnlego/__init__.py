"""nnlego: what does a neural network actually learn?

A from-scratch NumPy network (samples as rows, ``W`` of shape ``(n_in, n_out)``) and the analyses
of two articles: the "Lego bricks" of an MNIST network and the "savant syndrome" of a
Fashion-MNIST network trained on tile-shuffled images. See DEVELOPERS.md for the API contract.
"""

from .activations import ACTIVATIONS, get_activation, relu, sigmoid, sigmoid_prime, softmax
from .costs import COSTS, get_cost, one_hot
from .gradcheck import gradient_check, numerical_gradient, relative_error
from .initializers import INITIALIZERS, get_initializer
from .network import Network
from .optimizers import OPTIMIZERS, SGD, Adam
from .runtime import single_thread
from .storage import load_network, save_network
from .training import DivergenceError, History, train

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS", "COSTS", "INITIALIZERS", "OPTIMIZERS",
    "Adam", "DivergenceError", "History", "Network", "SGD",
    "get_activation", "get_cost", "get_initializer", "gradient_check",
    "load_network", "numerical_gradient", "one_hot", "relative_error", "relu", "save_network",
    "sigmoid", "sigmoid_prime", "single_thread", "softmax", "train",
]
