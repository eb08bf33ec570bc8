"""Plain data across the sandbox's wall: what a graded computation may send and receive.

Grading v2 (:mod:`nnlego.course.grading.judge`) runs a student's code in a sandboxed child
(:mod:`nnlego.course.grading.computer`) and the tests in the grader. What crosses between them is
*data that cannot carry behaviour*: a JSON header (a tree of ``{"t": kind, ...}`` nodes) and
``.npy`` blobs read with ``allow_pickle=False``. Never pickle, never objects. The kinds:

- ``none``, ``bool``, ``int``, ``float``, ``str``: Python's own types (a ``float`` as its hex
  form, so every bit crosses; an ``int`` as its digits);
- ``array``: a NumPy array of booleans, integers, floats, complex numbers or unicode text (a
  blob); ``scalar``: a NumPy scalar of those types (a 0-d array blob);
- ``list``, ``tuple``, ``dict``, ``counter``: containers of plain data (dict keys too);
- ``rng``: a ``np.random.Generator`` over PCG64: its bit generator's state;
- ``network``: an ``nnlego.Network``: sizes, activations, cost, init, dtype, weights, biases;
- ``ref``: an object that stays on its side (a student's function, a grader's callback), named
  by a number the sender keeps in its table.

Whatever a child sends is rebuilt here as the grader's own plain objects: a ``float`` subclass
that claims to equal everything arrives as the float it holds (or is refused), an ndarray
subclass as a plain array. :func:`decode` refuses anything else with a ``WireError`` naming what
was received. Limits: nesting depth :data:`MAX_DEPTH`, :data:`MAX_ITEMS` nodes.
"""

from __future__ import annotations

import io
import json
from collections import Counter

import numpy as np

MAX_DEPTH = 40
MAX_ITEMS = 200_000
ARRAY_KINDS = "biufcU"            # bool, int, uint, float, complex, unicode text


class WireError(ValueError):
    """What was sent is not plain data (or not well formed)."""


class Ref:
    """An object that stays on the side that owns it, named by ``number`` (and a ``name``)."""

    __slots__ = ("number", "name")

    def __init__(self, number: int, name: str = ""):
        self.number, self.name = number, name

    def __repr__(self):
        return f"<{self.name or 'object'} (on the other side, #{self.number})>"


# -- encoding --------------------------------------------------------------------------------
def encode(value, keep=None) -> tuple[dict, list[bytes]]:
    """``(header, blobs)`` for ``value``. ``keep(obj) -> Ref | None`` names the objects that
    stay on this side (functions, the grader's stand-ins); one it does not name is refused."""
    blobs: list[bytes] = []
    count = [0]

    def walk(obj, depth):
        count[0] += 1
        if depth > MAX_DEPTH or count[0] > MAX_ITEMS:
            raise WireError(f"the value is nested deeper than {MAX_DEPTH} levels or holds more "
                            f"than {MAX_ITEMS:,} items: send arrays instead of long lists")
        kind = type(obj)
        if obj is None:
            return {"t": "none"}
        if kind is bool:
            return {"t": "bool", "v": obj}
        if kind is int:
            return {"t": "int", "v": str(obj)}
        if kind is float:
            return {"t": "float", "v": obj.hex()}
        if kind is str:
            return {"t": "str", "v": obj}
        if isinstance(obj, np.ndarray) or isinstance(obj, np.generic):
            array = np.asarray(obj)
            if array.dtype.kind not in ARRAY_KINDS:
                raise WireError(f"an array of dtype {array.dtype} cannot be sent: only numbers, "
                                "booleans and text (no object arrays)")
            blobs.append(_npy(array))
            return {"t": "array" if isinstance(obj, np.ndarray) else "scalar",
                    "b": len(blobs) - 1}
        if kind in (list, tuple):
            return {"t": kind.__name__, "v": [walk(item, depth + 1) for item in obj]}
        if kind in (dict, Counter):
            return {"t": "dict" if kind is dict else "counter",
                    "k": [walk(key, depth + 1) for key in obj],
                    "v": [walk(item, depth + 1) for item in obj.values()]}
        if kind is np.random.Generator:
            return _rng_node(obj)
        if kind is Ref:
            return {"t": "ref", "n": obj.number, "name": obj.name}
        if _is_network(obj):
            fields = {"sizes": [int(n) for n in obj.sizes],
                      "activations": [str(a) for a in obj.activations], "cost": str(obj.cost),
                      "init": str(obj.init), "dtype_name": np.dtype(obj.dtype).name,
                      "weights": list(obj.weights), "biases": list(obj.biases)}
            return {"t": "network", **{name: walk(fields[name], depth + 1)
                                      for name in _NETWORK_FIELDS}}
        ref = keep(obj) if keep is not None else None
        if ref is not None:
            return {"t": "ref", "n": ref.number, "name": ref.name}
        raise WireError(f"a {kind.__name__} cannot cross to the grader: return NumPy arrays, "
                        "numbers, strings, lists, tuples or dicts of them")

    return walk(value, 0), blobs


def _npy(array) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array, order="C"), allow_pickle=False)
    return buffer.getvalue()


_NETWORK_FIELDS = ("sizes", "activations", "cost", "init", "dtype_name", "weights", "biases")


def _is_network(obj) -> bool:
    from nnlego.network import Network

    return type(obj) is Network


def _rng_node(rng) -> dict:
    state = rng.bit_generator.state
    if state.get("bit_generator") != "PCG64":
        raise WireError(f"a Generator over {state.get('bit_generator')} cannot be sent: use "
                        "np.random.default_rng(seed) (PCG64)")
    return {"t": "rng", "state": str(state["state"]["state"]), "inc": str(state["state"]["inc"]),
            "has_uint32": int(state["has_uint32"]), "uinteger": int(state["uinteger"])}


# -- decoding --------------------------------------------------------------------------------
def decode(header, blobs, resolve=None):
    """The plain value of ``(header, blobs)``; ``resolve(Ref)`` turns a ``ref`` node into this
    side's object (else the :class:`Ref` itself). Refuses anything malformed."""
    count = [0]

    def walk(node, depth):
        count[0] += 1
        if depth > MAX_DEPTH or count[0] > MAX_ITEMS or type(node) is not dict:
            raise WireError("the value sent is malformed or nested too deeply")
        kind = node.get("t")
        if kind == "none":
            return None
        if kind in ("bool", "int", "float", "str"):
            return _atom(kind, node.get("v"))
        if kind in ("array", "scalar"):
            array = _array(blobs, node.get("b"))
            return array if kind == "array" else array[()]
        if kind in ("list", "tuple"):
            items = [walk(item, depth + 1) for item in _list(node.get("v"))]
            return items if kind == "list" else tuple(items)
        if kind in ("dict", "counter"):
            keys, values = _list(node.get("k")), _list(node.get("v"))
            if len(keys) != len(values):
                raise WireError("a dict was sent with more keys than values")
            pairs = {_key(walk(k, depth + 1)): walk(v, depth + 1) for k, v in zip(keys, values)}
            return pairs if kind == "dict" else Counter(pairs)
        if kind == "rng":
            return _rng(node)
        if kind == "network":
            return _network({name: walk(node.get(name), depth + 1) for name in _NETWORK_FIELDS})
        if kind == "ref":
            ref = Ref(_atom("int", str(node.get("n"))), str(node.get("name", ""))[:200])
            return resolve(ref) if resolve is not None else ref
        raise WireError(f"unknown kind of value {kind!r}")

    return walk(header, 0)


def _atom(kind, value):
    try:
        if kind == "bool" and type(value) is bool:
            return value
        if kind == "int" and type(value) is str and len(value) < 5000:
            return int(value)
        if kind == "float" and type(value) is str:
            return float.fromhex(value)
        if kind == "str" and type(value) is str:
            return value
    except ValueError:
        pass
    raise WireError(f"a malformed {kind} was sent: {str(value)[:40]!r}")


def _list(value) -> list:
    if type(value) is not list:
        raise WireError("a malformed container was sent")
    return value


def _key(key):
    if type(key) in (str, int, float, bool, tuple) or key is None or isinstance(key, np.generic):
        return key
    raise WireError(f"a dict key of type {type(key).__name__} cannot be used")


def _array(blobs, index):
    if type(index) is not int or not 0 <= index < len(blobs):
        raise WireError("an array was sent without its data")
    try:
        array = np.load(io.BytesIO(blobs[index]), allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise WireError(f"an array's data is not a valid .npy file: {error}") from None
    if not isinstance(array, np.ndarray) or array.dtype.kind not in ARRAY_KINDS:
        raise WireError("an array of a kind that cannot be sent was received")
    return array


def _rng(node):
    try:
        state = {"bit_generator": "PCG64",
                 "state": {"state": int(node["state"]), "inc": int(node["inc"])},
                 "has_uint32": int(node["has_uint32"]), "uinteger": int(node["uinteger"])}
        bit_generator = np.random.PCG64()
        bit_generator.state = state
    except (KeyError, TypeError, ValueError) as error:
        raise WireError(f"a malformed Generator state was sent ({error})") from None
    return np.random.Generator(bit_generator)


def _network(fields):
    from nnlego.activations import ACTIVATIONS
    from nnlego.costs import COSTS
    from nnlego.initializers import INITIALIZERS
    from nnlego.network import Network

    sizes, weights, biases = fields["sizes"], fields["weights"], fields["biases"]
    ok = (type(sizes) is list and all(type(n) is int and n > 0 for n in sizes) and len(sizes) >= 2
          and type(fields["activations"]) is list
          and all(a in ACTIVATIONS for a in fields["activations"])
          and len(fields["activations"]) == len(sizes) - 1
          and fields["cost"] in COSTS and fields["init"] in INITIALIZERS
          and fields["dtype_name"] in ("float32", "float64")
          and type(weights) is list and type(biases) is list
          and len(weights) == len(biases) == len(sizes) - 1)
    if ok:
        ok = all(isinstance(W, np.ndarray) and W.shape == (a, b) and isinstance(c, np.ndarray)
                 and c.shape == (b,) for W, c, a, b in zip(weights, biases, sizes, sizes[1:]))
    if not ok:
        raise WireError("a Network whose sizes, layers or weight shapes do not agree was sent")
    net = object.__new__(Network)
    net.sizes, net.activations = sizes, fields["activations"]
    net.cost, net.init, net.dtype = fields["cost"], fields["init"], np.dtype(fields["dtype_name"])
    net.weights = [W.astype(net.dtype, copy=False) for W in weights]
    net.biases = [b.astype(net.dtype, copy=False) for b in biases]
    return net


def dumps(header) -> bytes:
    return json.dumps(header, separators=(",", ":"), allow_nan=False).encode()


def loads(data: bytes):
    try:
        return json.loads(data.decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WireError(f"a header that is not JSON was sent ({error})") from None
