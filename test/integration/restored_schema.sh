#!/usr/bin/env bash
# A tenant schema dumped with `pg_dump -n` and restored into another database
# whose registry does not list it: it carries the wellness_tenancy security
# label, so every tenant context (and a require_tenant session) is refused,
# while a DBA without a tenant reaches it (the control: the data is there and
# the app role holds the restored grants).  Adopting it (wt_adopt_tenant,
# which finds its version from its structure; adopt_tenant.sh tests it in
# full) makes it an ordinary tenant.  Only superusers may change the label.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh restored_schema

cluster_start restore
q -d postgres -c "CREATE ROLE wellness_app LOGIN" -c "CREATE ROLE dbowner LOGIN" \
	-c "CREATE DATABASE src" -c "CREATE DATABASE dst OWNER dbowner"
q -d src -c "SET client_min_messages = warning" -c "CREATE EXTENSION wellness_tenancy" \
	-c "SELECT wt_create_tenant('Globex', 'globex')" \
	-c "INSERT INTO globex.employees (email, full_name) VALUES ('ceo@globex.example', 'SECRET-GLOBEX')" >/dev/null
[ "$(q -d src -c "SELECT label FROM pg_seclabels WHERE provider = 'wellness_tenancy' AND objname = 'globex'")" = tenant ] ||
	fail "provisioning did not label the tenant schema"

pg_dump -d src -n globex -f "$work/globex.sql"
grep -q "SECURITY LABEL FOR wellness_tenancy ON SCHEMA globex IS 'tenant'" "$work/globex.sql" ||
	fail "pg_dump -n does not carry the tenant label"

q -d dst -c "SET client_min_messages = warning" -c "CREATE EXTENSION wellness_tenancy" \
	-c "SELECT wt_create_tenant('Acme', 'acme')" >/dev/null
q -d dst -f "$work/globex.sql" >/dev/null

app() { psql -X -q -At -d dst -U wellness_app "$@" 2>&1 || true; }

echo "== control: a DBA without a tenant reaches the restored data"
[ "$(q -d dst -c "SELECT full_name FROM globex.employees")" = SECRET-GLOBEX ] || fail "control: restored data missing"
[ "$(q -d dst -c "SELECT has_table_privilege('wellness_app', 'globex.employees', 'SELECT')")" = t ] ||
	fail "control: the restored grant to the app role is missing"

echo "== refused: tenant acme reaches the unregistered tenant schema"
out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'acme'" -c "SELECT full_name FROM globex.employees" -c "COMMIT")
grep -q 'schema "globex" is a tenant schema that is not registered in this database' <<<"$out" || fail "not refused: $out"
! grep -q SECRET-GLOBEX <<<"$out" || fail "tenant acme read the restored tenant: $out"

echo "== refused: require_tenant with no tenant"
q -d postgres -c "ALTER ROLE wellness_app SET wellness_tenancy.require_tenant = on"
out=$(app -c "SELECT full_name FROM globex.employees")
grep -q 'not registered in this database' <<<"$out" || fail "not refused under require_tenant: $out"

echo "== refused: removing the label is for superusers (even the schema's owner)"
q -d dst -c "ALTER SCHEMA globex OWNER TO dbowner"
out=$(psql -X -q -At -d dst -U dbowner -c "SECURITY LABEL FOR wellness_tenancy ON SCHEMA globex IS NULL" 2>&1 || true)
grep -q 'only superusers may change the tenant label' <<<"$out" || fail "label removed by a non-superuser: $out"

echo "== registered: the restored schema becomes an ordinary tenant"
version=$(q -d src -c "SELECT schema_version FROM tenants WHERE schema_name = 'globex'")
[ "$(q -d dst -c "SELECT wt_adopt_tenant('globex', 'Globex')")" = "$version" ] || fail "globex not adopted at version $version"
out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'globex'" -c "SELECT full_name FROM globex.employees" -c "COMMIT")
[ "$out" = SECRET-GLOBEX ] || fail "the registered tenant cannot read its own data: $out"
out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'acme'" -c "SELECT full_name FROM globex.employees" -c "COMMIT")
grep -q 'tenant "acme" may not reach' <<<"$out" || fail "another tenant reaches the registered tenant: $out"
echo "restored_schema: OK"
