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
# Method: a single-user backend (postgres --single, as bench/enforcement.sh
# uses) does not work with Citus: its remote connections wait on a wait event
# set with the postmaster-death event, which fails there ("epoll_ctl()
# failed: Bad file descriptor").  So the coordinator's postmaster runs under
# callgrind with --trace-children=yes, each backend writing its own file at
# exit; the transactions run from a script in one psql session, at N and 2N
# transactions in two sessions: (I(2N) - I(N)) / N per transaction of that
# backend (connection start and exit cancel out), after one unmeasured
# session.  Only the coordinator backend is measured (the workers run
# normally; with (b) they enforce the forwarded tenant too, not counted
# here).  track_counts = off, as in bench/enforcement.sh.  Each run also
# checks what it measures: (b) refuses tenant_1 tenant_2's table, (a) reads
# it.  Prints the table and the ratio (b)/(a).  Exits 1 on errors; the Citus
# source missing: exits 77 (skipped).
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
cluster_as_postgres "$coord_DIR" "$PG_BINDIR/pg_ctl" -D "$coord_DATA" -m fast -w stop >/dev/null
coord_pid=

# workload SYSTEM NTXN: the transactions, one statement a line
workload() {
	local system=$1 ntxn=$2 k t e seed=12345
	for ((k = 0; k < ntxn; k++)); do
		seed=$(((seed * 1103515245 + 12345) % 2147483648))
		t=$((seed / 65536 % tenants + 1))
		e=$((seed / 7 % 20 + 1))
		echo "BEGIN;"
		if [ "$system" = ext ]; then echo "SELECT wt_set_tenant('tenant_$t', true);"
		else echo "SELECT set_config('search_path', 'tenant_$t', true);"; fi
		echo "SELECT 'found:' || full_name FROM employees WHERE email = 'e$e@example.com';"
		echo "INSERT INTO wellness_logs (employee_id, activity_type, duration_minutes, log_date) VALUES (md5('tenant_$t/e$e')::uuid, 'yoga', 10, date '2024-01-01');"
		echo "COMMIT;"
	done
}

# run_coordinator LIBS: starts the coordinator's postmaster under callgrind
# (--trace-children: each backend it forks writes $coord_DIR/cg.<pid> at exit)
run_coordinator() {
	cluster_as_postgres "$coord_DIR" valgrind --tool=callgrind --trace-children=yes \
		--callgrind-out-file="$coord_DIR/cg.%p" "$PG_BINDIR/postgres" -D "$coord_DATA" \
		-c "shared_preload_libraries=$1" -c track_counts=off >"$coord_DIR/valgrind.log" 2>&1 &
	coord_pid=$!
	local i
	for ((i = 0; i < 600; i++)); do
		pg_isready -q -h 127.0.0.1 -p "$coord_PORT" && psql -X -q -At -c "SELECT 1" >/dev/null 2>&1 && return 0
		sleep 1
	done
	fail "the coordinator did not start under valgrind: $(tail -n 20 "$coord_DIR/valgrind.log")"
}
stop_coordinator() {
	[ -n "$coord_pid" ] || return 0
	cluster_as_postgres "$coord_DIR" "$PG_BINDIR/pg_ctl" -D "$coord_DATA" -m fast -w -t 600 stop >/dev/null || true
	wait "$coord_pid" 2>/dev/null || true
	coord_pid=
}
on_exit stop_coordinator
# measure SQLFILE OUT: runs the script in one session; prints the
# instructions of its backend (its callgrind file appears when it exits)
measure() {
	local sql=$1 out=$2 pid i
	psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$coord_PORT" -f "$sql" >"$out" 2>&1 ||
		fail "a statement of $sql failed: $(grep -m 3 -A 2 ERROR "$out")"
	pid=$(head -n 1 "$out")
	for ((i = 0; i < 300; i++)); do
		[ -s "$coord_DIR/cg.$pid" ] && grep -q '^totals:' "$coord_DIR/cg.$pid" && break
		sleep 1
	done
	sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$coord_DIR/cg.$pid"
}

declare -A per_txn
for system in citus ext; do
	libs=citus
	[ "$system" = ext ] && libs=citus,wellness_tenancy
	{ echo "SELECT pg_backend_pid();"; workload "$system" "$txns"; } >"$work/$system.1.sql"
	{ echo "SELECT pg_backend_pid();"; workload "$system" $((2 * txns)); } >"$work/$system.2.sql"
	run_coordinator "$libs"
	psql -X -q -At -h 127.0.0.1 -p "$coord_PORT" -f "$work/$system.1.sql" >/dev/null 2>&1 # unmeasured
	i1=$(measure "$work/$system.1.sql" "$work/$system.1.stdout")
	i2=$(measure "$work/$system.2.sql" "$work/$system.2.stdout")
	[ -n "$i1" ] && [ -n "$i2" ] || fail "$system: no callgrind totals ($i1, $i2)"
	# the workload really ran: every lookup found its employee
	found=$(grep -c '^found:tenant_' "$work/$system.2.stdout" || true)
	[ "$found" -eq $((2 * txns)) ] || fail "$system: $found of $((2 * txns)) lookups found their employee"
	# (b) enforces: tenant_1 is refused tenant_2's distributed table; (a)
	# reads it (the control)
	echo "citus_cost: $system: $i1 instructions at $txns transactions, $i2 at $((2 * txns))"
	if [ "$system" = ext ] && command -v callgrind_annotate >/dev/null; then
		echo "citus_cost: where the extension's instructions go, per transaction:"
		wt_bench_extension_profile "$coord_DIR/cg.$(head -n 1 "$work/$system.1.stdout")" \
			"$coord_DIR/cg.$(head -n 1 "$work/$system.2.stdout")" "$txns"
	fi
	out=$(psql -X -q -At -h 127.0.0.1 -p "$coord_PORT" -c "BEGIN" \
		-c "$([ "$system" = ext ] && echo "SELECT wt_set_tenant('tenant_1', true)" ||
			echo "SELECT set_config('search_path', 'tenant_1', true)")" \
		-c "SELECT full_name FROM tenant_2.employees WHERE email = 'e1@example.com'" -c "ROLLBACK" 2>&1 || true)
	if [ "$system" = ext ]; then
		grep -q 'may not reach the schema of tenant "tenant_2"' <<<"$out" || fail "(b) did not refuse tenant_2's table: $out"
	else
		grep -q '^tenant_2$' <<<"$out" || fail "(a) did not read tenant_2's table: $out"
	fi
	stop_coordinator
	per_txn[$system]=$(((i2 - i1) / txns))
done

a=${per_txn[citus]} b=${per_txn[ext]}
ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", b / a }')
echo
echo "citus_cost: $tenants distributed tenants, callgrind at $txns and $((2 * txns)) transactions"
printf '| workload | (a) citus | (b) citus,wellness_tenancy | (b)-(a) | (b)/(a) |\n|---|---|---|---|---|\n'
printf '| router: set tenant, SELECT by email, INSERT | %s | %s | %+d | %s |\n' "$a" "$b" $((b - a)) "$ratio"
