"""One message at a time between the grader and its sandboxed child: size-checked frames.

A frame is ``[8 bytes: length of the meta][meta: JSON][blob 0][blob 1]...``; the meta is a dict
with the message (``"op"`` and its fields), ``"value"`` (a :mod:`~nnlego.course.grading.wire`
header, when the message carries data) and ``"blobs"``, the byte length of each blob. A frame
over :data:`MAX_FRAME` bytes (``NNLEGO_GRADER_MAX_FRAME``), a meta that is not JSON or blobs
that do not add up end the link with a :class:`LinkError`. Reading waits at most until a
deadline (``time.monotonic()`` seconds): a child that answers nothing cannot hang the grader.
"""

from __future__ import annotations

import json
import os
import select
import time

from . import wire

MAX_META = 16 * 2 ** 20


def max_frame() -> int:
    return int(float(os.environ.get("NNLEGO_GRADER_MAX_FRAME") or 512 * 2 ** 20))


class LinkError(ConnectionError):
    """The other side went away, sent too much or sent something that is not a frame."""


class Timeout(LinkError):
    """Nothing complete arrived before the deadline."""


class Link:
    """Frames over two file descriptors (``read_fd``, ``write_fd``)."""

    def __init__(self, read_fd: int, write_fd: int):
        self.read_fd, self.write_fd = read_fd, write_fd
        self.limit = max_frame()

    def send(self, message: dict, value=None, has_value=False, keep=None):
        """Send ``message`` (a JSON-able dict) and, if given, ``value`` as plain data."""
        blobs: list[bytes] = []
        if has_value or value is not None:
            message = {**message, "value": None}
            message["value"], blobs = wire.encode(value, keep=keep)
        message["blobs"] = [len(blob) for blob in blobs]
        meta = json.dumps(message, separators=(",", ":"), allow_nan=False).encode()
        data = b"".join([len(meta).to_bytes(8, "big"), meta, *blobs])
        view = memoryview(data)
        try:
            while view:
                written = os.write(self.write_fd, view)
                view = view[written:]
        except (BrokenPipeError, OSError) as error:
            raise LinkError(f"the other side went away ({error})") from None

    def receive(self, deadline: float | None = None) -> tuple[dict, list[bytes]]:
        """The next ``(message, blobs)``; waits until ``deadline`` at most."""
        size = int.from_bytes(self._read(8, deadline), "big")
        if size > MAX_META:
            raise LinkError(f"a message header of {size:,} bytes was sent (at most {MAX_META:,})")
        try:
            message = json.loads(self._read(size, deadline).decode())
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise LinkError("a message that is not JSON was sent") from None
        lengths = message.get("blobs", []) if type(message) is dict else None
        if type(lengths) is not list or not all(type(n) is int and n >= 0 for n in lengths):
            raise LinkError("a malformed message was sent")
        if sum(lengths) > self.limit:
            raise LinkError(f"{sum(lengths):,} bytes of data were sent in one message (at most "
                            f"{self.limit:,}, NNLEGO_GRADER_MAX_FRAME)")
        return message, [self._read(n, deadline) for n in lengths]

    def _read(self, n: int, deadline) -> bytes:
        parts, left = [], n
        while left:
            if deadline is not None:
                wait = deadline - time.monotonic()
                if wait <= 0 or not select.select([self.read_fd], [], [], wait)[0]:
                    raise Timeout("no answer before the deadline")
            try:
                chunk = os.read(self.read_fd, min(left, 2 ** 22))
            except OSError as error:            # (a socket reset by a process that died)
                raise LinkError(f"the other side went away ({error})") from None
            if not chunk:
                raise LinkError("the other side closed the link")
            parts.append(chunk)
            left -= len(chunk)
        return b"".join(parts)


def value_of(message: dict, blobs: list[bytes], resolve=None):
    """The plain value a message carries (None when it carries none)."""
    header = message.get("value")
    return None if header is None else wire.decode(header, blobs, resolve=resolve)
