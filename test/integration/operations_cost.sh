#!/usr/bin/env bash
# What tenant operations cost against their baselines, in instructions
# (callgrind around a single-user backend; the machine's timings swing too
# much to gate on, see bench/operations.sh for wall-clock figures at 1,000
# and 10,000 tenants and bench/reports/operations.md):
#   - one migration (ADD COLUMN, the DDL whose own work is smallest, so the
#     per-tenant bookkeeping shows most) over every tenant with CALL
#     wt_run_migrations(), against the same DDL run by hand on the same
#     tenants, one autocommitted statement per tenant;
#   - provisioning, wt_create_tenant() against the case study's PL/pgSQL
#     triggers (test/lib/case_study.sql) in a database beside it.
# Each figure is the instructions of the script minus those of a backend that
# runs only "SELECT 1" on the same database (start-up and shut-down cancel).
# The gates leave room for what the extension does that the baselines do not
# (registry rows, security labels, the foreign-key index, default privileges,
# the migration ledger, a lock and a version check per tenant) and fail on
# any per-tenant cost that grows with the tenant count (the regressions they
# guard against measured 3x to 36x).  Measured at 500 tenants: a migration
# 1.65x the DDL by hand (about 280k instructions of bookkeeping per tenant;
# 1.01x in wall-clock time, where the hand-run statements each wait for
# their commit), provisioning 0.98x the case study's triggers.
# WT_KEEP_PROFILE=DIR keeps the callgrind files for callgrind_annotate.
# shellcheck disable=SC2154 # cost_DIR, cost_DATA are set by cluster_start
set -euo pipefail
cd "$(dirname "$0")/../.."
PATH="$(pg_config --bindir):$PATH"
export PATH

source test/lib/integration.sh operations_cost
source test/lib/enforcement_workload.sh

tenants=${WT_COST_TENANTS:-500}
batch=50
max_migration_ratio=2.0
max_provisioning_ratio=2.0

command -v valgrind >/dev/null || fail "valgrind not found (test/setup.sh installs it)"

cluster_start cost "autovacuum = off"
q -d postgres -c "CREATE ROLE wellness_app LOGIN" -c "CREATE DATABASE ext" -c "CREATE DATABASE cs"
q -d ext -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION wellness_tenancy'
q -d cs -f test/lib/case_study.sql >/dev/null
q -d ext -c "SELECT count(wt_create_tenant('Company ' || i, 't_' || i)) FROM generate_series(1, $tenants) i" >/dev/null
q -d cs -c "INSERT INTO tenants (company_name, schema_name) SELECT 'Company ' || i, 't_' || i FROM generate_series(1, $tenants) i"
q -d ext -c 'SET client_min_messages = warning' \
	-c "SELECT wt_add_migration(100, 'column m', 'ALTER TABLE employees ADD COLUMN m text')" >/dev/null
cluster_as_postgres "$cost_DIR" pg_ctl -D "$cost_DATA" -m fast -w stop >/dev/null

work=$cost_DIR/callgrind
mkdir "$work"
[ "$(id -u)" -ne 0 ] || chown postgres: "$work"

# instructions DB NAME: instructions of $work/NAME.sql in a single-user backend
# on DB, less those of "SELECT 1" there.
instructions() {
	local db=$1 name=$2 total idle
	echo "SELECT 1;" >"$work/idle.$db.sql"
	total=$(wt_bench_callgrind "$cost_DIR" "$cost_DATA" "$db" "$work/$name.sql" "$work/$name.out" \
		-c client_min_messages=warning) || fail "$name did not run clean"
	idle=$(wt_bench_callgrind "$cost_DIR" "$cost_DATA" "$db" "$work/idle.$db.sql" "$work/idle.$db.out" \
		-c client_min_messages=warning) || fail "the idle backend on $db did not run clean"
	echo $((total - idle))
}
# gate WHAT EXT-LABEL EXT BASE-LABEL BASE LIMIT
gate() {
	local ratio
	ratio=$(echo "$3 / $5" | bc -l)
	printf '%s: %s: %s %d M instructions, %s %d M -> ratio %.2f (gate %s)\n' \
		"$name" "$1" "$2" $(($3 / 1000000)) "$4" $(($5 / 1000000)) "$ratio" "$6"
	(($(echo "$ratio <= $6" | bc -l))) || fail "$1 costs $(printf '%.2f' "$ratio")x its baseline (gate ${6}x)"
}

# --- one migration over every tenant ------------------------------------
for ((i = 1; i <= tenants; i++)); do
	echo "SET search_path = t_$i; ALTER TABLE employees ADD COLUMN h text;"
done >"$work/hand.sql"
echo "CALL wt_run_migrations(batch_size => $batch);" >"$work/migrate.sql"
by_hand=$(instructions ext hand)
migration=$(instructions ext migrate)
cluster_as_postgres "$cost_DIR" pg_ctl -D "$cost_DATA" -w start -l "$cost_LOG" >/dev/null
[ "$(q -d ext -c "SELECT count(*) FROM tenants WHERE schema_version = 100")" = "$tenants" ] ||
	fail "the migration did not reach every tenant"
[ "$(q -d ext -c 'SELECT count(*) FROM wt_tenant_drift()')" = 0 ] || fail "drift after the migration"
cluster_as_postgres "$cost_DIR" pg_ctl -D "$cost_DATA" -m fast -w stop >/dev/null

# --- provisioning $batch tenants on each side ---------------------------------
first=$((tenants + 1)) last=$((tenants + batch))
echo "SELECT count(wt_create_tenant('Company ' || i, 't_' || i)) FROM generate_series($first, $last) i;" >"$work/provision.sql"
echo "INSERT INTO tenants (company_name, schema_name) SELECT 'Company ' || i, 't_' || i FROM generate_series($first, $last) i;" >"$work/triggers.sql"
provisioning=$(instructions ext provision)
triggers=$(instructions cs triggers)
cluster_as_postgres "$cost_DIR" pg_ctl -D "$cost_DATA" -w start -l "$cost_LOG" >/dev/null
[ "$(q -d ext -c "SELECT count(*) FROM tenants")" = "$last" ] || fail "provisioning did not create $batch tenants"
[ "$(q -d ext -c 'SELECT count(*) FROM wt_tenant_drift()')" = 0 ] || fail "drift after provisioning"

gate "migration over $tenants tenants (ADD COLUMN)" wt_run_migrations "$migration" "by hand" "$by_hand" "$max_migration_ratio"
gate "provisioning $batch tenants at $tenants" wt_create_tenant "$provisioning" "case study triggers" "$triggers" "$max_provisioning_ratio"
[ -z "${WT_KEEP_PROFILE:-}" ] || cp -r "$work" "$WT_KEEP_PROFILE"
echo "$name: PASS"
