#!/usr/bin/env bash
# Crash safety of relocation at every phase boundary, on two throwaway
# clusters on loopback: "east" (source) and "west" (target, which drives).
#
# For every phase boundary of wt_relocation_start() and
# wt_relocation_cutover(), and for each side, the driver is paused exactly
# there (wellness_tenancy.relocation_fail_at = '<boundary>:pause' makes it
# wait on an advisory lock this script holds), that side is crashed
# (pg_ctl stop -m immediate: no shutdown checkpoint, crash recovery at
# restart), the driver is let go, the instance restarted, and the step run
# again.  A writer, connected as the app role, inserts into the tenant the
# whole time, following "has moved to instance" errors, and logs every write
# it got acknowledged.  After each case:
#  - exactly one side serves the tenant: the app role with the tenant reads on
#    one, and is refused on the other (42501 "has moved to instance" after a
#    cut-over; not registered there after a cancelled start);
#  - every acknowledged write is present exactly once where the tenant lives
#    (no write is there twice: a re-applied change would be);
#  - nothing is left: no replication slot or publication on east, no
#    subscription or replication origin on west, no relocation still open.
# Before the source's commit the step run again is the next boundary's case:
# a series of interrupted runs on one relocation, checked after each crash
# (the source serves, the relocation is still open, its subscription
# enabled), ends with a run that completes (a start, then cancelled; a
# cut-over) and leaves nothing.  After the source's commit, the cut-over run
# again completes the switch (or releases a source that was down at the end).
#
# RELOCATION_CRASH_CASES="cutover:target_switched/east ..." runs some cases only.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh relocation_crash

DB=wellness
LOCK_KEY="hashtext('wellness_tenancy.relocation_fail_at')"
step() { echo "== $*"; }
LAPS="" LAST=$EPOCHREALTIME
lap() { # lap NAME: how long since the previous lap (printed with each case)
	LAPS+="$1 $(awk -v a="$LAST" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s "
	LAST=$EPOCHREALTIME
}
qp() { # qp PORT SQL... : one value or rows, unaligned, errors fatal
	local port=$1
	shift
	psql -X -q -v ON_ERROR_STOP=1 -At -h 127.0.0.1 -p "$port" -U postgres -d "$DB" "$@"
}

START_BOUNDARIES="start:checked start:target_prepared start:source_opened start:slot_created start:subscribed"
CUTOVER_BOUNDARIES="cutover:checked cutover:frozen cutover:caught_up cutover:verified cutover:source_switched
 cutover:target_switched cutover:source_committed cutover:released"

# --- two instances ------------------------------------------------------------------
settings=("synchronous_commit = on" "wal_retrieve_retry_interval = '200ms'" "wal_level = logical"
	"max_wal_senders = 10" "max_replication_slots = 10")
cluster_start east "${settings[@]}"
cluster_start west "${settings[@]}"
EAST=$east_PORT WEST=$west_PORT
declare -A PORT_OF=([east]=$EAST [west]=$WEST)
for port in $EAST $WEST; do
	psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
		-c "CREATE ROLE wellness_app LOGIN" -c "CREATE DATABASE $DB"
	qp "$port" -c "CREATE EXTENSION wellness_tenancy" -c "CREATE EXTENSION dblink"
done
qp "$EAST" -c "INSERT INTO wt_instances (name, conninfo, is_local) VALUES ('east', NULL, true),
               ('west', 'host=127.0.0.1 port=$WEST dbname=$DB user=postgres', false)"
qp "$WEST" -c "INSERT INTO wt_instances (name, conninfo, is_local) VALUES ('west', NULL, true),
               ('east', 'host=127.0.0.1 port=$EAST dbname=$DB user=postgres', false)"

# crash NAME: stop at once, as a power cut would (the instance recovers from
# its WAL at restart); restart NAME: start it again on the same port.
crash() {
	local dir
	dir=$(_cluster_var "$1" DIR)
	cluster_as_postgres "$dir" "$PG_BINDIR/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
}
restart() {
	local dir
	dir=$(_cluster_var "$1" DIR)
	cluster_as_postgres "$dir" "$PG_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null
}

# --- the writer -----------------------------------------------------------------------
# writer TENANT: one INSERT per connection, as the app role with the tenant
# set, on the instance that serves it (it follows "has moved to instance");
# each insert carries a new key, logged once acknowledged.  Failures
# (instance down, tenant suspended during the switch) are retried with the
# next key: an unacknowledged key may or may not be there, never twice.
writer() {
	local tenant=$1 instance=east n=0 out moved key
	exec >"$work/$tenant.writer" 2>&1
	while [ ! -e "$work/stop-$tenant" ]; do
		n=$((n + 1))
		key=k-$CASE-$n
		if out=$(psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${PORT_OF[$instance]}" -U wellness_app -d "$DB" \
			-c "SELECT wt_set_tenant('$tenant')" \
			-c "INSERT INTO wellness_logs (employee_id, activity_type, duration_minutes, log_date, notes)
			    SELECT id, 'walk', $n, current_date, '$key' FROM employees ORDER BY email LIMIT 1 RETURNING 'ok'" 2>&1) &&
			grep -qx ok <<<"$out"; then
			echo "$key $instance" >>"$work/$tenant.acks"
			sleep 0.1  # a steady trickle: the machine is shared with the servers
		else
			moved=$(sed -n 's/.*has moved to instance "\([a-z]*\)".*/\1/p' <<<"$out" | head -n 1)
			[ -n "$moved" ] && instance=$moved
			sleep 0.05
		fi
	done
}
WRITER=
CASE=0
start_writer() {
	CASE=$((CASE + 1))
	rm -f "$work/stop-$1" "$work/$1.acks"
	writer "$1" &
	WRITER=$!
	# a few acknowledged writes before anything happens
	for _ in $(seq 1 100); do
		[ -s "$work/$1.acks" ] && return 0
		sleep 0.05
	done
	fail "writer of $1 gets no write acknowledged"
}
stop_writer() {
	touch "$work/stop-$1"
	wait "$WRITER" || true
	WRITER=
}
on_exit '[ -z "$WRITER" ] || kill "$WRITER" 2>/dev/null'

# --- pausing the driver at a boundary -------------------------------------------------
HOLDER=
hold_boundaries() { # take the advisory lock the driver waits on at its boundary
	psql -X -q -h 127.0.0.1 -p "$WEST" -U postgres -d "$DB" -c "SET application_name = 'crash_holder'" \
		-c "SELECT pg_advisory_lock($LOCK_KEY)" -c "SELECT pg_sleep(600)" >/dev/null 2>&1 &
	HOLDER=$!
	for _ in $(seq 1 200); do
		[ "$(qp "$WEST" -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
		                     WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = 'crash_holder'")" = 1 ] && return 0
		sleep 0.02
	done
	fail "could not take the boundary lock"
}
release_boundaries() {
	qp "$WEST" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'crash_holder'" >/dev/null
	wait "$HOLDER" 2>/dev/null || true
	HOLDER=
}
on_exit '[ -z "$HOLDER" ] || kill "$HOLDER" 2>/dev/null'
DRIVER=
drive() { # drive BOUNDARY SQL: run SQL on west in the background, pausing at BOUNDARY
	psql -X -q -At -v VERBOSITY=verbose -h 127.0.0.1 -p "$WEST" -U postgres -d "$DB" \
		-c "SET wellness_tenancy.relocation_fail_at = '$1:pause'" -c "$2" >"$work/driver.out" 2>&1 &
	DRIVER=$!
	for _ in $(seq 1 600); do
		[ "$(qp "$WEST" -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")" = 1 ] && return 0
		kill -0 "$DRIVER" 2>/dev/null || { cat "$work/driver.out"; fail "the driver ended before boundary $1"; }
		sleep 0.05
	done
	cat "$work/driver.out"
	fail "the driver never reached boundary $1"
}
# crash_at BOUNDARY SIDE SQL: the driver paused at BOUNDARY, SIDE crashed
# there, the driver let go (when it survived), SIDE restarted.
crash_at() {
	local boundary=$1 side=$2 sql=$3
	hold_boundaries
	drive "$boundary" "$sql"
	lap to-boundary
	crash "$side"
	if [ "$side" = east ]; then release_boundaries; fi
	wait "$DRIVER" && driver_status=ok || driver_status=failed
	DRIVER= HOLDER=
	lap crash
	restart "$side"
	lap restart
	echo "  $boundary, $side crashed: the interrupted step $driver_status$(
		grep -m1 -o 'ERROR:  [0-9A-Z]*: .*' "$work/driver.out" | cut -c1-110 | sed 's/^/ (/; s/$/)/')"
}

# --- assertions -----------------------------------------------------------------------
serves() { # serves INSTANCE TENANT: the app role with the tenant reads there
	psql -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${PORT_OF[$1]}" -U wellness_app -d "$DB" \
		-c "SELECT wt_set_tenant('$2')" -c "SELECT count(*) FROM wellness_logs" >/dev/null 2>&1
}
refuses() { # refuses INSTANCE TENANT PATTERN: the app role is refused there, with PATTERN
	local out
	if out=$(psql -X -q -At -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -h 127.0.0.1 -p "${PORT_OF[$1]}" \
		-U wellness_app -d "$DB" -c "SELECT wt_set_tenant('$2')" -c "SELECT count(*) FROM $2.wellness_logs" 2>&1); then
		return 1
	fi
	grep -Eq "$3" <<<"$out"
}
# writes_once LABEL TENANT INSTANCE: every acknowledged write of this case is
# there exactly once, and no write twice (the acknowledgements are read first:
# each was committed before the query)
writes_once() {
	local label=$1 tenant=$2 instance=$3 missing twice
	cut -d' ' -f1 "$work/$tenant.acks" | sort >"$work/acked"
	qp "${PORT_OF[$instance]}" -c "SELECT notes, count(*) FROM $tenant.wellness_logs WHERE notes LIKE 'k-$CASE-%' GROUP BY notes" \
		>"$work/rows"
	twice=$(awk -F'|' '$2 != 1' "$work/rows")
	[ -z "$twice" ] || fail "$label: writes there more than once: $twice"
	missing=$(comm -23 "$work/acked" <(cut -d'|' -f1 "$work/rows" | sort))
	[ -z "$missing" ] || fail "$label: acknowledged writes missing on $instance: $missing"
	[ -s "$work/acked" ] || fail "$label: no write acknowledged"
}
# check_open LABEL TENANT: after a crash before the source's commit (and the
# failed step): east still serves, west refuses, the relocation is still open
# on both sides (when it was started) with its subscription enabled
check_open() {
	local label=$1 tenant=$2
	serves east "$tenant" || fail "$label: east does not serve $tenant"
	refuses west "$tenant" 'not a registered tenant|is suspended' || fail "$label: west does not refuse $tenant"
	writes_once "$label" "$tenant" east
	if [ "$(qp "$WEST" -c "SELECT count(*) FROM tenant_relocations WHERE schema_name = '$tenant' AND state = 'copying'")" = 1 ]; then
		[ "$(qp "$WEST" -c "SELECT s.subenabled FROM pg_subscription s JOIN tenant_relocations r ON r.subscription_name = s.subname
		                     WHERE r.schema_name = '$tenant' AND r.state = 'copying'")" = t ] ||
			fail "$label: the relocation's subscription is not enabled"
		wait_ready "$tenant" # streams again, without apply errors
	fi
	lap checks
	echo "  $label: east serves $tenant, west refuses it; $(wc -l <"$work/acked") acknowledged writes, each there once"
	[ -z "${RELOCATION_CRASH_TIMES:-}" ] || echo "    ($LAPS)"
	LAPS=""
}
# check_done LABEL TENANT HOME OTHER REFUSAL: after the step was completed (or
# cancelled): HOME serves, OTHER refuses with REFUSAL, every acknowledged
# write once on HOME, nothing left on either side
check_done() {
	local label=$1 tenant=$2 home=$3 other=$4 refusal=$5
	serves "$home" "$tenant" || fail "$label: $home does not serve $tenant"
	refuses "$other" "$tenant" "$refusal" || fail "$label: $other does not refuse $tenant with /$refusal/"
	writes_once "$label" "$tenant" "$home"
	[ "$(qp "$EAST" -c "SELECT (SELECT count(*) FROM pg_replication_slots) || ' ' || (SELECT count(*) FROM pg_publication)
	                     || ' ' || (SELECT count(*) FROM tenant_relocations WHERE state = 'copying')")" = "0 0 0" ] ||
		fail "$label: slot, publication or open relocation left on east"
	[ "$(qp "$WEST" -c "SELECT (SELECT count(*) FROM pg_subscription) || ' ' || (SELECT count(*) FROM pg_replication_origin)
	                     || ' ' || (SELECT count(*) FROM tenant_relocations WHERE state = 'copying')")" = "0 0 0" ] ||
		fail "$label: subscription, origin or open relocation left on west"
	lap checks
	echo "  $label: $home serves $tenant, $other refuses it; $(wc -l <"$work/acked") acknowledged writes, each there once; nothing left"
	[ -z "${RELOCATION_CRASH_TIMES:-}" ] || echo "    ($LAPS)"
	LAPS=""
}
wait_ready() { # wait_ready TENANT
	for _ in $(seq 1 300); do
		[ "$(qp "$WEST" -c "SELECT phase FROM wt_relocation_status('$1') WHERE state = 'copying'")" = "ready for cut-over" ] &&
			return 0
		sleep 0.1
	done
	fail "relocation of $1 never became ready: $(qp "$WEST" -c "SELECT phase || ', apply errors ' || apply_errors FROM wt_relocation_status('$1') WHERE state = 'copying'")"
}
selected() { # selected BOUNDARY SIDE
	[ -z "${RELOCATION_CRASH_CASES:-}" ] || [[ " $RELOCATION_CRASH_CASES " == *" $1/$2 "* ]]
}
new_tenant() { # a small tenant on east
	qp "$EAST" >/dev/null <<-SQL
		SELECT wt_create_tenant('Tenant $1', '$1');
		INSERT INTO $1.employees (email) SELECT 'e' || g || '@$1.test' FROM generate_series(1, 20) g;
		INSERT INTO $1.wellness_logs (employee_id, activity_type, duration_minutes, log_date)
		SELECT e.id, 'run', g, DATE '2026-01-01' + g FROM $1.employees e, generate_series(1, 10) g;
	SQL
}

cutover_again() { # cutover_again LABEL TENANT: run the cut-over again; it completes
	if ! qp "$WEST" -c "SELECT tenant, write_blocked IS NOT NULL FROM wt_relocation_cutover('$2', timeout => '1 min')" \
		>"$work/rerun.out" 2>&1; then
		# a crash after both commits: completed already, nothing to re-run
		grep -q 'no relocation of tenant "'"$2"'" to this instance is in progress' "$work/rerun.out" &&
			[ "$(qp "$WEST" -c "SELECT state FROM tenant_relocations WHERE schema_name = '$2'")" = completed ] ||
			{ cat "$work/rerun.out"; fail "$1: the second cut-over failed"; }
	fi
	lap rerun
}
moved_on() { # moved_on LABEL TENANT: the writer got writes acknowledged on west, east names west
	for _ in $(seq 1 200); do
		grep -q ' west$' "$work/$2.acks" && break
		sleep 0.05
	done
	stop_writer "$2"
	grep -q ' west$' "$work/$2.acks" || fail "$1: the writer never wrote on west"
	[ "$(qp "$EAST" -c "SELECT status || ' ' || placement FROM tenants WHERE schema_name = '$2'")" = "relocated west" ] ||
		fail "$1: east's registry does not name west"
	lap writer-west
}
relocation_ready() { # relocation_ready TENANT: a new tenant on east, its writer, relocation started and streaming
	new_tenant "$1"
	start_writer "$1"
	qp "$WEST" -c "SELECT wt_relocation_start('$1', 'east')" >/dev/null 2>&1
	wait_ready "$1"
	lap relocation-ready
}

# After each crash, the state is checked and the step run again.  Before the
# commits, the step run again is the next case (paused and crashed at the next
# boundary): each boundary's crash is followed by a run of the step that is
# itself interrupted, until the last run of a series completes; the states
# between are checked as well.

# --- start: crash at each boundary; start again; cancel --------------------------------
step "wt_relocation_start: crash at each boundary; started again; cancelled"
for side in east west; do
	tenant=starter_$side
	new_tenant "$tenant"
	start_writer "$tenant"
	for boundary in $START_BOUNDARIES; do
		selected "$boundary" "$side" || continue
		crash_at "$boundary" "$side" "SELECT wt_relocation_start('$tenant', 'east')"
		if [ "$(qp "$WEST" -c "SELECT count(*) FROM tenant_relocations WHERE state = 'copying'")" = 1 ]; then
			# the start survived the crash of the source after its last remote step
			check_open "$boundary/$side (the start completed)" "$tenant"
			qp "$WEST" -c "SELECT wt_relocation_cancel('$tenant')" >/dev/null 2>&1
		fi
		check_open "$boundary/$side" "$tenant"
	done
	qp "$WEST" -c "SELECT wt_relocation_start('$tenant', 'east')" >"$work/rerun.out" 2>&1 ||
		{ cat "$work/rerun.out"; fail "start/$side: the last start failed"; }
	qp "$WEST" -c "SELECT wt_relocation_cancel('$tenant')" >"$work/cancel.out" 2>&1 ||
		{ cat "$work/cancel.out"; fail "start/$side: cancel failed"; }
	stop_writer "$tenant"
	check_done "start/$side: started once more, then cancelled" "$tenant" east west 'not a registered tenant'
done

# --- cut-over: crash at each boundary; cut over again ----------------------------------
step "wt_relocation_cutover: crash at each boundary; cut over again"
for side in east west; do
	tenant=mover_$side
	relocation_ready "$tenant"
	for boundary in $CUTOVER_BOUNDARIES; do
		selected "$boundary" "$side" || continue
		case $boundary in
		cutover:source_committed | cutover:released)
			# after the source's commit: run once more, it completes
			[ "$boundary" = cutover:released ] && { tenant=mover2_$side; relocation_ready "$tenant"; }
			crash_at "$boundary" "$side" "SELECT tenant FROM wt_relocation_cutover('$tenant', timeout => '1 min')"
			cutover_again "$boundary/$side" "$tenant"
			moved_on "$boundary/$side" "$tenant"
			check_done "$boundary/$side" "$tenant" west east "42501: tenant \"$tenant\" has moved to instance \"west\""
			;;
		*)
			crash_at "$boundary" "$side" "SELECT tenant FROM wt_relocation_cutover('$tenant', timeout => '1 min')"
			check_open "$boundary/$side" "$tenant"
			;;
		esac
	done
done

echo "relocation_crash: PASS ($SECONDS s)"
