#!/usr/bin/env bash
# Installs what building and testing wellness_tenancy needs on Debian 12, as
# root.  Idempotent: installs only what is missing, so a prepared machine
# costs one dpkg query.  Never creates, starts or changes the system's own
# PostgreSQL cluster: tests run throwaway clusters (test/lib/cluster.sh).
set -euo pipefail

packages=(
	postgresql-15            # server binaries and contrib modules (pg_stat_statements)
	postgresql-server-dev-15 # PGXS, server headers, pg_config
	pgbouncer                # pooling tests (transaction mode)
	pgbackrest               # backup.sh: stanza, full backup, restore (docs/backup.md)
	build-essential g++ make
	cmake
	libgtest-dev             # GoogleTest for test/unit
	valgrind                 # instruction counts for benchmarks
	iproute2 procps          # ss, ps: inspecting servers in tests
	debhelper postgresql-server-dev-all dpkg-dev # the Debian package test (pg_buildext)
	nodejs                   # the Node token recipe test
	# real drivers behind PgBouncer (test/integration/clients.sh, docs/clients.md), run with /usr/bin/python3
	python3-psycopg          # psycopg 3
	python3-psycopg-pool     # psycopg_pool.ConnectionPool
	python3-asyncpg          # asyncpg
	python3-django           # Django 3.2 (its PostgreSQL backend uses psycopg2)
	python3-psycopg2         # psycopg2, for Django
	prometheus-postgres-exporter # test/integration/metrics_exporter.sh: the real exporter reads wt_metrics
	# building Citus 13.0.5 for test/integration/citus.sh (shared/vendor/README.md)
	liblz4-dev libzstd-dev libssl-dev libkrb5-dev libselinux1-dev libxslt1-dev
	libpam0g-dev libreadline-dev flex bison
)

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing+=("$pkg")
done

if [ "${#missing[@]}" -eq 0 ]; then
	echo "setup: all packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "setup: missing packages (${missing[*]}); run this script as root" >&2
	exit 1
fi

echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Packages are wanted for their programs, not their services: keep apt from
# starting pgbouncer or a new system cluster (only when no policy is in place).
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
