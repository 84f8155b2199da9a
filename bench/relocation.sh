#!/usr/bin/env bash
# Relocation timing: how long moving a tenant with 1,000 employees
# and 100,000 wellness logs from one instance to another takes, and how long
# its writes are blocked.  See bench/reports/relocation.md for the method and the
# figures measured here.
#
#   bash bench/relocation.sh [--rounds R] [--employees N] [--logs-per-employee L]
#                            [--modes "checksum count none"] [--keep]
#
#   --rounds             relocations per verify mode; the median is reported (default 3)
#   --employees          employees per tenant (default 1000)
#   --logs-per-employee  wellness logs per employee (default 100, i.e. 100,000 logs)
#   --modes              verify modes of wt_relocation_cutover to measure
#   --keep               keep the clusters' directories (CLUSTER_KEEP=1)
#
# Two throwaway clusters on 127.0.0.1 (test/lib/cluster.sh): "east" (source,
# wal_level = logical) and "west" (target).  For every run a fresh tenant of
# that size is created on east and a client connected as the app role inserts
# into its wellness_logs without pause, one autocommitted INSERT at a time.
# On west: wt_relocation_start(), poll wt_relocation_status() until "ready for
# cut-over", wt_relocation_cutover(verify => mode).  The client is refused on
# east with the tenant's new home in the error, reconnects to west and goes on.
#
# Reported per verify mode (median of the rounds):
#   start        wt_relocation_start(): checks, provisioning on west, publication,
#                slot, subscription
#   copy         start returned .. phase "ready for cut-over" (apply worker start,
#                initial copy, catch-up)
#   lock_wait    LOCK requested on east .. granted (the writers finish their statement)
#   catch_up     .. west has applied every change made before the lock
#   verify       .. row counts (and checksums) compared on both sides
#   blocked      write-blocked window on east: LOCK requested .. east's COMMIT
#                (writers wait, then are refused and pointed at west)
#   unavailable  LOCK requested .. cut-over function returned on west (its
#                commit makes the tenant usable there)
#   client_wait  the client's write that was caught by the cut-over: sent to
#                east .. refused
#   client_gap   last write acknowledged on east .. first acknowledged on west
#                (refusal, reconnect, set tenant, retry)
#   writes/s     the client's acknowledged inserts per second during the copy
#
# Needs what test/setup.sh installs and `make install` done.  Run as root (the
# servers run as the OS user postgres) or as postgres.  Exits non-zero on errors.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=3 EMPLOYEES=1000 LOGS_PER_EMPLOYEE=100 MODES="checksum count none"
while [ $# -gt 0 ]; do
	case $1 in
	--rounds) ROUNDS=$2; shift 2 ;;
	--employees) EMPLOYEES=$2; shift 2 ;;
	--logs-per-employee) LOGS_PER_EMPLOYEE=$2; shift 2 ;;
	--modes) MODES=$2; shift 2 ;;
	--keep) export CLUSTER_KEEP=1; shift ;;
	*) echo "usage: $0 [--rounds R] [--employees N] [--logs-per-employee L] [--modes \"...\"] [--keep]" >&2; exit 2 ;;
	esac
done

for mode in $MODES; do
	case $mode in checksum | count | none) ;; *) echo "unknown verify mode '$mode' (checksum, count, none)" >&2; exit 2 ;; esac
done

source test/lib/integration.sh bench-relocation
WORK=$work
WRITER_PID=
on_exit '[ -z "$WRITER_PID" ] || kill "$WRITER_PID" 2>/dev/null'

DB=wellness
qp() { # qp PORT SQL...
	local port=$1
	shift
	psql -X -q -v ON_ERROR_STOP=1 -At -h 127.0.0.1 -p "$port" -U postgres -d "$DB" "$@"
}
now() { date +%s.%N; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }

declare -A PORT_OF
# writer TENANT: inserts into TENANT's wellness_logs, one statement at a time,
# as the app role (names qualified: see WT_RELOCATION_UNQUALIFIED in
# test/integration/relocation.sh); logs "<sent> <answered> ack|refused <instance>"; follows a
# refusal that names the tenant's new home.  Stops when $WORK/stop exists and
# it has written on its second instance for a while.
writer() {
	local tenant=$1 instance=east employee n=0 out after=0 moved=0 t0 t1 target
	local log=$WORK/writer.log
	: >"$log"
	exec >"$WORK/writer.out" 2>&1
	run_sql() {
		local marker="__end_$n" line result=""
		printf '%s;\n\\echo %s\n' "$1" "$marker" >&"${W[1]}"
		while IFS= read -r -t 120 -u "${W[0]}" line; do
			[ "$line" = "$marker" ] && { printf '%s' "$result"; return 0; }
			result+="$line"$'\n'
		done
		echo "no answer from $instance"
		exit 1
	}
	open_session() {
		local tries=0
		coproc W { exec stdbuf -oL -eL psql -X -q -At -v VERBOSITY=verbose \
			-h 127.0.0.1 -p "${PORT_OF[$instance]}" -U wellness_app -d "$DB" 2>&1; }
		until [ "$(run_sql "SELECT wt_set_tenant('$tenant')")" = "$tenant" ]; do
			tries=$((tries + 1))
			[ "$tries" -lt 600 ] || { echo "cannot set $tenant on $instance"; exit 1; }
			sleep 0.01
		done
		employee=$(run_sql "SELECT id FROM employees LIMIT 1")
	}
	open_session
	while :; do
		n=$((n + 1))
		t0=$EPOCHREALTIME
		out=$(run_sql "INSERT INTO $tenant.wellness_logs (employee_id, activity_type, duration_minutes, log_date, notes)
			VALUES ('$employee', 'bench', $n, current_date, 'bench-$n') RETURNING 'ok'")
		t1=$EPOCHREALTIME
		if [ "$out" = ok ]; then
			echo "$t0 $t1 ack $instance" >>"$log"
			[ "$moved" = 1 ] && after=$((after + 1))
		else
			target=$(sed -n 's/.*ERROR:  42501: tenant "[a-z_0-9]*" has moved to instance "\([a-z_0-9]*\)".*/\1/p' <<<"$out")
			[ -n "$target" ] || { echo "unexpected error: $out"; exit 1; }
			echo "$t0 $t1 refused $instance" >>"$log"
			local input=${W[1]} pid=$W_PID
			eval "exec ${input}>&-"
			wait "$pid" 2>/dev/null || true
			instance=$target moved=1
			open_session
		fi
		if [ -e "$WORK/stop" ] && [ "$after" -ge 20 ]; then break; fi
	done
}

echo "== two clusters: east (source, wal_level = logical), west (target)"
cluster_start east "wal_level = logical" "max_wal_senders = 10" "max_replication_slots = 10" >/dev/null
cluster_start west >/dev/null
EAST=$east_PORT WEST=$west_PORT
PORT_OF[east]=$EAST PORT_OF[west]=$WEST
for port in $EAST $WEST; do
	psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
		-c "CREATE ROLE wellness_app LOGIN" -c "CREATE DATABASE $DB"
	qp "$port" -c "CREATE EXTENSION wellness_tenancy" -c "CREATE EXTENSION dblink"
done
qp "$EAST" -c "INSERT INTO wt_instances (name, conninfo, is_local) VALUES ('east', NULL, true),
              ('west', 'host=127.0.0.1 port=$WEST dbname=$DB user=postgres', false)"
qp "$WEST" -c "INSERT INTO wt_instances (name, conninfo, is_local) VALUES ('west', NULL, true),
              ('east', 'host=127.0.0.1 port=$EAST dbname=$DB user=postgres', false)"

total_logs=$((EMPLOYEES * LOGS_PER_EMPLOYEE))
echo "== tenants on east: $ROUNDS per verify mode ($MODES), each $EMPLOYEES employees and $total_logs wellness logs"
t0=$(now)
for mode in $MODES; do
	for round in $(seq 1 "$ROUNDS"); do
		tenant="bench_${mode}_$round"
		qp "$EAST" >/dev/null <<-SQL
			SELECT wt_create_tenant('Bench $mode $round', '$tenant');
			INSERT INTO $tenant.employees (email, full_name)
			SELECT 'employee' || g || '@bench.test', 'Employee ' || g FROM generate_series(1, $EMPLOYEES) g;
			INSERT INTO $tenant.wellness_logs (employee_id, activity_type, duration_minutes, log_date, notes)
			SELECT e.id, (ARRAY['run', 'yoga', 'swim', 'walk'])[1 + g % 4], 10 + g % 80,
			       DATE '2026-01-01' + g % 365, 'seed'
			  FROM $tenant.employees e, generate_series(1, $LOGS_PER_EMPLOYEE) g;
			VACUUM ANALYZE $tenant.employees, $tenant.wellness_logs;
		SQL
	done
done
qp "$EAST" -c "CHECKPOINT"
echo "   loaded in $(ms "$t0" "$(now)") ms; tenant size: $(qp "$EAST" -c "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid)))
	FROM pg_class c WHERE c.relnamespace = 'bench_${MODES%% *}_1'::regnamespace AND c.relkind = 'r'")"

RESULTS=$WORK/results
: >"$RESULTS"
for mode in $MODES; do
	for round in $(seq 1 "$ROUNDS"); do
		tenant="bench_${mode}_$round"
		# The logical replication launcher starts workers at most once per
		# wal_retrieve_retry_interval (5 s), and the previous cut-over's DROP
		# SUBSCRIPTION just made it try: space the runs so that "copy"
		# measures the copy (back-to-back relocations wait up to 5 s more).
		sleep 6
		rm -f "$WORK/stop"
		writer "$tenant" &
		WRITER_PID=$!
		until [ -s "$WORK/writer.log" ] && [ "$(wc -l <"$WORK/writer.log")" -ge 20 ]; do sleep 0.1; done

		t_start=$(now)
		qp "$WEST" -c "SELECT wt_relocation_start('$tenant', 'east')" >/dev/null 2>"$WORK/start.err" ||
			{ cat "$WORK/start.err" >&2; exit 1; }
		t_started=$(now)
		acks_at_start=$(wc -l <"$WORK/writer.log")
		until [ "$(qp "$WEST" -c "SELECT phase FROM wt_relocation_status('$tenant') WHERE state = 'copying'")" = "ready for cut-over" ]; do
			awk -v a="$t_started" -v b="$(now)" 'BEGIN { exit !(b - a > 600) }' && { echo "$tenant: not ready after 10 minutes" >&2; exit 1; }
			sleep 0.05
		done
		t_ready=$(now)
		acks_at_ready=$(wc -l <"$WORK/writer.log")
		sleep 1 # streaming under writes
		figures=$(qp "$WEST" -F' ' -c "SELECT extract(epoch FROM lock_wait) * 1000, extract(epoch FROM catch_up) * 1000,
		                                     extract(epoch FROM verification) * 1000, extract(epoch FROM write_blocked) * 1000,
		                                     extract(epoch FROM unavailable) * 1000, rows_verified
		                                FROM wt_relocation_cutover('$tenant', verify => '$mode')" 2>"$WORK/cutover.err") ||
			{ cat "$WORK/cutover.err" >&2; exit 1; }
		touch "$WORK/stop"
		wait "$WRITER_PID" || { cat "$WORK/writer.out" >&2; exit 1; }
		WRITER_PID=
		refused=$(grep -m1 ' refused ' "$WORK/writer.log")
		client_wait=$(ms "$(cut -d' ' -f1 <<<"$refused")" "$(cut -d' ' -f2 <<<"$refused")")
		last_east=$(grep ' ack east' "$WORK/writer.log" | tail -n 1 | cut -d' ' -f2)
		first_west=$(grep -m1 ' ack west' "$WORK/writer.log" | cut -d' ' -f2)
		rate=$(awk -v n=$((acks_at_ready - acks_at_start)) -v a="$t_started" -v b="$t_ready" 'BEGIN { printf "%.0f", n / (b - a) }')
		read -r lock_wait catch_up verify blocked unavailable rows <<<"$figures"
		printf '%s %s %s %s %.0f %.0f %.0f %.0f %.0f %s %s %s %s\n' "$mode" "$round" \
			"$(ms "$t_start" "$t_started")" "$(ms "$t_started" "$t_ready")" \
			"$lock_wait" "$catch_up" "$verify" "$blocked" "$unavailable" \
			"$client_wait" "$(ms "$last_east" "$first_west")" "$rate" "$rows" >>"$RESULTS"
		printf '   %-8s round %s: start %s ms, copy %s ms, blocked %.0f ms (lock %.0f, catch-up %.0f, verify %.0f), unavailable %.0f ms, client wait %s ms, client gap %s ms, %s writes/s, %s rows verified\n' \
			"$mode" "$round" "$(ms "$t_start" "$t_started")" "$(ms "$t_started" "$t_ready")" "$blocked" \
			"$lock_wait" "$catch_up" "$verify" "$unavailable" "$client_wait" "$(ms "$last_east" "$first_west")" "$rate" "$rows"
	done
done

echo
echo "== median of $ROUNDS relocation(s) per verify mode: $EMPLOYEES employees, $total_logs wellness logs, client writing throughout (ms)"
echo
echo "| verify | start | copy | lock_wait | catch_up | verify | **blocked** | unavailable | client_wait | client_gap | writes/s |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for mode in $MODES; do
	row="| $mode"
	for column in 3 4 5 6 7 8 9 10 11 12; do
		median=$(awk -v m="$mode" -v c=$column '$1 == m { print $c }' "$RESULTS" | sort -n |
			awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
		[ "$column" = 8 ] && median="**$median**"
		row="$row | $median"
	done
	echo "$row |"
done
