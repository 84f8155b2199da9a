#!/usr/bin/env bash
# What tenant operations cost against their baselines, measured in the same
# run (bench/operations.sh measures the same at 1,000 and 10,000 tenants; see
# bench/reports/operations.md):
#   - one migration (ADD COLUMN, the DDL whose own work is smallest, so the
#     per-tenant bookkeeping shows most) over every tenant with CALL
#     wt_run_migrations(), against the same DDL run by hand on the same
#     tenants, one autocommitted statement per tenant;
#   - provisioning, wt_create_tenant() against the case study's PL/pgSQL
#     triggers (test/lib/case_study.sql) in a database beside it.
# The machine is shared and noisy: each side is measured in interleaved
# rounds and the best round counts; the gate is a ratio with room for noise
# that still fails on any per-tenant cost growing with the tenant count (the
# regressions it guards against measured 3x to 36x).
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh operations_cost

tenants=${WT_COST_TENANTS:-500}
rounds=3
max_migration_ratio=1.6
max_provisioning_ratio=1.5
now() { date +%s.%N; }
# Seconds a SQL file takes through psql.
time_file() {
	local db=$1 file=$2 t0
	t0=$(now)
	PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$file" >/dev/null
	echo "$(now) - $t0" | bc -l
}
min() { printf '%s\n' "$@" | sort -g | head -1; }
# One round of a comparison: the extension's file and the baseline's, in
# alternating order from round to round; the times go to ext_times and
# base_times.
measure_round() { # round ext_db ext_file base_db base_file
	local t_ext t_base
	if (($1 % 2)); then
		t_ext=$(time_file "$2" "$3")
		t_base=$(time_file "$4" "$5")
	else
		t_base=$(time_file "$4" "$5")
		t_ext=$(time_file "$2" "$3")
	fi
	ext_times+=("$t_ext")
	base_times+=("$t_base")
}
# Best round of each side; prints the line and sets ratio.
report() { # what extension-label baseline-label gate
	local ext_best base_best
	ext_best=$(min "${ext_times[@]}")
	base_best=$(min "${base_times[@]}")
	ratio=$(echo "$ext_best / $base_best" | bc -l)
	printf '%s: %s: %s %.3f s, %s %.3f s (best of %d) -> ratio %.2f (gate %s)\n' \
		"$name" "$1" "$2" "$ext_best" "$3" "$base_best" "$rounds" "$ratio" "$4"
}

cluster_start cost
q -d postgres -c "CREATE ROLE wellness_app LOGIN" -c "CREATE DATABASE ext" -c "CREATE DATABASE cs"
q -d ext -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION wellness_tenancy'
q -d cs -f test/lib/case_study.sql >/dev/null
q -d ext -c "SELECT count(wt_create_tenant('Company ' || i, 't_' || i)) FROM generate_series(1, $tenants) i" >/dev/null
q -d cs -c "INSERT INTO tenants (company_name, schema_name) SELECT 'Company ' || i, 't_' || i FROM generate_series(1, $tenants) i"

# --- one migration over every tenant ------------------------------------
ext_times=() base_times=()
for ((r = 1; r <= rounds; r++)); do
	q -d ext -c 'SET client_min_messages = warning' \
		-c "SELECT wt_add_migration(100 + $r, 'column m$r', 'ALTER TABLE employees ADD COLUMN m$r text')" >/dev/null
	echo "CALL wt_run_migrations(batch_size => 50);" >"$work/ext.sql"
	for ((i = 1; i <= tenants; i++)); do
		echo "SET search_path = t_$i; ALTER TABLE employees ADD COLUMN h$r text;"
	done >"$work/hand.sql"
	measure_round "$r" ext "$work/ext.sql" ext "$work/hand.sql"
	[ "$(q -d ext -c "SELECT count(*) FROM tenants WHERE schema_version = 100 + $r")" = "$tenants" ] ||
		fail "migration $((100 + r)) did not reach every tenant"
done
[ "$(q -d ext -c 'SELECT count(*) FROM wt_tenant_drift()')" = 0 ] || fail "drift after the migrations"
report "migration over $tenants tenants (ADD COLUMN)" wt_run_migrations "by hand" "$max_migration_ratio"
migration_ratio=$ratio

# --- provisioning, 50 tenants a round on each side ----------------------
ext_times=() base_times=()
next=$((tenants + 1))
for ((r = 1; r <= rounds; r++)); do
	last=$((next + 49))
	echo "SELECT count(wt_create_tenant('Company ' || i, 't_' || i)) FROM generate_series($next, $last) i;" >"$work/ext.sql"
	echo "INSERT INTO tenants (company_name, schema_name) SELECT 'Company ' || i, 't_' || i FROM generate_series($next, $last) i;" >"$work/cs.sql"
	measure_round "$r" ext "$work/ext.sql" cs "$work/cs.sql"
	next=$((last + 1))
done
[ "$(q -d ext -c 'SELECT count(*) FROM wt_tenant_drift()')" = 0 ] || fail "drift after provisioning"
report "provisioning 50 tenants at $tenants" wt_create_tenant "case study triggers" "$max_provisioning_ratio"
provisioning_ratio=$ratio

(($(echo "$migration_ratio <= $max_migration_ratio" | bc -l))) ||
	fail "a migration costs $(printf '%.2f' "$migration_ratio")x the same DDL by hand (gate ${max_migration_ratio}x)"
(($(echo "$provisioning_ratio <= $max_provisioning_ratio" | bc -l))) ||
	fail "provisioning costs $(printf '%.2f' "$provisioning_ratio")x the case study's triggers (gate ${max_provisioning_ratio}x)"
echo "$name: PASS"
