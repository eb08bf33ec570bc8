"""The test PostgreSQL server (``NNLEGO_TEST_PG_URL``, started by ``make test`` with
scripts/start_postgres.sh): a fresh UTF-8 database per test that needs one."""

from __future__ import annotations

import os
import uuid

import pytest

PG_URL = os.environ.get("NNLEGO_TEST_PG_URL")


def fresh_pg_database(encoding: str = "UTF8") -> str:
    """The URL of a new, empty database on the test server (skips without a server): UTF-8,
    or ``encoding="SQL_ASCII"`` as a server without a UTF-8 locale makes one."""
    if not PG_URL:
        pytest.skip("needs a PostgreSQL server: NNLEGO_TEST_PG_URL (make test starts one)")
    import psycopg2

    name = f"nnlego_{uuid.uuid4().hex[:10]}"
    server = PG_URL.rsplit("/", 1)[0]
    connection = psycopg2.connect(f"{server}/postgres".replace("+psycopg2", ""))
    connection.autocommit = True
    with connection.cursor() as cursor:
        locale = "" if encoding == "UTF8" else " LC_COLLATE 'C' LC_CTYPE 'C'"
        cursor.execute(f"CREATE DATABASE {name} ENCODING '{encoding}' TEMPLATE template0{locale}")
    connection.close()
    return f"{server}/{name}"
