#!/usr/bin/env bash
# A throwaway PostgreSQL server for the parallel-grading tests (tests/test_grade_parallel.py):
# installs Debian's postgresql if missing, initialises a data directory, starts the server on
# the loopback interface only, creates the UTF-8 database `nnlego_test` (whatever the machine's
# locale: a SQL_ASCII gradebook cannot hold the notebooks), and prints on stdout the line
#   export NNLEGO_TEST_PG_URL=postgresql+psycopg2://postgres@127.0.0.1:PORT/nnlego_test
# (psycopg2's driver named: SQLAlchemy 2.1 reads a plain postgresql:// as psycopg 3);
# everything else goes to stderr, so CI does:  eval "$(bash scripts/start_postgres.sh)"
# The server refuses to run as root: as root it runs as the `postgres` user. Trust
# authentication, loopback only: for tests, never for a real gradebook.
# Settings: NNLEGO_PG_DIR (default /tmp/nnlego-pg-USER), NNLEGO_PG_PORT (default 55432 plus the
# user id modulo 5000): one server per user, so two users of one machine do not collide.
# Stop it with: scripts/start_postgres.sh stop
set -euo pipefail
dir=${NNLEGO_PG_DIR:-/tmp/nnlego-pg-$(id -un)}
port=${NNLEGO_PG_PORT:-$(( 55432 + $(id -u) % 5000 ))}

as_owner() {   # run a command as the server's owner: postgres when we are root
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ "${1:-}" = stop ]; then
  as_owner "$bin/pg_ctl -D $dir -m fast stop" >&2
  exit 0
fi
if [ -z "$bin" ]; then
  sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  echo "installing Debian's postgresql (apt-get)" >&2
  { $sudo apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql; } >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

if [ ! -f "$dir/PG_VERSION" ]; then
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  as_owner "$bin/initdb -D $dir -U postgres -A trust --no-sync -E UTF8 --no-locale" >/dev/null
fi
if ! as_owner "$bin/pg_ctl -D $dir status" >/dev/null 2>&1; then
  as_owner "$bin/pg_ctl -D $dir -l $dir/server.log -w \
    -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off\" start" >&2
fi
if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'nnlego_test'" | grep -q 1; then
  "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qc \
    "CREATE DATABASE nnlego_test ENCODING 'UTF8' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'" >&2
fi
echo "export NNLEGO_TEST_PG_URL=postgresql+psycopg2://postgres@127.0.0.1:$port/nnlego_test"
