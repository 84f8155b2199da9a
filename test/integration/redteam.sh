#!/usr/bin/env bash
# Red team: an attacker controls the SQL the app role sends inside tenant a's
# transaction (SQL injection), or works as a superuser with tenant a set.
# Tenant b's rows, names and sequence values are marked SECRETB / 7770xx; a
# probe whose output under tenant a contains a mark is a leak.  Each probe's
# control runs the same statement as a DBA without a tenant, which must see
# the mark (the channel is real).  Guards at the end show that tenant a's own
# statistics, sequences, large objects, temporary tables, held cursors and
# notifications still work.  One class per probe; docs/security.md maps them.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh redteam
cluster_start atk "shared_preload_libraries = 'pg_stat_statements,wellness_tenancy'" "max_prepared_transactions = 10" "wal_level = logical" "track_functions = all" >/dev/null
P="psql -X -q -At -d postgres"
$P -v ON_ERROR_STOP=1 >"$work/setup.log" 2>&1 <<'SQL' || { cat "$work/setup.log"; fail "setup failed"; }
CREATE EXTENSION pg_stat_statements;
CREATE ROLE wellness_app LOGIN;
-- the recommended configuration of the application role
ALTER ROLE wellness_app SET wellness_tenancy.require_tenant = on;
ALTER ROLE wellness_app SET wellness_tenancy.tenant_lock = on;
CREATE EXTENSION wellness_tenancy;
SELECT wt_create_tenant('A','a'), wt_create_tenant('B','b');
INSERT INTO a.employees(email, full_name) SELECT 'a'||i||'@a', 'SECRETA'||i FROM generate_series(1,50) i;
INSERT INTO b.employees(email, full_name) SELECT 'SECRETB'||i||'@b', 'SECRETB'||i FROM generate_series(1,50) i;
CREATE SEQUENCE b.sq START 777001; SELECT nextval('b.sq');
GRANT USAGE, SELECT, UPDATE ON SEQUENCE b.sq TO wellness_app;
CREATE STATISTICS b.st (mcv) ON email, full_name FROM b.employees;
ANALYZE a.employees; ANALYZE b.employees;
CREATE TABLE public.parent (k text, v text) PARTITION BY LIST (k);
CREATE TABLE b.part PARTITION OF public.parent FOR VALUES IN ('b');
INSERT INTO public.parent SELECT 'b', 'SECRETB-part'||i FROM generate_series(1,30) i;
ANALYZE public.parent;
GRANT SELECT ON public.parent TO wellness_app;
CREATE MATERIALIZED VIEW public.mv AS SELECT full_name FROM b.employees; GRANT SELECT ON public.mv TO wellness_app;
CREATE FUNCTION b.secret() RETURNS text LANGUAGE sql AS $$ SELECT 'SECRETB-fn' $$;
CREATE VIEW public.fv AS SELECT b.secret() AS s; GRANT SELECT ON public.fv TO wellness_app;
CREATE FUNCTION b.secret_tab() RETURNS TABLE(n text) LANGUAGE sql STABLE AS $$ SELECT full_name::text FROM b.employees $$;
CREATE VIEW public.tv AS SELECT * FROM b.secret_tab(); GRANT SELECT ON public.tv TO wellness_app;
SET wellness_tenancy.tenant = 'b';
SELECT lo_from_bytea(424242, 'SECRETB-lo'::bytea);
RESET wellness_tenancy.tenant;
GRANT SELECT ON LARGE OBJECT 424242 TO wellness_app;
ALTER LARGE OBJECT 424242 OWNER TO wellness_app;
CREATE TABLE b.big (t text); INSERT INTO b.big SELECT string_agg('SECRETB-toast'||md5(i::text), '') FROM generate_series(1,400) i;
SET wellness_tenancy.tenant = 'a';
SELECT lo_from_bytea(434343, 'own-a-lo'::bytea);
RESET wellness_tenancy.tenant;
ALTER LARGE OBJECT 434343 OWNER TO wellness_app;
CREATE SEQUENCE a.own_seq; GRANT USAGE, SELECT, UPDATE ON SEQUENCE a.own_seq TO wellness_app;
-- per-function statistics: b's function ran 7770 times, a's 3 times
SELECT count(b.secret()) FROM generate_series(1, 7770);
CREATE FUNCTION a.own_fn() RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN 1; END';
SELECT sum(a.own_fn()) FROM generate_series(1, 3);
SQL
app() { psql -X -q -At -d postgres -U wellness_app "$@" 2>&1 || true; }
su() { psql -X -q -At -d postgres "$@" 2>&1 || true; }
mark='SECRETB|7770'
probes=0
pass() { probes=$((probes + 1)); echo "ok $probes - $1"; }
no_leak() { # no_leak LABEL OUTPUT
	! grep -Eq "$mark" <<<"$2" || fail "$1 leaked tenant b's data: $(head -c 300 <<<"$2")"
}
# probe LABEL SQL: as the app role inside tenant a; control as a DBA.
probe() {
	local out ctl
	out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "$2" -c "COMMIT")
	no_leak "$1" "$out"
	ctl=$(su -c "$2")
	grep -Eq "$mark" <<<"$ctl" || fail "$1: control does not reach the data, so the probe proves nothing: $(head -c 300 <<<"$ctl")"
	pass "$1: $(head -c 100 <<<"$out" | tr '\n' ' ')"
}
# suprobe LABEL SQL: as a superuser inside tenant a; control without a tenant.
suprobe() {
	local out ctl
	out=$(su -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "$2" -c "ROLLBACK")
	no_leak "$1" "$out"
	ctl=$(su -c "BEGIN" -c "$2" -c "ROLLBACK")
	grep -Eq "$mark" <<<"$ctl" || fail "$1: control does not reach the data: $(head -c 300 <<<"$ctl")"
	pass "$1: $(head -c 100 <<<"$out" | tr '\n' ' ')"
}

echo "== 1. statistics"
probe "pg_stats values" "SELECT most_common_vals::text, histogram_bounds::text FROM pg_stats WHERE schemaname = 'b'"
probe "pg_stats of a shared parent over b's partition" "SELECT histogram_bounds::text FROM pg_stats WHERE tablename = 'parent'"
probe "pg_stats_ext" "SELECT most_common_vals::text FROM pg_stats_ext WHERE statistics_schemaname = 'b'"
suprobe "pg_statistic" "SELECT s.stavalues1::text FROM pg_statistic s JOIN pg_class c ON c.oid = s.starelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'b'"
suprobe "pg_statistic_ext_data" "SELECT encode(d.stxdmcv, 'escape') FROM pg_statistic_ext_data d"
probe "row counts" "SELECT CASE WHEN n_tup_ins > 0 THEN 'SECRETB-rowcount' END FROM pg_stat_user_tables WHERE schemaname = 'b' AND relname = 'employees'"

echo "== 2. other sessions' statement text"
( su -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'b'" -c "SELECT pg_sleep(4), 'SECRETB-activity'" -c COMMIT >/dev/null ) &
sleep 1.5
probe "pg_stat_activity.query" "SELECT query FROM pg_stat_activity WHERE query LIKE '%activity%' AND pid <> pg_backend_pid()"
probe "pg_stat_get_backend_activity" "SELECT pg_stat_get_backend_activity(i) FROM pg_stat_get_backend_idset() i"
wait
su -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'b'" -c "DO \$\$ BEGIN PERFORM 'SECRETB-pgss' FROM b.employees LIMIT 1; END \$\$" -c COMMIT >/dev/null
probe "pg_stat_statements" "SELECT query FROM pg_stat_statements WHERE query LIKE '%SECRETB%'"

echo "== 3. relations reached by an OID computed at run time"
probe "pg_sequence_last_value(oid)" "SELECT pg_sequence_last_value(c.oid) FROM pg_class c WHERE relname = 'sq'"
probe "pg_sequences.last_value" "SELECT last_value FROM pg_sequences WHERE sequencename = 'sq'"
probe "nextval(oid)" "SELECT nextval(c.oid) FROM pg_class c WHERE relname = 'sq'"
probe "setval(oid)" "SELECT setval(c.oid, 777005) FROM pg_class c WHERE relname = 'sq'"
probe "nextval(oid) inside an inlinable pg_temp SQL function" "CREATE FUNCTION pg_temp.nv(o oid) RETURNS bigint LANGUAGE sql AS 'SELECT nextval(o::regclass)'; SELECT pg_temp.nv(c.oid) FROM pg_class c WHERE relname = 'sq'"
suprobe "pg_statistic through an inlinable SETOF SQL function" "CREATE FUNCTION pg_temp.st() RETURNS SETOF pg_statistic LANGUAGE sql STABLE AS 'SELECT * FROM pg_catalog.pg_statistic'; SELECT s.stavalues1::text FROM pg_temp.st() s JOIN pg_class c ON c.oid = s.starelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'b'"
suprobe "COPY pg_statistic TO STDOUT" "COPY pg_catalog.pg_statistic TO STDOUT"
probe "size functions" "SELECT CASE WHEN pg_total_relation_size(c.oid) > 0 THEN 'SECRETB-size' END FROM pg_class c WHERE relname = 'big'"
suprobe "TOAST table" "SELECT 'SECRETB-toast-read', count(*) FROM pg_toast.pg_toast_$(su -c "SELECT 'b.big'::regclass::oid")"

echo "== 4. objects outside schemas"
probe "lo_get" "SELECT convert_from(lo_get(424242), 'UTF8')"
probe "lo_open + loread" "SELECT convert_from(loread(lo_open(424242, 262144), 100), 'UTF8')"
suprobe "pg_largeobject" "SELECT convert_from(data, 'UTF8') FROM pg_largeobject WHERE loid = 424242"
su -c "SELECT pg_create_logical_replication_slot('rt_slot', 'test_decoding')" >/dev/null
# synchronous: decoding reads only WAL that is flushed (the test cluster commits asynchronously)
su -c "SET synchronous_commit = on" -c "INSERT INTO b.employees (email, full_name) VALUES ('SECRETB-wal@b', 'SECRETB-wal')" >/dev/null
suprobe "logical decoding" "SELECT data FROM pg_logical_slot_peek_changes('rt_slot', NULL, NULL) WHERE data LIKE '%SECRETB%'"
su -c "SELECT pg_drop_replication_slot('rt_slot')" >/dev/null
out=$(su -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "CREATE PUBLICATION rt_all FOR ALL TABLES" -c "ROLLBACK")
grep -q 'not allowed in tenant context' <<<"$out" || fail "publication FOR ALL TABLES not refused: $out"
out=$(su -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "CREATE PUBLICATION rt_b FOR TABLES IN SCHEMA b" -c "ROLLBACK")
grep -q 'may not reach' <<<"$out" || fail "publication of schema b not refused: $out"
out=$(su -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "CREATE PUBLICATION rt_p FOR TABLE public.parent" -c "ROLLBACK")
grep -q 'may not reach' <<<"$out" || fail "publication of a shared parent with b's partition not refused: $out"
[ "$(su -c "BEGIN" -c "CREATE PUBLICATION rt_all FOR ALL TABLES" -c "SELECT 'created'" -c "ROLLBACK")" = created ] || fail "control: publication"
pass "publications (FOR ALL TABLES, TABLES IN SCHEMA b, a shared parent)"
out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'b'" -c "INSERT INTO b.employees (email, full_name) VALUES ('x@b', 'SECRETB-2pc')" -c "PREPARE TRANSACTION 'bx'"
      app -c "SET wellness_tenancy.tenant = 'a'" -c "COMMIT PREPARED 'bx'" -c "COMMIT PREPARED 'b:bx'"
      app -c "COMMIT PREPARED 'b:bx'")
[ "$(su -c "SELECT gid FROM pg_prepared_xacts")" = "b:bx" ] || fail "tenant a (or a tenant-less app session) finished b's prepared transaction: $out"
su -c "ROLLBACK PREPARED 'b:bx'" >/dev/null
pass "prepared transactions of tenant b: $(head -c 100 <<<"$out" | tr '\n' ' ')"
su -c "CREATE FUNCTION public.ntf() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN PERFORM pg_notify('ch', NEW.full_name); RETURN NEW; END \$\$; CREATE TRIGGER ntf AFTER INSERT ON b.employees FOR EACH ROW EXECUTE FUNCTION public.ntf()" >/dev/null
( sleep 1; su -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'b'" -c "INSERT INTO b.employees (email, full_name) VALUES ('n@b', 'SECRETB-notify')" -c COMMIT >/dev/null ) &
out=$(app -c "SET wellness_tenancy.tenant = 'a'" -c "LISTEN ch" -c "SELECT pg_sleep(2.5)" -c "SELECT 1")
wait
no_leak "LISTEN under tenant a" "$out"
out=$(app -c "LISTEN ch")
grep -q 'refused in this tenant context' <<<"$out" || fail "a tenant-less app session may LISTEN on an unscoped channel: $out"
( sleep 1; su -c "INSERT INTO b.employees (email, full_name) VALUES ('n2@b', 'SECRETB-notify2')" >/dev/null ) &
ctl=$(su -c "LISTEN ch" -c "SELECT pg_sleep(2.5)" -c "SELECT 1")
wait
grep -q SECRETB <<<"$ctl" || fail "control: a DBA listening on ch does not receive the trigger's notification: $ctl"
pass "LISTEN on a channel b's trigger notifies"
# A LISTEN lasts for the session.  A session that listened for tenant b and
# then works for tenant a (a session-level switch: RESET, then SET) stops
# hearing b's channel; the control stays with b and hears it.
( sleep 1.5; app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'b'" -c "NOTIFY news, 'SECRETB-after-switch'" -c COMMIT >/dev/null ) &
out=$(app -c "SET wellness_tenancy.tenant = 'b'" -c "LISTEN news" -c "RESET wellness_tenancy.tenant" -c "SET wellness_tenancy.tenant = 'a'" -c "SELECT pg_sleep(3)" -c "SELECT 1")
wait
no_leak "channel listened on for b, then working for a" "$out"
( sleep 1.5; app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'b'" -c "NOTIFY news, 'SECRETB-no-switch'" -c COMMIT >/dev/null ) &
ctl=$(app -c "SET wellness_tenancy.tenant = 'b'" -c "LISTEN news" -c "SELECT pg_sleep(3)" -c "SELECT 1")
wait
grep -q SECRETB-no-switch <<<"$ctl" || fail "control: a session staying with b does not hear b's channel: $ctl"
# Under local_tenant_only (transaction pooling) the tenant ends with the
# transaction, the LISTEN would not: refused; the control without the mode
# listens.
out=$(su -c "SET wellness_tenancy.local_tenant_only = on" -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'b'" -c "LISTEN news" -c "ROLLBACK")
grep -q 'LISTEN is not allowed under wellness_tenancy.local_tenant_only' <<<"$out" || fail "LISTEN under local_tenant_only not refused: $out"
ctl=$(su -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'b'" -c "LISTEN news" -c "SELECT 'listening'" -c "ROLLBACK")
[ "$ctl" = listening ] || fail "control: LISTEN in b's transaction without local_tenant_only: $ctl"
pass "LISTEN across a change of tenant, and under local_tenant_only"

echo "== 5. changing tenant inside the transaction (tenant lock)"
probe "set_config + query_to_xml in one statement" "SELECT set_config('wellness_tenancy.tenant', 'b', true), query_to_xml('SELECT full_name FROM b.employees LIMIT 1', true, true, '')"
probe "wt_set_tenant + query_to_xml" "SELECT wt_set_tenant('b', true), query_to_xml('SELECT full_name FROM employees LIMIT 1', true, true, '')"
out=$(app -c "SELECT wt_set_tenant('a')" -c "SELECT set_config('wellness_tenancy.tenant', 'b', true), query_to_xml('SELECT full_name FROM b.employees LIMIT 1', true, true, '')" -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'b'" -c "SELECT full_name FROM b.employees LIMIT 1" -c "ROLLBACK" -c "RESET wellness_tenancy.tenant; SELECT full_name FROM b.employees LIMIT 1" -c "SELECT full_name FROM a.employees ORDER BY 1 LIMIT 1")
no_leak "session-level tenant, then a switch inside a transaction" "$out"
[ "$(grep -c 'locked to tenant "a"' <<<"$out")" = 2 ] || fail "session-level tenant a: switches inside a transaction not refused: $out"
grep -q SECRETA1 <<<"$out" || fail "session-level tenant a cannot read its own rows: $out"
pass "session-level tenant: a transaction that begins in it cannot switch (control: the probes above)"
probe "RESET then read" "RESET wellness_tenancy.tenant; SELECT full_name FROM b.employees LIMIT 1"
probe "set_config(NULL) then read" "SELECT set_config('wellness_tenancy.tenant', NULL, true); SELECT full_name FROM b.employees LIMIT 1"
out=$(app -c "ALTER ROLE wellness_app SET wellness_tenancy.tenant = 'b'" -c "ALTER ROLE wellness_app SET wellness_tenancy.require_tenant = off")
grep -q 'permission denied to change wellness_tenancy' <<<"$out" || fail "the app role may store its own tenant settings: $out"
[ -z "$(su -c "SELECT setconfig FROM pg_db_role_setting WHERE array_to_string(setconfig, ',') LIKE '%tenant=b%'")" ] || fail "ALTER ROLE stored the tenant"
pass "ALTER ROLE ... SET wellness_tenancy.* by the app role"

echo "== 6. reached without naming the schema"
probe "materialized view over b" "SELECT * FROM public.mv LIMIT 2"
probe "b's SQL function through a shared view (inlined before)" "SELECT * FROM public.fv"
probe "b's table function through a shared view" "SELECT * FROM public.tv LIMIT 2"
su -c "CREATE TABLE public.defaults (x text DEFAULT b.secret()); GRANT INSERT, SELECT ON public.defaults TO wellness_app" >/dev/null
probe "b's function as a column default" "INSERT INTO public.defaults DEFAULT VALUES RETURNING x"
# COPY FROM evaluates a shared table's defaults without the planner: b's
# sequence named by a constant in the default.
su -c "CREATE TABLE public.seqdef (x bigint DEFAULT nextval('b.sq'), y text); GRANT INSERT, SELECT, DELETE ON public.seqdef TO wellness_app" >/dev/null
out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "COPY public.seqdef (y) FROM STDIN" -c "SELECT x FROM public.seqdef" -c "ROLLBACK" <<<"copied")
no_leak "b's sequence as a default, through COPY FROM" "$out"
ctl=$(su -c "BEGIN" -c "COPY public.seqdef (y) FROM STDIN" -c "SELECT x FROM public.seqdef" -c "ROLLBACK" <<<"copied")
grep -Eq "$mark" <<<"$ctl" || fail "control: COPY FROM without a tenant does not take b's sequence: $ctl"
pass "b's sequence as a default, through COPY FROM: $(head -c 100 <<<"$out" | tr '\n' ' ')"
# The WHERE clause of COPY FROM, and CALL's arguments, are evaluated without
# the planner too: b's sequence and large object by a constant OID.
sq=$(su -c "SELECT 'b.sq'::regclass::oid")
out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "COPY public.seqdef (x, y) FROM STDIN WHERE x < nextval($sq)" -c "SELECT y FROM public.seqdef" -c "ROLLBACK" <<<"1	SECRETB-copy-where")
grep -q 'WHERE clause of COPY FROM calls nextval' <<<"$out" || fail "COPY FROM ... WHERE nextval(b's sequence) not refused: $out"
ctl=$(su -c "BEGIN" -c "COPY public.seqdef (x, y) FROM STDIN WHERE x < nextval($sq)" -c "SELECT y FROM public.seqdef" -c "ROLLBACK" <<<"1	SECRETB-copy-where")
grep -q SECRETB-copy-where <<<"$ctl" || fail "control: COPY FROM ... WHERE nextval() without a tenant: $ctl"
pass "b's sequence in COPY FROM ... WHERE: $(head -c 100 <<<"$out" | tr '\n' ' ')"
for arg in "nextval($sq)::text" "convert_from(lo_get(424242), 'UTF8')"; do
	out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "CREATE PROCEDURE pg_temp.show(v text) LANGUAGE plpgsql AS \$\$ BEGIN RAISE NOTICE 'got %', v; END \$\$" -c "CALL pg_temp.show($arg)" -c "ROLLBACK")
	no_leak "CALL pg_temp.show($arg)" "$out"
	grep -q 'ERROR' <<<"$out" || fail "CALL pg_temp.show($arg) not refused: $out"
	ctl=$(su -c "BEGIN" -c "CREATE PROCEDURE pg_temp.show(v text) LANGUAGE plpgsql AS \$\$ BEGIN RAISE NOTICE 'got %', v; END \$\$" -c "CALL pg_temp.show($arg)" -c "ROLLBACK")
	grep -Eq "$mark" <<<"$ctl" || fail "control: CALL pg_temp.show($arg) without a tenant: $ctl"
	pass "CALL with $arg: $(grep ERROR <<<"$out" | head -c 100)"
done
# EXECUTE's parameters are evaluated without the planner as well (also under
# EXPLAIN and CREATE TABLE AS): the support function wraps nextval there too,
# and its guard refuses b's sequence.
for stmt in "EXECUTE echo(nextval($sq))" "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, VERBOSE) EXECUTE echo(nextval($sq))" "CREATE TEMP TABLE echoed AS EXECUTE echo(nextval($sq))"; do
	out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "PREPARE echo(bigint) AS SELECT \$1 AS v" -c "$stmt" -c "SELECT v FROM pg_temp.echoed" -c "ROLLBACK")
	no_leak "$stmt" "$out"
	grep -q 'may not reach relation "b.sq"' <<<"$out" || fail "$stmt not refused: $out"
	ctl=$(su -c "BEGIN" -c "PREPARE echo(bigint) AS SELECT \$1 AS v" -c "$stmt" -c "SELECT v FROM pg_temp.echoed" -c "ROLLBACK")
	grep -Eq "$mark" <<<"$ctl" || fail "control: $stmt without a tenant: $ctl"
done
pass "b's sequence through EXECUTE's parameters (EXECUTE, EXPLAIN EXECUTE, CREATE TABLE AS EXECUTE)"
# A DBA's postgres_fdw foreign table in public over a loopback server: the
# remote session has no tenant.  Guard: a foreign table in a's own schema
# serves a.
su -c "CREATE EXTENSION postgres_fdw" -c "CREATE SERVER loopback FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '$atk_PORT', dbname 'postgres')" -c "CREATE USER MAPPING FOR PUBLIC SERVER loopback OPTIONS (user 'postgres', password_required 'false')" -c "CREATE FOREIGN TABLE public.remote_b (full_name text) SERVER loopback OPTIONS (schema_name 'b', table_name 'employees')" -c "CREATE FOREIGN TABLE a.remote_own (full_name text) SERVER loopback OPTIONS (schema_name 'a', table_name 'employees')" -c "GRANT SELECT ON public.remote_b, a.remote_own TO wellness_app" >/dev/null
probe "a loopback postgres_fdw foreign table in public over b" "SELECT full_name FROM public.remote_b LIMIT 3"
grep -q 'SECRETA' <<<"$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "SELECT full_name FROM a.remote_own LIMIT 1" -c "COMMIT")" || fail "a foreign table in a's own schema does not serve a"
out=$(app -c "SET wellness_tenancy.tenant = 'b'" -c "BEGIN" -c "DECLARE c CURSOR WITH HOLD FOR SELECT full_name FROM b.employees" -c COMMIT -c "RESET wellness_tenancy.tenant" -c "SET wellness_tenancy.tenant = 'a'" -c "SELECT cursor_to_xml('c', 2, false, false, '')" -c "RESET wellness_tenancy.tenant" -c "SET wellness_tenancy.tenant = 'b'" -c "SELECT cursor_to_xml('c', 1, false, false, '')")
no_leak "held cursor via cursor_to_xml" "$(sed -n '0,/cannot be run/p' <<<"$out")"
grep -q 'portal "c" cannot be run' <<<"$out" || fail "held cursor: $out"
grep -q SECRETB <<<"$out" || fail "held cursor: control (back under b) does not read it: $out"
pass "held cursor via cursor_to_xml (control: back under b it reads)"
out=$(su -c "SET wellness_tenancy.tenant = 'b'" -c "BEGIN" -c "DECLARE hc CURSOR WITH HOLD FOR SELECT full_name FROM b.employees" -c COMMIT -c "SET wellness_tenancy.tenant = 'a'" -c "DO \$\$ DECLARE r refcursor := 'hc'; v text; BEGIN FETCH r INTO v; RAISE NOTICE 'got %', v; END \$\$")
no_leak "held cursor via PL/pgSQL FETCH" "$out"
grep -q 'cannot be run' <<<"$out" || fail "PL/pgSQL FETCH: $out"
pass "held cursor via PL/pgSQL FETCH"
for stmt in "BEGIN; LOCK public.parent; COMMIT" "ANALYZE public.parent" "VACUUM public.parent" "REINDEX TABLE public.parent"; do
	out=$(su -c "SET wellness_tenancy.tenant = 'a'" -c "$stmt")
	grep -q 'may not reach relation "b.part"' <<<"$out" || fail "$stmt reached b's partition: $out"
	[ -z "$(su -c "$stmt" | grep -v '^$' || true)" ] || fail "control: $stmt fails without a tenant"
	pass "$stmt of a shared parent"
done

echo "== 7. changing the policy from inside a tenant context"
for stmt in "DELETE FROM tenants WHERE schema_name = 'b'" "UPDATE tenants SET schema_name = 'zz' WHERE schema_name = 'b'" "DROP OWNED BY wellness_app" "DROP EXTENSION wellness_tenancy CASCADE"; do
	out=$(su -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "$stmt" -c "ROLLBACK")
	grep -q 'in tenant context' <<<"$out" || fail "$stmt allowed in tenant context: $out"
	ctl=$(su -c "BEGIN" -c "$stmt" -c "ROLLBACK")
	! grep -q 'ERROR' <<<"$ctl" || fail "control: $stmt fails without a tenant: $ctl"
	pass "$stmt in tenant context"
done

echo "== 9. session state left on a pooled connection"
out=$(app -c "SET wellness_tenancy.tenant = 'b'" -c "CREATE TEMP TABLE t AS SELECT full_name FROM b.employees" -c "RESET wellness_tenancy.tenant" -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "SELECT * FROM t LIMIT 1" -c COMMIT -c "SELECT * FROM t LIMIT 1" -c "RESET wellness_tenancy.tenant" -c "SET wellness_tenancy.tenant = 'b'" -c "SELECT * FROM t LIMIT 1")
no_leak "temporary table" "$(sed -n '0,/created under tenant "b", not tenant "a"/p' <<<"$out")"
grep -q 'was created under tenant "b", not tenant "a"' <<<"$out" || fail "temporary table: $out"
grep -q 'SECRETB' <<<"$out" || fail "temporary table: control (back under b) does not read it: $out"
pass "temporary table filled under b (control: under b it reads)"
out=$(app -c "SELECT wt_set_tenant('b')" -c "PREPARE pb AS SELECT full_name FROM employees LIMIT 1" -c "RESET wellness_tenancy.tenant" -c "SELECT wt_set_tenant('a')" -c "EXECUTE pb" -c "SELECT statement FROM pg_prepared_statements")
grep -q 'not allowed in tenant context' <<<"$out" || fail "pg_prepared_statements listed in tenant context: $out"
no_leak "prepared statement re-executed under a" "$out"
grep -q 'prepared statement "pb" was created under tenant "b", not tenant "a"' <<<"$out" || fail "a statement prepared under b was executed under a: $out"
# Guard: the statement's own tenant keeps using it, after a change of tenant.
out=$(app -c "SELECT wt_set_tenant('a')" -c "PREPARE pa AS SELECT full_name FROM employees LIMIT 1" -c "RESET wellness_tenancy.tenant" -c "SELECT wt_set_tenant('a')" -c "EXECUTE pa")
grep -q 'SECRETA' <<<"$out" || fail "a statement prepared under a does not run under a again: $out"
pass "a statement prepared under b is refused under a (guard: a's own statement runs); pg_prepared_statements refused"
out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "DECLARE cur CURSOR FOR SELECT 42" -c "SELECT (pg_cursor()).name" -c "ROLLBACK")
grep -q 'not allowed in tenant context' <<<"$out" || fail "pg_cursor() in the target list in tenant context: $out"
[ "$(su -c "BEGIN" -c "DECLARE cur CURSOR FOR SELECT 42" -c "SELECT (pg_cursor()).name" -c "ROLLBACK")" = cur ] || fail "control: pg_cursor() in the target list"
pass "pg_cursor() in the target list refused in tenant context (control: a DBA lists it)"

echo "== 10. definitions stay readable"
su -c "CREATE VIEW b.headcount AS SELECT count(*) AS n FROM b.employees" >/dev/null
out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "SELECT count(*) > 0 FROM pg_views WHERE schemaname = 'public' AND definition IS NOT NULL" \
	-c "SELECT definition LIKE '%count(*)%' FROM pg_views WHERE schemaname = 'b' AND viewname = 'headcount'" \
	-c "SELECT pg_get_viewdef(c.oid) IS NOT NULL FROM pg_class c WHERE c.relname = 'headcount'" -c COMMIT)
[ "$out" = "$(printf 't\nt\nt')" ] || fail "view definitions (another tenant's too) are refused in tenant context: $out"
out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "SELECT n FROM b.headcount" -c COMMIT)
grep -q 'may not reach' <<<"$out" || fail "b's view itself was readable: $out"
pass "pg_views and pg_get_viewdef in tenant context"

echo "== 18. guarded built-ins outside the planner"
# PostgreSQL prepares some expressions without the planner: a CHECK
# constraint, a domain's CHECK, a trigger's WHEN, ALTER TABLE ... ALTER TYPE
# ... USING, a volatile ADD COLUMN ... DEFAULT, a partition bound.  The guarded built-ins'
# planner support function wraps their first argument there too; a call that
# bypasses it (an aggregate's final function) is refused when it is prepared,
# and an operator over a guarded built-in cannot be made.  Temporary objects
# are tagged with their tenant (class 9), so every probe creates its own in
# the same session; set_config() carries a value out of a constraint.
# gprobe LABEL SQL: like probe, and tenant a's statement must fail with 42501.
gprobe() {
	local out ctl
	out=$(app -v VERBOSITY=verbose -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "$2" -c "COMMIT")
	no_leak "$1" "$out"
	grep -q 'ERROR:  42501' <<<"$out" || fail "$1 not refused with 42501: $(head -c 300 <<<"$out")"
	ctl=$(su -c "$2")
	grep -Eq "$mark" <<<"$ctl" || fail "$1: control does not reach the data, so the probe proves nothing: $(head -c 300 <<<"$ctl")"
	pass "$1: $(grep -m1 ERROR <<<"$out" | head -c 120)"
}
gprobe "CHECK constraint of a temporary table reading b's large object" "CREATE TEMP TABLE ck (x oid CHECK (set_config('x.leak', convert_from(lo_get(x), 'UTF8'), false) IS NOT NULL)); INSERT INTO ck VALUES (424242); SELECT current_setting('x.leak', true)"
gprobe "domain CHECK in pg_temp reading b's large object" "CREATE DOMAIN pg_temp.d AS oid CHECK (set_config('x.leak', convert_from(lo_get(VALUE), 'UTF8'), false) IS NOT NULL); SELECT 424242::oid::pg_temp.d; SELECT current_setting('x.leak', true)"
gprobe "trigger WHEN on a temporary table reading b's large object" "CREATE TEMP TABLE tw (x oid); CREATE FUNCTION pg_temp.tf() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'; CREATE TRIGGER tr BEFORE INSERT ON tw FOR EACH ROW WHEN (set_config('x.leak', convert_from(lo_get(NEW.x), 'UTF8'), false) IS NOT NULL) EXECUTE FUNCTION pg_temp.tf(); INSERT INTO tw VALUES (424242); SELECT current_setting('x.leak', true)"
gprobe "ALTER TABLE ... ALTER TYPE ... USING lo_get" "CREATE TEMP TABLE tu (x oid); INSERT INTO tu VALUES (424242); ALTER TABLE tu ALTER COLUMN x TYPE text USING convert_from(lo_get(x), 'UTF8'); SELECT x FROM tu"
gprobe "ALTER TABLE ... ADD COLUMN ... DEFAULT lo_get (volatile)" "CREATE TEMP TABLE td (x oid); INSERT INTO td VALUES (1); ALTER TABLE td ADD COLUMN y text DEFAULT convert_from(lo_get(424242), 'UTF8'); SELECT y FROM td"
gprobe "partition bound computed from lo_get" "CREATE TEMP TABLE pb (x text) PARTITION BY LIST (x); CREATE TEMP TABLE pb1 PARTITION OF pb FOR VALUES IN (convert_from(lo_get(424242), 'UTF8')); SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'pb1'"
# nextval(b.sq) by its OID in a CHECK: refused, and b's sequence did not move
# (read as a DBA before and after; the control then advances it).
before=$(su -c "SELECT last_value FROM b.sq")
out=$(app -v VERBOSITY=verbose -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "CREATE TEMP TABLE cn (x oid CHECK (set_config('x.leak', nextval(x)::text, false) IS NOT NULL)); INSERT INTO cn SELECT c.oid FROM pg_class c WHERE relname = 'sq'; SELECT current_setting('x.leak', true)" -c "COMMIT")
no_leak "CHECK constraint calling nextval(b.sq's OID)" "$out"
grep -q 'ERROR:  42501' <<<"$out" || fail "CHECK constraint calling nextval(b.sq's OID) not refused with 42501: $out"
[ "$(su -c "SELECT last_value FROM b.sq")" = "$before" ] || fail "a CHECK constraint under tenant a advanced b's sequence ($before -> $(su -c "SELECT last_value FROM b.sq"))"
ctl=$(su -c "CREATE TEMP TABLE cn (x oid CHECK (set_config('x.leak', nextval(x)::text, false) IS NOT NULL)); INSERT INTO cn SELECT c.oid FROM pg_class c WHERE relname = 'sq'; SELECT current_setting('x.leak', true)")
grep -q '^7770' <<<"$ctl" || fail "control: a CHECK constraint without a tenant does not advance b's sequence: $ctl"
[ "$(su -c "SELECT last_value FROM b.sq")" != "$before" ] || fail "control: b's sequence did not move"
pass "CHECK constraint calling nextval(b.sq's OID), b.sq stays at $before: $(grep -m1 ERROR <<<"$out" | head -c 120)"
# An aggregate's final function is called without an expression to wrap:
# refused when the aggregate is initialised.  The control (a DBA, no tenant)
# runs the very same statement.
gprobe "aggregate with FINALFUNC = lo_get" "CREATE AGGREGATE pg_temp.agg(oid) (SFUNC = oidlarger, STYPE = oid, FINALFUNC = lo_get); SELECT convert_from(pg_temp.agg(x), 'UTF8') FROM (VALUES (424242::oid)) v(x)"
# An operator's function is called without its support function (under
# ANY/ALL), so an operator over a guarded built-in is refused when it is
# created, for everyone, a DBA without a tenant too: there is no control that
# reaches b through it.  Guard: an operator over an unguarded function.
out=$(app -v VERBOSITY=verbose -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "CREATE OPERATOR pg_temp.### (LEFTARG = regclass, RIGHTARG = bigint, FUNCTION = setval)" -c "ROLLBACK")
grep -q 'ERROR:  42501' <<<"$out" || fail "CREATE OPERATOR over setval not refused with 42501 to the app role: $out"
ctl=$(su -v VERBOSITY=verbose -c "CREATE OPERATOR pg_temp.### (LEFTARG = regclass, RIGHTARG = bigint, FUNCTION = setval)")
grep -q 'ERROR:  42501' <<<"$ctl" || fail "CREATE OPERATOR over setval not refused with 42501 to a DBA without a tenant: $ctl"
[ "$(grep -m1 ERROR <<<"$out")" = "$(grep -m1 ERROR <<<"$ctl")" ] || fail "CREATE OPERATOR over setval: the app role and the DBA get different refusals: $out / $ctl"
[ "$(su -c "CREATE OPERATOR pg_temp.### (LEFTARG = int4, RIGHTARG = int4, FUNCTION = int4pl); SELECT 2 OPERATOR(pg_temp.###) 3")" = 5 ] || fail "guard: CREATE OPERATOR over an unguarded function"
pass "CREATE OPERATOR over setval refused to the app role and to a DBA (no control possible): $(grep -m1 ERROR <<<"$out" | head -c 120)"
# Guard: tenant a's own sequences and large objects in the same places.
own=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" \
	-c "CREATE TEMP TABLE ok (id bigserial, x bigint CHECK (x > 0), s bigint CHECK (set_config('x.own', nextval('a.own_seq')::text, true) IS NOT NULL), l oid CHECK (convert_from(lo_get(l), 'UTF8') = 'own-a-lo'))" \
	-c "INSERT INTO ok (x, s, l) VALUES (1, 0, 434343)" \
	-c "COPY ok (x, s, l) FROM STDIN" \
	-c "SELECT string_agg(id::text, ',' ORDER BY id), current_setting('x.own')::bigint = pg_sequence_last_value('a.own_seq') FROM ok" \
	-c "CREATE DOMAIN pg_temp.pos AS bigint CHECK (VALUE > 0 AND convert_from(lo_get(434343), 'UTF8') = 'own-a-lo')" \
	-c "SELECT 7::pg_temp.pos" \
	-c "CREATE FUNCTION pg_temp.tf() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN NEW.x := NEW.x + 100; RETURN NEW; END'" \
	-c "CREATE TRIGGER tr BEFORE INSERT ON ok FOR EACH ROW WHEN (convert_from(lo_get(NEW.l), 'UTF8') = 'own-a-lo' AND nextval('a.own_seq') > 0) EXECUTE FUNCTION pg_temp.tf()" \
	-c "INSERT INTO ok (x, s, l) VALUES (3, 0, 434343) RETURNING x" \
	-c "ALTER TABLE ok ADD COLUMN n bigint DEFAULT nextval('a.own_seq')" \
	-c "SELECT count(DISTINCT n) FROM ok" \
	-c "CREATE TEMP TABLE ok2 (l oid); INSERT INTO ok2 VALUES (434343); ALTER TABLE ok2 ALTER COLUMN l TYPE text USING convert_from(lo_get(l), 'UTF8'); SELECT l FROM ok2" \
	-c COMMIT <<<"2	0	434343")
[ "$own" = "$(printf '1,2|t\n7\n103\n3\nown-a-lo')" ] || fail "tenant a's own sequence and large object in CHECK, COPY, domain, WHEN, USING, DEFAULT: $own"
pass "tenant a's own sequence and large object in CHECK (with bigserial, INSERT and COPY), a domain, WHEN, ALTER TYPE USING, ADD COLUMN DEFAULT"

echo "== 1. (again) per-function statistics"
# With track_functions on, pg_stat_user_functions counts every function's
# calls: how often b's function ran is b's activity.  b.secret() ran 7770
# times (setup); under a its counts read NULL, a's own function's are there.
probe "pg_stat_user_functions of b's function" "SELECT 'SECRETB-calls ' || calls FROM pg_stat_user_functions WHERE schemaname = 'b' AND calls >= 7770"
probe "pg_stat_get_function_calls(oid) of b's function" "SELECT 'SECRETB-calls ' || pg_stat_get_function_calls(p.oid) FROM pg_proc p WHERE proname = 'secret' AND pronamespace = 'b'::regnamespace AND pg_stat_get_function_calls(p.oid) >= 7770"
own=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "SELECT calls FROM pg_stat_user_functions WHERE schemaname = 'a' AND funcname = 'own_fn'" -c "COMMIT")
[ "$own" = 3 ] || fail "tenant a's own function statistics: $own"
pass "tenant a's own function statistics: calls $own"

echo "== 18. (again) the guards detached, as after pg_upgrade: fail closed"
su -c "SELECT wt_internal.attach_guards(false)" >/dev/null
out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "SELECT nextval('a.own_seq') > 0" -c "COMMIT")
grep -q 'is called where its argument cannot be checked in tenant context' <<<"$out" ||
	fail "with the guards detached, nextval was not refused in tenant context: $out"
grep -q 'attach_guards(true)' <<<"$out" || fail "the refusal does not say how to attach the guards: $out"
ctl=$(su -c "SELECT nextval('b.sq') > 0")
[ "$ctl" = t ] || fail "control: without a tenant, nextval works with the guards detached: $ctl"
su -c "SELECT wt_internal.attach_guards(true)" >/dev/null
out=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "SELECT nextval('a.own_seq') > 0" -c "COMMIT")
[ "$out" = t ] || fail "attached again, tenant a's own nextval: $out"
pass "guards detached (as after pg_upgrade): guarded built-ins refused in tenant context, with the fix in the hint; attached again, they work"

echo "== guards: tenant a's own use"
own=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" \
	-c "SELECT count(*) > 0 FROM pg_stats WHERE schemaname = 'a'" \
	-c "SELECT nextval('a.own_seq') = pg_sequence_last_value('a.own_seq')" \
	-c "SELECT convert_from(lo_get(434343), 'UTF8')" \
	-c "SELECT count(*) > 0 FROM pg_stat_activity WHERE pid = pg_backend_pid()" -c COMMIT)
[ "$own" = "$(printf 't\nt\nown-a-lo\nt')" ] || fail "tenant a's own statistics, sequence, large object or activity: $own"
own=$(app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "CREATE TEMP TABLE mine AS SELECT full_name FROM a.employees LIMIT 1" -c "DECLARE mc CURSOR WITH HOLD FOR SELECT full_name FROM a.employees ORDER BY 1 LIMIT 1" -c COMMIT \
	-c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "SELECT count(*) FROM mine" -c "FETCH mc" -c COMMIT)
[ "$own" = "$(printf '1\nSECRETA1')" ] || fail "tenant a's own temporary table and held cursor across transactions: $own"
( sleep 1; app -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant = 'a'" -c "NOTIFY news, 'own-a-news'" -c "SELECT pg_notify('news', 'own-a-pg-notify')" -c COMMIT >/dev/null ) &
own=$(app -c "SET wellness_tenancy.tenant = 'a'" -c "LISTEN news" -c "SELECT pg_sleep(2.5)" -c "SELECT 1")
wait
grep -q 'own-a-news' <<<"$own" || fail "tenant a does not receive its own notification: $own"
grep -q 'own-a-pg-notify' <<<"$own" || fail "tenant a does not receive its own pg_notify(): $own"
pass "tenant a's own statistics, sequences, large objects, activity, temporary tables, held cursors, notifications"
echo "redteam: $probes probes, no leak"
