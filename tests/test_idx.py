"""IDX parsing on small synthetic files: a worked example, round trips, and every way to fail."""

import gzip

import numpy as np
import pytest
from support.tiny_data import idx_bytes

from nnlego.data_sources import SourceError, identify, parse_idx


def test_worked_example_by_hand():
    """00 00 08 02 | 2 | 3 | six bytes  ->  a 2x3 uint8 array, row by row."""
    data = bytes([0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6])
    X = parse_idx(data)
    assert X.dtype == np.uint8
    np.testing.assert_array_equal(X, [[1, 2, 3], [4, 5, 6]])


def test_big_endian_int32_values():
    """Multi-byte values are big-endian in the file and native in the result."""
    data = (
        bytes([0, 0, 0x0C, 1, 0, 0, 0, 2])
        + (258).to_bytes(4, "big")
        + (-1).to_bytes(4, "big", signed=True)
    )
    X = parse_idx(data)
    np.testing.assert_array_equal(X, [258, -1])
    assert X.dtype.isnative


@pytest.mark.parametrize(
    "dtype,shape",
    [
        (np.uint8, (5, 28, 28)),
        (np.int8, (7,)),
        (np.int16, (2, 3)),
        (np.int32, (4, 1)),
        (np.float32, (3, 2, 2)),
        (np.float64, (0,)),
    ],
)
def test_round_trip(dtype, shape):
    """parse_idx(idx_bytes(a)) gives back a, with its shape and dtype, writable."""
    a = (np.arange(np.prod(shape)) - 3).astype(dtype).reshape(shape)
    b = parse_idx(idx_bytes(a))
    assert b.dtype == a.dtype and b.shape == a.shape and b.flags.writeable
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "magic", [b"\x00\x08", b"\x01\x00\x08\x01", b"\x00\x00\x07\x01", b"\x1f\x8b\x08\x00", b""]
)
def test_wrong_magic_number_is_refused(magic):
    """A file that does not start with 00 00 <known type> is not parsed."""
    with pytest.raises(SourceError, match=r"labels\.idx: bad IDX magic number"):
        parse_idx(magic + bytes(20), name="labels.idx")


def test_truncated_file_is_refused_and_says_the_expected_length():
    """One byte missing from the data: the error gives both lengths and the fix."""
    data = idx_bytes(np.zeros((3, 4, 4), np.uint8))
    with pytest.raises(
        SourceError,
        match=r"images: IDX file is truncated: 63 bytes, expected 64"
        r".*nnlego data fetch",
    ):
        parse_idx(data[:-1], name="images")


def test_truncated_header_and_trailing_bytes_are_refused():
    """The header must hold every dimension; no bytes may follow the data."""
    data = idx_bytes(np.zeros((3, 4, 4), np.uint8))
    with pytest.raises(SourceError, match="truncated IDX header"):
        parse_idx(data[:10])
    with pytest.raises(SourceError, match="too long"):
        parse_idx(data + b"\x00")


def test_idx_error_is_a_value_error():
    """Callers that catch ValueError (the CLI does) catch bad files too."""
    assert issubclass(SourceError, ValueError)


def test_truncated_gzip_names_the_file(tmp_path):
    """A download cut short inside the gzip stream is a SourceError naming the file."""
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.ones((50, 28, 28), np.uint8)))[:-20])
    with pytest.raises(SourceError, match=r"train-images-idx3-ubyte\.gz: not a valid gzip file"):
        identify(path)


def test_idx_bytes_refuses_dtypes_idx_cannot_hold():
    """int64 has no IDX type code."""
    with pytest.raises(ValueError, match="int64"):
        idx_bytes(np.zeros(3, np.int64))
