#!/usr/bin/env bash
# A security extension that silently does nothing is worse than none: without
# shared_preload_libraries, CREATE EXTENSION and LOAD fail with a hint and
# leave nothing behind.  Control: with the preload, the same CREATE EXTENSION
# succeeds.  Also checks that the hooks chain with pg_stat_statements loaded
# before and after wellness_tenancy.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh preload_required

cluster_start bare "shared_preload_libraries = ''"
out=$(psql -X -At -c 'CREATE EXTENSION wellness_tenancy' postgres 2>&1) && fail "CREATE EXTENSION succeeded without preload"
echo "$out"
grep -q 'must be loaded via shared_preload_libraries' <<<"$out" || fail "no clear error"
grep -q 'HINT:  Add wellness_tenancy to shared_preload_libraries' <<<"$out" || fail "no hint"
[ "$(q -c "SELECT count(*) FROM pg_extension WHERE extname = 'wellness_tenancy'" postgres)" = 0 ] ||
	fail "extension row left behind"
[ "$(q -c "SELECT count(*) FROM pg_class WHERE relname = 'tenants'" postgres)" = 0 ] ||
	fail "registry table left behind"
out=$(psql -X -At -c "LOAD 'wellness_tenancy'" postgres 2>&1) && fail "LOAD succeeded without preload"
grep -q 'must be loaded via shared_preload_libraries' <<<"$out" || fail "LOAD: no clear error"
cluster_stop bare

# Control, and hook chaining in both orders with pg_stat_statements.
for order in "wellness_tenancy,pg_stat_statements" "pg_stat_statements,wellness_tenancy"; do
	cluster_start preloaded "shared_preload_libraries = '$order'"
	q postgres <<-'SQL'
		CREATE EXTENSION wellness_tenancy;
		CREATE EXTENSION pg_stat_statements;
		CREATE ROLE wellness_app LOGIN;
		SELECT wt_create_tenant('Chain A', 'chain_a') IS NOT NULL;
		SELECT wt_create_tenant('Chain B', 'chain_b') IS NOT NULL;
		SELECT pg_stat_statements_reset();
	SQL
	out=$(psql -X -At -c "SET wellness_tenancy.tenant = 'chain_a'" \
		-c 'SELECT count(*) FROM chain_a.employees' \
		-c 'SELECT count(*) FROM chain_b.wellness_logs' postgres 2>&1) || true
	grep -q 'may not reach the schema of tenant "chain_b"' <<<"$out" || fail "$order: not refused: $out"
	calls=$(q -c "SELECT sum(calls) FROM pg_stat_statements WHERE query LIKE '%chain_a.employees%'" postgres)
	[ "$calls" = 1 ] || fail "$order: pg_stat_statements did not record the allowed query ($calls)"
	echo "$order: refusal enforced and pg_stat_statements recording"
	cluster_stop preloaded
done
echo "preload_required: PASS"
