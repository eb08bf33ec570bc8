"""Writing a file whole: into a temporary sibling, then one atomic rename onto the name.

A reader never sees half a file, and a write that fails (a full disk, a folder where the file
should be, no permission) leaves the old file as it was, removes the temporary one and raises
an ``OSError`` that names the file meant (never the temporary one) and says what to do. Every
file nnlego writes (networks, cache entries, snapshots, data sets, results packs) goes through
:func:`writing`. The temporary file is made with the umask's permissions, so a shared cache
stays shared.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from pathlib import Path

FIXES = {   # what to do, by errno: said with the path
    errno.ENOSPC: "free some disk space, or choose a folder on another disk",
    errno.EDQUOT: "free some disk space, or choose a folder on another disk",
    errno.EFBIG: "the file is larger than this system allows here; choose another folder",
    errno.EACCES: "choose a folder you can write to, or change its permissions",
    errno.EPERM: "choose a folder you can write to, or change its permissions",
    errno.EROFS: "the file system is read-only; choose a folder you can write to",
    errno.EISDIR: "a folder is where the file should be; remove it or choose another path",
    errno.ENOTDIR: "a file is where a folder is needed; move it or choose another path",
}


@contextlib.contextmanager
def writing(path, mode: str = "wb"):
    """``with writing(path) as handle: ...``: the file at ``path`` is replaced by what was
    written only when the block ends without an error (``mode`` "wb" or "w")."""
    if mode not in ("wb", "w"):
        raise ValueError(f"mode must be 'wb' or 'w', got {mode!r}")
    path = Path(path)
    if path.is_dir():
        raise _naming(IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR)), path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, mode.replace("w", "x"), **({} if "b" in mode else {"encoding": "utf-8"})
                  ) as handle:
            yield handle
        os.replace(tmp, path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise _naming(error, path) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_bytes(path, data: bytes) -> Path:
    """Replace the file at ``path`` by ``data``, whole (see :func:`writing`)."""
    with writing(path) as handle:
        handle.write(data)
    return Path(path)


def write_text(path, text: str) -> Path:
    """Replace the file at ``path`` by ``text`` (UTF-8), whole (see :func:`writing`)."""
    with writing(path, "w") as handle:
        handle.write(text)
    return Path(path)


def _naming(error: OSError, path: Path) -> OSError:
    """The same kind of OSError, about ``path``, with what to do in its message."""
    if error.errno is None:
        return error
    fix = FIXES.get(error.errno)
    strerror = error.strerror or os.strerror(error.errno)
    return type(error)(error.errno, f"{strerror}; {fix}" if fix else strerror, str(path))
