#!/usr/bin/env bash
# wt_adopt_tenant(): the supported path for a tenant schema restored with
# pg_dump -n into another database whose registry does not list it.  The
# source database has tenant migrations 1-2 (globex, hooli) and, in another
# database, 1-4 (umbrella).  In the target database:
#   (a) globex, at the target's latest version: adopted at 2, served to its
#       tenant; another tenant is refused (42501) where a session without a
#       tenant (the control) reads it;
#   (b) hooli, restored after the target added migration 3: adopted at 2
#       (found from its structure; a NOTICE says it is behind), then
#       CALL wt_run_migrations() brings it to 3, no drift;
#   (c) umbrella, ahead of the target's migrations: refused (55000), with and
#       without a schema_version, and nothing is registered or granted;
#   (d) globex again: already registered (42710);
# plus: a table the DBA added is adopted only with allow_extra_objects (and
# its drift accepted), a trigger and function beyond the template never; a
# schema without the tenant label (42809), a wrong schema_version given
# (55000), and tenant context (42501) are refused, and every refusal leaves
# the registry as it was.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh adopt_tenant

cluster_start adopt
q -d postgres -c "CREATE ROLE wellness_app LOGIN" -c "CREATE DATABASE src" -c "CREATE DATABASE ahead" -c "CREATE DATABASE dst"
migration2="SELECT wt_add_migration(2, 'department per employee', 'ALTER TABLE employees ADD COLUMN department varchar(100)')"
migration3="SELECT wt_add_migration(3, 'index on log_date', 'CREATE INDEX wellness_logs_log_date_idx ON wellness_logs (log_date)')"
migration4="SELECT wt_add_migration(4, 'step goals', 'CREATE TABLE step_goals (employee_id uuid PRIMARY KEY REFERENCES employees (id), steps integer)')"
q -d src -c "SET client_min_messages = warning" -c "CREATE EXTENSION wellness_tenancy" -c "$migration2" \
	-c "SELECT wt_create_tenant('Globex', 'globex'), wt_create_tenant('Hooli', 'hooli')" \
	-c "INSERT INTO globex.employees (email, full_name, department) VALUES ('ceo@globex.example', 'SECRET-GLOBEX', 'board')" \
	-c "INSERT INTO hooli.employees (email, full_name) VALUES ('ceo@hooli.example', 'SECRET-HOOLI')" \
	-c "SELECT wt_create_tenant('Initech', 'initech'), wt_create_tenant('Trojan', 'trojan')" \
	-c "CREATE TABLE initech.badges (id int PRIMARY KEY, name text)" \
	-c "CREATE FUNCTION trojan.copy_row() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'" \
	-c "CREATE TRIGGER copy_row BEFORE INSERT ON trojan.employees FOR EACH ROW EXECUTE FUNCTION trojan.copy_row()" >/dev/null
q -d ahead -c "SET client_min_messages = warning" -c "CREATE EXTENSION wellness_tenancy" -c "$migration2" -c "$migration3" \
	-c "$migration4" -c "SELECT wt_create_tenant('Umbrella', 'umbrella')" >/dev/null
for t in globex hooli initech trojan; do pg_dump -Fc -n "$t" -f "$work/$t.dump" src; done
pg_dump -Fc -n umbrella -f "$work/umbrella.dump" ahead

q -d dst -c "SET client_min_messages = warning" -c "CREATE EXTENSION wellness_tenancy" -c "$migration2" \
	-c "SELECT wt_create_tenant('Acme', 'acme')" -c "INSERT INTO acme.employees (email, full_name) VALUES ('a@acme.example', 'ACME-OWN')" >/dev/null
restore() { pg_restore --exit-on-error -d dst "$work/$1.dump" >"$work/$1.log" 2>&1 || { cat "$work/$1.log"; fail "pg_restore of $1"; }; }
app() { psql -X -q -At -d dst -U wellness_app -v VERBOSITY=verbose "$@" 2>&1 || true; }
registry() { q -d dst -c "SELECT string_agg(schema_name || ':' || schema_version, ',' ORDER BY schema_name) FROM tenants"; }
# refused SQLSTATE PATTERN SQL...: the statement fails with that SQLSTATE and message.
refused() {
	local state=$1 pattern=$2 out
	shift 2
	out=$(psql -X -q -At -d dst -v ON_ERROR_STOP=1 -v VERBOSITY=verbose "$@" 2>&1) && fail "not refused: $*"
	grep -q "ERROR:  $state: " <<<"$out" || fail "expected SQLSTATE $state: $out"
	grep -q "$pattern" <<<"$out" || fail "expected '$pattern': $out"
	grep -q "HINT:" <<<"$out" || fail "no hint: $out"
	echo "   refused ($state): $(grep -m1 ERROR <<<"$out")"
	grep -m1 DETAIL <<<"$out" | sed 's/^/      /' || true
}

echo "== (a) globex at the target's latest version"
restore globex
refused 42501 'cannot adopt a tenant schema\|adopt a tenant schema' -c "SET wellness_tenancy.tenant = 'acme'" \
	-c "SELECT wt_adopt_tenant('globex', 'Globex')"
[ "$(registry)" = "acme:2" ] || fail "registry changed by a refusal: $(registry)"
[ "$(q -d dst -c "SELECT wt_adopt_tenant('globex', 'Globex')")" = 2 ] || fail "globex not adopted at version 2"
[ "$(q -d dst -c "SELECT company_name, status, schema_version FROM tenants WHERE schema_name = 'globex'")" = "Globex|active|2" ] ||
	fail "globex registry row"
out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'globex'" -c "SELECT full_name, department FROM employees" -c "COMMIT")
[ "$out" = "SECRET-GLOBEX|board" ] || fail "the adopted tenant cannot read its own data: $out"
out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'acme'" -c "SELECT full_name FROM globex.employees" -c "COMMIT")
grep -q '42501' <<<"$out" && grep -q 'tenant "acme" may not reach' <<<"$out" || fail "acme reaches the adopted tenant: $out"
! grep -q SECRET-GLOBEX <<<"$out" || fail "acme read globex: $out"
[ "$(app -c "SELECT full_name FROM globex.employees")" = SECRET-GLOBEX ] || fail "control: no tenant does not reach globex"
[ "$(q -d dst -c "SELECT count(*) FROM wt_tenant_drift()")" = 0 ] || fail "drift after adoption: $(q -d dst -c 'SELECT * FROM wt_tenant_drift()')"
echo "   adopted at 2, served to globex, refused to acme (control: read without a tenant), no drift"

echo "== (d) already registered"
refused 42710 'tenant "globex" is already registered' -c "SELECT wt_adopt_tenant('globex', 'Globex again')"

echo "== (b) hooli, restored after the target added migration 3"
q -d dst -c "$migration3" >/dev/null
restore hooli
out=$(q -d dst -c "SELECT wt_adopt_tenant('hooli', 'Hooli')" 2>&1)
[ "$(tail -n1 <<<"$out")" = 2 ] || fail "hooli not adopted at version 2: $out"
grep -q 'tenant "hooli" adopted at version 2 of 3' <<<"$out" || fail "no notice that hooli is behind: $out"
[ "$(q -d dst -c "SELECT problem FROM wt_tenant_drift() WHERE schema_name = 'hooli'")" = "behind on migrations" ] ||
	fail "hooli's drift before the run: $(q -d dst -c 'SELECT * FROM wt_tenant_drift()')"
q -d dst -c "CALL wt_run_migrations()" >/dev/null 2>&1
[ "$(q -d dst -c "SELECT schema_version FROM tenants WHERE schema_name = 'hooli'")" = 3 ] || fail "hooli not migrated to 3"
[ "$(q -d dst -c "SELECT count(*) FROM pg_indexes WHERE schemaname = 'hooli' AND indexname = 'wellness_logs_log_date_idx'")" = 1 ] ||
	fail "migration 3 not applied to hooli"
[ "$(q -d dst -c "SELECT count(*) FROM wt_tenant_drift()")" = 0 ] || fail "drift after the run: $(q -d dst -c 'SELECT * FROM wt_tenant_drift()')"
out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'hooli'" -c "SELECT full_name FROM employees" -c "COMMIT")
[ "$out" = SECRET-HOOLI ] || fail "hooli cannot read its own data: $out"
echo "   adopted at 2, migrated to 3, no drift, served"
# A wrong version given is verified, not believed.
# Restored without its privileges (pg_restore -x) this time: adoption grants
# the app role what provisioning grants.
q -d dst -c "SELECT wt_suspend_tenant('hooli')" -c "SELECT wt_drop_tenant('hooli')" >/dev/null 2>&1
pg_restore --exit-on-error --no-privileges -d dst "$work/hooli.dump" >"$work/hooli.log" 2>&1 || { cat "$work/hooli.log"; fail "pg_restore -x of hooli"; }
[ "$(q -d dst -c "SELECT has_table_privilege('wellness_app', 'hooli.employees', 'SELECT')")" = f ] || fail "pg_restore -x kept grants"
refused 55000 'schema "hooli" is not at tenant migration version 3' -c "SELECT wt_adopt_tenant('hooli', 'Hooli', schema_version => 3)"
[ "$(q -d dst -c "SELECT wt_adopt_tenant('hooli', 'Hooli', schema_version => 2)" 2>/dev/null)" = 2 ] || fail "hooli at a verified version 2"
out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'hooli'" -c "INSERT INTO employees (email, full_name) VALUES ('new@hooli.example', 'NEW')" -c "SELECT count(*) FROM employees" -c "COMMIT")
[ "$out" = 2 ] || fail "the app role was not granted the adopted schema: $out"
[ "$(q -d dst -c "SELECT count(*) FROM wt_tenant_drift() WHERE schema_name = 'hooli' AND problem <> 'behind on migrations'")" = 0 ] ||
	fail "grant drift after adoption: $(q -d dst -c 'SELECT * FROM wt_tenant_drift()')"
echo "   restored without privileges, adopted at the verified version 2: the app role is granted it"

echo "== (c) umbrella, ahead of the target's migrations"
restore umbrella
before=$(registry)
refused 55000 'schema "umbrella" is ahead of the local tenant migrations' -c "SELECT wt_adopt_tenant('umbrella', 'Umbrella')"
refused 55000 'schema "umbrella" is at version 4, ahead of the local tenant migrations' \
	-c "SELECT wt_adopt_tenant('umbrella', 'Umbrella', schema_version => 4)"
[ "$(registry)" = "$before" ] || fail "a refused adoption changed the registry: $(registry)"
[ "$(q -d dst -c "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'wt_template_check_%'")" = 0 ] || fail "scratch schema left"
# Still unregistered, so still refused to every tenant.
out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'acme'" -c "SELECT count(*) FROM umbrella.employees" -c "COMMIT")
grep -q 'not registered in this database' <<<"$out" || fail "the refused schema is reachable: $out"
echo "   refused, registry unchanged, the schema stays refused to tenants"

echo "== objects added by hand"
# A table the DBA added: refused as it is, adopted with allow_extra_objects,
# then reported by wt_tenant_drift() until accepted.
restore initech
refused 55000 'schema "initech" matches no local tenant migration version' -c "SELECT wt_adopt_tenant('initech', 'Initech')"
[ "$(q -d dst -c "SELECT wt_adopt_tenant('initech', 'Initech', allow_extra_objects => true)" 2>/dev/null)" = 2 ] ||
	fail "initech not adopted with allow_extra_objects"
[ "$(q -d dst -c "SELECT string_agg(problem, ',' ORDER BY problem) FROM wt_tenant_drift() WHERE schema_name = 'initech'")" = "behind on migrations,extra table" ] ||
	fail "initech's drift: $(q -d dst -c 'SELECT * FROM wt_tenant_drift()')"
q -d dst -c "SELECT wt_accept_drift('initech', 'extra table', 'badge printing, owned by the DBA')" >/dev/null
[ "$(q -d dst -c "SELECT string_agg(problem, ',') FROM wt_tenant_drift() WHERE schema_name = 'initech'")" = "behind on migrations" ] ||
	fail "initech's accepted drift still reported"
echo "   a DBA's table: refused as is, adopted with allow_extra_objects, its drift accepted"
# A trigger (and its function) beyond the template would run in the tenant's
# context: refused even with allow_extra_objects.
restore trojan
before=$(registry)
refused 55000 'schema "trojan" matches no local tenant migration version' \
	-c "SELECT wt_adopt_tenant('trojan', 'Trojan', allow_extra_objects => true)"
out=$(psql -X -q -At -d dst -c "SELECT wt_adopt_tenant('trojan', 'Trojan', allow_extra_objects => true)" 2>&1 || true)
grep -q 'function trojan.copy_row(): not in the template; trigger employees.copy_row: not in the template' <<<"$out" || fail "the detail does not name the trigger: $out"
[ "$(registry)" = "$before" ] || fail "a refused adoption changed the registry: $(registry)"

echo "== a schema that is not a tenant's"
q -d dst -c "CREATE SCHEMA lookalike" -c "CREATE TABLE lookalike.employees (id int)" -c "CREATE TABLE lookalike.wellness_logs (id int)"
refused 42809 'schema "lookalike" is not a tenant schema' -c "SELECT wt_adopt_tenant('lookalike', 'Lookalike')"
refused 3F000 'schema "nosuch" does not exist' -c "SELECT wt_adopt_tenant('nosuch', 'No Such')"
[ "$(registry)" = "$before" ] || fail "a refused adoption changed the registry: $(registry)"
[ "$(q -d dst -c "SELECT has_function_privilege('wellness_app', 'wt_adopt_tenant(name, text, integer, boolean)', 'EXECUTE')")" = f ] ||
	fail "the app role may adopt"
echo "$name: PASS"
