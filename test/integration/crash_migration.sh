#!/usr/bin/env bash
# Crash in the middle of a tenant migration run.  CALL wt_run_migrations()
# is running over 300 tenants (progress every 20) when its backend is killed with
# kill -9.  The postmaster resets the cluster (crash recovery); afterwards:
#   - every tenant is either fully migrated or not at all: its schema_version,
#     the new column and the new index agree, for all 300;
#   - every tenant commits on its own: the migrated tenants are those whose
#     transaction had committed, and the run's progress row (committed every
#     20 tenants) is behind them by less than 20;
#   - the consistency check reports nothing but tenants behind on migrations;
#   - wt_migration_progress shows the run as interrupted;
#   - running the procedure again resumes with the tenants still behind and
#     finishes; the consistency check is then empty.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh crash_migration
tenants=300

# restart_after_crash is on by default; say so, the test depends on it.  The
# test clusters run with synchronous_commit = off, with which a crash may
# lose the last commits (PostgreSQL's documented trade-off): here every
# commit that was reported must survive.
cluster_start crash "restart_after_crash = on" "synchronous_commit = on"
psql -X -q -d postgres -c 'CREATE DATABASE crashdb'
# q (and every psql below) works in crashdb.
export PGDATABASE=crashdb
q >/dev/null <<-SQL
	SET client_min_messages = warning;
	CREATE EXTENSION wellness_tenancy;
	DO \$\$ BEGIN
	  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wellness_app') THEN CREATE ROLE wellness_app LOGIN; END IF;
	END \$\$;
	SELECT count(wt_create_tenant(format('Crash %s', i), format('c_%s', lpad(i::text, 3, '0'))))
	FROM generate_series(1, $tenants) i;
	DO \$\$
	DECLARE s text;
	BEGIN
	  FOR s IN SELECT schema_name FROM tenants LOOP
	    EXECUTE format('INSERT INTO %I.employees (email) SELECT format(''e%%s@example.com'', i) FROM generate_series(1, 5) i', s);
	    EXECUTE format('INSERT INTO %I.wellness_logs (employee_id, activity_type, log_date)
	                    SELECT id, ''walk'', DATE ''2024-01-01'' FROM %I.employees', s, s);
	  END LOOP;
	END \$\$;
	-- Two statements per tenant, so that a half-migrated tenant would show.
	-- The pause (20 ms per tenant) only widens the window in which the test
	-- kills the run.
	SELECT wt_add_migration(3, 'mood score with index', \$ddl\$
	ALTER TABLE wellness_logs ADD COLUMN mood smallint;
	SELECT pg_sleep(0.02);
	CREATE INDEX wellness_logs_mood_idx ON wellness_logs (mood);
	\$ddl\$);
SQL
echo "$tenants tenants with data, migration 3 registered"

# A tenant is consistent when its recorded version, the column and the index
# agree.
consistency_query="
SELECT count(*) FILTER (WHERE migrated AND has_column AND has_index) AS migrated,
       count(*) FILTER (WHERE NOT migrated AND NOT has_column AND NOT has_index) AS untouched,
       count(*) FILTER (WHERE NOT ((migrated AND has_column AND has_index)
                                OR (NOT migrated AND NOT has_column AND NOT has_index))) AS inconsistent
FROM (SELECT t.schema_version = 3 AS migrated,
             EXISTS (SELECT FROM pg_attribute a
                      WHERE a.attrelid = format('%I.wellness_logs', t.schema_name)::regclass
                        AND a.attname = 'mood' AND NOT a.attisdropped) AS has_column,
             EXISTS (SELECT FROM pg_indexes i
                      WHERE i.schemaname = t.schema_name AND i.indexname = 'wellness_logs_mood_idx') AS has_index
      FROM tenants t) s"

echo "== CALL wt_run_migrations(batch_size => 20) in the background"
log=$(mktemp "$crash_DIR/run.XXXXXX")
psql -X -d crashdb -c 'CALL wt_run_migrations(batch_size => 20)' >"$log" 2>&1 &
call_pid=$!

# Wait until at least two batches have committed, then kill the backend.
pid=
for _ in $(seq 1 600); do
	row=$(q -c "SELECT backend_pid, tenants_done, state FROM wt_migration_progress ORDER BY run_id DESC LIMIT 1" 2>/dev/null || true)
	IFS='|' read -r pid done state <<<"$row"
	if [ "${state:-}" = running ] && [ "${done:-0}" -ge 40 ]; then break; fi
	if [ "${state:-}" = finished ]; then fail "the run finished before it could be killed"; fi
	sleep 0.05
done
[ -n "$pid" ] && [ "${done:-0}" -ge 40 ] || fail "the run did not make progress: $row"
[ "$done" -lt "$tenants" ] || fail "the run was already done"
echo "run at $done of $tenants tenants; kill -9 of backend $pid"
kill -9 "$pid"
wait "$call_pid" && fail "CALL returned success after its backend was killed"
grep -q 'server closed the connection unexpectedly\|terminating connection' "$log" ||
	{ cat "$log"; fail "the CALL did not see its backend die"; }

echo "== crash recovery"
for _ in $(seq 1 120); do
	if psql -X -At -d crashdb -c 'SELECT 1' >/dev/null 2>&1; then break; fi
	sleep 0.5
done
psql -X -At -d crashdb -c 'SELECT 1' >/dev/null || fail "the cluster did not come back"
grep -q "was terminated by signal 9" "$crash_LOG" || fail "no crash in the server log"
grep -q "all server processes terminated; reinitializing" "$crash_LOG" || fail "no crash reset in the server log"
echo "cluster recovered"

row=$(q -c "$consistency_query")
IFS='|' read -r migrated untouched inconsistent <<<"$row"
echo "after the crash: $migrated migrated, $untouched untouched, $inconsistent inconsistent"
[ "$inconsistent" = 0 ] || fail "$inconsistent tenant(s) half-migrated"
[ $((migrated + untouched)) = "$tenants" ] || fail "tenants missing: $row"
[ "$migrated" -ge 40 ] && [ "$migrated" -lt "$tenants" ] || fail "unexpected number of migrated tenants: $migrated"
recorded=$(q -c "SELECT tenants_done FROM tenant_migration_runs ORDER BY run_id DESC LIMIT 1")
[ "$recorded" -le "$migrated" ] && [ "$migrated" -lt $((recorded + 20)) ] ||
	fail "the run's committed progress ($recorded) is not within 20 tenants below the migrated tenants ($migrated)"
state=$(q -c "SELECT state FROM wt_migration_progress ORDER BY run_id DESC LIMIT 1")
[ "$state" = interrupted ] || fail "wt_migration_progress shows the killed run as '$state'"
drift=$(q -c "SELECT problem, count(*) FROM wt_tenant_drift() GROUP BY problem")
[ "$drift" = "behind on migrations|$untouched" ] || fail "drift after the crash: $drift"
echo "drift after the crash: only the $untouched tenants behind on migrations"

echo "== CALL wt_run_migrations() again: resumes"
out=$(psql -X -v ON_ERROR_STOP=1 -d crashdb -c 'CALL wt_run_migrations(batch_size => 50)' 2>&1) || { echo "$out"; fail "resume failed"; }
grep -q "migrating $untouched tenant(s) to version 3" <<<"$out" || { echo "$out"; fail "the resumed run did not pick up exactly the tenants behind"; }
grep -q "finished: $untouched tenant(s) migrated to version 3" <<<"$out" || { echo "$out"; fail "the resumed run did not finish"; }
row=$(q -c "$consistency_query")
[ "$row" = "$tenants|0|0" ] || fail "after resuming: $row"
[ "$(q -c 'SELECT count(*) FROM wt_tenant_drift()')" = 0 ] || fail "drift after resuming: $(q -c 'SELECT * FROM wt_tenant_drift()')"
[ "$(q -c "SELECT string_agg(state, ',' ORDER BY run_id) FROM tenant_migration_runs")" = "interrupted,finished" ] ||
	fail "run history: $(q -c 'SELECT run_id, state FROM tenant_migration_runs')"
# Data written before the crash survived.
[ "$(q -c "SELECT sum((xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.wellness_logs', schema_name), false, true, '')))[1]::text::int) FROM tenants")" = $((tenants * 5)) ] ||
	fail "wellness logs lost"
echo "all $tenants tenants at version 3, drift empty, data intact"
echo "$name: PASS"
