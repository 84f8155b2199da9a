#!/usr/bin/env bash
# wellness_tenancy.cache_tenants bounds a backend's memory across tenants.
# One session works for every tenant in turn, a transaction each (as behind a
# transaction-mode pooler: wt_set_tenant(..., true), a join of the tenant's two
# tables), and reports its memory (the sum of pg_backend_memory_contexts);
# the same at N and 4N tenants, without the cap and with cache_tenants = 100.
# Without the cap the backend's memory grows with the tenants touched (the
# control: the channel is real); with it, it stays near where 100 tenants put
# it (within 1.5x: freed cache memory stays with its contexts for reuse).
# Times are printed for people, never asserted.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh cache_budget

small=${WT_BUDGET_TENANTS:-500}
large=$((4 * small))
cap=100

cluster_start budget "autovacuum = off"
q -d postgres -c "CREATE ROLE wellness_app LOGIN" -c "CREATE DATABASE b"
q -d b -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION wellness_tenancy'
# create FROM TO: tenants t_FROM .. t_TO, 200 a transaction (lock slots)
create() {
	local lo
	for ((lo = $1; lo <= $2; lo += 200)); do
		echo "SELECT count(wt_create_tenant('Company ' || i, 't_' || i)) FROM generate_series($lo, $((lo + 199 < $2 ? lo + 199 : $2))) i;"
	done | q -d b >/dev/null
}
# registry: bytes a fresh session holds once it has read the registry (it
# does at its first statement), in the registry's own tables and in the
# catalog cache
registry() {
	q -d b -c "SELECT wt_current_tenant()" -c "SELECT sum(total_bytes) FROM pg_backend_memory_contexts
	           WHERE name IN ('CacheMemoryContext', 'wellness_tenancy registry cache')
	              OR name LIKE 'wellness_tenancy tenants by %'" | tail -n 1
}
create 1 "$small"
registry_small=$(registry)
create $((small + 1)) "$large"
registry_large=$(registry)
per_tenant=$(((registry_large - registry_small) / (large - small)))
echo "$name: the registry costs each backend $per_tenant bytes per registered tenant ($registry_small bytes at $small tenants, $registry_large at $large)"
# 1.1 read each tenant's schema through the catalog cache: about 770 bytes a
# tenant (a cache entry per schema in every backend); one scan of
# pg_namespace leaves the cache alone: about 170 (its hash tables grow by
# doubling, so a measurement between two counts lands between 170 and 340).
((per_tenant <= 400)) || fail "the registry costs $per_tenant bytes per registered tenant and backend (at most 400)"

# work N CAP: memory in kB of one session after N tenant transactions
work() {
	local n=$1 cap=$2 t0 out
	{
		echo "SET wellness_tenancy.cache_tenants = $cap;"
		for ((i = 1; i <= n; i++)); do
			echo "BEGIN; SELECT wt_set_tenant('t_$i', true); SELECT count(*) FROM employees e JOIN wellness_logs w ON w.employee_id = e.id; COMMIT;"
		done
		echo "SELECT 'memory', (sum(total_bytes) / 1024)::bigint FROM pg_backend_memory_contexts;"
	} >"$work/work.sql"
	t0=$(date +%s.%N)
	out=$(q -d b -F ' ' -f "$work/work.sql" | grep '^memory ') || fail "the session over $n tenants failed"
	echo "$name: $n tenants, cache_tenants = $cap: $(echo "$out" | cut -d' ' -f2) kB in $(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc -l)") s" >&2
	echo "$out" | cut -d' ' -f2
}
free_small=$(work "$small" 0)
free_large=$(work "$large" 0)
capped_small=$(work "$small" "$cap")
capped_large=$(work "$large" "$cap")

# the control: without the cap memory grows with the tenants touched
((free_large > free_small * 2)) ||
	fail "without the cap, $large tenants ($free_large kB) did not take much more than $small ($free_small kB): the test measures nothing"
# the cap: memory does not grow with the tenants touched
((capped_large * 2 <= capped_small * 3)) ||
	fail "with cache_tenants = $cap, $large tenants took $capped_large kB, more than 1.5x the $capped_small kB of $small"
((capped_large * 2 < free_large)) ||
	fail "with cache_tenants = $cap, $large tenants took $capped_large kB, not less than half the $free_large kB without it"
# isolation holds across releases: with cache_tenants = 1 every switch
# releases the caches; then t_1 is refused t_2's table and reads its own
out=$(q -d b -c "SET wellness_tenancy.cache_tenants = 1" -c "INSERT INTO t_2.employees (email, full_name) VALUES ('x@t2', 'SECRET-t_2')" \
	-c "SELECT wt_set_tenant('t_3')" -c "SELECT count(*) FROM employees" -c "SELECT wt_set_tenant('t_1')" \
	-c "SELECT count(*) FROM employees" -c "SELECT full_name FROM t_2.employees" 2>&1 || true)
grep -q SECRET-t_2 <<<"$out" && fail "after cache releases, t_1 read t_2's table"
grep -q 'may not reach' <<<"$out" || fail "after cache releases, t_1 was not refused t_2's table: $out"
ctl=$(q -d b -c "SELECT full_name FROM t_2.employees")
[ "$ctl" = SECRET-t_2 ] || fail "control: without a tenant, t_2's row was not read: $ctl"
echo "$name: after cache releases at every switch, t_1 is still refused t_2's table (control reads it)"
echo "$name: per tenant touched without the cap: $(((free_large - free_small) * 1024 / (large - small))) bytes"
echo "$name: PASS"
