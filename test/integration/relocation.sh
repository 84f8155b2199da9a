#!/usr/bin/env bash
# Relocation of a tenant between two PostgreSQL instances, on two
# throwaway clusters on loopback: "east" (source, wal_level = logical) and
# "west" (target).
#
# What it proves:
#  - the preconditions fail with clear SQLSTATE-coded errors: dblink missing,
#    unknown instance, unknown tenant, tenant already on the target, wal_level
#    not logical on the source, tenant migrations that differ, not a superuser;
#  - tenant "acme" (1,000 employees, 20,000 wellness logs, plus a table a DBA
#    added by hand with a bigserial key) is relocated east -> west while a
#    client connected as the app role writes to it without pause (inserts,
#    updates, deletes, sequence-using inserts, each acknowledged in a log),
#    and another client writes to tenant "globex" on east;
#  - a cut-over that cannot lock the tenant in time (a long transaction) fails
#    with 55P03 and changes nothing; the retry succeeds, while a transaction
#    takes the tenant's table locks in the opposite order (no deadlock: the
#    cut-over retries its lock; the transaction's rows arrive on west);
#  - at cut-over the row counts and checksums of every table are equal on both
#    sides (recorded in tenant_relocations on both instances); afterwards the
#    data on west is exactly the seed data plus every acknowledged write, each
#    once (nothing lost, nothing duplicated), and the sequence continues;
#  - after cut-over east refuses the tenant -- to the writer, whose pending
#    write was blocked and then refused, to a new app session, and a write to
#    a DBA session without tenant context -- with 42501 naming "west"; the
#    writer follows that error to west and continues there; the DBA still
#    reads the stale copy (pg_dump of it: relocation_dump.sh);
#  - globex on east is untouched: its writer saw no error, its rows are all
#    there, its registry row is unchanged;
#  - the tenant directory agrees on both instances; nothing is left behind
#    (slots, publications, subscriptions); the copy left on east can be
#    dropped with wt_drop_tenant();
#  - a cut-over committed on the source whose target transaction is lost
#    (reproduced with BEGIN ... ROLLBACK around it) is completed by running
#    wt_relocation_cutover() again: same rows, sequence carried;
#  - cancellation, during the initial copy and once streaming, leaves the
#    source untouched (registry row, data, no slot or publication) and the
#    target clean (no schema, registry row, subscription or origin).
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh relocation

WORK=$work
WRITERS=()
stop_writers() {
	local pid
	for pid in "${WRITERS[@]}"; do kill "$pid" 2>/dev/null || true; done
}
on_exit stop_writers

writer_logs_tail() {
	local f
	for f in "$WORK"/*.out "$WORK"/*.log; do
		[ -s "$f" ] && { echo "---- end of $(basename "$f") ----"; tail -n 5 "$f"; }
	done
	return 0
}
on_fail writer_logs_tail
step() { echo "== $*"; }
DB=wellness
qp() { # qp PORT SQL... : one value or rows, unaligned, errors fatal
	local port=$1
	shift
	psql -X -q -v ON_ERROR_STOP=1 -At -h 127.0.0.1 -p "$port" -U postgres -d "$DB" "$@"
}
# expect_error PORT SQLSTATE REGEX SQL [ROLE]: the statement fails with that
# SQLSTATE and a message matching REGEX; prints the error.
expect_error() {
	local port=$1 state=$2 pattern=$3 sql=$4 role=${5:-postgres} out
	if out=$(psql -X -q -v VERBOSITY=verbose -At -h 127.0.0.1 -p "$port" -U "$role" -d "$DB" \
		-c "$sql" 2>&1); then
		fail "expected $state, but it succeeded: $sql"
	fi
	grep -q "ERROR:  $state:" <<<"$out" || fail "expected SQLSTATE $state for: $sql; got: $out"
	grep -Eq "$pattern" <<<"$out" || fail "error for '$sql' does not match /$pattern/: $out"
	sed -n 's/^.*\(ERROR\|HINT\):  /  \1: /p' <<<"$out" | grep -v '^  LOCATION' | head -3
}

# --- the writer ----------------------------------------------------------------
# The writers name their tables without the schema, resolved through the
# search_path wt_set_tenant() sets, as the application does: a session whose
# own tenant has moved is told where it went, not "relation does not exist".
# WT_RELOCATION_UNQUALIFIED=0 makes them qualify every name instead.
UNQUALIFIED=${WT_RELOCATION_UNQUALIFIED:-1}
# writer NAME TENANT INSTANCE: one persistent connection as the app role, with
# the tenant set, performing operations one at a time (each autocommitted)
# until $WORK/stop-NAME exists.  Every acknowledged operation is logged as
#   <epoch> ack <instance> <op> <key> [<value>]
# When a write is refused with "has moved to instance X" the writer logs
# "refused", connects to X (as an application would, after looking the
# tenant up in the directory) and retries the same operation there.  Any
# other error ends it with a non-zero status.
declare -A PORT_OF
writer() {
	local name=$1 tenant=$2 instance=$3
	local log=$WORK/$name.log stop=$WORK/stop-$name
	local employee n=0 out after_switch=0 switched=0 started=$SECONDS prefix="$tenant."
	[ "$UNQUALIFIED" = 1 ] && prefix=""
	exec >"$WORK/$name.out" 2>&1

	open_session() {
		local port=${PORT_OF[$1]} tries=0
		coproc W { exec stdbuf -oL -eL psql -X -q -At -v VERBOSITY=verbose \
			-h 127.0.0.1 -p "$port" -U wellness_app -d "$DB" 2>&1; }
		# until the tenant can be set there (at cut-over the target turns
		# active a moment after the source refuses)
		while :; do
			out=$(run_sql "SELECT wt_set_tenant('$tenant')")
			[ "$out" = "$tenant" ] && break
			tries=$((tries + 1))
			[ "$tries" -lt 300 ] || { echo "cannot set tenant on $1: $out"; exit 1; }
			sleep 0.05
		done
		employee=$(run_sql "SELECT id FROM employees ORDER BY email LIMIT 1")
	}
	close_session() {
		local input=${W[1]} pid=$W_PID
		eval "exec ${input}>&-"
		wait "$pid" 2>/dev/null || true
	}
	run_sql() { # run_sql SQL: prints everything psql answered
		local marker="__end_${RANDOM}_$n" line result=""
		printf '%s;\n\\echo %s\n' "$1" "$marker" >&"${W[1]}"
		while IFS= read -r -t 120 -u "${W[0]}" line; do
			[ "$line" = "$marker" ] && { printf '%s' "$result"; return 0; }
			result+="$line"$'\n'
		done
		echo "writer $name: no answer from $instance for: $1" >&2
		exit 1
	}
	# perform OP KEY SQL: runs it, following the tenant if it moved
	perform() {
		local op=$1 key=$2 sql=$3 value target
		while :; do
			out=$(run_sql "$sql")
			if ! grep -q 'ERROR' <<<"$out"; then
				value=$(head -n 1 <<<"$out")
				echo "$EPOCHREALTIME ack $instance $op $key $value" >>"$log"
				[ "$switched" = 1 ] && after_switch=$((after_switch + 1))
				return 0
			fi
			target=$(sed -n 's/.*ERROR:  42501: tenant "[a-z_0-9]*" has moved to instance "\([a-z_0-9]*\)".*/\1/p' <<<"$out")
			if [ -z "$target" ]; then
				echo "writer $name: unexpected error on $instance: $out"
				exit 1
			fi
			echo "$EPOCHREALTIME refused $instance $op $key $target" >>"$log"
			grep -m1 'ERROR' <<<"$out" >"$WORK/$name.refusal"
			close_session
			instance=$target
			switched=1
			open_session "$instance"
			echo "$EPOCHREALTIME switched $instance" >>"$log"
		done
	}

	open_session "$instance"
	while :; do
		n=$((n + 1))
		perform insert "w-$n" "INSERT INTO ${prefix}wellness_logs (employee_id, activity_type, duration_minutes, log_date, notes)
			VALUES ('$employee', 'walk', $n, current_date, '$name-w-$n') RETURNING 'ok'"
		if [ "$tenant" = acme ]; then
			if ((n % 3 == 0)); then
				perform step "s-$n" "INSERT INTO ${prefix}step_counts (employee_id, steps, note)
					VALUES ('$employee', $n, '$name-s-$n') RETURNING id"
			fi
			if ((n % 7 == 0)); then
				perform update "w-$((n - 3))" "UPDATE ${prefix}wellness_logs SET duration_minutes = duration_minutes + 1000
					WHERE notes = '$name-w-$((n - 3))' RETURNING 'ok'"
			fi
			if ((n % 11 == 0)); then
				perform delete "w-$((n - 5))" "DELETE FROM ${prefix}wellness_logs WHERE notes = '$name-w-$((n - 5))' RETURNING 'ok'"
			fi
		fi
		if [ -e "$stop" ] && { [ "$tenant" != acme ] || [ "$after_switch" -ge 60 ]; }; then
			break
		fi
		((SECONDS - started < 600)) || { echo "writer $name: ran for 10 minutes"; exit 1; }
	done
	close_session
	echo "done $n" >"$WORK/$name.done"
}
start_writer() {
	writer "$@" &
	WRITERS+=($!)
	eval "${1}_PID=$!"
}
stop_writer() { # stop_writer NAME
	local pid_var="${1}_PID"
	touch "$WORK/stop-$1"
	wait "${!pid_var}" || { cat "$WORK/$1.out" >&2; fail "writer $1 failed"; }
	[ -e "$WORK/$1.done" ] || fail "writer $1 did not finish"
}
acks() { # acks NAME: number of acknowledged operations so far
	if [ -e "$WORK/$1.log" ]; then grep -c ' ack ' "$WORK/$1.log" || true; else echo 0; fi
}

# --- two instances --------------------------------------------------------------
step "starting east (source, wal_level = logical) and west (target, wal_level = replica)"
cluster_start east "wal_level = logical" "max_wal_senders = 10" "max_replication_slots = 10"
cluster_start west
EAST=$east_PORT WEST=$west_PORT
PORT_OF[east]=$EAST PORT_OF[west]=$WEST
for port in $EAST $WEST; do
	psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres <<-SQL
		CREATE ROLE wellness_app LOGIN;
		CREATE DATABASE $DB;
	SQL
	qp "$port" -c "CREATE EXTENSION wellness_tenancy"
done
qp "$EAST" -c "CREATE EXTENSION dblink"
qp "$EAST" <<-SQL
	INSERT INTO wt_instances (name, conninfo, is_local) VALUES
	    ('east', NULL, true),
	    ('west', 'host=127.0.0.1 port=$WEST dbname=$DB user=postgres', false);
SQL
qp "$WEST" <<-SQL
	INSERT INTO wt_instances (name, conninfo, is_local) VALUES
	    ('west', NULL, true),
	    ('east', 'host=127.0.0.1 port=$EAST dbname=$DB user=postgres', false);
SQL

step "tenants on east: acme (relocated), globex (stays), initech (relocation cancelled)"
qp "$EAST" <<-'SQL'
	SELECT wt_create_tenant('Acme Corp', 'acme');
	SELECT wt_create_tenant('Globex', 'globex');
	SELECT wt_create_tenant('Initech', 'initech');
	INSERT INTO acme.employees (email, full_name)
	SELECT 'employee' || g || '@acme.test', 'Employee ' || g FROM generate_series(1, 1000) g;
	INSERT INTO acme.wellness_logs (employee_id, activity_type, duration_minutes, log_date)
	SELECT e.id, (ARRAY['run', 'yoga', 'swim', 'walk'])[1 + g % 4], 10 + g, DATE '2026-01-01' + g
	  FROM acme.employees e, generate_series(1, 20) g;
	-- a table a DBA added to this one tenant, outside the tenant migrations,
	-- with a sequence (logical replication does not carry sequences)
	CREATE TABLE acme.step_counts (
	    id bigserial PRIMARY KEY,
	    employee_id uuid REFERENCES acme.employees (id) ON DELETE CASCADE,
	    steps integer NOT NULL CHECK (steps >= 0),
	    note text
	);
	CREATE INDEX step_counts_employee_idx ON acme.step_counts (employee_id);
	INSERT INTO acme.step_counts (employee_id, steps) SELECT id, 5000 FROM acme.employees;
	-- and a function, a trigger and a view of their own
	CREATE FUNCTION acme.refuse_absurd_steps() RETURNS trigger LANGUAGE plpgsql AS $$
	BEGIN
	    IF NEW.steps > 200000 THEN RAISE EXCEPTION 'absurd step count %', NEW.steps; END IF;
	    RETURN NEW;
	END $$;
	CREATE TRIGGER step_counts_sanity BEFORE INSERT OR UPDATE ON acme.step_counts
	    FOR EACH ROW EXECUTE FUNCTION acme.refuse_absurd_steps();
	CREATE VIEW acme.minutes_per_employee AS
	    SELECT employee_id, sum(duration_minutes) AS minutes FROM acme.wellness_logs GROUP BY employee_id;
	GRANT SELECT ON acme.minutes_per_employee TO wellness_app;
	INSERT INTO globex.employees (email) SELECT 'e' || g || '@globex.test' FROM generate_series(1, 200) g;
	INSERT INTO globex.wellness_logs (employee_id, activity_type, duration_minutes, log_date)
	SELECT e.id, 'run', 30, DATE '2026-02-01' FROM globex.employees e, generate_series(1, 10) g;
	INSERT INTO initech.employees (email) SELECT 'e' || g || '@initech.test' FROM generate_series(1, 1000) g;
	INSERT INTO initech.wellness_logs (employee_id, activity_type, duration_minutes, log_date)
	SELECT e.id, 'swim', g, DATE '2026-03-01' FROM initech.employees e, generate_series(1, 60) g;
SQL
acme_structure=$(qp "$EAST" -c "SELECT * FROM wt_tenant_structure('acme') ORDER BY 1, 2")
# fingerprints of what no writer touches, to compare later
seed_fingerprint() { # seed_fingerprint PORT: acme's seed rows (no writer's marker)
	qp "$1" <<-'SQL'
		SELECT 'employees', count(*), sum(hash_record_extended(e, 0)::numeric) FROM acme.employees e
		 WHERE email <> 'late@acme.test'
		UNION ALL
		SELECT 'wellness_logs', count(*), sum(hash_record_extended(l, 0)::numeric) FROM acme.wellness_logs l
		 WHERE notes IS NULL AND activity_type <> 'held'
		UNION ALL
		SELECT 'step_counts', count(*), sum(hash_record_extended(s, 0)::numeric) FROM acme.step_counts s
		 WHERE note IS NULL;
	SQL
}
acme_seed_before=$(seed_fingerprint "$EAST")
globex_row_before=$(qp "$EAST" -c "SELECT t::text FROM tenants t WHERE schema_name = 'globex'")
globex_seed_before=$(qp "$EAST" -c "SELECT count(*), sum(hash_record_extended(l, 0)::numeric) FROM globex.wellness_logs l")
initech_row_before=$(qp "$EAST" -c "SELECT t::text FROM tenants t WHERE schema_name = 'initech'")
initech_before=$(qp "$EAST" -c "SELECT * FROM wt_tenant_fingerprint('initech')")

# --- preconditions ----------------------------------------------------------------
step "preconditions fail clearly"
expect_error "$WEST" 55000 'dblink extension is not installed' "SELECT wt_relocation_start('acme', 'east')"
expect_error "$WEST" 55000 'HINT:  CREATE EXTENSION dblink' "SELECT wt_tenant_directory()"
qp "$WEST" -c "CREATE EXTENSION dblink"
expect_error "$WEST" 42501 'permission denied' "SELECT wt_relocation_start('acme', 'east')" wellness_app
expect_error "$WEST" 42704 'instance "north" is not known' "SELECT wt_relocation_start('acme', 'north')"
expect_error "$WEST" 42704 '"nosuch" is not a registered tenant on instance "east"' \
	"SELECT wt_relocation_start('nosuch', 'east')"
expect_error "$EAST" 42710 'tenant "acme" already exists on this instance' "SELECT wt_relocation_start('acme', 'west')"
qp "$WEST" -c "SELECT wt_create_tenant('Wavelength', 'wavelength')" >/dev/null
expect_error "$EAST" 55000 'wal_level is "replica" on instance "west"' "SELECT wt_relocation_start('wavelength', 'west')"
latest=$(qp "$WEST" -c "SELECT max(version) FROM tenant_migrations")
qp "$WEST" -c "SELECT wt_add_migration($latest + 1, 'relocation test', 'CREATE TABLE relocation_probe (id integer)')" >/dev/null
expect_error "$WEST" 55000 "tenant migrations differ.*|migration $((latest + 1)) only here" \
	"SELECT wt_relocation_start('acme', 'east')"
qp "$WEST" -c "SELECT wt_remove_migration($latest + 1)" >/dev/null
expect_error "$WEST" 55000 'no relocation of tenant "acme" to this instance is in progress' \
	"SELECT * FROM wt_relocation_cutover('acme')"
[ "$(qp "$EAST" -c "SELECT count(*) FROM pg_replication_slots") $(qp "$EAST" -c "SELECT count(*) FROM pg_publication")" = "0 0" ] ||
	fail "a refused start left a slot or publication on east"
[ "$(qp "$WEST" -c "SELECT count(*) FROM tenants WHERE schema_name = 'acme'")" = 0 ] || fail "a refused start left acme on west"

# --- relocation under load --------------------------------------------------------
step "writers start: acme and globex on east, as the app role"
start_writer acme acme east
start_writer globex globex east
while [ "$(acks acme)" -lt 30 ]; do sleep 0.2; done

step "wt_relocation_start('acme', 'east') on west, while the writers write"
qp "$WEST" -c "SELECT wt_relocation_start('acme', 'east')" 2>&1 | sed 's/^/  /'
qp "$WEST" -c "SELECT subsynccommit FROM pg_subscription" | grep -qx on || fail "subscription not synchronous"
expect_error "$WEST" 42501 'tenant "acme" is suspended' "SET wellness_tenancy.tenant = 'acme'" wellness_app

step "watching wt_relocation_status('acme') on west"
phases=""
for _ in $(seq 1 600); do
	phase=$(qp "$WEST" -c "SELECT phase FROM wt_relocation_status('acme') WHERE state = 'copying'")
	case " $phases " in *" $phase "*) ;; *)
		phases="$phases $phase"
		qp "$WEST" -c "SELECT phase, tables_ready || '/' || tables_total AS tables, rows_copied, lag_bytes
		                FROM wt_relocation_status('acme') WHERE state = 'copying'" | sed 's/^/  status: /'
		;;
	esac
	[ "$phase" = "ready for cut-over" ] && break
	sleep 0.1
done
[ "$phase" = "ready for cut-over" ] || fail "relocation never became ready (phases:$phases)"
qp "$WEST" -c "SELECT table_name, sync_state, rows_here, rows_on_source FROM wt_relocation_progress('acme', true)" |
	sed 's/^/  progress: /'
[ "$(qp "$EAST" -c "SELECT phase FROM wt_relocation_status('acme')")" = "publishing to west" ] ||
	fail "east does not show the outgoing relocation"
acks_at_ready=$(acks acme)
while [ "$(acks acme)" -lt $((acks_at_ready + 40)) ]; do sleep 0.2; done # writes while streaming

step "a cut-over that cannot lock the tenant in time changes nothing"
psql -X -q -h 127.0.0.1 -p "$EAST" -U postgres -d "$DB" -c "BEGIN" \
	-c "INSERT INTO acme.wellness_logs (employee_id, activity_type, log_date, notes)
	    SELECT id, 'held', current_date, 'held-by-dba' FROM acme.employees ORDER BY email LIMIT 1" \
	-c "SELECT pg_sleep(4)" -c "COMMIT" >/dev/null &
held=$!
sleep 0.5
expect_error "$WEST" 55P03 'could not block writes to tenant "acme" on instance "east"' \
	"SELECT * FROM wt_relocation_cutover('acme', lock_timeout => '400ms')"
wait "$held"
[ "$(qp "$EAST" -c "SELECT status FROM tenants WHERE schema_name = 'acme'")" = active ] || fail "failed cut-over changed east"
[ "$(qp "$WEST" -c "SELECT state FROM tenant_relocations WHERE schema_name = 'acme'")" = copying ] ||
	fail "failed cut-over changed the relocation"

step "wt_relocation_cutover('acme') on west, while a transaction locks acme's tables in the other order"
# A transaction that holds employees and then writes wellness_logs takes its
# locks in the opposite order of the cut-over (referencing tables first):
# the cut-over must neither deadlock with it nor lose its rows.
psql -X -q -h 127.0.0.1 -p "$EAST" -U postgres -d "$DB" -v ON_ERROR_STOP=1 -c "BEGIN" \
	-c "INSERT INTO acme.employees (email) VALUES ('late@acme.test')" -c "SELECT pg_sleep(1.5)" \
	-c "INSERT INTO acme.wellness_logs (employee_id, activity_type, log_date, notes)
	    SELECT id, 'late', current_date, 'late-by-dba' FROM acme.employees WHERE email = 'late@acme.test'" \
	-c "COMMIT" >"$WORK/late.out" 2>&1 &
late=$!
sleep 0.3
before_cutover=$(acks acme)
qp "$WEST" -x -c "SELECT * FROM wt_relocation_cutover('acme', timeout => '1 min')" >"$WORK/cutover.out" 2>&1 ||
	{ cat "$WORK/cutover.out"; fail "the cut-over failed"; }
sed 's/^/  /' "$WORK/cutover.out"
wait "$late" || { cat "$WORK/late.out"; fail "the transaction running across the cut-over failed"; }
grep -q 'writes blocked after [0-9]* attempts' "$WORK/cutover.out" ||
	fail "the cut-over did not have to retry its lock (the late transaction did not overlap it)"
qp "$WEST" -c "SELECT write_blocked FROM tenant_relocations WHERE schema_name = 'acme' AND state = 'completed'" |
	grep -q . || fail "no completed relocation recorded on west"

step "the writer is refused on east, follows the tenant to west and goes on there"
for _ in $(seq 1 600); do grep -q switched "$WORK/acme.log" 2>/dev/null && break; sleep 0.1; done
grep -q switched "$WORK/acme.log" || fail "the acme writer never left east"
sed 's/^/  writer refused: /' "$WORK/acme.refusal"
grep -q 'ERROR:  42501: tenant "acme" has moved to instance "west"' "$WORK/acme.refusal" ||
	fail "the writer's refusal does not name west"
stop_writer acme
stop_writer globex
refused_line=$(grep ' refused ' "$WORK/acme.log" | head -n 1)
last_east=$(grep ' ack east ' "$WORK/acme.log" | tail -n 1 | cut -d' ' -f1)
first_west=$(grep ' ack west ' "$WORK/acme.log" | head -n 1 | cut -d' ' -f1)
refused_at=$(cut -d' ' -f1 <<<"$refused_line")
switched_at=$(grep -m1 ' switched ' "$WORK/acme.log" | cut -d' ' -f1)
gap_ms=$(awk -v a="$last_east" -v b="$first_west" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
parts=$(awk -v a="$last_east" -v r="$refused_at" -v s="$switched_at" -v b="$first_west" \
	'BEGIN { printf "%.0f ms until refused, %.0f ms to reconnect to west and set the tenant, %.0f ms to retry", (r - a) * 1000, (s - r) * 1000, (b - s) * 1000 }')
echo "  writer: $before_cutover operations acknowledged before cut-over, $(acks acme) in all;" \
	"$(grep -c ' ack west ' "$WORK/acme.log") on west"
echo "  writer: last write acknowledged on east -> first on west: $gap_ms ms (the write in between:" \
	"blocked, refused, retried on west: $(cut -d' ' -f4,5 <<<"$refused_line"))"
echo "  writer: $parts"

step "the source refuses the tenant and names its new home"
expect_error "$EAST" 42501 'tenant "acme" has moved to instance "west"' "SET wellness_tenancy.tenant = 'acme'" wellness_app
expect_error "$EAST" 42501 'tenant "acme" has moved to instance "west"' \
	"SELECT wt_set_tenant('globex'); SELECT count(*) FROM acme.employees" wellness_app
# A DBA without a tenant reads the stale copy (pg_dump, inspection) but
# cannot write it: the write would be lost.
[ "$(qp "$EAST" -c "SELECT count(*) > 0 FROM acme.employees")" = t ] || fail "a DBA cannot read the stale copy on east"
expect_error "$EAST" 42501 'tenant "acme" has moved to instance "west"' \
	"INSERT INTO acme.step_counts (steps) VALUES (1)"
[ "$(qp "$EAST" -c "SELECT status || ' ' || placement FROM tenants WHERE schema_name = 'acme'")" = "relocated west" ] ||
	fail "east's registry row does not say relocated to west"

step "row counts and checksums were equal on both sides at cut-over"
for port in $WEST $EAST; do
	qp "$port" -c "SELECT role, e.k, e.v->>'source_rows', e.v->>'target_rows',
	                     e.v->>'source_checksum' = e.v->>'target_checksum'
	                FROM tenant_relocations r, jsonb_each(r.tables) e(k, v)
	               WHERE r.schema_name = 'acme' AND r.state = 'completed' ORDER BY e.k" >"$WORK/verified"
	sed 's/^/  /' "$WORK/verified"
	[ "$(wc -l <"$WORK/verified")" = 3 ] || fail "verification does not list the 3 tables"
	awk -F'|' '$3 != $4 || $5 != "t" { exit 1 }' "$WORK/verified" || fail "counts or checksums differed"
done

step "no acknowledged write lost or duplicated; seed data identical"
# the model: every acknowledged operation, in order
awk '$2 == "ack" {
	if ($4 == "insert") { logs[$5] = substr($5, 3) + 0 }
	else if ($4 == "update" && $6 == "ok") { logs[$5] += 1000 }
	else if ($4 == "delete" && $6 == "ok") { delete logs[$5] }
	else if ($4 == "step") { print "step acme-" $5 " " $6 > "/dev/stderr" }
} END { for (k in logs) print "log acme-" k " " logs[k] }' "$WORK/acme.log" 2>"$WORK/expected.steps" |
	sort >"$WORK/expected.logs"
sort -o "$WORK/expected.steps" "$WORK/expected.steps"
qp "$WEST" -c "SELECT 'log ' || notes || ' ' || duration_minutes FROM acme.wellness_logs WHERE notes LIKE 'acme-w-%'" |
	sort >"$WORK/actual.logs"
qp "$WEST" -c "SELECT 'step ' || note || ' ' || id FROM acme.step_counts WHERE note LIKE 'acme-s-%'" |
	sort >"$WORK/actual.steps"
diff "$WORK/expected.logs" "$WORK/actual.logs" >/dev/null ||
	{ diff "$WORK/expected.logs" "$WORK/actual.logs" | head -20; fail "wellness_logs on west differ from the acknowledged writes"; }
diff "$WORK/expected.steps" "$WORK/actual.steps" >/dev/null ||
	{ diff "$WORK/expected.steps" "$WORK/actual.steps" | head -20; fail "step_counts on west differ from the acknowledged writes"; }
echo "  $(wc -l <"$WORK/expected.logs") wellness_logs and $(wc -l <"$WORK/expected.steps") step_counts rows of the writer: exactly as acknowledged"
[ "$(qp "$WEST" -c "SELECT count(*) FROM acme.wellness_logs WHERE notes = 'held-by-dba'")" = 1 ] ||
	fail "the write committed during the failed cut-over is missing"
[ "$(qp "$WEST" -c "SELECT count(*) FROM acme.wellness_logs l JOIN acme.employees e ON e.id = l.employee_id
                    WHERE l.notes = 'late-by-dba' AND e.email = 'late@acme.test'")" = 1 ] ||
	fail "the transaction that ran across the cut-over is missing on west"
[ "$(seed_fingerprint "$WEST")" = "$acme_seed_before" ] || fail "acme's seed data differ on west"
[ "$(qp "$WEST" -c "SELECT * FROM wt_tenant_structure('acme') ORDER BY 1, 2")" = "$acme_structure" ] ||
	fail "acme's structure differs on west"
expect_error "$WEST" P0001 'absurd step count' "INSERT INTO acme.step_counts (steps) VALUES (999999)"
psql -X -q -At -h 127.0.0.1 -p "$WEST" -U wellness_app -d "$DB" -c "SELECT wt_set_tenant('acme')" \
	-c "SELECT count(*) FROM minutes_per_employee" >/dev/null || fail "the app cannot read acme's view on west"
echo "  structure identical (the DBA's table, sequence, function, trigger, view, grants came along)"
echo "  seed data (employees, 20,000 logs, 1,000 step counts): same counts and checksums as on east before"
max_east=$(awk '$2 == "ack" && $3 == "east" && $4 == "step" { if ($6 > m) m = $6 } END { print m + 0 }' "$WORK/acme.log")
min_west=$(awk '$2 == "ack" && $3 == "west" && $4 == "step" { if (m == "" || $6 < m) m = $6 } END { print m + 0 }' "$WORK/acme.log")
[ "$min_west" -gt "$max_east" ] || fail "sequence not carried: west handed out $min_west after east's $max_east"
echo "  step_counts_id_seq carried: last id on east $max_east, first on west $min_west"

step "globex on east is untouched"
[ "$(qp "$EAST" -c "SELECT t::text FROM tenants t WHERE schema_name = 'globex'")" = "$globex_row_before" ] ||
	fail "globex's registry row changed"
[ "$(qp "$EAST" -c "SELECT count(*), sum(hash_record_extended(l, 0)::numeric) FROM globex.wellness_logs l
                     WHERE notes IS NULL")" = "$globex_seed_before" ] || fail "globex's data changed"
[ "$(qp "$EAST" -c "SELECT count(*) FROM globex.wellness_logs WHERE notes LIKE 'globex-w-%'")" = "$(acks globex)" ] ||
	fail "globex lost writes"
grep -q refused "$WORK/globex.log" && fail "the globex writer was refused"
psql -X -q -At -h 127.0.0.1 -p "$EAST" -U wellness_app -d "$DB" -c "SET wellness_tenancy.tenant = 'globex'" \
	-c "SELECT count(*) FROM globex.employees" >/dev/null || fail "globex cannot be set on east"
echo "  globex: registry row and data unchanged, all $(acks globex) writes present, never refused"

step "the tenant directory agrees on both instances"
for port in $WEST $EAST; do
	qp "$port" -c "SELECT instance, schema_name, status, coalesce(placement, '-'), home_instance, consistent
	                FROM wt_tenant_directory() ORDER BY schema_name, instance" >"$WORK/directory"
	grep -qx 'east|acme|relocated|west|west|t' "$WORK/directory" || { cat "$WORK/directory"; fail "directory: acme on east"; }
	grep -qx 'west|acme|active|-|west|t' "$WORK/directory" || { cat "$WORK/directory"; fail "directory: acme on west"; }
	grep -qx 'east|globex|active|-|east|t' "$WORK/directory" || { cat "$WORK/directory"; fail "directory: globex"; }
	if awk -F'|' '$6 != "t"' "$WORK/directory" | grep -q .; then cat "$WORK/directory"; fail "directory inconsistent"; fi
done
sed 's/^/  /' "$WORK/directory"
[ "$(qp "$EAST" -c "SELECT count(*) FROM pg_replication_slots") $(qp "$EAST" -c "SELECT count(*) FROM pg_publication")" = "0 0" ] ||
	fail "slot or publication left on east"
[ "$(qp "$WEST" -c "SELECT count(*) FROM pg_subscription") $(qp "$WEST" -c "SELECT count(*) FROM pg_replication_origin")" = "0 0" ] ||
	fail "subscription or origin left on west"
psql -X -q -At -h 127.0.0.1 -p "$WEST" -U wellness_app -d "$DB" -c "SELECT wt_set_tenant('acme')" \
	-c "SELECT count(*) FROM employees" >/dev/null || fail "the app cannot use acme on west"
qp "$EAST" -c "SELECT wt_drop_tenant('acme')" 2>&1 | sed 's/^/  /'
[ "$(qp "$EAST" -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'acme'")" = 0 ] || fail "copy on east not dropped"

# --- a cut-over whose target transaction is lost -------------------------------------
# The source's COMMIT happens inside the cut-over; if the target's transaction
# is then lost (crash, connection dropped at COMMIT) the tenant is refused on
# east and not yet served on west.  Running the cut-over inside a transaction
# that is rolled back produces exactly that state; running it again completes.
step "a cut-over whose target transaction is lost is completed by running it again"
qp "$EAST" >/dev/null <<-'SQL'
	SELECT wt_create_tenant('Umbrella', 'umbrella');
	INSERT INTO umbrella.employees (email) SELECT 'e' || g || '@umbrella.test' FROM generate_series(1, 300) g;
	CREATE TABLE umbrella.badges (id serial PRIMARY KEY, label text NOT NULL);
	INSERT INTO umbrella.badges (label) SELECT 'badge ' || g FROM generate_series(1, 77) g;
SQL
umbrella_before=$(qp "$EAST" -c "SELECT * FROM wt_tenant_fingerprint('umbrella')")
qp "$WEST" -c "SELECT wt_relocation_start('umbrella', 'east')" >/dev/null 2>&1
for _ in $(seq 1 600); do
	[ "$(qp "$WEST" -c "SELECT phase FROM wt_relocation_status('umbrella') WHERE state = 'copying'")" = "ready for cut-over" ] && break
	sleep 0.1
done
qp "$WEST" -c "BEGIN" -c "SELECT write_blocked IS NOT NULL FROM wt_relocation_cutover('umbrella')" -c "ROLLBACK" >/dev/null 2>&1
[ "$(qp "$EAST" -c "SELECT status || ' ' || placement FROM tenants WHERE schema_name = 'umbrella'")" = "relocated west" ] ||
	fail "the rolled-back cut-over did not commit on east"
[ "$(qp "$WEST" -c "SELECT status FROM tenants WHERE schema_name = 'umbrella'")" = suspended ] ||
	fail "the rolled-back cut-over changed west"
echo "  after the lost transaction: east refuses umbrella, west still holds it suspended"
qp "$WEST" -x -c "SELECT tenant, sequences_carried, write_blocked FROM wt_relocation_cutover('umbrella')" 2>&1 | sed 's/^/  /'
[ "$(qp "$WEST" -c "SELECT status || ' ' || coalesce(placement, '-') FROM tenants WHERE schema_name = 'umbrella'")" = "active -" ] ||
	fail "the second cut-over did not activate umbrella on west"
[ "$(qp "$WEST" -c "SELECT * FROM wt_tenant_fingerprint('umbrella')")" = "$umbrella_before" ] || fail "umbrella's data differ on west"
[ "$(qp "$WEST" -c "SELECT nextval('umbrella.badges_id_seq')")" = 78 ] || fail "umbrella's sequence not carried"
[ "$(qp "$EAST" -c "SELECT count(*) FROM pg_replication_slots") $(qp "$WEST" -c "SELECT count(*) FROM pg_subscription")" = "0 0" ] ||
	fail "slot or subscription left after the completed cut-over"
[ "$(qp "$WEST" -c "SELECT state FROM tenant_relocations WHERE schema_name = 'umbrella'")" = completed ] ||
	fail "umbrella's relocation not recorded as completed"
echo "  completed: umbrella active on west with the same rows, its sequence carried, nothing left behind"

# --- cancellation -----------------------------------------------------------------
source_untouched() { # after a cancellation
	[ "$(qp "$EAST" -c "SELECT t::text FROM tenants t WHERE schema_name = 'initech'")" = "$initech_row_before" ] ||
		fail "$1: initech's registry row on east changed"
	[ "$(qp "$EAST" -c "SELECT * FROM wt_tenant_fingerprint('initech')")" = "$initech_before" ] ||
		fail "$1: initech's data on east changed"
	[ "$(qp "$EAST" -c "SELECT count(*) FROM pg_replication_slots") $(qp "$EAST" -c "SELECT count(*) FROM pg_publication")" = "0 0" ] ||
		fail "$1: slot or publication left on east"
	[ "$(qp "$WEST" -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'initech'") $(qp "$WEST" -c "SELECT count(*) FROM tenants WHERE schema_name = 'initech'")" = "0 0" ] ||
		fail "$1: initech left on west"
	[ "$(qp "$WEST" -c "SELECT count(*) FROM pg_subscription") $(qp "$WEST" -c "SELECT count(*) FROM pg_replication_origin")" = "0 0" ] ||
		fail "$1: subscription or origin left on west"
	[ "$(qp "$WEST" -c "SELECT state FROM tenant_relocations WHERE schema_name = 'initech' ORDER BY started_at DESC LIMIT 1")" = cancelled ] ||
		fail "$1: west's record is not cancelled"
	[ "$(qp "$EAST" -c "SELECT state FROM tenant_relocations WHERE schema_name = 'initech' ORDER BY started_at DESC LIMIT 1")" = cancelled ] ||
		fail "$1: east's record is not cancelled"
	echo "  $1: east untouched (registry row, data), no slot or publication; west clean"
}
step "cancellation during the initial copy"
qp "$WEST" -c "SELECT wt_relocation_start('initech', 'east')" >/dev/null 2>&1
echo "  phase when cancelled: $(qp "$WEST" -c "SELECT phase FROM wt_relocation_status('initech') WHERE state = 'copying'")"
qp "$WEST" -c "SELECT wt_relocation_cancel('initech')" 2>&1 | sed 's/^/  /'
source_untouched "cancelled while copying"

step "cancellation once streaming"
qp "$WEST" -c "SELECT wt_relocation_start('initech', 'east')" >/dev/null 2>&1
for _ in $(seq 1 600); do
	[ "$(qp "$WEST" -c "SELECT phase FROM wt_relocation_status('initech') WHERE state = 'copying'")" = "ready for cut-over" ] && break
	sleep 0.1
done
qp "$WEST" -c "SELECT wt_relocation_cancel('initech')" 2>&1 | sed 's/^/  /'
source_untouched "cancelled while streaming"
expect_error "$WEST" 55000 'no relocation of tenant "initech" is in progress' "SELECT wt_relocation_cancel('initech')"
psql -X -q -At -h 127.0.0.1 -p "$EAST" -U wellness_app -d "$DB" -c "SET wellness_tenancy.tenant = 'initech'" \
	-c "SELECT count(*) FROM initech.employees" >/dev/null || fail "initech cannot be set on east after cancellation"

echo "relocation: PASS"
