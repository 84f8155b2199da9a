#!/usr/bin/env bash
# pg_stat_statements keeps one entry per query across all tenants
# (wellness_tenancy.normalize_query_id, src/observability/query_id.cpp).
#
# A cluster with shared_preload_libraries = 'wellness_tenancy,
# pg_stat_statements' and compute_query_id = on, 20 tenants.  The same
# workload runs in every tenant: simple protocol (psql) -- a query with a
# literal that differs per tenant, two queries of the same shape on the
# tenant's two tables, a schema-qualified join naming the tenant's schema, a
# query on a shared table in public, a call of the tenant's own function
# on its table, a tenant table read only in a sublink, an
# INSERT ... ON CONFLICT ON CONSTRAINT -- and extended protocol (pgbench -M
# prepared).  Asserted:
#  * normalised: each tenant query is ONE entry with calls = 20 (pgbench: 60);
#    the two same-shape queries on different tables stay two entries; the
#    shared table's query keeps core's identifier (the same with the setting
#    off); no tenant's literal is in the stored text; EXPLAIN VERBOSE and
#    pg_stat_activity.query_id show the entry's identifier in every tenant;
#  * control: with normalize_query_id = off the same workload gives 20 entries
#    per tenant query (the test sees the problem);
#  * hook order: after a restart with 'pg_stat_statements, wellness_tenancy'
#    the normalised workload still gives one entry per query;
#  * pg_stat_statements stays refused in tenant context (42501), readable
#    without a tenant (the control);
#  * the extension's settings in postgresql.conf (normalize_query_id,
#    token_keys) take effect at start.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh pg_stat_statements

N=20
PGBENCH_TXNS=3

cluster_start pgss "shared_preload_libraries = 'wellness_tenancy, pg_stat_statements'" \
	"compute_query_id = on" "pg_stat_statements.max = 1000" "autovacuum = off" \
	"wellness_tenancy.normalize_query_id = off" "wellness_tenancy.token_keys = 'k1:00112233445566778899aabbccddeeff'"
export PGDATABASE=s
# settings of the extension in postgresql.conf take effect at start (the
# workload below sets normalize_query_id per session)
[ "$(q -d postgres -c "SHOW wellness_tenancy.normalize_query_id")" = off ] ||
	fail "wellness_tenancy.normalize_query_id = off in postgresql.conf was ignored at start"
[ "$(q -d postgres -c "SHOW wellness_tenancy.token_keys")" = "k1:00112233445566778899aabbccddeeff" ] ||
	fail "wellness_tenancy.token_keys in postgresql.conf was ignored at start"
if grep "invalid configuration parameter" "$pgss_LOG"; then fail "the server dropped settings of the extension at start"; fi
# from here on, sessions normalise unless they say otherwise (the default)
export PGOPTIONS="-c wellness_tenancy.normalize_query_id=on"
q -d postgres -c "CREATE ROLE wellness_app LOGIN" -c "CREATE DATABASE s"
q -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION wellness_tenancy' \
	-c 'CREATE EXTENSION pg_stat_statements' \
	-c "CREATE TABLE public.shared_t (v text)" -c "INSERT INTO public.shared_t VALUES ('shared')"
q -c "SELECT count(wt_create_tenant('Company ' || i, 't_' || i)) FROM generate_series(1, $N) i" >/dev/null
for ((i = 1; i <= N; i++)); do
	echo "INSERT INTO t_$i.employees (email, full_name) VALUES ('e@t_$i', 'SECRET-NAME-t_$i');"
	echo "CREATE FUNCTION t_$i.minutes_total(m int) RETURNS bigint LANGUAGE sql AS 'SELECT m + count(*) FROM t_$i.wellness_logs';"
	echo "GRANT EXECUTE ON FUNCTION t_$i.minutes_total(int) TO wellness_app;"
done | q >/dev/null

cat >"$work/bench.sql" <<-'EOF'
	\set v 7
	SELECT max(full_name) FROM employees WHERE email <> :v;
EOF

# workload on|off: resets pg_stat_statements and runs every query once per
# tenant (pgbench: PGBENCH_TXNS times per tenant, one prepared statement).
workload() {
	local mode=$1 i
	q -c "SELECT pg_stat_statements_reset()" >/dev/null
	for ((i = 1; i <= N; i++)); do
		q -c "SET wellness_tenancy.normalize_query_id = $mode" -c "SET wellness_tenancy.tenant = 't_$i'" \
			-c "SELECT count(*) FROM employees WHERE full_name <> 'LITERAL-OF-t_$i'" \
			-c "SELECT count(*) FROM employees" \
			-c "SELECT count(*) FROM wellness_logs" \
			-c "SELECT count(*) FROM t_$i.employees e JOIN t_$i.wellness_logs w ON w.employee_id = e.id" \
			-c "SELECT count(*) FROM public.shared_t WHERE v <> 'SHARED-LITERAL-$i'" \
			-c "SELECT minutes_total(count(*)::int) FROM employees" \
			-c "SELECT (SELECT count(*) FROM wellness_logs)" \
			-c "INSERT INTO employees (email, full_name) VALUES ('e@t_$i', 'LITERAL-OF-t_$i') ON CONFLICT ON CONSTRAINT employees_email_key DO NOTHING" \
			>/dev/null ||
			fail "the workload failed in tenant t_$i"
		PGOPTIONS="-c wellness_tenancy.tenant=t_$i -c search_path=t_$i -c wellness_tenancy.normalize_query_id=$mode" \
			pgbench -n -M prepared -t "$PGBENCH_TXNS" -f "$work/bench.sql" >"$work/pgbench.out" 2>&1 ||
			fail "pgbench failed in tenant t_$i: $(cat "$work/pgbench.out")"
	done
}

# stat PATTERN: "entries calls" of the pg_stat_statements entries whose text
# matches the regular expression.
stat() {
	q -F ' ' -c "SELECT count(*), coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query ~ '$1'"
}

# the entries of the workload's queries (texts as pg_stat_statements stores them)
LIT='^SELECT count\(\*\) FROM employees WHERE full_name <> \$1$'
EMP='^SELECT count\(\*\) FROM employees$'
LOGS='^SELECT count\(\*\) FROM wellness_logs$'
JOIN='^SELECT count\(\*\) FROM t_[0-9]+\.employees e JOIN'
SHARED='^SELECT count\(\*\) FROM public\.shared_t'
FUNC='^SELECT minutes_total\(count\(\*\)::int\) FROM employees$'
CONFLICT='^INSERT INTO employees .* ON CONFLICT ON CONSTRAINT employees_email_key DO NOTHING$'
SUBLINK='^SELECT \(SELECT count\(\*\) FROM wellness_logs\)$'
BENCH='^SELECT max\(full_name\) FROM employees WHERE email <> \$1$'

# assert_normalised ORDER: one entry per query, every tenant's calls in it
assert_normalised() {
	local order=$1 pattern got
	for pattern in "$LIT" "$EMP" "$LOGS" "$JOIN" "$SHARED" "$FUNC" "$CONFLICT" "$SUBLINK"; do
		got=$(stat "$pattern")
		[ "$got" = "1 $N" ] || fail "($order) '$pattern': expected 1 entry with $N calls, got '$got' (entries calls)"
	done
	got=$(stat "$BENCH")
	[ "$got" = "1 $((N * PGBENCH_TXNS))" ] ||
		fail "($order) prepared '$BENCH': expected 1 entry with $((N * PGBENCH_TXNS)) calls, got '$got'"
}

# --- normalised (the default) ------------------------------------------------
workload on
assert_normalised "wellness_tenancy, pg_stat_statements"
echo "$name: normalised: one entry per query over $N tenants (simple and prepared protocol)"
# same shape, different tables: two queries, two entries
emp_id=$(q -c "SELECT queryid FROM pg_stat_statements WHERE query ~ '$EMP'")
logs_id=$(q -c "SELECT queryid FROM pg_stat_statements WHERE query ~ '$LOGS'")
[ "$emp_id" != "$logs_id" ] || fail "count(*) of employees and of wellness_logs share the identifier $emp_id"
# no tenant's literal (row data in the statement) in any stored text
leaked=$(q -c "SELECT count(*) FROM pg_stat_statements WHERE query ~ 'LITERAL-OF|SHARED-LITERAL|SECRET-NAME'")
[ "$leaked" = 0 ] || fail "a tenant's literal is in pg_stat_statements' text: $(q -c "SELECT query FROM pg_stat_statements WHERE query ~ 'LITERAL-OF|SHARED-LITERAL'")"
lit_text=$(q -c "SELECT query FROM pg_stat_statements WHERE query ~ '$LIT'")
echo "$name: stored text of the literal query: $lit_text"
shared_on=$(q -c "SELECT queryid FROM pg_stat_statements WHERE query ~ '$SHARED'")
lit_id=$(q -c "SELECT queryid FROM pg_stat_statements WHERE query ~ '$LIT'")

# EXPLAIN VERBOSE shows the entry's identifier in every tenant
for t in t_1 t_7 t_20; do
	shown=$(q -c "SET wellness_tenancy.tenant = '$t'" \
		-c "EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM employees WHERE full_name <> 'x'" |
		sed -n 's/^ *Query Identifier: //p')
	[ "$shown" = "$lit_id" ] || fail "EXPLAIN VERBOSE in $t shows query identifier '$shown', pg_stat_statements has $lit_id"
done
echo "$name: EXPLAIN VERBOSE shows identifier $lit_id in t_1, t_7 and t_20"

# pg_stat_activity.query_id of a running tenant statement is the entry's one
q -c "SET wellness_tenancy.tenant = 't_3'" \
	-c "SELECT count(*) FROM employees WHERE full_name <> 'LITERAL-OF-t_3' AND pg_sleep(3) IS NOT NULL" >/dev/null &
sleeper=$!
running=""
for _ in $(seq 1 50); do
	running=$(q -c "SELECT query_id FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid() AND state = 'active'")
	[ -n "$running" ] && [ "$running" != 0 ] && break
	sleep 0.1
done
wait "$sleeper" || fail "the sleeping tenant statement failed"
q -c "SET wellness_tenancy.tenant = 't_4'" \
	-c "SELECT count(*) FROM employees WHERE full_name <> 'LITERAL-OF-t_4' AND pg_sleep(0) IS NOT NULL" >/dev/null
got=$(q -F ' ' -c "SELECT count(*), sum(calls), min(queryid) FROM pg_stat_statements WHERE query ~ '^SELECT count\\(\\*\\) FROM employees WHERE .*pg_sleep'")
[ "$got" = "1 2 $running" ] ||
	fail "pg_stat_activity.query_id was '$running'; pg_stat_statements has (entries calls queryid) '$got' for the query run in t_3 and t_4"
echo "$name: pg_stat_activity.query_id of a running tenant query is its entry's identifier ($running)"

# --- control: normalisation off ----------------------------------------------
workload off
for pattern in "$LIT" "$EMP" "$LOGS" "$JOIN" "$FUNC" "$CONFLICT" "$SUBLINK"; do
	got=$(stat "$pattern")
	[ "$got" = "$N $N" ] || fail "control: with normalize_query_id off, '$pattern' gave '$got' (entries calls), expected $N entries: the test would not see the problem"
done
got=$(stat "$BENCH")
[ "$got" = "$N $((N * PGBENCH_TXNS))" ] || fail "control: prepared '$BENCH' with normalize_query_id off gave '$got'"
# the shared table's query: one entry either way, core's identifier kept
got=$(stat "$SHARED")
[ "$got" = "1 $N" ] || fail "control: shared-table query gave '$got'"
shared_off=$(q -c "SELECT queryid FROM pg_stat_statements WHERE query ~ '$SHARED'")
[ "$shared_on" = "$shared_off" ] ||
	fail "the query on public.shared_t has identifier $shared_on normalised and $shared_off with core's: it should be untouched"
echo "$name: control: with normalize_query_id off, $N entries per tenant query; the shared table's identifier is core's either way"

# --- pg_stat_statements stays refused in tenant context -------------------------
out=$(q -c "SET wellness_tenancy.tenant = 't_1'" -c "SELECT count(*) FROM pg_stat_statements" 2>&1 || true)
grep -q "not allowed in tenant context" <<<"$out" || fail "pg_stat_statements was not refused in tenant context: $out"
ctl=$(q -c "SELECT count(*) > 0 FROM pg_stat_statements")
[ "$ctl" = t ] || fail "control: without a tenant, pg_stat_statements was not readable"
echo "$name: pg_stat_statements refused in tenant context, readable without a tenant (control)"

# --- the other preload order -------------------------------------------------
q -c "ALTER SYSTEM SET shared_preload_libraries = pg_stat_statements, wellness_tenancy"
cluster_as_postgres "$pgss_DIR" "$PG_BINDIR/pg_ctl" -D "$pgss_DATA" -l "$pgss_LOG" -w -t 120 restart >/dev/null
[ "$(q -c "SHOW shared_preload_libraries")" = "pg_stat_statements, wellness_tenancy" ] ||
	fail "the restart did not change shared_preload_libraries"
workload on
assert_normalised "pg_stat_statements, wellness_tenancy"
[ "$(q -c "SELECT queryid FROM pg_stat_statements WHERE query ~ '$LIT'")" = "$lit_id" ] ||
	fail "the identifier differs with the other preload order"
echo "$name: with shared_preload_libraries = 'pg_stat_statements, wellness_tenancy' too: one entry per query, same identifiers"
echo "$name: PASS"
