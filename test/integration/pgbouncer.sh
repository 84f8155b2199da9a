#!/usr/bin/env bash
# Tenant context behind PgBouncer in transaction mode.
#
# A throwaway cluster with the extension and 24 tenants (every row marked with
# its tenant), Debian's PgBouncer in front of it on 127.0.0.1 with
# pool_mode = transaction and a pool of 3 server connections for 10 pgbench
# clients, so that every server connection serves many clients in turn.  The
# application role runs with require_tenant and local_tenant_only on (set by
# the superuser with ALTER ROLE), as the README prescribes for
# poolers.  Checks:
#
#   1. thousands of transactions, each picking a random tenant and setting it
#      transaction-locally (SET LOCAL, set_config(..., true), wt_set_tenant(x,
#      true); simple and extended protocol), read only their own tenant's
#      rows -- zero rows of another tenant -- and always find the tenant's
#      full row count; every transaction starts with no tenant and the default
#      search_path: context never outlives a transaction;
#   2. the pool really is shared: at most 3 server backends served all 10
#      clients;
#   3. meanwhile, a client that forgets to set its tenant is refused with
#      SQLSTATE 42501 (never served another client's tenant), and sees no
#      tenant in force;
#   4. a session-level SET of the tenant (SET, set_config(..., false),
#      wt_set_tenant(x, false), in and outside a transaction block) is
#      refused through the pooler, and leaves no tenant behind;
#   5. control: the same session-level SET by a role without
#      local_tenant_only is served to the next client of the server
#      connection -- the hazard the mode exists for, which proves that this
#      test can see it.
#
# Ends with PASS or FAIL (exit 1).  Run as root (or postgres); needs
# PostgreSQL 15 with pgbench and pgbouncer (test/setup.sh) and `make install`.
# shellcheck disable=SC2154 # <cluster>_DIR, _DATA, _PORT, _LOG are set by cluster_start
set -euo pipefail
cd "$(dirname "$0")/../.."
PATH="$(pg_config --bindir):$PATH"
export PATH

NTENANTS=24
NCLIENTS=10
POOL=3
TXNS_SIMPLE=300   # per client, simple protocol
TXNS_EXTENDED=200 # per client, extended protocol
NFORGETFUL=150    # statements of the forgetful client

source test/lib/integration.sh pgbouncer

source test/lib/pgbouncer.sh

[ -x "$PGBOUNCER" ] || fail "$PGBOUNCER not found (test/setup.sh installs pgbouncer)"
command -v pgbench >/dev/null || fail "pgbench not found"


# --- the cluster -----------------------------------------------------------------
cluster_start main
db_port=$main_PORT
q -d postgres <<-'SQL'
	CREATE ROLE wellness_app LOGIN;
	ALTER ROLE wellness_app SET wellness_tenancy.require_tenant = on;
	ALTER ROLE wellness_app SET wellness_tenancy.local_tenant_only = on;
	-- control role: same privileges, require_tenant on, local_tenant_only off
	CREATE ROLE leaky_app LOGIN IN ROLE wellness_app;
	ALTER ROLE leaky_app SET wellness_tenancy.require_tenant = on;
	CREATE DATABASE wt;
SQL
q -d wt -v ntenants=$NTENANTS >/dev/null <<-'SQL'
	CREATE EXTENSION wellness_tenancy;
	SELECT count(wt_create_tenant('Tenant ' || i, 'tenant_' || i)) FROM generate_series(1, :ntenants) i;
	-- rows marked with their tenant; tenant_i has 3 + i % 5 employees with 2 logs each
	SELECT set_config('test.ntenants', :'ntenants', false);
	DO $$
	BEGIN
	    FOR i IN 1..current_setting('test.ntenants')::int LOOP
	        EXECUTE format($f$INSERT INTO %1$I.employees (email, full_name)
	                         SELECT 'e' || g || '@example.com', %1$L FROM generate_series(1, %2$s) g$f$,
	                       'tenant_' || i, 3 + i % 5);
	        EXECUTE format($f$INSERT INTO %1$I.wellness_logs (employee_id, activity_type, duration_minutes, log_date, notes)
	                         SELECT id, 'yoga', 30, date '2024-01-01', %1$L FROM %1$I.employees, generate_series(1, 2)$f$,
	                       'tenant_' || i);
	    END LOOP;
	END $$;
	CREATE TABLE public.expected (tenant text PRIMARY KEY, employees bigint, logs bigint);
	DO $$
	DECLARE s text;
	BEGIN
	    FOR s IN SELECT schema_name FROM tenants LOOP
	        EXECUTE format('INSERT INTO public.expected SELECT %L, (SELECT count(*) FROM %I.employees), (SELECT count(*) FROM %I.wellness_logs)', s, s, s);
	    END LOOP;
	END $$;
	-- what every pooled transaction saw
	CREATE UNLOGGED TABLE public.probe (
	    client_id int, backend_pid int, protocol text, tenant text,
	    clean_tenant int, clean_path int, current_tenant text,
	    employees bigint, employees_leaked bigint, logs bigint, logs_leaked bigint);
	GRANT INSERT ON public.probe TO wellness_app;
SQL
[ "$(q -d wt -c "SELECT count(*) FROM public.expected WHERE employees > 0 AND logs > 0")" = "$NTENANTS" ] ||
	fail "setup: not every tenant has rows"

# --- PgBouncer ------------------------------------------------------------------------
# Transaction pooling never runs server_reset_query: whatever a client
# leaves in a session is what the next client of that connection gets.
pgbouncer_start "$main_DIR/pgbouncer" "$db_port" $((db_port + 1000)) "$POOL" "wellness_app leaky_app postgres" \
	"wt_leaky = host=127.0.0.1 port=$db_port dbname=wt pool_size=1"
echo "pgbouncer $("$PGBOUNCER" --version | head -n 1 | awk '{print $2}') on 127.0.0.1:$bouncer_port," \
	"pool_mode = transaction, $POOL server connections for $NCLIENTS clients"

# psql through the pooler; stderr joined, errors shown as their SQLSTATE
# (with -f: "psql:FILE:LINE: ERROR:  42501").
pooled() {
	local user=$1 db=$2
	shift 2
	psql -X -At -h 127.0.0.1 -p "$bouncer_port" -U "$user" -d "$db" -v VERBOSITY=sqlstate "$@" 2>&1
}

# The pooled connection works and the role's settings are in force.
out=$(pooled wellness_app wt -c "SELECT current_setting('wellness_tenancy.require_tenant') || ' ' || current_setting('wellness_tenancy.local_tenant_only')" || true)
[ "$out" = "on on" ] || fail "wellness_app through the pooler: expected require_tenant and local_tenant_only on, got: $out"

# --- 1. concurrent clients, random tenant per transaction ------------------------------
# The pooler's files live with the cluster, where postgres can read them.
rmdir "$work"
work=$main_DIR/work
mkdir "$work"
# Each transaction starts by recording what it inherited, sets its tenant one
# of three transaction-local ways, and counts the rows it sees through the
# search_path and how many of them are another tenant's.
write_script() { # write_script FILE WAYS PROTOCOL
	local ways=$2 protocol=$3
	cat >"$1" <<-EOF
		\set n random(1, :ntenants)
		\set how random(1, $ways)
		BEGIN;
		SELECT (current_setting('wellness_tenancy.tenant') = '')::int AS clean_tenant, (current_setting('search_path') = '"\$user", public')::int AS clean_path \gset
		\if :how = 1
		SELECT set_config('wellness_tenancy.tenant', 'tenant_' || :n, true), set_config('search_path', 'tenant_' || :n, true);
		\elif :how = 2
		SELECT wt_set_tenant('tenant_' || :n, true);
		\else
		SET LOCAL wellness_tenancy.tenant = tenant_:n;
		SET LOCAL search_path = tenant_:n;
		\endif
		INSERT INTO public.probe SELECT :client_id::int, pg_backend_pid(), '$protocol', 'tenant_' || :n, :clean_tenant::int, :clean_path::int, public.wt_current_tenant(), (SELECT count(*) FROM employees), (SELECT count(*) FROM employees WHERE full_name IS DISTINCT FROM 'tenant_' || :n), (SELECT count(*) FROM wellness_logs), (SELECT count(*) FROM wellness_logs WHERE notes IS DISTINCT FROM 'tenant_' || :n);
		END;
	EOF
}
# SET LOCAL takes no parameters: the extended-protocol run uses the functions.
write_script "$work/simple.pgbench" 3 simple
write_script "$work/extended.pgbench" 2 extended

# 3. the forgetful client: no tenant set, running beside the load on the same
# three server connections.  Qualified names must be refused (42501);
# unqualified names must not resolve to any tenant; no tenant is in force.
{
	for ((i = 1; i <= NFORGETFUL; i++)); do
		t=$((1 + i % NTENANTS))
		case $((i % 3)) in
		0) echo "SELECT 'SERVED ' || count(*) FROM tenant_$t.employees;" ;;
		1) echo "SELECT 'SERVED ' || count(*) FROM employees;" ;;
		2) echo "SELECT 'TENANT ' || coalesce(public.wt_current_tenant(), 'none') || ' PATH ' || current_setting('search_path');" ;;
		esac
	done
} >"$work/forgetful.sql"

# 4. session-level SETs beside the load, each followed by a look at what the
# next statement on the pool sees.
{
	for ((i = 1; i <= 20; i++)); do
		t=$((1 + i % NTENANTS))
		cat <<-EOF
			SET wellness_tenancy.tenant = 'tenant_$t';
			SELECT 'TENANT ' || coalesce(public.wt_current_tenant(), 'none');
			SELECT set_config('wellness_tenancy.tenant', 'tenant_$t', false);
			SELECT 'TENANT ' || coalesce(public.wt_current_tenant(), 'none');
			SELECT wt_set_tenant('tenant_$t');
			SELECT 'TENANT ' || coalesce(public.wt_current_tenant(), 'none');
			BEGIN;
			SET wellness_tenancy.tenant = 'tenant_$t';
			ROLLBACK;
			BEGIN;
			SELECT set_config('wellness_tenancy.tenant', 'tenant_$t', false);
			COMMIT;
			SELECT 'TENANT ' || coalesce(public.wt_current_tenant(), 'none');
			SELECT 'SERVED ' || count(*) FROM tenant_$t.employees;
		EOF
	done
} >"$work/session_set.sql"

run_pgbench() { # run_pgbench PROTOCOL TXNS
	PGPORT=$bouncer_port pgbench -n -h 127.0.0.1 -U wellness_app -c "$NCLIENTS" -j 2 -t "$2" -M "$1" \
		-D ntenants="$NTENANTS" -f "$work/$1.pgbench" wt >"$work/pgbench.$1.log" 2>&1
}

start=$(date +%s)
run_pgbench simple "$TXNS_SIMPLE" &
bench_pid=$!
sleep 0.5 # let the load start, then run the forgetful and session-SET clients beside it
pooled wellness_app wt -f "$work/forgetful.sql" >"$work/forgetful.out" || true &
forgetful_pid=$!
pooled wellness_app wt -f "$work/session_set.sql" >"$work/session_set.out" || true &
session_pid=$!
bench_status=0
wait "$bench_pid" || bench_status=$?
wait "$forgetful_pid" || true
wait "$session_pid" || true
[ "$bench_status" -eq 0 ] || { tail -n 20 "$work/pgbench.simple.log" >&2; fail "pgbench (simple protocol) through the pooler failed"; }
run_pgbench extended "$TXNS_EXTENDED" || { tail -n 20 "$work/pgbench.extended.log" >&2; fail "pgbench (extended protocol) through the pooler failed"; }
echo "pgbench: $((NCLIENTS * (TXNS_SIMPLE + TXNS_EXTENDED))) transactions through the pooler in $(($(date +%s) - start))s"
for protocol in simple extended; do
	grep -q '^number of failed transactions: 0 ' "$work/pgbench.$protocol.log" ||
		fail "pgbench ($protocol) reports failed transactions: $(grep -i 'failed\|abort' "$work/pgbench.$protocol.log")"
done

# --- checks ------------------------------------------------------------------------------
failures=0
check() { # check DESCRIPTION SQL-returning-zero-when-good
	local got
	got=$(q -d wt -c "$2")
	if [ "$got" = 0 ]; then
		echo "ok: $1"
	else
		echo "NOT OK: $1 (got $got)" >&2
		failures=$((failures + 1))
	fi
}
total=$((NCLIENTS * (TXNS_SIMPLE + TXNS_EXTENDED)))
check "all $total transactions recorded what they saw" \
	"SELECT abs(count(*) - $total) FROM public.probe"
check "zero rows of another tenant returned" \
	"SELECT coalesce(sum(employees_leaked + logs_leaked), -1) FROM public.probe"
check "every transaction saw its own tenant's full row count (the reads were real)" \
	"SELECT count(*) FROM public.probe p LEFT JOIN public.expected e ON e.tenant = p.tenant
	 WHERE e.tenant IS NULL OR p.employees <> e.employees OR p.logs <> e.logs"
check "wt_current_tenant() was the transaction's tenant in every transaction" \
	"SELECT count(*) FROM public.probe WHERE current_tenant IS DISTINCT FROM tenant"
check "every transaction started with no tenant and the default search_path (nothing inherited)" \
	"SELECT count(*) FROM public.probe WHERE clean_tenant <> 1 OR clean_path <> 1"
check "all three ways of setting the tenant and both protocols ran, over at least 20 tenants" \
	"SELECT CASE WHEN count(DISTINCT tenant) >= 20 AND count(DISTINCT protocol) = 2 THEN 0 ELSE 1 END FROM public.probe"
# 2. sharing
read -r backends clients max_clients_per_backend < <(q -F ' ' -d wt -c "
	SELECT count(DISTINCT backend_pid), count(DISTINCT client_id),
	       (SELECT max(c) FROM (SELECT count(DISTINCT client_id) c FROM public.probe GROUP BY backend_pid) s)
	FROM public.probe")
echo "pool: $clients clients served by $backends server backends (up to $max_clients_per_backend clients each)"
if [ "$backends" -le "$POOL" ] && [ "$clients" -eq "$NCLIENTS" ] && [ "$max_clients_per_backend" -ge 2 ]; then
	echo "ok: server connections were shared ($backends <= pool size $POOL < $NCLIENTS clients)"
else
	echo "NOT OK: server connections were not shared as configured" >&2
	failures=$((failures + 1))
fi

# 3. the forgetful client
refused=$(grep -c 'ERROR:  42501$' "$work/forgetful.out" || true)
missing=$(grep -c 'ERROR:  42P01$' "$work/forgetful.out" || true)
served=$(grep -c '^SERVED' "$work/forgetful.out" || true)
# shellcheck disable=SC2016 # a literal $user
no_tenant=$(grep -c '^TENANT none PATH "\$user", public$' "$work/forgetful.out" || true)
expected_refused=$((NFORGETFUL / 3))
expected_missing=$(((NFORGETFUL + 2) / 3))
expected_none=$(((NFORGETFUL + 1) / 3))
if [ "$served" -eq 0 ] && [ "$refused" -eq "$expected_refused" ] && [ "$missing" -eq "$expected_missing" ] &&
	[ "$no_tenant" -eq "$expected_none" ]; then
	echo "ok: a client that forgot its tenant, beside the load: $refused qualified reads refused with 42501," \
		"$missing unqualified reads resolved to no tenant (42P01), no tenant in force $no_tenant times, nothing served"
else
	echo "NOT OK: forgetful client: served $served, 42501 $refused/$expected_refused, 42P01 $missing/$expected_missing, no tenant $no_tenant/$expected_none; first lines:" >&2
	grep -v '^TENANT none\|ERROR:  42501$\|ERROR:  42P01$' "$work/forgetful.out" | head -n 5 >&2
	failures=$((failures + 1))
fi

# 4. session-level SETs
refused=$(grep -c 'ERROR:  42501$' "$work/session_set.out" || true)
served=$(grep -c '^SERVED\|^TENANT tenant_' "$work/session_set.out" || true)
no_tenant=$(grep -c '^TENANT none$' "$work/session_set.out" || true)
# per round: SET, set_config(false), wt_set_tenant(x), SET in a block,
# set_config(false) at COMMIT, the qualified read = 6 refusals; 4 looks
if [ "$refused" -eq $((20 * 6)) ] && [ "$served" -eq 0 ] && [ "$no_tenant" -eq $((20 * 4)) ]; then
	echo "ok: session-level SET, set_config(..., false) and wt_set_tenant(x, false) refused through the pooler" \
		"($refused refusals with 42501), no tenant left behind"
else
	echo "NOT OK: session-level sets: 42501 $refused/120, served $served, no tenant $no_tenant/80; output:" >&2
	grep -v '^TENANT none$\|ERROR:  42501$' "$work/session_set.out" | head -n 10 >&2
	failures=$((failures + 1))
fi

# 5. control: without local_tenant_only the session-level tenant is served to
# the next client of the (single) server connection of the wt_leaky pool.
pooled leaky_app wt_leaky -c "SET wellness_tenancy.tenant = 'tenant_5'" -c "SET search_path = tenant_5" >"$work/control.out" || true
leak=$(pooled leaky_app wt_leaky -c "SELECT coalesce(public.wt_current_tenant(), 'none') || ' ' || count(*) FROM employees" || true)
if [ "$leak" = "tenant_5 $(q -d wt -c "SELECT employees FROM public.expected WHERE tenant = 'tenant_5'")" ]; then
	echo "ok: control: without local_tenant_only, a new client inherited tenant_5 and its rows (the hazard is real and visible)"
else
	echo "NOT OK: control: expected a new client of the leaky pool to inherit tenant_5, got: $leak $(cat "$work/control.out")" >&2
	failures=$((failures + 1))
fi
pooled leaky_app wt_leaky -c "RESET ALL" >/dev/null || true
# The same sequence with local_tenant_only: refused, nothing to inherit.
out=$(pooled wellness_app wt -c "SET wellness_tenancy.tenant = 'tenant_5'" -c "SET search_path = tenant_5" || true)
# SET search_path is not refused and may be inherited: with no tenant in
# force the tenant schema drops out of it (42P01), and named, it is refused.
after=$(pooled wellness_app wt -c "SELECT coalesce(public.wt_current_tenant(), 'none')" \
	-c "SELECT count(*) FROM tenant_5.employees" -c "SELECT count(*) FROM employees" || true)
if grep -q '^ERROR:  42501' <<<"$out" && [ "$(head -n 1 <<<"$after")" = none ] &&
	[ "$(tail -n 2 <<<"$after" | cut -c1-12 | tr '\n' ' ')" = "ERROR:  4250 ERROR:  42P0 " ]; then
	echo "ok: the same sequence as wellness_app: the SET refused (42501), the next client has no tenant," \
		"is refused the tenant's table (42501) and does not resolve it through an inherited search_path (42P01)"
else
	echo "NOT OK: with local_tenant_only: SET gave '$out', next client got '$after'" >&2
	failures=$((failures + 1))
fi

if [ "$failures" -ne 0 ]; then
	fail "$failures check(s) failed"
fi
echo "pgbouncer: PASS"
