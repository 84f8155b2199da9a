#!/usr/bin/env bash
# The cost of enforcement, as a gate: instructions per transaction of the
# per-tenant workload (look up an employee by email, sum their wellness
# minutes) with the extension enforcing -- (b): tenant set, require_tenant on
# -- against the same data directory without the extension loaded -- (a):
# shared_preload_libraries = '', tenant chosen by a bare search_path -- at 100
# tenants, in simple and prepared protocol, with the tenant switched in every
# transaction and pinned.  Fails when (b)/(a) exceeds the limit in any case.
#
# The limit is 1.025.  Version 1.2's query guard (src/query_guard.cpp) walks
# every query the planner gets once, to put its guards in; with prepared
# statements and a tenant switch in every transaction PostgreSQL re-analyses
# and re-plans every statement every transaction, so that case pays the walk
# each time: measured 1.0199 to 1.0214 there (1.008 to 1.016 elsewhere), where
# 1.1 measured 1.004 to 1.010.  The 1.01 target against the case study's own
# design is the performance work still open; this gate keeps what 1.2 reached
# from getting worse.
#
# Instructions, not TPS: callgrind around a single-user backend (postgres
# --single) running the transactions from a script, at N and 2N
# transactions; (I(2N) - I(N)) / N cancels start-up.  Repeatable to about
# 0.1%, where pgbench on this machine swings by 25%.  bench/enforcement.sh is
# the full benchmark (TPS too, RLS, 10,000 tenants); this is its quick gate.
# shellcheck disable=SC2154 # <cluster>_DIR, _DATA, _PORT, _LOG are set by cluster_start
set -euo pipefail
cd "$(dirname "$0")/../.."
PATH="$(pg_config --bindir):$PATH"
export PATH

NTENANTS=100
TXNS=${WT_COST_TXNS:-150}
LIMIT=1.025

source test/lib/integration.sh enforcement_cost
source test/lib/enforcement_workload.sh

command -v valgrind >/dev/null || fail "valgrind not found (test/setup.sh installs it)"
command -v callgrind_annotate >/dev/null || fail "callgrind_annotate not found (valgrind package)"

cluster_start ext "autovacuum = off"
wt_psql -d postgres -c "CREATE ROLE wellness_app LOGIN"
wt_bench_create_ext ext_$NTENANTS $NTENANTS
vacuumdb -q --analyze-only -d ext_$NTENANTS
wt_bench_check ext ext_$NTENANTS
cluster_as_postgres "$ext_DIR" pg_ctl -D "$ext_DATA" -m fast -w stop >/dev/null
# (a): an identical copy of the data directory, run without the library
cluster_as_postgres "$ext_DIR" cp -a "$ext_DATA" "$ext_DIR/data_a"
wt_bench_single_user_enforces "$ext_DIR" "$ext_DATA" ext_$NTENANTS ||
	fail "the measured configurations are not what they claim"
echo "checked: in single-user mode, (b) refuses another tenant's table (42501), (a) serves it"

work=$ext_DIR/callgrind
mkdir "$work"
[ "$(id -u)" -ne 0 ] || chown postgres: "$work"

cases="simple.switch simple.pinned prepared.switch prepared.pinned"
lane() { # lane SYSTEM DATA [postgres args]: the cases one after the other
	local system=$1 data=$2 c ipt
	shift 2
	for c in $cases; do
		ipt=$(wt_bench_instructions_per_txn "$ext_DIR" "$data" ext_$NTENANTS "$system" \
			"${c%.*}" "${c#*.}" $NTENANTS "$TXNS" "$work" "$@") || return 1
		echo "$c $ipt"
	done >"$work/lane.$system"
}
start=$(date +%s)
lane plain "$ext_DIR/data_a" -c "shared_preload_libraries=" &
lane_a=$!
lane ext "$ext_DATA" &
lane_b=$!
wait "$lane_a" || fail "callgrind runs without the extension failed"
wait "$lane_b" || fail "callgrind runs with the extension failed"
echo "callgrind: $TXNS and $((2 * TXNS)) transactions per case in $(($(date +%s) - start))s"

declare -A ipt
for system in plain ext; do
	while read -r c value; do ipt[$c.$system]=$value; done <"$work/lane.$system"
done
failures=0
printf '%-28s %12s %12s %9s %8s\n' "case ($NTENANTS tenants)" "(a) plain" "(b) enforce" "(b)-(a)" "(b)/(a)"
for c in $cases; do
	a=${ipt[$c.plain]} b=${ipt[$c.ext]}
	ratio=$(awk "BEGIN { printf \"%.4f\", $b / $a }")
	verdict=ok
	if awk "BEGIN { exit !($ratio > $LIMIT) }"; then
		verdict="OVER $LIMIT"
		failures=$((failures + 1))
	fi
	label="${c%.*}, $([ "${c#*.}" = switch ] && echo "per-txn tenant" || echo "pinned tenant")"
	printf '%-28s %12d %12d %+9d %8s  %s\n' "$label" "$a" "$b" $((b - a)) "$ratio" "$verdict"
done
echo "(instructions per transaction; limit (b)/(a) <= $LIMIT)"
if [ "$failures" -ne 0 ]; then
	for c in $cases; do
		echo
		echo "where the extension's instructions go, ${c/./, }:"
		wt_bench_extension_profile "$work/ext.$c.$NTENANTS.1.out" "$work/ext.$c.$NTENANTS.2.out" "$TXNS"
	done
	fail "enforcement costs more than ${LIMIT}x the instructions of a bare search_path in $failures case(s)"
fi
echo "enforcement_cost: PASS"
