#!/usr/bin/env bash
# What a client of a tenant waits while CALL wt_run_migrations() runs.
#
# 300 tenants; a migration that takes an ACCESS EXCLUSIVE lock on each
# tenant's employees table (ALTER TABLE ... ADD COLUMN) and then works 30 ms
# (pg_sleep), so that a batch of 50 tenants takes about 1.5 s, three times
# the run's lock_timeout of 500 ms.  A client writes in a loop to the first
# five tenants of the run (t_001 .. t_005), each INSERT in its own
# transaction, with lock_timeout unset (0: it waits as long as it must), and
# records how long each INSERT took.
#
#   - CONTROL, extension version 1.1 (each batch's locks held until the batch
#     commits): the client waits for the rest of the batch, far above the
#     run's lock_timeout -- the problem is real and this test can see it;
#   - 1.2 (each tenant commits on its own), the same run after ALTER
#     EXTENSION ... UPDATE: the longest wait stays below lock_timeout plus a
#     margin (500 + 250 ms): a client waits for its own tenant's migration at
#     most;
#   - both runs migrate every tenant, none fails.
# The bound is a behaviour (what a lock waits for), with a wide margin; the
# measured waits are printed.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh migration_lock_wait
tenants=300
lock_timeout_ms=500
margin_ms=250

cluster_start lockwait
q -d postgres -c 'CREATE DATABASE lockwait'
export PGDATABASE=lockwait
q >/dev/null <<-SQL
	SET client_min_messages = warning;
	DO \$\$ BEGIN
	  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wellness_app') THEN CREATE ROLE wellness_app LOGIN; END IF;
	END \$\$;
	CREATE EXTENSION wellness_tenancy VERSION '1.1';
	SELECT count(wt_create_tenant(format('Lock %s', i), format('t_%s', lpad(i::text, 3, '0'))))
	FROM generate_series(1, $tenants) i;
	-- The writer's measurements.
	CREATE TABLE writer_waits (phase text, tenant text, started timestamptz, wait_ms double precision);
	CREATE TABLE writer_stop (phase text);
SQL
echo "$tenants tenants on extension version $(q -c "SELECT extversion FROM pg_extension WHERE extname = 'wellness_tenancy'")"

# writer PHASE: INSERTs round-robin into t_001 .. t_005, one transaction each,
# until writer_stop has a row for PHASE.
writer() {
	q -v ON_ERROR_STOP=1 >/dev/null <<-SQL
		SET lock_timeout = 0;
		SET statement_timeout = 0;
		DO \$\$
		DECLARE
		    i integer := 0;
		    t0 timestamptz;
		    s text;
		BEGIN
		    LOOP
		        EXIT WHEN EXISTS (SELECT FROM writer_stop WHERE phase = '$1') OR i > 200000;
		        s := format('t_%s', lpad((1 + i % 5)::text, 3, '0'));
		        t0 := clock_timestamp();
		        EXECUTE format('INSERT INTO %I.employees (email) VALUES (%L)', s, format('w-%s-%s@lock.test', '$1', i));
		        INSERT INTO writer_waits VALUES ('$1', s, t0, 1000 * EXTRACT(epoch FROM clock_timestamp() - t0));
		        COMMIT;
		        i := i + 1;
		        PERFORM pg_sleep(0.005);
		    END LOOP;
		END \$\$;
	SQL
}

# run_phase PHASE VERSION: one migration run with the writer beside it;
# prints the longest wait the writer saw (ms).
run_phase() {
	local phase=$1 version=$2 next writer_pid out
	next=$(q -c "SELECT max(version) + 1 FROM tenant_migrations")
	q -c "SET client_min_messages = warning" -c "SELECT wt_add_migration($next, 'lock wait probe $phase', \$ddl\$
		ALTER TABLE employees ADD COLUMN probe_$phase text;
		SELECT pg_sleep(0.03);
	\$ddl\$)" >/dev/null
	writer "$phase" &
	writer_pid=$!
	# the writer is under way before the run starts
	for _ in $(seq 1 100); do
		[ "$(q -c "SELECT count(*) >= 20 FROM writer_waits WHERE phase = '$phase'")" = t ] && break
		sleep 0.05
	done
	out=$(q -c "CALL wt_run_migrations(batch_size => 50, lock_timeout => '${lock_timeout_ms}ms')" 2>&1) ||
		{ echo "$out"; fail "$phase: the run failed"; }
	q -c "INSERT INTO writer_stop VALUES ('$phase')"
	wait "$writer_pid" || fail "$phase: the writer failed"
	grep -q "run [0-9]* finished: $tenants tenant(s) migrated to version $next" <<<"$out" ||
		{ echo "$out"; fail "$phase: not every tenant was migrated"; }
	[ "$(q -c "SELECT count(*) FROM tenants WHERE schema_version = $next")" = "$tenants" ] ||
		fail "$phase: tenants behind after the run"
	[ "$(q -c "SELECT count(*) FROM tenant_migration_failures f JOIN tenant_migration_runs r USING (run_id)
	           WHERE r.target_version = $next")" = 0 ] || fail "$phase: failures recorded"
	q -c "SELECT format('%s (extension %s): %s writes during the run, longest wait %s ms, %s waits over %s ms, run %s s',
	                    '$phase', '$version', count(*), round(max(wait_ms)::numeric, 1),
	                    count(*) FILTER (WHERE wait_ms > $lock_timeout_ms), $lock_timeout_ms,
	                    (SELECT round(EXTRACT(epoch FROM finished_at - started_at)::numeric, 2)
	                       FROM tenant_migration_runs WHERE target_version = $next))
	        FROM writer_waits WHERE phase = '$phase'" >&2
	q -c "SELECT round(max(wait_ms)) FROM writer_waits WHERE phase = '$phase'"
}

echo "== control: version 1.1, locks held until each batch of 50 commits"
old_max=$(run_phase batch 1.1)
[ "$old_max" -gt $((lock_timeout_ms + margin_ms)) ] ||
	fail "control: the writer waited at most $old_max ms under 1.1; the test cannot see the problem"

echo "== ALTER EXTENSION wellness_tenancy UPDATE TO '1.2'"
q -c "ALTER EXTENSION wellness_tenancy UPDATE TO '1.2'" >/dev/null 2>&1
[ "$(q -c "SELECT extversion FROM pg_extension WHERE extname = 'wellness_tenancy'")" = 1.2 ] || fail "update to 1.2"

echo "== version 1.2: every tenant commits on its own"
new_max=$(run_phase tenant 1.2)
[ "$new_max" -lt $((lock_timeout_ms + margin_ms)) ] ||
	fail "1.2: the writer waited $new_max ms, more than lock_timeout $lock_timeout_ms ms + $margin_ms ms"
echo "longest wait of a client of the first tenants: $old_max ms with 1.1, $new_max ms with 1.2 (lock_timeout $lock_timeout_ms ms)"
echo "$name: PASS"
