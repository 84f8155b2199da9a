#!/usr/bin/env bash
# The cost of enforcement for protocol-level prepared statements: a driver's
# named statements over the extended protocol (Parse once, then Bind/Execute,
# as pgbench -M prepared, JDBC, psycopg with prepare_threshold=0 and
# node-postgres named statements do), with the tenant switched in every
# transaction and pinned per connection, on
#   (a) the case study's design (SET search_path, no extension),
#   (b) the extension enforcing (wt_set_tenant, require_tenant on; for the
#       switch case local_tenant_only on, as behind a pooler),
#   (b0) the same with wellness_tenancy.tenant_plans = 0 (the plan copies per
#       tenant off: PostgreSQL re-analyses and re-plans on every switch),
#   (c) the shared-schema row-level-security equivalent,
# built as bench/enforcement.sh builds them (test/lib/enforcement_workload.sh).
# Target of the issue: (b) within 1.5x the instructions per transaction of
# (c).  See bench/reports/enforcement.md, "Protocol-level prepared statements".
#
#   bash bench/protocol_cost.sh [--tenants T] [--txns N] [--tenant-plans K] [--keep]
#
#   --tenants       tenants per database (default 100)
#   --txns          N for the runs at N and 2N transactions (default 150)
#   --tenant-plans  (b) runs with wellness_tenancy.tenant_plans = K (default:
#                   the server's default, 1024)
#   --keep     keep the clusters' directories (CLUSTER_KEEP=1)
#
# Method: the single-user backend of test/integration/enforcement_cost.sh
# cannot speak the extended protocol, so each system's postmaster runs under
# callgrind with --trace-children=yes (as bench/citus_cost.sh does) and every
# backend writes its own cg.<pid> at exit.  The workload runs from Python
# (psycopg 3, bench/protocol_driver.py), every statement a named prepared
# statement, parameters bound as $1.  One connection runs N transactions,
# another 2N, both after the same warm-up prefix (one transaction on each
# tenant of the working set, so that the first analysis per tenant cancels);
# instructions per transaction = (I(2N) - I(N)) / N of the two backends, after
# one unmeasured connection.  Tenants and employees come from the fixed
# pseudo-random sequence of the single-user scripts.  Databases frozen and
# analyzed, autovacuum and track_counts off.  Controls: every lookup must
# return its employee's row (counted), and in (b) tenant_1 reading
# tenant_2.employees must be refused with 42501 (in (a) the same read returns
# tenant_2's rows).  Prints the table, (b)/(a), (b)/(c), the extension's
# per-function profile for (b) and wt_tenant_plans() at the end of a (b)
# connection.  A benchmark: the target is reported as met or missed, and the
# exit status is 0 unless something failed (2).
#
# Needs what test/setup.sh installs (PostgreSQL 15, valgrind), python3-psycopg
# (3.1) and `make install` done.  Run as root (servers run as the OS user
# postgres) or as postgres.  About 4 minutes on a 2-core machine.
# shellcheck disable=SC2154,SC2016 # <cluster>_DIR, _DATA, _PORT are set by cluster_start; SQL and traps with literal $
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$(pg_config --bindir):$PATH"
export PATH

ntenants=100
txns=150
tenant_plans=
while [ $# -gt 0 ]; do
	case $1 in
	--tenants) ntenants=$2; shift ;;
	--txns) txns=$2; shift ;;
	--tenant-plans) tenant_plans=$2; shift ;;
	--keep) export CLUSTER_KEEP=1 ;;
	-h | --help) sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//; /^set -e/d'; exit 0 ;;
	*) echo "protocol_cost.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done

for tool in valgrind callgrind_annotate; do
	command -v "$tool" >/dev/null || { echo "protocol_cost.sh: $tool not found; run test/setup.sh as root" >&2; exit 2; }
done
python=/usr/bin/python3
"$python" -c 'import psycopg' 2>/dev/null ||
	{ echo "protocol_cost.sh: $python has no psycopg (apt-get install python3-psycopg)" >&2; exit 2; }
if [ ! -f "$(pg_config --sharedir)/extension/wellness_tenancy.control" ]; then
	echo "protocol_cost.sh: wellness_tenancy is not installed; run make && make install first" >&2
	exit 2
fi

# shellcheck source=test/lib/integration.sh
source test/lib/integration.sh protocol_cost
# shellcheck source=test/lib/enforcement_workload.sh
source test/lib/enforcement_workload.sh
on_exit '[ "$status" -eq 0 ] || status=2'

started=$(date +%s)
say() { printf '[%6s] %s\n' "$(($(date +%s) - started))s" "$*"; }

say "machine: $(nproc) cores; $(postgres --version); $(valgrind --version);" \
	"psycopg $("$python" -c 'import psycopg; print(psycopg.__version__)'), libpq $("$python" -c 'import psycopg; print(psycopg.pq.version())')"
say "tenants: $ntenants; callgrind: $txns and $((2 * txns)) transactions per case; (b): wellness_tenancy.tenant_plans = ${tenant_plans:-default}"

# --- the clusters and databases -------------------------------------------------
wt_bench_start_three
say "building, side by side, (a) cs: $ntenants tenants by the case study's triggers, (b) ext: with" \
	"wt_create_tenant, and (c) rls; $WT_BENCH_NEMP employees and $((WT_BENCH_NEMP * WT_BENCH_NLOGS)) wellness_logs per tenant"
wt_bench_build_three cs ext rls "$ntenants" || exit 2
PGPORT=$ext_PORT wt_psql -d postgres -c "ALTER ROLE wellness_app SET wellness_tenancy.require_tenant = on"
say "built and frozen; each system finds tenant_3's employee and its minutes"

# --- the servers under callgrind --------------------------------------------------
declare -A cluster_of=([case_study]=cs [ext]=ext [ext_off]=ext [rls]=rls)
declare -A server_pid=()
# run_server CLUSTER LIBS: restarts the cluster's postmaster under callgrind;
# each backend it forks writes <dir>/cg.<pid> when it exits.
run_server() {
	local c=$1 libs=$2 dir data port i
	dir=${c}_DIR data=${c}_DATA port=${c}_PORT
	cluster_as_postgres "${!dir}" pg_ctl -D "${!data}" -m fast -w stop >/dev/null
	cluster_as_postgres "${!dir}" valgrind --tool=callgrind --trace-children=yes \
		--callgrind-out-file="${!dir}/cg.%p" "$(pg_config --bindir)/postgres" -D "${!data}" \
		-c "shared_preload_libraries=$libs" -c track_counts=off -c autovacuum=off \
		>"${!dir}/valgrind.log" 2>&1 &
	server_pid[$c]=$!
	for ((i = 0; i < 600; i++)); do
		PGPORT=${!port} wt_psql -d postgres -c "SELECT 1" >/dev/null 2>&1 && return 0
		sleep 1
	done
	echo "protocol_cost.sh: $c did not start under valgrind: $(tail -n 20 "${!dir}/valgrind.log")" >&2
	return 1
}
stop_servers() {
	local c dir data
	for c in "${!server_pid[@]}"; do
		dir=${c}_DIR data=${c}_DATA
		cluster_as_postgres "${!dir}" pg_ctl -D "${!data}" -m fast -w -t 600 stop >/dev/null 2>&1 || true
		wait "${server_pid[$c]}" 2>/dev/null || true
	done
	server_pid=()
}
on_exit stop_servers

# The statements, with psycopg's placeholder where the workload has $1.
pg_sql() { printf '%s' "${1//\$1/%s}"; }
declare -A set_local set_session
for system in case_study ext rls; do
	set_local[$system]=$(pg_sql "$(wt_bench_set_sql "$system" '$1' true)")
	set_session[$system]=$(pg_sql "$(wt_bench_set_sql "$system" '$1' false)")
done
# shellcheck disable=SC2059 # the workload's SQL templates as formats
lookup=$(pg_sql "$(printf "$WT_BENCH_LOOKUP_SQL" '$1')")
# shellcheck disable=SC2059
total=$(pg_sql "$(printf "$WT_BENCH_TOTAL_SQL" '$1')")

# drive SYSTEM TENANCY NTXN OUT [driver args]: one connection running the
# workload; OUT gets its output (pid first, found last).
drive() {
	local system=$1 tenancy=$2 ntxn=$3 out=$4 base=${1%_off} c port
	shift 4
	c=${cluster_of[$system]} port=${cluster_of[$system]}_PORT
	if ! "$python" bench/protocol_driver.py --port "${!port}" --db "$c" --system "$base" \
		--tenancy "$tenancy" --txns "$ntxn" --ntenants "$ntenants" --nemp "$WT_BENCH_NEMP" \
		--set-local "${set_local[$base]}" --set-session "${set_session[$base]}" \
		--lookup "$lookup" --total "$total" "$@" >"$out" 2>&1; then
		echo "protocol_cost.sh: the $system $tenancy workload failed: $(tail -n 5 "$out")" >&2
		return 1
	fi
	local nwork=$((ntenants < 100 ? ntenants : 100))
	if ! grep -qx "found $((ntxn + nwork)) of $((ntxn + nwork))" "$out"; then
		echo "protocol_cost.sh: $system $tenancy: not every lookup found its employee: $(tail -n 1 "$out")" >&2
		return 1
	fi
}

# totals DIR OUT: the instructions of the backend whose pid OUT names
totals() {
	local dir=$1 pid i
	pid=$(sed -n 's/^pid //p' "$2")
	for ((i = 0; i < 300; i++)); do
		[ -s "$dir/cg.$pid" ] && grep -q '^totals:' "$dir/cg.$pid" && break
		sleep 1
	done
	sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$dir/cg.$pid"
}

# lane SYSTEM...: the cases of the systems of one cluster, one after the
# other; lanes of different clusters run side by side (instruction counts do
# not depend on what else runs).  Writes $work/ipt.<system>.<tenancy>.
lane() {
	local system tenancy dir options i1 i2 extra
	for system in "$@"; do
		dir=${cluster_of[$system]}_DIR
		for tenancy in switch pinned; do
			options=
			[ "$system" != ext ] || [ -z "$tenant_plans" ] || options="-c wellness_tenancy.tenant_plans=$tenant_plans"
			[ "$system" != ext_off ] || options="-c wellness_tenancy.tenant_plans=0"
			if [ "${system%_off}" = ext ]; then
				PGPORT=$ext_PORT wt_psql -d postgres -c "ALTER ROLE wellness_app SET wellness_tenancy.local_tenant_only = $([ "$tenancy" = switch ] && echo on || echo off)"
			fi
			extra=()
			[ "${system%_off}" != ext ] || extra=(--plans)
			drive "$system" "$tenancy" "$txns" "$work/$system.$tenancy.0.stdout" --options "$options" "${extra[@]}" || return 1
			drive "$system" "$tenancy" "$txns" "$work/$system.$tenancy.1.stdout" --options "$options" "${extra[@]}" || return 1
			drive "$system" "$tenancy" $((2 * txns)) "$work/$system.$tenancy.2.stdout" --options "$options" "${extra[@]}" || return 1
			i1=$(totals "${!dir}" "$work/$system.$tenancy.1.stdout")
			i2=$(totals "${!dir}" "$work/$system.$tenancy.2.stdout")
			if [ -z "$i1" ] || [ -z "$i2" ]; then
				echo "protocol_cost.sh: $system $tenancy: no callgrind totals" >&2
				return 1
			fi
			echo $(((i2 - i1) / txns)) >"$work/ipt.$system.$tenancy"
			say "  $system $tenancy: $i1 instructions at $txns transactions, $i2 at $((2 * txns)): $(((i2 - i1) / txns)) per transaction"
		done
	done
}

say "callgrind: the three servers under valgrind, three lanes side by side"
run_server ext wellness_tenancy
run_server cs ""
run_server rls ""

# Control: (b) enforces over this very server, (a) serves the same read.
out=$(PGPORT=$ext_PORT psql -X -q -At -U wellness_app -d ext -v VERBOSITY=verbose -c "BEGIN" \
	-c "SELECT wt_set_tenant('tenant_1', true)" -c "SELECT count(*) FROM tenant_2.employees" -c "ROLLBACK" 2>&1 || true)
grep -q 'ERROR:  42501' <<<"$out" ||
	{ echo "protocol_cost.sh: (b) did not refuse tenant_1 tenant_2's table: $out" >&2; exit 2; }
out=$(PGPORT=$cs_PORT psql -X -q -At -U wellness_app -d cs -c "BEGIN" \
	-c "SELECT set_config('search_path', 'tenant_1', true)" -c "SELECT count(*) FROM tenant_2.employees" -c "ROLLBACK" 2>&1 || true)
grep -qx "$WT_BENCH_NEMP" <<<"$out" ||
	{ echo "protocol_cost.sh: (a) did not serve tenant_2's table under tenant_1 (the control): $out" >&2; exit 2; }
say "checked: under tenant_1, (b) refuses tenant_2.employees (42501); (a) serves it"

lane case_study &
lane_a=$!
lane ext ext_off &
lane_b=$!
lane rls &
lane_c=$!
failed=0
for pid in $lane_a $lane_b $lane_c; do wait "$pid" || failed=1; done
[ "$failed" -eq 0 ] || { echo "protocol_cost.sh: a callgrind run failed" >&2; exit 2; }
stop_servers
say "callgrind done"

# --- report -----------------------------------------------------------------------
calc() { awk "BEGIN { printf \"%.3f\", $* }"; }
declare -A ipt
for system in case_study ext ext_off rls; do
	for tenancy in switch pinned; do ipt[$system.$tenancy]=$(cat "$work/ipt.$system.$tenancy"); done
done
echo
echo "### Instructions per transaction, extended protocol, named prepared statements"
echo "### (callgrind, one backend per length, $txns vs $((2 * txns)) transactions, $ntenants tenants)"
echo
echo "| tenant | (a) case study | (b) extension | (b0) extension, tenant_plans = 0 | (c) RLS | (b)/(a) | (b)/(c) | (b0)/(c) | target (b)/(c) <= 1.5 |"
echo "|---|---|---|---|---|---|---|---|---|"
for tenancy in switch pinned; do
	a=${ipt[case_study.$tenancy]} b=${ipt[ext.$tenancy]} b0=${ipt[ext_off.$tenancy]} c=${ipt[rls.$tenancy]}
	ratio=$(calc "$b / $c")
	ok=met
	awk "BEGIN { exit !($ratio > 1.5) }" && ok=MISSED
	printf '| %s | %d | %d | %d | %d | %s | %s | %s | %s |\n' \
		"$([ "$tenancy" = switch ] && echo "per transaction" || echo pinned)" "$a" "$b" "$b0" "$c" \
		"$(calc "$b / $a")" "$ratio" "$(calc "$b0 / $c")" "$ok"
done

for system in ext ext_off; do
	for tenancy in switch pinned; do
		echo
		echo "$system $tenancy: where (b)'s instructions go (functions of wellness_tenancy.so, per transaction):"
		wt_bench_extension_profile "$ext_DIR/cg.$(sed -n 's/^pid //p' "$work/$system.$tenancy.1.stdout")" \
			"$ext_DIR/cg.$(sed -n 's/^pid //p' "$work/$system.$tenancy.2.stdout")" "$txns"
	done
done
for system in ext ext_off; do
	for tenancy in switch pinned; do
		echo
		echo "$system $tenancy: wt_tenant_plans() at the end of the $((2 * txns))-transaction connection, under its last tenant:"
		grep '^plan ' "$work/$system.$tenancy.2.stdout" | sed 's/^/    /' || echo "    (none)"
	done
done
echo
say "done"
