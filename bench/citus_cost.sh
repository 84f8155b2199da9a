#!/usr/bin/env bash
# The coordinator's enforcement cost on Citus, in instructions: the same
# router workload on a Citus coordinator started with
#   (a) shared_preload_libraries = 'citus'                    (Citus alone)
#   (b) shared_preload_libraries = 'citus,wellness_tenancy'   (enforcing)
# over the same cluster (coordinator + 2 workers on loopback, Citus built from
# the vendored source by test/lib/citus.sh) and the same distributed tenant
# schemas.  One transaction: the tenant sets itself ((a) SET LOCAL
# search_path, (b) wt_set_tenant(t, true), which also points search_path at
# it), looks up an employee by email and inserts a wellness_logs row for it --
# both single-shard router statements on the tenant's distributed tables,
# unqualified names.  See bench/reports/citus.md for the figures.
#
#   bash bench/citus_cost.sh [--tenants T] [--txns N] [--keep]
#
#   --tenants  distributed tenant schemas (default 8)
#   --txns     N for the callgrind runs at N and 2N transactions (default 100)
#   --keep     keep the clusters' directories (CLUSTER_KEEP=1)
#
# Method: the coordinator is stopped and the transactions run from a script in
# a single-user backend (postgres --single, which loads the preloaded
# libraries; Citus opens its worker connections from it as from any backend)
# under callgrind, at N and 2N transactions: (I(2N) - I(N)) / N per
# transaction, after one unmeasured run.  Only the coordinator backend is
# measured (the workers run normally; with (b) they enforce the forwarded
# tenant too, which is not counted here).  track_counts = off, as in
# bench/enforcement.sh.  Prints the table and the ratio (b)/(a).  Exits 2 on
# errors; the source missing: exits 77 (skipped).
# shellcheck disable=SC2154 # <cluster>_DIR, _DATA, _PORT are set by cluster_start
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$(pg_config --bindir):$PATH"
export PATH

tenants=8
txns=100
while [ $# -gt 0 ]; do
	case $1 in
	--tenants) tenants=$2; shift ;;
	--txns) txns=$2; shift ;;
	--keep) export CLUSTER_KEEP=1 ;;
	*) echo "usage: $0 [--tenants T] [--txns N] [--keep]" >&2; exit 2 ;;
	esac
	shift
done

source test/lib/integration.sh citus_cost
source test/lib/citus.sh
source test/lib/enforcement_workload.sh
command -v valgrind >/dev/null || fail "valgrind is missing (test/setup.sh installs it)"
citus_source || citus_skip "$CITUS_SKIP_REASON"
citus_build || fail "building Citus $CITUS_VERSION failed"
DB=wellness
export PGDATABASE=$DB
citus_cluster_start "$DB" "track_counts = off" || fail "the Citus cluster did not start"

# Tenants tenant_1..tenant_T as distributed schemas, 20 employees each with
# keys derived from schema and row (the same rows in every run).
q -c "CREATE ROLE wellness_app LOGIN" -c "SET client_min_messages = warning" \
	-c "CREATE EXTENSION wellness_tenancy" \
	-c "SELECT count(wt_create_tenant('Company ' || i, 'tenant_' || i)) FROM generate_series(1, $tenants) i" >/dev/null
for ((i = 1; i <= tenants; i++)); do
	q -c "INSERT INTO tenant_$i.employees (id, email, full_name)
	      SELECT md5('tenant_$i/e' || g)::uuid, 'e' || g || '@example.com', 'tenant_$i' FROM generate_series(1, 20) g"
done
n=$(q -c "SELECT count(*) FROM citus_tables WHERE table_name::text LIKE 'tenant\\_%.employees'")
[ "$n" = "$tenants" ] || fail "only $n of $tenants tenants are distributed"
q -c "VACUUM (FREEZE, ANALYZE)" >/dev/null
cluster_as_postgres "$coord_DIR" pg_ctl -D "$coord_DATA" -m fast -w stop >/dev/null

# workload SYSTEM NTXN: one statement a line, for postgres --single
workload() {
	local system=$1 ntxn=$2 k t e seed=12345
	for ((k = 0; k < ntxn; k++)); do
		seed=$(((seed * 1103515245 + 12345) % 2147483648))
		t=$((seed / 65536 % tenants + 1))
		e=$((seed / 7 % 20 + 1))
		echo "BEGIN;"
		if [ "$system" = ext ]; then echo "SELECT wt_set_tenant('tenant_$t', true);"
		else echo "SELECT set_config('search_path', 'tenant_$t', true);"; fi
		echo "SELECT full_name FROM employees WHERE email = 'e$e@example.com';"
		echo "INSERT INTO wellness_logs (employee_id, activity_type, duration_minutes, log_date) VALUES (md5('tenant_$t/e$e')::uuid, 'yoga', 10, date '2024-01-01');"
		echo "COMMIT;"
	done
}

declare -A per_txn
for system in citus ext; do
	libs=citus
	[ "$system" = ext ] && libs=citus,wellness_tenancy
	args=(-c "shared_preload_libraries=$libs" -c "track_counts=off")
	workload "$system" "$txns" >"$work/$system.1.sql"
	workload "$system" $((2 * txns)) >"$work/$system.2.sql"
	cluster_as_postgres "$coord_DIR" postgres --single "${args[@]}" -D "$coord_DATA" "$DB" \
		<"$work/$system.1.sql" >"$work/$system.warm.stdout" 2>&1 || fail "the unmeasured $system run failed"
	! grep -q 'ERROR:' "$work/$system.warm.stdout" || fail "$system: $(grep -m 3 -A 2 'ERROR:' "$work/$system.warm.stdout")"
	i1=$(wt_bench_callgrind "$coord_DIR" "$coord_DATA" "$DB" "$work/$system.1.sql" "$work/$system.1.out" "${args[@]}") ||
		fail "callgrind $system N"
	i2=$(wt_bench_callgrind "$coord_DIR" "$coord_DATA" "$DB" "$work/$system.2.sql" "$work/$system.2.out" "${args[@]}") ||
		fail "callgrind $system 2N"
	# the workload really ran: every lookup found its employee
	found=$(grep -c 'full_name = "tenant_' "$work/$system.2.stdout" || true)
	[ "$found" -eq $((2 * txns)) ] || fail "$system: $found of $((2 * txns)) lookups found their employee"
	per_txn[$system]=$(((i2 - i1) / txns))
done

# (b) enforces: in a single-user backend with the extension, tenant_1 is
# refused tenant_2's distributed table; (a) reads it (the control).
probe_sql="BEGIN;
SELECT wt_set_tenant('tenant_1', true);
SELECT full_name FROM tenant_2.employees WHERE email = 'e1@example.com';
ROLLBACK;"
out=$(cluster_as_postgres "$coord_DIR" postgres --single -c shared_preload_libraries=citus,wellness_tenancy \
	-D "$coord_DATA" "$DB" <<<"$probe_sql" 2>&1 || true)
grep -q 'may not reach the schema of tenant "tenant_2"' <<<"$out" || fail "(b) did not refuse tenant_2's table: $out"
out=$(cluster_as_postgres "$coord_DIR" postgres --single -c shared_preload_libraries=citus -D "$coord_DATA" "$DB" \
	<<<"SELECT full_name FROM tenant_2.employees WHERE email = 'e1@example.com';" 2>&1 || true)
grep -q 'full_name = "tenant_2"' <<<"$out" || fail "(a) did not read tenant_2's table: $out"

a=${per_txn[citus]} b=${per_txn[ext]}
ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", b / a }')
echo
echo "citus_cost: $tenants distributed tenants, callgrind at $txns and $((2 * txns)) transactions"
printf '| workload | (a) citus | (b) citus,wellness_tenancy | (b)-(a) | (b)/(a) |\n|---|---|---|---|---|\n'
printf '| router: set tenant, SELECT by email, INSERT | %s | %s | %+d | %s |\n' "$a" "$b" $((b - a)) "$ratio"
