#!/usr/bin/env bash
# wellness_tenancy 1.2 built four ways (as timescaledb's update tests do):
#   fresh     CREATE EXTENSION (1.2), tenants, data, a DBA migration;
#   upgraded  CREATE EXTENSION VERSION '1.0', the same tenants, data and DBA
#             migration, then ALTER EXTENSION UPDATE TO '1.1', CALL
#             wt_run_migrations(), and ALTER EXTENSION UPDATE TO '1.2';
#   direct    the same from 1.0, with one ALTER EXTENSION UPDATE (PostgreSQL
#             runs 1.0--1.1 and 1.1--1.2 in one transaction);
#   restored  the upgraded database dumped with pg_dump and restored with
#             pg_restore into a database whose default is 1.2.
# One set of checks -- extension objects, each function's definition, comment
# and privileges, tenants, tables and columns, indexes, constraints, grants,
# default privileges, data, drift -- must print the same in all four.  The
# default tenant template is the case study's in every version: no update
# registers a tenant migration or touches a tenant (checked right after each
# update), so the DBA's migration is 2 everywhere.
# A fifth database was made by a pre-release 1.1 that shipped a template
# change of its own (employees.department, an index on
# wellness_logs(log_date)) as tenant migration 2; it is made here by inserting
# that row, as that pre-release did, into a 1.1 install.  Updated to 1.2, the
# row becomes the DBA's (shipped = false, same number, a WARNING says so), and
# its tenants keep the column, the index and their data, through a
# dump and restore too.  A dump of that database taken at 1.1 and restored
# where CREATE EXTENSION installs 1.2 ends the same way.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh upgrade_paths

cluster_start upgrade
q -d postgres -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'wellness_app') THEN CREATE ROLE wellness_app LOGIN; END IF; END \$\$"
[ "$(q -d postgres -c "SELECT default_version FROM pg_available_extensions WHERE name = 'wellness_tenancy'")" = 1.2 ] ||
	fail "the default version is not 1.2"

# Tenants and data, with deterministic ids so that data compares across
# databases.
populate() {
	local db=$1
	q -d "$db" >/dev/null <<-'SQL'
		SET client_min_messages = warning;
		SELECT count(wt_create_tenant(format('Path %s', i), format('p_%s', i))) FROM generate_series(1, 6) i;
		DO $$
		DECLARE s text;
		BEGIN
		  FOR s IN SELECT schema_name FROM tenants LOOP
		    EXECUTE format('INSERT INTO %I.employees (id, email, full_name, created_at)
		                    SELECT md5(%L || i)::uuid, format(''e%%s@%%s.example'', i, %L), ''Employee '' || i, TIMESTAMPTZ ''2024-01-01''
		                    FROM generate_series(1, 10) i', s, s, s);
		    EXECUTE format('INSERT INTO %I.wellness_logs (id, employee_id, activity_type, log_date, created_at)
		                    SELECT md5(%L || ''log'' || i)::uuid, md5(%L || i)::uuid, ''walk'', DATE ''2024-02-01'' + i, TIMESTAMPTZ ''2024-02-01''
		                    FROM generate_series(1, 10) i', s, s, s);
		  END LOOP;
		END $$;
		SELECT wt_suspend_tenant('p_6');
	SQL
}
add_dba_migration() {
	local db=$1 version=$2
	q -d "$db" -c 'SET client_min_messages = warning' \
		-c "SELECT wt_add_migration($version, 'mood score', 'ALTER TABLE wellness_logs ADD COLUMN mood smallint')" \
		-c 'CALL wt_run_migrations()' >/dev/null
}

echo "== fresh: CREATE EXTENSION (1.2)"
q -d postgres -c 'CREATE DATABASE fresh'
q -d fresh -c 'CREATE EXTENSION wellness_tenancy'
populate fresh
add_dba_migration fresh 2

# A database at 1.0 with the tenants, data and the DBA's migration.
create_at_1_0() {
	local db=$1
	q -d postgres -c "CREATE DATABASE $db"
	q -d "$db" -c "CREATE EXTENSION wellness_tenancy VERSION '1.0'"
	populate "$db"
	add_dba_migration "$db" 2
}
# Every tenant's tables, columns, indexes and constraints, one md5 a tenant.
tenant_structure() {
	q -d "$1" <<-'SQL'
		SELECT t.schema_name, md5(concat(
		  (SELECT string_agg(concat_ws(' ', c.table_name, c.column_name, c.data_type, c.character_maximum_length,
		                               c.is_nullable, c.column_default), ',' ORDER BY c.table_name, c.ordinal_position)
		     FROM information_schema.columns c WHERE c.table_schema = t.schema_name), '|',
		  (SELECT string_agg(i.indexdef, ',' ORDER BY i.indexname) FROM pg_indexes i WHERE i.schemaname = t.schema_name), '|',
		  (SELECT string_agg(k.conname || ' ' || pg_get_constraintdef(k.oid), ',' ORDER BY k.conname)
		     FROM pg_constraint k WHERE k.connamespace = t.schema_name::regnamespace)))
		FROM tenants t ORDER BY 1;
	SQL
}
# ALTER EXTENSION UPDATE [TO version], echoing what it said.  The update
# leaves every tenant exactly as it was (tables, columns, indexes,
# constraints, schema_version) and behind on nothing.
update_extension() {
	local db=$1 to=$2 out before after
	before=$(tenant_structure "$db"; q -d "$db" -c 'SELECT schema_name, schema_version FROM tenants ORDER BY 1')
	out=$(psql -X -v ON_ERROR_STOP=1 -d "$db" -c "ALTER EXTENSION wellness_tenancy UPDATE $to" 2>&1) ||
		{ echo "$out"; fail "$db: ALTER EXTENSION UPDATE $to"; }
	echo "$out"
	after=$(tenant_structure "$db"; q -d "$db" -c 'SELECT schema_name, schema_version FROM tenants ORDER BY 1')
	[ -n "$before" ] && [ "$before" = "$after" ] || fail "$db: ALTER EXTENSION UPDATE $to changed tenants"
	[ "$(q -d "$db" -c 'SELECT count(*) FROM wt_tenant_drift()')" = 0 ] ||
		fail "$db: drift after ALTER EXTENSION UPDATE $to: $(q -d "$db" -c 'SELECT * FROM wt_tenant_drift()')"
}

echo "== upgraded: 1.0, then ALTER EXTENSION UPDATE TO '1.1', migrations, UPDATE TO '1.2'"
create_at_1_0 upgraded
update_extension upgraded "TO '1.1'"
[ "$(q -d upgraded -c "SELECT extversion FROM pg_extension WHERE extname = 'wellness_tenancy'")" = 1.1 ] ||
	fail "upgraded is not at 1.1"
[ "$(q -d upgraded -c "SELECT count(*) FROM tenant_migrations")" = 2 ] ||
	fail "the update to 1.1 registered a tenant migration"
update_extension upgraded "TO '1.2'"

echo "== direct: 1.0, then one ALTER EXTENSION UPDATE (1.0 -> 1.1 -> 1.2)"
create_at_1_0 direct
update_extension direct ""

echo "== restored: the upgraded database through pg_dump / pg_restore"
pg_dump -Fc -f "$work/upgraded.dump" upgraded
q -d postgres -c 'CREATE DATABASE restored'
pg_restore --exit-on-error -d restored "$work/upgraded.dump" >"$work/restore.log" 2>&1 ||
	{ cat "$work/restore.log"; fail "pg_restore"; }

checks() {
	local db=$1
	q -d "$db" <<-'SQL'
		\echo -- extension
		SELECT extversion FROM pg_extension WHERE extname = 'wellness_tenancy';
		SELECT pg_describe_object(d.classid, d.objid, 0) FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
		WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'wellness_tenancy' ORDER BY 1;
		SELECT c.relname, x.condition FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(reloid, condition)
		JOIN pg_class c ON c.oid = x.reloid WHERE e.extname = 'wellness_tenancy' ORDER BY 1;
		\echo -- functions: definition, comment, privileges
		SELECT p.oid::regprocedure, md5(pg_get_functiondef(p.oid)), obj_description(p.oid, 'pg_proc'), p.proacl
		FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
		JOIN pg_extension e ON e.oid = d.refobjid
		WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'wellness_tenancy' ORDER BY 1::text;
		\echo -- comments of tables, views and schemas
		SELECT c.oid::regclass, obj_description(c.oid, 'pg_class') FROM pg_class c JOIN pg_depend d
		  ON d.classid = 'pg_class'::regclass AND d.objid = c.oid JOIN pg_extension e ON e.oid = d.refobjid
		WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e' AND e.extname = 'wellness_tenancy' ORDER BY 1::text;
		SELECT n.nspname, obj_description(n.oid, 'pg_namespace'), n.nspacl FROM pg_namespace n WHERE n.nspname = 'wt_internal';
		\echo -- migrations (numbers differ by path; content and order of shipped ones do not)
		SELECT description, shipped, md5(ddl) FROM tenant_migrations ORDER BY description;
		SELECT string_agg(description, ' < ' ORDER BY version) FROM tenant_migrations WHERE shipped;
		\echo -- tenants
		SELECT company_name, schema_name, status, placement,
		       schema_version = (SELECT max(version) FROM tenant_migrations) AS at_latest
		FROM tenants ORDER BY schema_name;
		\echo -- tables and columns
		SELECT table_schema, table_name, column_name, data_type, character_maximum_length, is_nullable, column_default
		FROM information_schema.columns WHERE table_schema IN (SELECT schema_name FROM tenants) ORDER BY 1, 2, 3;
		\echo -- indexes
		SELECT schemaname, indexname, indexdef FROM pg_indexes
		WHERE schemaname IN (SELECT schema_name FROM tenants) ORDER BY 1, 2;
		\echo -- constraints
		SELECT n.nspname, conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
		JOIN pg_namespace n ON n.oid = c.connamespace
		WHERE n.nspname IN (SELECT schema_name FROM tenants) ORDER BY 1, 2;
		\echo -- grants
		SELECT n.nspname, c.relname, pg_get_userbyid(a.grantee), a.privilege_type
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
		     aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
		WHERE n.nspname IN (SELECT schema_name FROM tenants) ORDER BY 1, 2, 3, 4;
		SELECT n.nspname, pg_get_userbyid(a.grantee), a.privilege_type
		FROM pg_namespace n, aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
		WHERE n.nspname IN (SELECT schema_name FROM tenants) ORDER BY 1, 2, 3;
		SELECT n.nspname, d.defaclobjtype, pg_get_userbyid(a.grantee), a.privilege_type
		FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a
		ORDER BY 1, 2, 3, 4;
		\echo -- data
		SELECT format('SELECT %L, %L, count(*), md5(coalesce(string_agg(t::text, %L ORDER BY t::text), %L)) FROM %I.%I t',
		              n.nspname, c.relname, '|', '', n.nspname, c.relname)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname IN (SELECT schema_name FROM tenants) AND c.relkind = 'r' ORDER BY n.nspname, c.relname
		\gexec
		\echo -- drift
		SELECT * FROM wt_tenant_drift();
	SQL
}
for db in fresh upgraded direct restored; do checks "$db" >"$work/$db.txt"; done
echo "checks: $(grep -c '' "$work/fresh.txt") lines per database"
# The template is the case study's, with the DBA's migration on top.
grep -qx 'case study template: employees, wellness_logs, index on wellness_logs(employee_id)' "$work/fresh.txt" ||
	fail "a migration other than the case study's template is shipped"
grep -q '^p_1|wellness_logs_employee_id_idx|CREATE INDEX' "$work/fresh.txt" || fail "the FK index is missing from the checks"
grep -q '^p_1|wellness_logs|mood|' "$work/fresh.txt" || fail "the DBA's migration is missing from the checks"
! grep -q 'department\|log_date_idx' "$work/fresh.txt" || fail "tenants carry a column or index the case study does not have"
grep -q '^1\.2$' "$work/fresh.txt" || fail "fresh is not at 1.2"
grep -q '^wt_internal\.validate_company_name(text)|' "$work/fresh.txt" || fail "the 1.2 functions are missing from the checks"
for db in upgraded direct restored; do
	if ! diff -u "$work/fresh.txt" "$work/$db.txt"; then
		fail "$db differs from fresh"
	fi
	echo "$db: same extension objects, functions, comments, tenants, tables, indexes, constraints, grants, data and drift as fresh"
done
# Migrations keep their numbering through the restore.
numbering="SELECT string_agg(version || ' ' || description, '; ' ORDER BY version) FROM tenant_migrations"
upgraded_numbering=$(q -d upgraded -c "$numbering")
restored_numbering=$(q -d restored -c "$numbering")
echo "upgraded migrations: $upgraded_numbering"
[ -n "$upgraded_numbering" ] && [ "$upgraded_numbering" = "$restored_numbering" ] ||
	fail "migration numbering changed through dump and restore: $restored_numbering"

echo "== prerelease: a 1.1 that shipped department + log_date index as migration 2, then UPDATE TO '1.2'"
prerelease_row="'wellness_tenancy 1.1: index on wellness_logs(log_date), column employees.department'"
q -d postgres -c 'CREATE DATABASE prerelease'
q -d prerelease -c "CREATE EXTENSION wellness_tenancy VERSION '1.1'"
q -d prerelease -c "INSERT INTO tenant_migrations (version, description, ddl, shipped) VALUES (2, $prerelease_row,
\$ddl\$
ALTER TABLE employees ADD COLUMN department varchar(100);
CREATE INDEX wellness_logs_log_date_idx ON wellness_logs (log_date);
\$ddl\$, true)"
populate prerelease
q -d prerelease -c "UPDATE p_1.employees SET department = 'dept ' || (right(email, 1))"
add_dba_migration prerelease 3
data_query="SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM p_1.employees t WHERE department IS NOT NULL"
data_before=$(q -d prerelease -c "$data_query")
structure_before=$(tenant_structure prerelease)
# Its dump, taken at 1.1, for a restore into 1.2 below.
pg_dump -Fc -f "$work/prerelease_1_1.dump" prerelease
out=$(psql -X -v ON_ERROR_STOP=1 -d prerelease -c "ALTER EXTENSION wellness_tenancy UPDATE TO '1.2'" 2>&1) ||
	{ echo "$out"; fail "prerelease: ALTER EXTENSION UPDATE TO '1.2'"; }
echo "$out"
grep -q 'WARNING:  wellness_tenancy 1.2: tenant migration 2 (index on wellness_logs(log_date), column employees.department) is now your own' <<<"$out" ||
	fail "prerelease: the update did not say that the migration was handed over"
grep -q 'HINT:  6 tenant(s) have it, so wt_remove_migration cannot take it back' <<<"$out" || fail "prerelease: the update did not say how to take it out"
[ "$(q -d prerelease -c "SELECT version, shipped FROM tenant_migrations WHERE description = $prerelease_row")" = '2|f' ] ||
	fail "prerelease: the pre-release row is not the DBA's migration 2 now"
[ "$(q -d prerelease -c 'SELECT count(*) FILTER (WHERE shipped) FROM tenant_migrations')" = 1 ] ||
	fail "prerelease: something other than the case study's template is still shipped"
[ "$(tenant_structure prerelease)" = "$structure_before" ] || fail "prerelease: the update changed tenants"
[ "$(q -d prerelease -c "$data_query")" = "$data_before" ] || fail "prerelease: department data changed"
[ "$(q -d prerelease -c "SELECT count(*) FROM information_schema.columns WHERE column_name = 'department' AND table_schema LIKE 'p\_%'")" = 6 ] ||
	fail "prerelease: tenants lost the department column"
[ "$(q -d prerelease -c 'SELECT count(*) FROM wt_tenant_drift()')" = 0 ] || fail "prerelease: drift after the update"
echo "prerelease: migration 2 is the DBA's, $(cut -d'|' -f1 <<<"$data_before") department values and every tenant's structure unchanged"
# A new tenant still gets it, and it survives a dump and restore as the DBA's.
q -d prerelease -c "SELECT wt_create_tenant('Path New', 'p_new') IS NOT NULL" >/dev/null
[ "$(q -d prerelease -c "SELECT count(*) FROM pg_indexes WHERE schemaname = 'p_new' AND indexname = 'wellness_logs_log_date_idx'")" = 1 ] ||
	fail "prerelease: a new tenant did not get the DBA's migration 2"
pg_dump -Fc -f "$work/prerelease.dump" prerelease
q -d postgres -c 'CREATE DATABASE prerelease_restored'
pg_restore --exit-on-error -d prerelease_restored "$work/prerelease.dump" >"$work/prerelease_restore.log" 2>&1 ||
	{ cat "$work/prerelease_restore.log"; fail "pg_restore of prerelease"; }
migrations="SELECT string_agg(concat_ws(' ', version, shipped, description, md5(ddl)), '; ' ORDER BY version) FROM tenant_migrations"
[ "$(q -d prerelease_restored -c "$migrations")" = "$(q -d prerelease -c "$migrations")" ] ||
	fail "prerelease: migrations changed through dump and restore: $(q -d prerelease_restored -c "$migrations")"
[ "$(q -d prerelease_restored -c "$data_query")" = "$data_before" ] || fail "prerelease: department data lost in the restore"
[ "$(q -d prerelease_restored -c 'SELECT count(*) FROM wt_tenant_drift()')" = 0 ] || fail "prerelease: drift after the restore"
echo "prerelease_restored: same migrations (the handed-over one not shipped), department data intact, no drift"
# The dump taken at 1.1, restored where CREATE EXTENSION installs 1.2: the
# row arrives as the DBA's too, with the same number and the data.
q -d postgres -c 'CREATE DATABASE prerelease_1_1_restored'
pg_restore --exit-on-error -d prerelease_1_1_restored "$work/prerelease_1_1.dump" >"$work/prerelease_1_1_restore.log" 2>&1 ||
	{ cat "$work/prerelease_1_1_restore.log"; fail "pg_restore of the 1.1 dump of prerelease"; }
# (pg_restore does not print the server's warnings: the server log has it)
grep -q 'prerelease_1_1_restored WARNING:  wellness_tenancy 1.2: tenant migration 2 (index on wellness_logs(log_date), column employees.department) is restored as your own' \
	"$upgrade_LOG" || fail "prerelease_1_1_restored: the restore did not say that the migration was handed over"
[ "$(q -d prerelease_1_1_restored -c "SELECT extversion FROM pg_extension WHERE extname = 'wellness_tenancy'")" = 1.2 ] ||
	fail "prerelease_1_1_restored is not at 1.2"
[ "$(q -d prerelease_1_1_restored -c "$migrations")" = "$(q -d prerelease -c "$migrations")" ] ||
	fail "prerelease_1_1_restored: migrations differ from the updated database: $(q -d prerelease_1_1_restored -c "$migrations")"
[ "$(tenant_structure prerelease_1_1_restored)" = "$structure_before" ] || fail "prerelease_1_1_restored: tenants differ"
[ "$(q -d prerelease_1_1_restored -c "$data_query")" = "$data_before" ] || fail "prerelease_1_1_restored: department data lost"
[ "$(q -d prerelease_1_1_restored -c 'SELECT count(*) FROM wt_tenant_drift()')" = 0 ] || fail "prerelease_1_1_restored: drift"
echo "prerelease_1_1_restored: the 1.1 dump restored into 1.2 hands the migration over too; tenants and data intact"
echo "$name: PASS"
