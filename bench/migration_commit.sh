#!/usr/bin/env bash
# What committing every tenant on its own costs a migration run.
#
# One throwaway cluster with fsync and synchronous_commit on (every commit
# waits for its WAL flush, as on a production server), N tenants (default
# 2,000, 5 employees each).  Each round registers one migration (ALTER TABLE
# employees ADD COLUMN: cheap DDL, so commit overhead weighs the most) and
# applies it with
#   - CALL wt_run_migrations()              1.2: one transaction per tenant
#   - CALL wt_run_migrations_per_batch()    the 1.0/1.1 procedure, loaded
#                                           under another name: one
#                                           transaction per batch of 50
# alternating which goes first, so that both see the same machine noise.
#
#   bash bench/migration_commit.sh            # as root, after make install
#   WT_BENCH_TENANTS=500 WT_BENCH_ROUNDS=2 bash bench/migration_commit.sh
#
# Not part of the test suite.  Results: bench/reports/operations.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source test/lib/cluster.sh
cluster_cleanup_on_exit
tenants=${WT_BENCH_TENANTS:-2000}
rounds=${WT_BENCH_ROUNDS:-3}

cluster_start bench "fsync = on" "synchronous_commit = on"
bench_sql() { psql -X -q -v ON_ERROR_STOP=1 -At -d bench "$@"; }
psql -X -q -d postgres -c 'CREATE DATABASE bench'
started=$(date +%s.%N)
bench_sql >/dev/null <<-SQL
	SET client_min_messages = warning;
	DO \$\$ BEGIN
	  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wellness_app') THEN CREATE ROLE wellness_app LOGIN; END IF;
	END \$\$;
	CREATE EXTENSION wellness_tenancy;
	-- 100 tenants per transaction (one over all would run out of lock slots).
	CREATE PROCEDURE bench_create_tenants(n integer) LANGUAGE plpgsql AS \$\$
	BEGIN
	  FOR i IN 1 .. n LOOP
	    PERFORM wt_create_tenant(format('Bench %s', i), format('b_%s', lpad(i::text, 5, '0')));
	    IF i % 100 = 0 THEN COMMIT; END IF;
	  END LOOP;
	END \$\$;
	CALL bench_create_tenants($tenants);
	DO \$\$
	DECLARE s text;
	BEGIN
	  FOR s IN SELECT schema_name FROM tenants LOOP
	    EXECUTE format('INSERT INTO %I.employees (email) SELECT format(''e%%s@bench.test'', i) FROM generate_series(1, 5) i', s);
	  END LOOP;
	END \$\$;
SQL
# The procedure of 1.0/1.1 (commit per batch), as it shipped, under another
# name; the helper it calls lives in wt_internal since 1.2.
sed 's/wt_run_migrations/wt_run_migrations_per_batch/g; s/@extschema@\.wt_migration_run_alive/wt_internal.wt_migration_run_alive/g; s/@extschema@/public/g' \
	sql/objects/procedures/wt_run_migrations/1.0.sql | bench_sql >/dev/null
printf '%s tenants ready in %.0f s\n' "$tenants" "$(echo "$(date +%s.%N) - $started" | bc)"

run() { # run PROCEDURE: registers the next migration, applies it; prints seconds
	local procedure=$1 version t0 t1
	version=$(bench_sql -c "SELECT max(version) + 1 FROM tenant_migrations")
	bench_sql -c "SET client_min_messages = warning" \
		-c "SELECT wt_add_migration($version, 'bench $procedure', 'ALTER TABLE employees ADD COLUMN c_$version text')" >/dev/null
	t0=$(date +%s.%N)
	bench_sql -c "SET client_min_messages = warning" -c "CALL $procedure(batch_size => 50, lock_timeout => '5s')"
	t1=$(date +%s.%N)
	[ "$(bench_sql -c "SELECT count(*) FROM tenants WHERE schema_version = $version")" = "$tenants" ] ||
		{ echo "$procedure left tenants behind" >&2; exit 1; }
	echo "$t1 - $t0" | bc
}

per_tenant=() per_batch=()
for round in $(seq 1 "$rounds"); do
	if ((round % 2)); then
		per_tenant+=("$(run wt_run_migrations)")
		per_batch+=("$(run wt_run_migrations_per_batch)")
	else
		per_batch+=("$(run wt_run_migrations_per_batch)")
		per_tenant+=("$(run wt_run_migrations)")
	fi
	printf 'round %s: commit per tenant %.2f s | commit per batch of 50 %.2f s\n' \
		"$round" "${per_tenant[-1]}" "${per_batch[-1]}"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
mt=$(median "${per_tenant[@]}") mb=$(median "${per_batch[@]}")
printf 'median over %s rounds, %s tenants: per tenant %.2f s (%.2f ms/tenant) | per batch %.2f s (%.2f ms/tenant) | ratio %.2f\n' \
	"$rounds" "$tenants" "$mt" "$(echo "1000 * $mt / $tenants" | bc -l)" "$mb" "$(echo "1000 * $mb / $tenants" | bc -l)" \
	"$(echo "$mt / $mb" | bc -l)"
