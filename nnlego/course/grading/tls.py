"""The Dask route's security: a scheduler that only the course's certificate holders can use.

A Dask scheduler runs whatever a client sends it, as the user who started the workers. Without
authentication, any user who can reach its port (every user of a shared machine, for a local
cluster) can run code as the instructor and read ``solutions/`` and the gradebook. So
``nnlego grade --scheduler`` speaks only TLS with certificates (Dask's
``distributed.security.Security``, mutual TLS: the scheduler, the workers and the client each
prove they hold a certificate signed by the course's own authority), and refuses a plain
``tcp://`` scheduler unless told ``--insecure-scheduler``.

:func:`make_certs` (``nnlego course certs DIR``) makes that authority and one certificate for
the scheduler, the workers and the client, with ``openssl``; the folder and the keys are
readable by their owner only. :func:`security` reads them back.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CA, CA_KEY, CERT, KEY = "ca.pem", "ca-key.pem", "node.pem", "node-key.pem"
CERTS_ENV = "NNLEGO_DASK_CERTS"
_EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]


def make_certs(folder, days: int = 365) -> Path:
    """A certificate authority and one certificate signed by it, in folder (created 700; the
    keys 600). An existing set is replaced."""
    if shutil.which("openssl") is None:
        raise FileNotFoundError("making certificates needs the openssl command: "
                                "apt-get install openssl")
    if days < 1:
        raise ValueError(f"days={days}; expected a number of days >= 1")
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    old = os.umask(0o077)
    try:
        _openssl(folder, "req", "-x509", *_EC, "-keyout", CA_KEY, "-out", CA,
                 "-days", str(days), "-subj", "/CN=nnlego grading authority")
        _openssl(folder, "req", *_EC, "-keyout", KEY, "-out", "node.csr",
                 "-subj", "/CN=nnlego grading")
        _openssl(folder, "x509", "-req", "-in", "node.csr", "-CA", CA, "-CAkey", CA_KEY,
                 "-CAcreateserial", "-out", CERT, "-days", str(days))
    finally:
        os.umask(old)
    for name in ("node.csr", "ca.srl"):
        (folder / name).unlink(missing_ok=True)
    return folder


def _openssl(folder, *args):
    done = subprocess.run(["openssl", *args], cwd=folder, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"openssl {args[0]} failed: {done.stderr.strip().splitlines()[-1:]}")


def security(folder):
    """Dask's Security for the scheduler, the workers and the client, from folder's files."""
    from distributed.security import Security

    folder = Path(folder)
    missing = [name for name in (CA, CERT, KEY) if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(f"certs={str(folder)!r} lacks {missing}; make them with "
                                f"`nnlego course certs {folder}`")
    ca, cert, key = (str(folder / name) for name in (CA, CERT, KEY))
    return Security(tls_ca_file=ca, tls_client_cert=cert, tls_client_key=key,
                    tls_scheduler_cert=cert, tls_scheduler_key=key,
                    tls_worker_cert=cert, tls_worker_key=key, require_encryption=True)


def client_security(address: str, certs=None, insecure: bool = False):
    """The Security to reach the scheduler at address, or None for a plain one the caller
    accepted (insecure); a ValueError in one line, with the fix, for anything else."""
    certs = certs or os.environ.get(CERTS_ENV)
    if address.startswith("tls://"):
        if not certs:
            raise ValueError(f"the scheduler {address} needs the course's certificates: pass "
                             f"--certs DIR (or set ${CERTS_ENV}), the folder that "
                             "`nnlego course certs DIR` made")
        return security(certs)
    if insecure:
        return None
    raise ValueError(
        f"scheduler={address!r} is not a TLS address: a Dask scheduler without authentication "
        "runs any user's code as you (it can read solutions/ and the gradebook); start the "
        "cluster with certificates (`nnlego course certs DIR`, book/appendix_b_instructors.md) "
        "and pass --scheduler tls://HOST:PORT --certs DIR, or --insecure-scheduler if no one "
        "else can reach it")
