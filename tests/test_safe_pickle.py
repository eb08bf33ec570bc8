"""The restricted unpickler: numpy arrays load; anything that could run code is refused unrun."""

import gzip
import pickle

import numpy as np
import pytest

from nnlego.safe_pickle import UnsafePickleError, safe_loads


class _WritesMarker:
    """Unpickling this runs ``exec``, which creates the marker file."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return exec, (f"open({self.marker!r}, 'w').close()",)


def _os_system_pickle(marker) -> bytes:
    """A protocol-0 pickle written by hand: ``os.system("touch MARKER")``."""
    return f"cos\nsystem\n(S'touch {marker}'\ntR.".encode()


@pytest.mark.parametrize("protocol", [0, 2, 3, 4])
def test_nielsen_style_pickle_round_trips(protocol):
    """Three (float32 images, int64 labels) tuples, pickled like mnist.pkl.gz (protocol 2)."""
    rng = np.random.default_rng(0)
    splits = tuple(
        (rng.random((4, 784), dtype=np.float32), rng.integers(0, 10, 4)) for _ in range(3)
    )
    loaded = safe_loads(gzip.decompress(gzip.compress(pickle.dumps(splits, protocol=protocol))))
    assert len(loaded) == 3
    for (X, y), (X2, y2) in zip(splits, loaded):
        assert X2.dtype == np.float32 and y2.dtype == np.int64
        np.testing.assert_array_equal(X, X2)
        np.testing.assert_array_equal(y, y2)


def test_the_marker_payload_really_runs_under_plain_pickle(tmp_path):
    """Control: the payload used below does create its marker file when loaded unsafely."""
    marker = tmp_path / "ran"
    pickle.loads(pickle.dumps(_WritesMarker(marker)))
    assert marker.exists()


@pytest.mark.parametrize(
    "make",
    [
        lambda marker: pickle.dumps(_WritesMarker(marker), protocol=2),
        lambda marker: pickle.dumps(_WritesMarker(marker), protocol=5),
        lambda marker: pickle.dumps((np.zeros(3), [_WritesMarker(marker)]), protocol=2),
        _os_system_pickle,
    ],
    ids=["exec-p2", "exec-p5", "exec-inside-arrays", "os.system"],
)
def test_malicious_pickle_is_refused_and_does_not_run(tmp_path, make):
    """The unpickler refuses the global before calling it: no marker file appears."""
    marker = tmp_path / "pwned"
    with pytest.raises(UnsafePickleError, match="refused to load"):
        safe_loads(make(marker))
    assert not marker.exists()


def test_codecs_encode_is_admitted_only_for_latin1(tmp_path):
    """_codecs.encode with another codec is refused (it is allowed only for bytes)."""
    data = b"c_codecs\nencode\n(Vabc\nVrot13\ntR."
    with pytest.raises(UnsafePickleError, match="rot13"):
        safe_loads(data)
    assert safe_loads(b"c_codecs\nencode\n(Vabc\nVlatin1\ntR.") == b"abc"


def test_object_arrays_are_refused():
    """An object array can carry any Python object: not admitted."""
    with pytest.raises(UnsafePickleError, match="object"):
        safe_loads(pickle.dumps(np.array([1, "a"], dtype=object), protocol=2))


def test_non_array_objects_are_refused():
    """Only containers, plain scalars and numeric arrays come out (a set is none of these)."""
    with pytest.raises(UnsafePickleError, match="set"):
        safe_loads(pickle.dumps({1, 2}, protocol=2))


def test_refusal_is_an_unpickling_error():
    """Code that handles pickle.UnpicklingError handles refusals too."""
    assert issubclass(UnsafePickleError, pickle.UnpicklingError)
