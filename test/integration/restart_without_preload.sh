#!/usr/bin/env bash
# Enforcement never silently vanishes.  The app role carries
# session_preload_libraries = 'wellness_tenancy' (set by provisioning): with
# the module preloaded that load is a no-op; without it the module's _PG_init
# refuses the login.  Proven two ways:
#   restart   the same cluster restarted with shared_preload_libraries = ''
#   restore   pg_dumpall --globals-only + pg_dump restored into a fresh
#             cluster that never had the preload
# Each with its control: a superuser still logs in and reads every tenant (the
# data the app role would otherwise reach is there).
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh restart_without_preload

cluster_start enforced
q -d postgres -c "CREATE ROLE wellness_app LOGIN" -c "CREATE DATABASE wellness"
q -d wellness -c "SET client_min_messages = warning" -c "CREATE EXTENSION wellness_tenancy" \
	-c "SELECT wt_create_tenant('Acme', 'acme'), wt_create_tenant('Globex', 'globex')" \
	-c "INSERT INTO acme.employees (email, full_name) VALUES ('a@acme.example', 'ACME-ROW')" \
	-c "INSERT INTO globex.employees (email, full_name) VALUES ('g@globex.example', 'GLOBEX-ROW')" >/dev/null
[ "$(q -d wellness -c "SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting WHERE setrole = 'wellness_app'::regrole AND setdatabase = 0")" = session_preload_libraries=wellness_tenancy ] ||
	fail "provisioning did not set session_preload_libraries for the app role"

app() { psql -X -q -At -d wellness -U wellness_app "$@" 2>&1 || true; }

echo "== with the preload: the app role works for its tenant"
[ "$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'acme'" -c "SELECT full_name FROM acme.employees" -c "COMMIT")" = ACME-ROW ] ||
	fail "the app role cannot read its tenant with the module loaded"

echo "== restart without the preload: the app role cannot log in"
pg_dumpall --globals-only -f "$work/globals.sql"
pg_dump -d wellness -Fc -f "$work/wellness.dump"
cluster_as_postgres "$enforced_DIR" "$PG_BINDIR/pg_ctl" -D "$enforced_DATA" -m fast -w stop >/dev/null
echo "shared_preload_libraries = ''" >>"$enforced_DATA/cluster.conf"
cluster_as_postgres "$enforced_DIR" "$PG_BINDIR/pg_ctl" -D "$enforced_DATA" -l "$enforced_LOG" -w start >/dev/null
out=$(app -c "SELECT full_name FROM globex.employees")
grep -q 'FATAL:  wellness_tenancy must be loaded via shared_preload_libraries' <<<"$out" ||
	fail "the app role logged in without the module: $out"
! grep -q GLOBEX-ROW <<<"$out" || fail "the app role read a tenant without the module"
[ "$(q -d wellness -c "SELECT full_name FROM globex.employees")" = GLOBEX-ROW ] ||
	fail "control: a superuser cannot read the data after the restart"

echo "== restore into a server that never had the preload: the app role cannot log in"
cluster_start plain "shared_preload_libraries = ''"
psql -X -q -d postgres -f "$work/globals.sql" >/dev/null 2>&1 || true
q -d postgres -c "CREATE DATABASE wellness"
# CREATE EXTENSION fails here (no preload); the rest of the dump -- schemas,
# rows, grants to the app role -- is restored.
pg_restore -d wellness "$work/wellness.dump" >/dev/null 2>&1 || true
[ "$(q -d wellness -c "SELECT full_name FROM globex.employees")" = GLOBEX-ROW ] ||
	fail "control: the restored data is not there"
[ "$(q -d wellness -c "SELECT has_table_privilege('wellness_app', 'globex.employees', 'SELECT')")" = t ] ||
	fail "control: the restored grant to the app role is missing"
out=$(app -c "SELECT full_name FROM globex.employees")
grep -q 'FATAL:  wellness_tenancy must be loaded via shared_preload_libraries' <<<"$out" ||
	fail "the app role logged in to the restored server: $out"
! grep -q GLOBEX-ROW <<<"$out" || fail "the app role read a restored tenant without the module"
echo "restart_without_preload: OK"
