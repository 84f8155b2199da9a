#!/usr/bin/env bash
# Backups as docs/backup.md describes them, each restored and checked.  A
# cluster with the extension, five tenants with data, a tenant migration of
# the DBA's, one suspended tenant and one accepted drift (an extra table):
#   (a) pg_basebackup -D <dir> -X stream, started as a second cluster;
#   (b) pgBackRest: a stanza in a temporary repository, archive_command
#       archive-push on the cluster, stanza-create, backup --type=full,
#       restore into a new data directory, started (archive recovery);
#   (c) pg_dumpall --globals-only + pg_dump -Fc, restored with
#       pg_restore --exit-on-error into a fresh cluster (globals first, a
#       database from template0); CONTROL, before the globals are
#       restored there: the same restore stops at the first grant to the
#       missing app role, and no app role exists to log in.
# Each restored copy must hold the same registry, migrations, accepted drift
# and tenant data (diffed), report the same drift, and enforce isolation: the
# app role is served its own tenant, refused another tenant (42501), and
# reaches that tenant's rows without a tenant set (the control).
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh backup

# The pgBackRest repository, its logs and the restored data directories are
# the OS user postgres's (pgBackRest runs as the server's user).
chmod 711 "$work"
pgbr=$work/pgbackrest
mkdir -p "$pgbr/repo" "$pgbr/log" "$pgbr/lock" "$pgbr/spool" "$work/copies"
[ "$(id -u)" -ne 0 ] || chown -R postgres: "$pgbr" "$work/copies"
conf=$pgbr/pgbackrest.conf

cluster_start live "archive_mode = on" \
	"archive_command = 'pgbackrest --config=$conf --stanza=wt archive-push %p'" "wal_level = replica"
cat >"$conf" <<-CONF
	[global]
	repo1-path=$pgbr/repo
	log-path=$pgbr/log
	lock-path=$pgbr/lock
	spool-path=$pgbr/spool
	log-level-console=warn
	repo1-retention-full=2
	log-level-file=info
	start-fast=y
	compress-type=none

	[wt]
	pg1-path=$live_DATA
	pg1-port=$live_PORT
	pg1-socket-path=$live_DIR
	pg1-user=postgres
CONF
[ "$(id -u)" -ne 0 ] || chown postgres: "$conf"
on_fail "tail -n 20 $pgbr/log/*.log"
pgbackrest_run() { cluster_as_postgres "$pgbr" pgbackrest --config="$conf" --stanza=wt "$@"; }
pgbackrest_run stanza-create

echo "== the live cluster: five tenants with data (${SECONDS}s)"
q -d postgres -c "CREATE ROLE wellness_app LOGIN" -c "CREATE DATABASE wellness"
q -d wellness >/dev/null <<-'SQL'
	SET client_min_messages = warning;
	CREATE EXTENSION wellness_tenancy;
	SELECT wt_add_migration(2, 'department per employee', 'ALTER TABLE employees ADD COLUMN department varchar(100)');
	SELECT count(wt_create_tenant(format('Company %s', i), format('t_%s', i))) FROM generate_series(1, 5) i;
	DO $$
	DECLARE s text;
	BEGIN
	  FOR s IN SELECT schema_name FROM tenants LOOP
	    EXECUTE format('INSERT INTO %I.employees (email, full_name, department)
	                    SELECT format(''e%%s@%%s.example'', i, %L), format(''%s employee %%s'', i), ''dept''
	                    FROM generate_series(1, 20) i', s, s, upper(s));
	    EXECUTE format('INSERT INTO %I.wellness_logs (employee_id, activity_type, duration_minutes, log_date)
	                    SELECT e.id, ''run'', 30, DATE ''2024-03-01'' FROM %I.employees e', s, s);
	  END LOOP;
	END $$;
	SELECT wt_suspend_tenant('t_5');
	CREATE TABLE t_2.step_counts (day date PRIMARY KEY, steps integer);
	INSERT INTO t_2.step_counts VALUES ('2024-03-01', 9000);
	SELECT wt_accept_drift('t_2', 'extra table', 'step counter pilot, owned by the DBA');
SQL
[ "$(q -d wellness -c 'SELECT count(*) FROM wt_tenant_drift()')" = 0 ] || fail "drift in the live cluster"

# The same checks for every copy; outputs are diffed.
snapshot() {
	local port=$1
	q -p "$port" -d wellness <<-'SQL'
		SELECT id, company_name, schema_name, created_at, status, schema_version, placement FROM tenants ORDER BY schema_name;
		SELECT version, md5(ddl), shipped FROM tenant_migrations ORDER BY version;
		SELECT schema_name, problem, detail, reason FROM tenant_drift_accepted ORDER BY 1, 2, 3;
		SELECT format('SELECT %L, %L, count(*), md5(coalesce(string_agg(t::text, %L ORDER BY t::text), %L)) FROM %I.%I t',
		              n.nspname, c.relname, '|', '', n.nspname, c.relname)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname IN (SELECT schema_name FROM tenants) AND c.relkind = 'r'
		ORDER BY n.nspname, c.relname
		\gexec
		SELECT count(*) AS drift FROM wt_tenant_drift();
		SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting WHERE setrole = 'wellness_app'::regrole AND setdatabase = 0;
	SQL
}
snapshot "$live_PORT" >"$work/live.txt"
grep -q '^t_1|employees|20|' "$work/live.txt" || fail "the live snapshot lacks the tenant data: $(head "$work/live.txt")"

# verify NAME PORT: the copy matches the live snapshot and enforces isolation.
verify() {
	local copy=$1 port=$2 out
	snapshot "$port" >"$work/$copy.txt"
	diff -u "$work/live.txt" "$work/$copy.txt" || fail "$copy differs from the live cluster"
	app() { psql -X -q -At -p "$port" -d wellness -U wellness_app -v VERBOSITY=verbose "$@" 2>&1 || true; }
	out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 't_1'" -c "SELECT count(*) FROM employees" -c "COMMIT")
	[ "$out" = 20 ] || fail "$copy: tenant t_1 is not served its own rows: $out"
	out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 't_1'" -c "SELECT full_name FROM t_3.employees LIMIT 1" -c "COMMIT")
	grep -q '42501' <<<"$out" && grep -q 'tenant "t_1" may not reach' <<<"$out" || fail "$copy: t_1 reaches t_3: $out"
	! grep -q 'T_3 employee' <<<"$out" || fail "$copy: t_1 read t_3's rows: $out"
	[ "$(app -c "SELECT full_name FROM t_3.employees ORDER BY full_name LIMIT 1")" = "T_3 employee 1" ] ||
		fail "$copy: control: without a tenant the app role does not reach t_3"
	out=$(app -c "SELECT wt_set_tenant('t_5')")
	grep -q 'is suspended' <<<"$out" || fail "$copy: the suspended tenant is served: $out"
	echo "   $copy: registry, migrations, accepted drift, data and app role setting identical; t_1 served, refused t_3 (42501), control reads t_3"
}

# start_copy NAME DATA: starts a server on a restored data directory, on a
# port of its own, without archiving; waits until it accepts writes.
start_copy() {
	local copy=$1 data=$2 port=$((CLUSTER_FIRST_PORT + 40))
	while _cluster_port_busy "$port"; do port=$((port + 1)); done
	chmod 700 "$data"
	cluster_as_postgres "$work/copies" "$PG_BINDIR/pg_ctl" -D "$data" -l "$data.log" -w -t 120 \
		-o "-p $port -k $work/copies -c archive_mode=off" start >/dev/null ||
		{ tail -n 30 "$data.log"; fail "the $copy copy did not start"; }
	on_exit "cluster_as_postgres $work/copies $PG_BINDIR/pg_ctl -D $data -m immediate -w stop >/dev/null 2>&1"
	on_fail "tail -n 20 $data.log"
	local i
	for i in $(seq 1 120); do
		[ "$(q -p "$port" -d postgres -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] && break
		sleep 0.5
	done
	[ "$(q -p "$port" -d postgres -c 'SELECT pg_is_in_recovery()')" = f ] || fail "$copy: still in recovery"
	copy_port=$port
}

echo "== (a) pg_basebackup -X stream, started as a second cluster (${SECONDS}s)"
cluster_as_postgres "$work/copies" "$PG_BINDIR/pg_basebackup" -h 127.0.0.1 -p "$live_PORT" -U postgres \
	-D "$work/copies/basebackup" -X stream -c fast
start_copy basebackup "$work/copies/basebackup"
verify basebackup "$copy_port"
cluster_as_postgres "$work/copies" "$PG_BINDIR/pg_ctl" -D "$work/copies/basebackup" -m fast -w stop >/dev/null

echo "== (b) pgBackRest (stanza created at the start): backup --type=full, restore into a new data directory (${SECONDS}s)"
pgbackrest_run check
pgbackrest_run backup --type=full
pgbackrest_run info | grep -q 'full backup' || fail "pgBackRest lists no full backup"
mkdir -p "$work/copies/pgbackrest"
[ "$(id -u)" -ne 0 ] || chown postgres: "$work/copies/pgbackrest"
pgbackrest_run restore --pg1-path="$work/copies/pgbackrest"
[ -f "$work/copies/pgbackrest/recovery.signal" ] || fail "pgBackRest restore did not set up archive recovery"
start_copy pgbackrest "$work/copies/pgbackrest"
verify pgbackrest "$copy_port"
cluster_as_postgres "$work/copies" "$PG_BINDIR/pg_ctl" -D "$work/copies/pgbackrest" -m fast -w stop >/dev/null

echo "== (c) pg_dumpall --globals-only + pg_dump -Fc + pg_restore --exit-on-error (${SECONDS}s)"
pg_dumpall -p "$live_PORT" --globals-only -f "$work/globals.sql"
grep -q "ALTER ROLE wellness_app SET session_preload_libraries TO 'wellness_tenancy'" "$work/globals.sql" ||
	fail "the globals lack the app role's session_preload_libraries"
pg_dump -p "$live_PORT" -Fc -f "$work/wellness.dump" wellness
cluster_start fresh
# CONTROL first, while this cluster has no globals: the same restore stops at
# the first grant to the missing app role, and no app role can log in.
q -p "$fresh_PORT" -d postgres -c "CREATE DATABASE without_globals TEMPLATE template0"
if pg_restore -p "$fresh_PORT" --exit-on-error -d without_globals "$work/wellness.dump" >"$work/bare.log" 2>&1; then
	fail "pg_restore without the globals succeeded"
fi
grep -q 'role "wellness_app" does not exist' "$work/bare.log" || { cat "$work/bare.log"; fail "unexpected pg_restore failure"; }
echo "   CONTROL without the globals: pg_restore stopped: $(grep -m1 'ERROR' "$work/bare.log" | sed 's/^.*ERROR: *//')"
out=$(psql -X -q -At -p "$fresh_PORT" -d without_globals -U wellness_app -c "SELECT 1" 2>&1 || true)
grep -q 'role "wellness_app" does not exist' <<<"$out" || fail "the app role exists without the globals: $out"
echo "   and the app role cannot log in: $(grep -m1 FATAL <<<"$out" | sed 's/^.*FATAL: *//')"
q -p "$fresh_PORT" -d postgres -c "DROP DATABASE without_globals"
# Globals first: every role but the bootstrap superuser, which exists already.
psql -X -q -p "$fresh_PORT" -d postgres -f "$work/globals.sql" >"$work/globals.log" 2>&1 || true
[ "$(grep -c ERROR "$work/globals.log")" = 1 ] && grep -q 'role "postgres" already exists' "$work/globals.log" ||
	{ cat "$work/globals.log"; fail "restoring the globals"; }
q -p "$fresh_PORT" -d postgres -c "CREATE DATABASE wellness TEMPLATE template0"
pg_restore -p "$fresh_PORT" --exit-on-error -d wellness "$work/wellness.dump" >"$work/restore.log" 2>&1 ||
	{ cat "$work/restore.log"; fail "pg_restore --exit-on-error into the fresh cluster"; }
verify pg_restore "$fresh_PORT"
echo "$name: PASS"
