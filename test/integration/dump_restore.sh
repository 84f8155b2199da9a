#!/usr/bin/env bash
# Backup and restore round trip.  A database with the extension and 100
# tenants with data (one suspended, one with a table the DBA added, two DBA
# migrations: the DBA's template change, employees.department and an index
# on wellness_logs(log_date), that tenants get at creation, and one applied
# afterwards by two runs, the first of which skipped a locked tenant) is dumped with pg_dump and restored three ways: custom format
# with pg_restore, the same with pg_restore -j 2, and a plain SQL dump
# through psql.  Each restore must:
#   - succeed without a single error (the registry triggers neither
#     re-provision the restored tenants nor fail on them: a registry row that
#     carries schema_version is registered as it is);
#   - reproduce the registry rows, the tenant migrations, the migration
#     ledgers (tenant_migration_runs, tenant_migration_failures: the failed
#     tenant's row comes back, and the next run takes the next run_id), every tenant table
#     with its data, the grants, the schema privileges and the default
#     privileges exactly (the same check queries, diffed);
#   - pass the consistency check (wt_tenant_drift() empty);
#   - enforce isolation (and default privileges still cover new tables).
# Finally one tenant is exported alone with pg_dump -n (plus its registry row)
# and imported into another database, as docs/operations.md documents.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh dump_restore

cluster_start dump
tenants=100

echo "== source database: $tenants tenants with data"
q -d postgres -c 'CREATE DATABASE wellness'
q -d postgres <<-'SQL'
	DO $$ BEGIN
	  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wellness_app') THEN CREATE ROLE wellness_app LOGIN; END IF;
	  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wellness_reporting') THEN CREATE ROLE wellness_reporting; END IF;
	END $$;
SQL
q -d wellness >/dev/null <<-SQL
	SET client_min_messages = warning;
	CREATE EXTENSION wellness_tenancy;
	-- The DBA's template change, before any tenant: every tenant is created
	-- with it.
	SELECT wt_add_migration(2, 'department per employee, index on wellness_logs(log_date)', \$ddl\$
	ALTER TABLE employees ADD COLUMN department varchar(100);
	CREATE INDEX wellness_logs_log_date_idx ON wellness_logs (log_date);
	\$ddl\$);
	SELECT count(wt_create_tenant(format('Company %s', i), format('t_%s', lpad(i::text, 3, '0'))))
	FROM generate_series(1, $tenants) i;
	-- Data: 20 employees and 60 logs per tenant.
	DO \$\$
	DECLARE s text;
	BEGIN
	  FOR s IN SELECT schema_name FROM tenants LOOP
	    EXECUTE format('INSERT INTO %I.employees (email, full_name, department)
	                    SELECT format(''e%%s@%%s.example'', i, %L), format(''Employee %%s'', i), ''dept '' || (i %% 4)
	                    FROM generate_series(1, 20) i', s, s);
	    EXECUTE format('INSERT INTO %I.wellness_logs (employee_id, activity_type, duration_minutes, log_date, notes)
	                    SELECT e.id, (ARRAY[''yoga'', ''run'', ''swim''])[n], 10 * n, DATE ''2024-01-01'' + n, NULLIF(''note '' || n, ''note 2'')
	                    FROM %I.employees e, generate_series(1, 3) n', s, s);
	  END LOOP;
	END \$\$;
	-- Another migration of the DBA's own, applied to every tenant (below).
	SELECT wt_add_migration(3, 'mood score', 'ALTER TABLE wellness_logs ADD COLUMN mood smallint');
	SQL
# The migration ledgers get a run with a failure: a session holds a lock on
# t_005.wellness_logs, so the first run skips t_005 after its lock_timeout
# (55P03, recorded in tenant_migration_failures); the second run migrates it.
PGAPPNAME=lock_holder psql -X -q -d wellness -c 'BEGIN' -c 'LOCK TABLE t_005.wellness_logs IN ACCESS SHARE MODE' \
	-c 'SELECT pg_sleep(120)' >/dev/null 2>&1 &
holder=$!
for _ in $(seq 1 200); do
	[ "$(q -d wellness -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
	                       WHERE a.application_name = 'lock_holder' AND l.relation = 't_005.wellness_logs'::regclass AND l.granted")" = 1 ] && break
	sleep 0.05
done
q -d wellness -c "SET client_min_messages = error" -c "CALL wt_run_migrations(lock_timeout => '200ms')"
q -d wellness -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'lock_holder'" >/dev/null
wait "$holder" || true
q -d wellness -c "SET client_min_messages = warning" -c "CALL wt_run_migrations()"
[ "$(q -d wellness -c "SELECT string_agg(format('%s %s %s', run_id, schema_name, sqlstate), ',') FROM tenant_migration_failures")" = "1 t_005 55P03" ] ||
	fail "the first run did not record exactly t_005's lock timeout: $(q -d wellness -c 'SELECT * FROM tenant_migration_failures')"
[ "$(q -d wellness -c "SELECT string_agg(format('%s %s %s/%s', run_id, state, tenants_done, tenants_failed), ',' ORDER BY run_id) FROM tenant_migration_runs")" = "1 finished 99/1,2 finished 1/0" ] ||
	fail "unexpected run ledger: $(q -d wellness -c 'SELECT * FROM tenant_migration_runs')"
q -d wellness >/dev/null <<-SQL
	SET client_min_messages = warning;
	-- Lifecycle and customisation that must survive.
	SELECT wt_suspend_tenant('t_007');
	SELECT wt_rename_tenant('t_008', 'Company Eight (renamed)');
	CREATE TABLE t_010.step_counts (day date PRIMARY KEY, steps integer);
	INSERT INTO t_010.step_counts VALUES ('2024-02-01', 9000), ('2024-02-02', 4000);
	GRANT SELECT ON t_011.wellness_logs TO wellness_reporting;
	SQL
# The customised tenant has an extra table: drift reports exactly that.
drift=$(q -d wellness -c 'SELECT schema_name, problem FROM wt_tenant_drift()')
[ "$drift" = "t_010|extra table" ] || fail "unexpected drift in the source database: $drift"

# The same checks for every database; outputs are diffed.
snapshot() {
	local db=$1
	q -d "$db" <<-'SQL'
		\echo -- extension
		SELECT extversion, array_to_string(extcondition, ';') FROM pg_extension WHERE extname = 'wellness_tenancy';
		\echo -- registry
		SELECT id, company_name, schema_name, created_at, status, schema_version, placement, updated_at
		FROM tenants ORDER BY schema_name;
		\echo -- migrations
		SELECT version, description, md5(ddl), shipped FROM tenant_migrations ORDER BY version;
		\echo -- migration ledgers
		SELECT * FROM tenant_migration_runs ORDER BY run_id;
		SELECT * FROM tenant_migration_failures ORDER BY run_id, schema_name;
		\echo -- tenant relations
		SELECT n.nspname, c.relname, c.relkind, pg_get_userbyid(c.relowner)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname IN (SELECT schema_name FROM tenants) ORDER BY 1, 2;
		\echo -- columns
		SELECT table_schema, table_name, column_name, data_type, is_nullable, column_default
		FROM information_schema.columns
		WHERE table_schema IN (SELECT schema_name FROM tenants) ORDER BY 1, 2, 3;
		\echo -- indexes and constraints
		SELECT schemaname, indexname, indexdef FROM pg_indexes
		WHERE schemaname IN (SELECT schema_name FROM tenants) ORDER BY 1, 2;
		SELECT n.nspname, conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
		JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE n.nspname IN (SELECT schema_name FROM tenants) ORDER BY 1, 2;
		\echo -- table privileges
		SELECT n.nspname, c.relname, pg_get_userbyid(a.grantor), pg_get_userbyid(a.grantee), a.privilege_type
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
		     aclexplode(coalesce(c.relacl, acldefault(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))) a
		WHERE n.nspname IN (SELECT schema_name FROM tenants) ORDER BY 1, 2, 3, 4, 5;
		-- (effective privileges: an ACL equal to the owner's default is dumped as no ACL)
		\echo -- schema privileges
		SELECT n.nspname, pg_get_userbyid(n.nspowner), pg_get_userbyid(a.grantee), a.privilege_type
		FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
		WHERE n.nspname IN (SELECT schema_name FROM tenants) ORDER BY 1, 3, 4;
		\echo -- default privileges
		SELECT pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype, pg_get_userbyid(a.grantee), a.privilege_type
		FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a
		ORDER BY 1, 2, 3, 4, 5;
		\echo -- data
		SELECT format('SELECT %L, %L, count(*), md5(coalesce(string_agg(t::text, %L ORDER BY t::text), %L)) FROM %I.%I t',
		              n.nspname, c.relname, '|', '', n.nspname, c.relname)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname IN (SELECT schema_name FROM tenants) AND c.relkind = 'r'
		ORDER BY n.nspname, c.relname
		\gexec
	SQL
}
snapshot wellness >"$work/source.txt"
lines=$(grep -c '' "$work/source.txt")
data_rows=$(awk '/^-- data$/ {p = 1; next} p' "$work/source.txt" | grep -c '')
[ "$data_rows" -eq $((tenants * 2 + 1)) ] || fail "expected $((tenants * 2 + 1)) tenant tables in the snapshot, got $data_rows"
echo "source snapshot: $lines lines, $data_rows tenant tables"

echo "== pg_dump"
pg_dump -Fc -f "$work/wellness.dump" wellness
pg_dump -Fp -f "$work/wellness.sql" wellness
ls -l "$work"/wellness.*

restore_and_check() {
	local db=$1 how=$2
	echo "== restore into $db ($how)"
	q -d postgres -c "CREATE DATABASE $db"
	local log="$work/$db.log"
	case $how in
	pg_restore) pg_restore --exit-on-error -d "$db" "$work/wellness.dump" >"$log" 2>&1 || { cat "$log"; fail "pg_restore into $db failed"; } ;;
	pg_restore-j2) pg_restore -j 2 -d "$db" "$work/wellness.dump" >"$log" 2>&1 || { cat "$log"; fail "pg_restore -j 2 into $db failed"; } ;;
	psql) psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$work/wellness.sql" >"$log" 2>&1 || { cat "$log"; fail "psql restore into $db failed"; } ;;
	esac
	if grep -E 'ERROR|error|WARNING' "$log"; then fail "$how into $db reported problems"; fi

	snapshot "$db" >"$work/$db.txt"
	if ! diff -u "$work/source.txt" "$work/$db.txt" >"$work/$db.diff"; then
		head -n 60 "$work/$db.diff"
		fail "$db differs from the source database"
	fi
	echo "$db: registry, migrations, migration ledgers (runs, failures), tables, data, grants and default privileges identical"
	# The run ledger's identity sequence came along: the next run follows.
	q -d "$db" -c "SET client_min_messages = warning" -c "CALL wt_run_migrations()"
	[ "$(q -d "$db" -c "SELECT string_agg(run_id::text, ',' ORDER BY run_id) FROM tenant_migration_runs")" = "1,2,3" ] ||
		fail "$db: a run after restore did not take the next run_id: $(q -d "$db" -c 'SELECT run_id, state FROM tenant_migration_runs')"

	drift=$(q -d "$db" -c 'SELECT schema_name, problem FROM wt_tenant_drift()')
	[ "$drift" = "t_010|extra table" ] || fail "$db: drift after restore: $drift"

	# Isolation in the restored database, through the app role: the own
	# tenant is served, another tenant is refused (42501); without a tenant
	# (control) the same read works.
	[ "$(q -d "$db" -U wellness_app -c "SELECT wt_set_tenant('t_001')" -c 'SELECT count(*) FROM employees')" = $'t_001\n20' ] ||
		fail "$db: own tenant not served"
	out=$(psql -X -At -d "$db" -U wellness_app -v VERBOSITY=verbose -c "SELECT wt_set_tenant('t_001')" \
		-c 'SELECT count(*) FROM t_002.employees' 2>&1) && fail "$db: cross-tenant read not refused: $out"
	grep -q '42501' <<<"$out" || fail "$db: cross-tenant read not refused with 42501: $out"
	[ "$(q -d "$db" -U wellness_app -c 'SELECT count(*) FROM t_002.employees')" = 20 ] ||
		fail "$db: control read without tenant failed"
	# The suspended tenant stays suspended.
	out=$(psql -X -At -d "$db" -U wellness_app -c "SELECT wt_set_tenant('t_007')" 2>&1) &&
		fail "$db: suspended tenant could be set"
	grep -q 'is suspended' <<<"$out" || fail "$db: suspended tenant: $out"
	# Default privileges came back: a table the DBA adds now is the app's.
	q -d "$db" -c 'CREATE TABLE t_003.badges (id int PRIMARY KEY)'
	[ "$(q -d "$db" -U wellness_app -c "SELECT wt_set_tenant('t_003')" -c 'INSERT INTO badges VALUES (1)' -c 'SELECT count(*) FROM badges')" = $'t_003\n1' ] ||
		fail "$db: default privileges not restored"
	# Provisioning works afterwards, at the latest version.
	[ "$(q -d "$db" -c "SELECT wt_create_tenant('After Restore', 'after_restore') IS NOT NULL" \
		-c "SELECT schema_version = (SELECT max(version) FROM tenant_migrations) FROM tenants WHERE schema_name = 'after_restore'")" = $'t\nt' ] ||
		fail "$db: provisioning after restore"
	echo "$db: drift as in the source, isolation enforced, default privileges and provisioning work"
}
restore_and_check restored pg_restore
restore_and_check restored_parallel pg_restore-j2
restore_and_check restored_plain psql

echo "== one tenant alone: pg_dump -n, plus its registry row"
pg_dump -Fc -n t_042 -f "$work/t_042.dump" wellness
q -d wellness -c "\\copy (SELECT id, company_name, schema_name, created_at, status, schema_version FROM tenants WHERE schema_name = 't_042') TO '$work/t_042.registry.csv' CSV"
q -d postgres -c 'CREATE DATABASE single_tenant'
# The target database has the same tenant migrations (the tenant's
# schema_version refers to them).
q -d single_tenant -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION wellness_tenancy' \
	-c "SELECT wt_add_migration(2, 'department per employee, index on wellness_logs(log_date)', \$ddl\$
	ALTER TABLE employees ADD COLUMN department varchar(100);
	CREATE INDEX wellness_logs_log_date_idx ON wellness_logs (log_date);
	\$ddl\$)" \
	-c "SELECT wt_add_migration(3, 'mood score', 'ALTER TABLE wellness_logs ADD COLUMN mood smallint')" >/dev/null
pg_restore --exit-on-error -d single_tenant "$work/t_042.dump" >"$work/single.log" 2>&1 || { cat "$work/single.log"; fail "pg_restore -n"; }
q -d single_tenant -c "\\copy tenants (id, company_name, schema_name, created_at, status, schema_version) FROM '$work/t_042.registry.csv' CSV"
for table in employees wellness_logs; do
	sum_src=$(q -d wellness -c "SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM t_042.$table t")
	sum_dst=$(q -d single_tenant -c "SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM t_042.$table t")
	[ "$sum_src" = "$sum_dst" ] || fail "t_042.$table differs after pg_dump -n: $sum_src vs $sum_dst"
done
drift=$(q -d single_tenant -c 'SELECT count(*) FROM wt_tenant_drift()')
[ "$drift" = 0 ] || fail "drift after the single-tenant import: $(q -d single_tenant -c 'SELECT * FROM wt_tenant_drift()')"
out=$(psql -X -At -d single_tenant -U wellness_app -c "SELECT wt_set_tenant('t_042')" -c 'SELECT count(*) FROM employees' 2>&1) ||
	fail "imported tenant not served: $out"
[ "$out" = $'t_042\n20' ] || fail "imported tenant: $out"
echo "t_042 exported with pg_dump -n and imported: data identical, no drift, served"

echo "$name: PASS"
