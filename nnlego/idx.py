"""The IDX file format of MNIST and Fashion-MNIST: parse it strictly, never guess.

An IDX file is a 4-byte magic number, one big-endian uint32 per dimension, then the values in
C order, big-endian::

    magic = 0x00 0x00 <type code> <n_dims>      e.g. 00 00 08 03 for uint8 images (n, 28, 28)

Type codes: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.
A file whose magic number is wrong, or whose length is not exactly header + prod(dims) * itemsize
(a truncated download, trailing junk), raises :class:`IdxError` naming the file; nothing is
returned from it. ``.gz`` files (recognised by their first two bytes) are decompressed first.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np

IDX_TYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
GZIP_MAGIC = b"\x1f\x8b"
_FIX = "download the file again (nnlego data fetch) or import a good copy (nnlego data import)"


class IdxError(ValueError):
    """A file that is not a well-formed IDX file (bad magic number, wrong length, bad gzip)."""


def parse_idx(data: bytes, *, name: str = "<bytes>") -> np.ndarray:
    """Parse the bytes of an (uncompressed) IDX file into an array of its shape and type.

    Returns a new, writable array in native byte order. ``name`` only labels error messages.
    """
    data = memoryview(data).cast("B")
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in IDX_TYPES:
        got = bytes(data[:4]).hex(" ") or "an empty file"
        codes = ", ".join(f"{c:02x}" for c in IDX_TYPES)
        raise IdxError(
            f"{name}: bad IDX magic number {got}; expected 00 00 <type> <n_dims> "
            f"with type one of {codes}. This is not an IDX file; {_FIX}"
        )
    dtype, n_dims = IDX_TYPES[data[2]], data[3]
    header = 4 + 4 * n_dims
    if len(data) < header:
        raise IdxError(
            f"{name}: truncated IDX header: {len(data)} bytes, expected at least "
            f"{header} for {n_dims} dimensions; {_FIX}"
        )
    shape = tuple(int(d) for d in np.frombuffer(data[4:header], dtype=">u4"))
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        kind = "truncated" if len(data) < expected else "too long"
        raise IdxError(
            f"{name}: IDX file is {kind}: {len(data)} bytes, expected {expected} "
            f"(header of {header} bytes + shape {shape} of {dtype.name}); {_FIX}"
        )
    values = np.frombuffer(data[header:], dtype=dtype).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


def idx_bytes(array) -> bytes:
    """Encode ``array`` as an IDX file (the inverse of :func:`parse_idx`); used to write tests."""
    array = np.asarray(array)
    codes = {dtype.newbyteorder("="): code for code, dtype in IDX_TYPES.items()}
    native = array.dtype.newbyteorder("=")
    if native not in codes:
        raise ValueError(
            f"array has dtype {array.dtype}, which IDX cannot hold; expected one of "
            f"{sorted(str(d) for d in codes)}"
        )
    code = codes[native]
    header = bytes([0, 0, code, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
    return header + np.ascontiguousarray(array, dtype=IDX_TYPES[code]).tobytes()


def decompress(data: bytes, *, name: str = "<bytes>") -> bytes:
    """Return ``data`` gunzipped if it starts with the gzip magic bytes, else unchanged."""
    if not bytes(data[:2]) == GZIP_MAGIC:
        return data
    try:
        return gzip.decompress(data)
    except (EOFError, OSError, zlib.error) as error:
        raise IdxError(
            f"{name}: not a valid gzip file (truncated or corrupt: {error}); {_FIX}"
        ) from None


def read_idx(path) -> np.ndarray:
    """Read an IDX file, gzipped or not, from ``path``."""
    path = Path(path)
    return parse_idx(decompress(path.read_bytes(), name=str(path)), name=str(path))
