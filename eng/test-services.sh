#!/usr/bin/env bash
# Private PostgreSQL and Redis servers for the test suite, on free loopback ports under a temporary
# directory. Sourced by eng/test.sh:
#
#   source eng/test-services.sh && start_test_services && trap stop_test_services EXIT
#
# start_test_services installs the servers from Debian's packages when they are missing (apt-get,
# as root), starts them, and exports the variables the tests read:
#   GATEHOUSE_TEST_POSTGRES  an Npgsql connection string to a superuser on the private server
#   GATEHOUSE_TEST_REDIS     host:port of the private Redis
# When a server cannot be had (no apt, no root) the variable stays unset and the tests that need it
# are skipped with a reason; the run says so here too. Set GATEHOUSE_TEST_SERVICES=0 to skip both.

test_services_dir=""
test_services_pg_bin=""

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

find_pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
      echo "$dir"
    fi
  done | sort -V | tail -1
}

install_debian_packages() {
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "test services: cannot install $* (needs root and apt-get)" >&2
    return 1
  fi
  echo "test services: installing $* from Debian's packages" >&2
  { apt-get install -y --no-install-recommends "$@" || { apt-get update && apt-get install -y --no-install-recommends "$@"; }; } >"$test_services_dir/apt.log" 2>&1 \
    || { echo "test services: apt-get failed (see below)" >&2; tail -5 "$test_services_dir/apt.log" >&2; return 1; }
}

# PostgreSQL will not run as root: the server runs as the package's 'postgres' user when we are root.
as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_postgres() {
  test_services_pg_bin="$(find_pg_bin)"
  if [ -z "$test_services_pg_bin" ]; then
    install_debian_packages postgresql || return 1
    test_services_pg_bin="$(find_pg_bin)"
  fi
  # The Debian package starts a cluster of its own on 5432; the suite never uses it.
  local data="$test_services_dir/postgres" port
  port="$(free_port)"
  mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown postgres "$test_services_dir" "$data"
  as_pg_user "$test_services_pg_bin/initdb" -D "$data" -U gatehouse --auth=trust -E UTF8 --no-locale >"$test_services_dir/initdb.log" 2>&1 \
    || { echo "test services: initdb failed" >&2; tail -5 "$test_services_dir/initdb.log" >&2; return 1; }
  # fsync off: the suite's databases are thrown away, and PostgreSQL's own crash safety is not what it tests.
  as_pg_user "$test_services_pg_bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=128MB" \
    start >/dev/null 2>&1 \
    || { echo "test services: PostgreSQL did not start" >&2; tail -5 "$data/server.log" >&2; return 1; }
  export GATEHOUSE_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=gatehouse;Database=postgres"
  echo "test services: PostgreSQL $("$test_services_pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
}

start_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    install_debian_packages redis-server || return 1
  fi
  local data="$test_services_dir/redis" port
  port="$(free_port)"
  mkdir -p "$data"
  redis-server --bind 127.0.0.1 --port "$port" --dir "$data" --save "" --appendonly no \
    --daemonize yes --pidfile "$data/redis.pid" --logfile "$data/redis.log" >/dev/null 2>&1 \
    || { echo "test services: Redis did not start" >&2; return 1; }
  local i
  for i in $(seq 1 100); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  export GATEHOUSE_TEST_REDIS="127.0.0.1:$port"
  echo "test services: Redis $(redis-server --version | awk '{print $3}' | cut -d= -f2) on 127.0.0.1:$port" >&2
}

start_test_services() {
  if [ "${GATEHOUSE_TEST_SERVICES:-1}" = "0" ]; then
    echo "test services: off (GATEHOUSE_TEST_SERVICES=0); PostgreSQL and Redis tests will be skipped" >&2
    return 0
  fi
  test_services_dir="$(mktemp -d -t gatehouse-services.XXXXXX)"
  chmod 755 "$test_services_dir"
  if [ -z "${GATEHOUSE_TEST_POSTGRES:-}" ]; then
    start_postgres || echo "test services: PostgreSQL tests will be skipped" >&2
  fi
  if [ -z "${GATEHOUSE_TEST_REDIS:-}" ]; then
    start_redis || echo "test services: Redis tests will be skipped" >&2
  fi
}

stop_test_services() {
  [ -n "$test_services_dir" ] || return 0
  if [ -f "$test_services_dir/redis/redis.pid" ]; then
    kill "$(cat "$test_services_dir/redis/redis.pid")" 2>/dev/null
  fi
  if [ -f "$test_services_dir/postgres/postmaster.pid" ]; then
    as_pg_user "$test_services_pg_bin/pg_ctl" -D "$test_services_dir/postgres" -m immediate stop >/dev/null 2>&1
  fi
  rm -rf "$test_services_dir"
  test_services_dir=""
}
