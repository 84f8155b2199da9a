#!/usr/bin/env bash
# Real drivers and frameworks behind PgBouncer in transaction mode.
#
# A throwaway cluster with the extension and 24 tenants whose employees'
# emails end with @<tenant schema>.example; the app role runs with
# require_tenant and local_tenant_only on (ALTER ROLE, as the README
# prescribes for poolers); Debian's PgBouncer in front of it with
# pool_mode = transaction and 3 server connections.  Through it, each client
# program in test/clients/ runs 8 concurrent clients over all 24 tenants,
# every request in its own transaction that sets the tenant inside it and
# reads the unqualified employees table (docs/clients.md shows the same code):
#
#   psycopg 3 + psycopg_pool  prepare_threshold=None; company -> schema from
#                             the registry, then wt_set_tenant(%s, true)
#   asyncpg                   statement_cache_size=0;
#                             set_config('wellness_tenancy.tenant', $1, true)
#   node-postgres (pg)        pool.connect(), unnamed queries;
#                             wt_set_tenant($1, true)
#   Django 3.2 (psycopg2)     transaction.atomic(), an unmanaged model,
#                             DISABLE_SERVER_SIDE_CURSORS; SET LOCAL and
#                             set_config in turn
#
# Checked again here for every driver (test/clients/check_result.py): every
# request saw only its own tenant's rows (each email's domain) and all of
# them; no request started with a tenant in force; all 24 tenants ran; the 8
# clients shared at most 3 server backends and some backend served several
# tenants (the control: isolation was exercised, not avoided); a request that
# forgets its tenant gets an error and no row; a session-level SET is refused
# (42501); wt_set_tenant(x, true) outside a transaction (psycopg autocommit,
# node-postgres' pool.query()) is refused (25P01, the autocommit trap).
# Then psycopg, asyncpg and node-postgres again with their server-side
# prepared statements on: requests break behind the pooler (the reason the
# docs turn them off) and none is served another tenant's rows.  Last,
# Django's test runner builds its test database from a template with the
# extension (TEST TEMPLATE) and its tests pass; control: from template1 they
# fail.  Ends with PASS or FAIL (exit 1).  Run as root (or postgres) after `make
# install`; needs test/setup.sh's packages (/usr/bin/python3 with psycopg,
# psycopg_pool, asyncpg, django, psycopg2; pgbouncer; node and npm) and npm's
# registry for `npm ci` of test/clients/node/package-lock.json.
# shellcheck disable=SC2154 # <cluster>_DIR, _DATA, _PORT, _LOG are set by cluster_start
set -euo pipefail
cd "$(dirname "$0")/../.."
PATH="$(pg_config --bindir):$PATH"
export PATH

PYTHON=/usr/bin/python3 # Debian's, with Debian's drivers; not a python3 first on PATH
NTENANTS=24
NCLIENTS=8
NREQUESTS=60 # per client and driver: 480 requests per driver
NPREPARED=20 # per client and driver, with the driver's prepared statements on
POOL=3

source test/lib/integration.sh clients

source test/lib/pgbouncer.sh

# --- what the drivers need: missing is a FAIL, never a silent skip -----------------
[ -x "$PGBOUNCER" ] || fail "$PGBOUNCER not found (test/setup.sh installs pgbouncer)"
[ -x "$PYTHON" ] || fail "$PYTHON not found"
versions='import psycopg, psycopg_pool, asyncpg, django, psycopg2
print("psycopg", psycopg.__version__, "asyncpg", asyncpg.__version__,
      "django", django.get_version(), "psycopg2", psycopg2.__version__.split()[0])'
out=$("$PYTHON" -c "$versions" 2>&1) ||
	fail "a driver is missing for $PYTHON (test/setup.sh installs python3-psycopg python3-psycopg-pool python3-asyncpg python3-django python3-psycopg2): $out"
echo "drivers: $out"
{ command -v node && command -v npm; } >/dev/null || fail "node and npm are needed for node-postgres"
# node-postgres at the version the committed lockfile pins, in a temp copy
mkdir "$work/node"
cp test/clients/node/package.json test/clients/node/package-lock.json test/clients/node/client.js "$work/node/"
(cd "$work/node" && npm ci --no-audit --no-fund --loglevel=error >npm.log 2>&1) ||
	fail "npm ci of test/clients/node/package-lock.json failed: $(tail -n 5 "$work/node/npm.log")"
echo "node $(node --version), pg $(node -p "require('$work/node/node_modules/pg/package.json').version")"

# --- the cluster ---------------------------------------------------------------------
cluster_start main
db_port=$main_PORT
q -d postgres <<'SQL'
CREATE ROLE wellness_app LOGIN;
ALTER ROLE wellness_app SET wellness_tenancy.require_tenant = on;
ALTER ROLE wellness_app SET wellness_tenancy.local_tenant_only = on;
CREATE DATABASE wt;
SQL
q -d wt -v ntenants=$NTENANTS >/dev/null <<'SQL'
CREATE EXTENSION wellness_tenancy;
SELECT count(wt_create_tenant(format('Company %s', lpad(i::text, 2, '0')), format('tenant_%s', lpad(i::text, 2, '0'))))
FROM generate_series(1, :ntenants) i;
-- tenant_NN has 3 + NN % 5 employees, e<k>@tenant_NN.example
DO $$
DECLARE t record;
BEGIN
    FOR t IN SELECT schema_name, row_number() OVER (ORDER BY schema_name) AS n FROM tenants LOOP
        EXECUTE format($f$INSERT INTO %1$I.employees (email, full_name)
                         SELECT 'e' || g || '@%1$s.example', 'Employee ' || g FROM generate_series(1, %2$s) g$f$,
                       t.schema_name, 3 + t.n % 5);
    END LOOP;
END $$;
SQL
# {schema: {"company": ..., "employees": ...}} for the clients, read as the superuser
expected=$(q -d wt <<'SQL'
CREATE FUNCTION pg_temp.employees(s text) RETURNS bigint LANGUAGE plpgsql AS
$$ DECLARE n bigint; BEGIN EXECUTE format('SELECT count(*) FROM %I.employees', s) INTO n; RETURN n; END $$;
SELECT json_object_agg(schema_name, json_build_object('company', company_name, 'employees', pg_temp.employees(schema_name)))
FROM tenants;
SQL
)
[ "$("$PYTHON" -c 'import json,sys; e=json.loads(sys.argv[1]); print(len(e), min(v["employees"] for v in e.values()))' "$expected")" = "$NTENANTS 3" ] ||
	fail "setup: expected $NTENANTS tenants with employees, got $expected"

# --- PgBouncer ------------------------------------------------------------------------
pgbouncer_start "$main_DIR/pgbouncer" "$db_port" $((db_port + 50)) "$POOL" "wellness_app postgres"
echo "pgbouncer $("$PGBOUNCER" --version | head -n 1 | awk '{print $2}') on 127.0.0.1:$bouncer_port," \
	"pool_mode = transaction, $POOL server connections for $NCLIENTS clients per driver"

export WT_HOST=127.0.0.1 WT_PORT=$bouncer_port WT_DB=wt WT_USER=wellness_app
export WT_EXPECTED=$expected WT_CLIENTS=$NCLIENTS WT_REQUESTS=$NREQUESTS
export PYTHONDONTWRITEBYTECODE=1

# --- the drivers ----------------------------------------------------------------------
failures=0
# run_client DRIVER "REQUIRED-CHECK..." COMMAND...: runs a client program and
# checks its RESULT line again here, whatever the program's own verdict.
run_client() {
	local driver=$1 required=$2 status=0 result verdict start
	shift 2
	start=$(date +%s)
	"$@" >"$work/$driver.out" 2>"$work/$driver.err" || status=$?
	result=$(sed -n 's/^RESULT //p' "$work/$driver.out")
	if [ -z "$result" ]; then
		echo "NOT OK: $driver: no result (exit $status):" >&2
		tail -n 20 "$work/$driver.err" >&2
		failures=$((failures + 1))
		return
	fi
	# shellcheck disable=SC2086 # the required checks are words
	verdict=$("$PYTHON" test/clients/check_result.py "$result" "$NCLIENTS" "$NREQUESTS" "$NTENANTS" "$POOL" $required)
	if [ "$status" -eq 0 ] && [ "${verdict#ok: }" != "$verdict" ]; then
		echo "$verdict ($(($(date +%s) - start))s)"
	else
		echo "$verdict (exit $status)" >&2
		tail -n 5 "$work/$driver.err" >&2
		failures=$((failures + 1))
	fi
}

run_client psycopg "forgot_tenant session_set session_wt_set_tenant autocommit_wt_set_tenant autocommit_next_statement" \
	"$PYTHON" test/clients/psycopg_client.py
run_client asyncpg "forgot_tenant session_set session_set_config" \
	"$PYTHON" test/clients/asyncpg_client.py
run_client node-postgres "forgot_tenant session_set pool_query_wt_set_tenant" \
	node "$work/node/client.js"
run_client django "forgot_tenant session_set" \
	env PYTHONPATH=test/clients DJANGO_SETTINGS_MODULE=wtdjango.settings "$PYTHON" test/clients/django_client.py

# --- the same drivers with server-side prepared statements on -------------------------
# What docs/clients.md says to turn off: psycopg's prepare_threshold=0,
# asyncpg's default statement cache, node-postgres' named queries.  Requests
# break (a statement prepared on one server connection is missing, or another
# client's, on the next), but none is served another tenant's rows.
run_prepared() { # run_prepared DRIVER COMMAND...
	local driver=$1 status=0 result verdict
	shift
	WT_PREPARED=1 WT_REQUESTS=$NPREPARED "$@" >"$work/$driver.prepared.out" 2>"$work/$driver.prepared.err" || status=$?
	result=$(sed -n 's/^RESULT //p' "$work/$driver.prepared.out")
	if [ -z "$result" ]; then
		echo "NOT OK: $driver with prepared statements: no result (exit $status):" >&2
		tail -n 20 "$work/$driver.prepared.err" >&2
		failures=$((failures + 1))
		return
	fi
	verdict=$("$PYTHON" test/clients/check_result.py --prepared "$result" "$NCLIENTS" "$NPREPARED")
	if [ "${verdict#ok: }" != "$verdict" ]; then
		echo "$verdict"
	else
		echo "$verdict" >&2
		failures=$((failures + 1))
	fi
}
run_prepared psycopg "$PYTHON" test/clients/psycopg_client.py
run_prepared asyncpg "$PYTHON" test/clients/asyncpg_client.py
run_prepared node-postgres node "$work/node/client.js"

# --- Django's test runner: the test database from a template with the extension ------
# `manage.py test` creates test_<NAME> as the app's own role (CREATEDB) by
# copying a template; CREATE EXTENSION needs a superuser, so the extension
# (and test tenants) must be in the template: TEST: {"TEMPLATE": ...}.
q -d postgres <<'SQL'
CREATE ROLE wellness_dev LOGIN CREATEDB IN ROLE wellness_app;
ALTER ROLE wellness_dev SET wellness_tenancy.require_tenant = on;
ALTER ROLE wellness_dev SET wellness_tenancy.local_tenant_only = on;
CREATE DATABASE wt_dev;
CREATE DATABASE wt_template;
SQL
q -d wt_template >/dev/null <<'SQL'
CREATE EXTENSION wellness_tenancy;
SELECT wt_create_tenant('Company 01', 'tenant_01'), wt_create_tenant('Company 02', 'tenant_02');
INSERT INTO tenant_01.employees (email, full_name) VALUES ('a@tenant_01.example', 'A'), ('b@tenant_01.example', 'B');
INSERT INTO tenant_02.employees (email, full_name) VALUES ('c@tenant_02.example', 'C');
SQL
q -d postgres -c "ALTER DATABASE wt_template IS_TEMPLATE true"
django_test() { # django_test TEMPLATE: Django's test runner as wellness_dev, directly on the server
	(cd test/clients && WT_HOST=127.0.0.1 WT_PORT=$db_port WT_DB=wt_dev WT_USER=wellness_dev WT_TEST_TEMPLATE=$1 \
		DJANGO_SETTINGS_MODULE=wtdjango.settings "$PYTHON" -m django test wtdjango --noinput -v 1 2>&1)
}
status=0
out=$(django_test wt_template) || status=$?
if [ "$status" -eq 0 ] && grep -q '^Ran 3 tests' <<<"$out" && grep -q '^OK' <<<"$out"; then
	echo "ok: django test runner: test database copied from a template with the extension, 3 tests pass" \
		"(own tenant's rows only, a write, no tenant: an error)"
else
	echo "NOT OK: django test runner with TEST TEMPLATE (exit $status):" >&2
	tail -n 20 <<<"$out" >&2
	failures=$((failures + 1))
fi
# control: Django's default template (template1, without the extension)
status=0
out=$(django_test template1) || status=$?
if [ "$status" -ne 0 ] && grep -q '^FAILED (errors=2)' <<<"$out" &&
	grep -q 'extension "wellness_tenancy" is not installed in this database' <<<"$out"; then
	echo "ok: control: from template1 the two tests that set a tenant fail: extension \"wellness_tenancy\" is not installed"
else
	echo "NOT OK: control: the test database from template1 was expected to lack the tenants (exit $status):" >&2
	tail -n 20 <<<"$out" >&2
	failures=$((failures + 1))
fi
[ "$(q -d postgres -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'test\_%'")" = 0 ] ||
	{ echo "NOT OK: Django left its test database behind" >&2; failures=$((failures + 1)); }

if [ "$failures" -ne 0 ]; then
	fail "$failures driver(s) failed"
fi
echo "clients: PASS"
