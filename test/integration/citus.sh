#!/usr/bin/env bash
# wellness_tenancy on a real Citus 13 cluster: a coordinator and two workers
# on loopback, Citus built from the vendored source (test/lib/citus.sh).
# Without that source the suite reports itself SKIPPED (exit 77), never passed.
#
# Each probe prints one line, `citus: ok|LEAK|FAIL: <what>`; the script fails
# at the end if any probe did not print ok.  LEAK: another tenant's rows were
# returned where a 42501 refusal was expected; FAIL: anything else wrong.
# Every refusal probe also runs its control: the same statement without a
# tenant reaches the data (so the refused channel is real).  The isolation
# probes run twice: on distributed tenants (alpha, beta) and, as the second
# control, on tenants kept local on the coordinator (loc_a, loc_b).
#
# What it checks:
#  1. provisioning: wt_create_tenant (and the registry INSERT) make a
#     distributed schema whose tables are co-located single-shard tables,
#     with citus_distribute_tenants on and with
#     citus.enable_schema_based_sharding on; the app role reads and writes its
#     shard through the coordinator; with both off the tenant stays local;
#  2. isolation on the coordinator for Citus plans: a view over another
#     tenant, INSERT ... SELECT through it, a cursor fetched after a tenant
#     switch, a prepared statement, a multi-shard query, a CTE and a subquery;
#  3. enforcement on the workers: a direct connection to a worker as the app
#     role with require_tenant reading a tenant's shard, and with another
#     tenant set (the workers' registries follow the coordinator's and the
#     coordinator forwards the tenant in force to its worker connections);
#     suspending on the coordinator reaches the workers; run_command_on_workers and run_command_on_placements
#     from the coordinator under another tenant (refused: functions that run
#     SQL on other nodes are not allowed in tenant context);
#     the app role's default privileges in each tenant schema on every
#     worker (with a control: without them a view a DBA creates there is
#     refused); a tenant switched within a transaction reaches the worker
#     connection already open (the same worker backend carries the new
#     tenant), under tenant_lock the switch is refused;
#  4. citus_schema_move, then isolation again; wt_run_migrations reaching the
#     shards and the workers' registries;
#  5. the rebalancer (citus_rebalance_start/wait) over distributed tenant
#     schemas: the directory shows the new worker, each moved tenant reads its
#     rows through the coordinator and on the new worker, another tenant is
#     refused there (with control), the old placements are cleaned up;
#  6. require_signed_tenant on the workers: the forwarded (unsigned) tenant is
#     refused there -- fails closed; control: off on the workers, it works.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh citus
source test/lib/citus.sh

citus_source || citus_skip "$CITUS_SKIP_REASON"
citus_build || fail "building Citus $CITUS_VERSION failed"
DB=wellness
export PGDATABASE=$DB
citus_cluster_start "$DB" || fail "the Citus cluster did not start"
echo "citus: coordinator $coord_PORT, workers $w1_PORT and $w2_PORT"

FAILED=() PASSED=0
probe() { # probe ok|LEAK|FAIL WHAT
	echo "citus: $1: $2"
	if [ "$1" = ok ]; then PASSED=$((PASSED + 1)); else FAILED+=("$1: $2"); fi
}
# run PORT ROLE SQL...: psql; prints output and errors (with SQLSTATE), never fails
run() {
	local port=$1 role=$2
	shift 2
	psql -X -q -At -v VERBOSITY=verbose -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$role" -d "$DB" "$@" 2>&1 || true
}

# --- setup ---------------------------------------------------------------------
q -c "CREATE ROLE wellness_app LOGIN" -c "SET client_min_messages = warning" \
	-c "CREATE EXTENSION wellness_tenancy" >/dev/null
q -c "SELECT wt_create_tenant('Alpha', 'alpha'), wt_create_tenant('Beta', 'beta')" >/dev/null
q -c "INSERT INTO tenants (company_name, schema_name) VALUES ('Delta', 'delta')" >/dev/null
q -c "SET wellness_tenancy.citus_distribute_tenants = off" \
	-c "SELECT wt_create_tenant('Local A', 'loc_a'), wt_create_tenant('Local B', 'loc_b')" >/dev/null
q -c "SET wellness_tenancy.citus_distribute_tenants = off" -c "SET citus.enable_schema_based_sharding = on" \
	-c "SELECT wt_create_tenant('Gamma', 'gamma')" >/dev/null
for t in alpha beta loc_a loc_b gamma delta; do
	q -c "INSERT INTO $t.employees (email, full_name) VALUES ('ceo@$t.example', 'SECRET-$t')"
done

# --- 1. provisioning ---------------------------------------------------------------
for t in alpha beta gamma delta; do
	kinds=$(q -c "SELECT string_agg(DISTINCT citus_table_type, ',') || ' ' || count(DISTINCT colocation_id) || ' ' ||
	              count(*) || ' ' || sum(shard_count)
	              FROM citus_tables WHERE table_name::text LIKE '$t.%'")
	ntables=$(q -c "SELECT count(*) FROM pg_class WHERE relnamespace = '$t'::regnamespace AND relkind IN ('r', 'p')")
	single=$(q -c "SELECT count(*) FROM pg_dist_partition WHERE logicalrelid::text LIKE '$t.%' AND partmethod = 'n'
	               AND colocationid <> 0")
	inschemas=$(q -c "SELECT count(*) FROM citus_schemas WHERE schema_name = '$t'::regnamespace")
	if [ "$kinds" = "schema 1 $ntables $ntables" ] && [ "$single" = "$ntables" ] && [ "$inschemas" = 1 ]; then
		probe ok "provisioning: $t is a distributed schema, its $ntables tables single-shard and co-located"
	else
		probe FAIL "provisioning: $t: citus_tables '$kinds' of $ntables tables, single-shard $single, citus_schemas $inschemas"
	fi
done
for t in loc_a loc_b; do
	n=$(q -c "SELECT count(*) FROM citus_tables WHERE table_name::text LIKE '$t.%'")
	s=$(q -c "SELECT count(*) FROM citus_schemas WHERE schema_name::text = '$t'")
	if [ "$n$s" = 00 ]; then probe ok "provisioning: $t (both settings off) stays local"; else
		probe FAIL "provisioning: $t should be local: $n tables, $s schemas in Citus"; fi
done
out=$(run "$coord_PORT" wellness_app -c "SELECT wt_set_tenant('alpha')" \
	-c "INSERT INTO alpha.employees (email, full_name) VALUES ('app@alpha.example', 'APP-alpha')" \
	-c "SELECT string_agg(full_name, ',' ORDER BY full_name) FROM alpha.employees")
if [ "$(tail -n 1 <<<"$out")" = "APP-alpha,SECRET-alpha" ]; then
	probe ok "provisioning: the app role writes and reads its own shard through the coordinator"
else probe FAIL "provisioning: the app role on its own shard: $(tr '\n' ' ' <<<"$out")"; fi
# default privileges on every node: Citus propagates none, provisioning
# sends the app role's to every worker in Citus's distributed transaction
defacl_query() {
	echo "SELECT coalesce(string_agg(d.defaclobjtype::text || ':' || a.privilege_type, ',' ORDER BY d.defaclobjtype::text, a.privilege_type), 'none')
	      FROM pg_default_acl d, aclexplode(d.defaclacl) a
	      WHERE d.defaclnamespace = '$1'::regnamespace AND a.grantee = 'wellness_app'::regrole
	        AND d.defaclrole = 'postgres'::regrole"
}
for t in alpha beta gamma delta; do
	want=$(q -c "$(defacl_query "$t")")
	for port in "$w1_PORT" "$w2_PORT"; do
		got=$(run "$port" postgres -c "$(defacl_query "$t")")
		if [ "$want" != none ] && [ "$got" = "$want" ]; then
			probe ok "default privileges: worker $port has $t's ($got)"
		else probe FAIL "default privileges: worker $port has '$got' for $t, the coordinator '$want'"; fi
	done
done
# what they are for: an object a DBA (or a tool) creates in the schema on a
# worker is granted to the app role there (Citus refuses CREATE TABLE in a
# distributed schema on a worker; a view is allowed).  Control: in beta's
# schema on the same worker, with the default privileges revoked there, the
# same view is refused to the app role -- the entries are what grants it.
aport=$(q -c "SELECT nodeport FROM citus_shards WHERE table_name = 'alpha.employees'::regclass")
run "$aport" postgres -c "SET citus.enable_ddl_propagation = off" \
	-c "CREATE VIEW alpha.worker_made AS SELECT 'WM-alpha'::text AS v" \
	-c "ALTER DEFAULT PRIVILEGES IN SCHEMA beta REVOKE ALL ON TABLES FROM wellness_app" \
	-c "CREATE VIEW beta.worker_made AS SELECT 'WM-beta'::text AS v" >/dev/null
out=$(run "$aport" wellness_app -c "SELECT wt_set_tenant('alpha')" -c "SELECT v FROM alpha.worker_made")
ctl=$(run "$aport" wellness_app -c "SELECT wt_set_tenant('beta')" -c "SELECT v FROM beta.worker_made")
if [ "$(tail -n 1 <<<"$out")" = WM-alpha ] && grep -q "ERROR:  42501:.*permission denied for view worker_made" <<<"$ctl"; then
	probe ok "default privileges: a view created on worker $aport in alpha is usable by the app role (tenant alpha); control: without the entries (beta) it is refused"
else probe FAIL "default privileges: worker-made view: alpha '$(tr '\n' ' ' <<<"$out")', control beta '$(tr '\n' ' ' <<<"$ctl" | cut -c1-200)'"; fi
run "$aport" postgres -c "SET citus.enable_ddl_propagation = off" -c "DROP VIEW alpha.worker_made, beta.worker_made" \
	-c "ALTER DEFAULT PRIVILEGES IN SCHEMA beta GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO wellness_app" >/dev/null
out=$(run "$coord_PORT" postgres -c "BEGIN" -c "SELECT wt_create_tenant('Epsilon', 'epsilon')" \
	-c "SELECT 1/0" -c "COMMIT")
n=$(q -c "SELECT count(*) FROM citus_schemas WHERE schema_name::text = 'epsilon'")
[ "$n" = 0 ] && ! q -c "SELECT 'epsilon'::regnamespace" >/dev/null 2>&1 &&
	probe ok "provisioning: a rolled-back wt_create_tenant leaves no distributed schema" ||
	probe FAIL "provisioning: rolled-back provisioning left a schema behind"

# --- 2. isolation on the coordinator --------------------------------------------
# refusal WHAT PORT TENANT SETUP STATEMENT OWNER_TENANT: runs SETUP then
# STATEMENT with TENANT set (must be 42501, and no SECRET-OWNER_TENANT in the
# output) and, as the control, without a tenant (must show SECRET-OWNER_TENANT).
# With ROLE=wellness_app the statements run as the app role, with the tenant
# set for the session (wt_set_tenant(t)) before the transaction.
refusal() {
	local what=$1 port=$2 tenant=$3 setup=$4 stmt=$5 owner=$6 out ctl role=${ROLE:-postgres}
	if [ "$role" = postgres ]; then
		out=$(run "$port" "$role" -c "BEGIN" -c "$setup" -c "SELECT wt_set_tenant('$tenant', true)" \
			-c "SELECT 'STATEMENT-FOLLOWS'" -c "$stmt" -c "ROLLBACK")
	else
		out=$(run "$port" "$role" -c "SELECT wt_set_tenant('$tenant')" -c "BEGIN" -c "$setup" \
			-c "SELECT 'STATEMENT-FOLLOWS'" -c "$stmt" -c "ROLLBACK")
	fi
	# only the statement's output counts: SETUP may show data (it runs
	# without a tenant in the postgres case)
	grep -q STATEMENT-FOLLOWS <<<"$out" || { probe FAIL "$what: the setup failed: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"; return; }
	out=$(sed -n '/STATEMENT-FOLLOWS/,$p' <<<"$out")
	ctl=$(run "$port" postgres -c "BEGIN" -c "$setup" -c "$stmt" -c "ROLLBACK")
	if ! grep -q "SECRET-$owner" <<<"$ctl"; then
		probe FAIL "$what: control (no tenant) did not reach the data: $(tr '\n' ' ' <<<"$ctl" | cut -c1-200)"
	elif grep -q "SECRET-$owner" <<<"$out"; then
		probe LEAK "$what: tenant $tenant read SECRET-$owner"
	elif grep -q "ERROR:  42501:" <<<"$out"; then
		probe ok "$what: refused (42501), control reaches the data"
	else
		probe FAIL "$what: not refused with 42501: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
	fi
}

# cursor_switch WHAT TENANT_A TENANT_B: a cursor over A's table opened under
# A, fetched after switching to B: the FETCH must be refused.  Control: the
# same cursor with no tenant at all reads the rows.
cursor_switch() {
	local what=$1 a=$2 b=$3 out ctl
	out=$(run "$coord_PORT" postgres -c "BEGIN" -c "SELECT wt_set_tenant('$a', true)" \
		-c "DECLARE c CURSOR FOR SELECT full_name FROM $a.employees" \
		-c "SELECT wt_set_tenant('$b', true)" -c "FETCH ALL FROM c" -c "ROLLBACK")
	ctl=$(run "$coord_PORT" postgres -c "BEGIN" -c "DECLARE c CURSOR FOR SELECT full_name FROM $a.employees" \
		-c "FETCH ALL FROM c" -c "ROLLBACK")
	if ! grep -q "SECRET-$a" <<<"$ctl"; then probe FAIL "$what: control did not reach the data"
	elif grep -q "SECRET-$a" <<<"$out"; then probe LEAK "$what: FETCH under $b returned $a's rows"
	elif grep -q "ERROR:  42501:" <<<"$out"; then probe ok "$what: refused (42501), control reaches the data"
	else probe FAIL "$what: not refused with 42501: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"; fi
}

isolation_probes() { # isolation_probes LABEL A B
	local label=$1 a=$2 b=$3
	q -c "CREATE OR REPLACE VIEW public.v_$b AS SELECT full_name FROM $b.employees" \
		-c "CREATE TABLE IF NOT EXISTS public.sink (full_name text)"
	refusal "$label: direct SELECT of $b" "$coord_PORT" "$a" "SELECT 1" \
		"SELECT full_name FROM $b.employees" "$b"
	refusal "$label: SELECT via a view in public over $b" "$coord_PORT" "$a" "SELECT 1" \
		"SELECT full_name FROM public.v_$b" "$b"
	refusal "$label: INSERT ... SELECT through the view" "$coord_PORT" "$a" "SELECT 1" \
		"INSERT INTO public.sink SELECT full_name FROM public.v_$b RETURNING full_name" "$b"
	cursor_switch "$label: cursor opened under $a, FETCH after switching to $b" "$a" "$b"
	refusal "$label: prepared statement over $b executed under $a" "$coord_PORT" "$a" \
		"PREPARE p AS SELECT full_name FROM $b.employees" "EXECUTE p" "$b"
	refusal "$label: multi-shard UNION ALL of $a and $b" "$coord_PORT" "$a" "SELECT 1" \
		"SELECT full_name FROM $a.employees UNION ALL SELECT full_name FROM $b.employees" "$b"
	refusal "$label: CTE over $b" "$coord_PORT" "$a" "SELECT 1" \
		"WITH x AS MATERIALIZED (SELECT full_name FROM $b.employees) SELECT * FROM x" "$b"
	refusal "$label: scalar subquery over $b" "$coord_PORT" "$a" "SELECT 1" \
		"SELECT (SELECT string_agg(full_name, ',') FROM $b.employees)" "$b"
	# the same shapes as the app role, the tenant set for its session
	q -c "GRANT SELECT ON public.v_$b TO wellness_app" -c "GRANT SELECT, INSERT ON public.sink TO wellness_app"
	ROLE=wellness_app refusal "$label: app role: SELECT via a view in public over $b" "$coord_PORT" "$a" "SELECT 1" \
		"SELECT full_name FROM public.v_$b" "$b"
	ROLE=wellness_app refusal "$label: app role: INSERT ... SELECT through the view" "$coord_PORT" "$a" "SELECT 1" \
		"INSERT INTO public.sink SELECT full_name FROM public.v_$b RETURNING full_name" "$b"
	ROLE=wellness_app refusal "$label: app role: prepared statement over the view, executed twice" "$coord_PORT" "$a" \
		"PREPARE p AS SELECT full_name FROM public.v_$b" "EXECUTE p; EXECUTE p" "$b"
	# plans made without a tenant (or under the other tenant) and reused
	# under $a: a generic plan of a prepared statement, a PL/pgSQL function's
	# cached plan, a fast-path (single-table, filtered) query through the view
	refusal "$label: generic plan made without a tenant, executed under $a" "$coord_PORT" "$a" \
		"SET LOCAL plan_cache_mode = force_generic_plan; PREPARE g AS SELECT full_name FROM public.v_$b WHERE full_name LIKE 'SECRET%'; EXECUTE g; EXECUTE g" \
		"EXECUTE g" "$b"
	q -c "CREATE OR REPLACE FUNCTION public.names_$b() RETURNS SETOF text LANGUAGE sql STABLE AS 'SELECT full_name FROM public.v_$b'" \
		-c "GRANT EXECUTE ON FUNCTION public.names_$b() TO wellness_app"
	refusal "$label: SQL function over the view, cached in the session without a tenant" "$coord_PORT" "$a" \
		"SELECT count(*) FROM public.names_$b(); SELECT count(*) FROM public.names_$b()" "SELECT * FROM public.names_$b()" "$b"
	refusal "$label: cursor over the view opened without a tenant, FETCH under $a" "$coord_PORT" "$a" \
		"DECLARE c CURSOR FOR SELECT full_name FROM public.v_$b" "FETCH ALL FROM c" "$b"
	refusal "$label: fast-path query on $b's table with a filter" "$coord_PORT" "$a" "SELECT 1" \
		"SELECT full_name FROM $b.employees WHERE email = 'ceo@$b.example'" "$b"
	ROLE=wellness_app refusal "$label: app role: fast-path query through the view with a filter" "$coord_PORT" "$a" "SELECT 1" \
		"SELECT full_name FROM public.v_$b WHERE full_name = 'SECRET-$b'" "$b"
	# the tenant's own work still goes through
	out=$(run "$coord_PORT" postgres -c "SELECT wt_set_tenant('$a')" -c "SELECT count(*) FROM $a.employees WHERE full_name = 'SECRET-$a'")
	[ "$(tail -n 1 <<<"$out")" = 1 ] && probe ok "$label: tenant $a reads its own table" ||
		probe FAIL "$label: tenant $a cannot read its own table: $(tr '\n' ' ' <<<"$out")"
}
isolation_probes "coordinator, distributed" alpha beta
isolation_probes "coordinator, local" loc_a loc_b

# --- 3. enforcement on the workers ---------------------------------------------------
# the node and the (schema-qualified) shard name of TENANT's employees table
node_of() { q -c "SELECT nodeport FROM citus_shards WHERE table_name = '$1.employees'::regclass"; }
shard_of() { q -c "SELECT shard_name FROM citus_shards WHERE table_name = '$1.employees'::regclass"; }
q -c "ALTER ROLE wellness_app SET wellness_tenancy.require_tenant = on"
worker_probes() { # worker_probes LABEL TENANT
	local label=$1 t=$2 port shard out ctl email
	email="w$RANDOM$RANDOM@$t.example"
	port=$(node_of "$t")
	shard=$(shard_of "$t")
	# the setting on the worker itself too, whether or not Citus propagated it
	run "$port" postgres -c "SET citus.enable_ddl_propagation = off" \
		-c "ALTER ROLE wellness_app SET wellness_tenancy.require_tenant = on" >/dev/null
	ctl=$(run "$port" postgres -c "SELECT full_name FROM $shard")
	out=$(run "$port" wellness_app -c "SELECT full_name FROM $shard")
	if ! grep -q "SECRET-$t" <<<"$ctl"; then probe FAIL "$label: control on the worker did not reach $shard: $ctl"
	elif grep -q "SECRET-$t" <<<"$out"; then probe LEAK "$label: app role on worker $port read $shard with require_tenant and no tenant"
	elif grep -q "ERROR:  42501:" <<<"$out" && ! grep -q "permission denied for" <<<"$out"; then
		probe ok "$label: direct read of $shard on worker $port refused (42501)"
	else probe FAIL "$label: direct read of $shard on worker $port: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"; fi
	# a direct connection to the worker with another tenant set
	other=$([ "$t" = alpha ] && echo beta || echo alpha)
	out=$(run "$port" wellness_app -c "SELECT wt_set_tenant('$other')" -c "SELECT full_name FROM $shard")
	if grep -q "SECRET-$t" <<<"$out"; then probe LEAK "$label: app role on worker $port under tenant $other read $shard"
	elif grep -q "ERROR:  42501:" <<<"$out" && grep -q "may not reach" <<<"$out"; then
		probe ok "$label: on worker $port, tenant $other is refused $shard (42501)"
	else probe FAIL "$label: on worker $port, tenant $other reading $shard: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"; fi
	out=$(run "$port" wellness_app -c "SELECT wt_set_tenant('$t')" -c "SELECT count(*) FROM $shard WHERE full_name = 'SECRET-$t'")
	[ "$(tail -n 1 <<<"$out")" = 1 ] && probe ok "$label: on worker $port, tenant $t reads its own shard" ||
		probe FAIL "$label: on worker $port, tenant $t cannot read its own shard: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
	out=$(run "$coord_PORT" wellness_app -c "SELECT wt_set_tenant('$t')" \
		-c "INSERT INTO $t.employees (email, full_name) VALUES ('$email', 'W-$t') RETURNING full_name" \
		-c "SELECT count(*) FROM $t.employees WHERE full_name = 'SECRET-$t' OR email = '$email'")
	[ "$(tail -n 1 <<<"$out")" = 2 ] &&
		probe ok "$label: through the coordinator, tenant $t (require_tenant on) writes and reads its tables" ||
		probe FAIL "$label: tenant $t through the coordinator under require_tenant: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
}
worker_probes "worker" alpha

# A tenant switched within a transaction reaches the worker connections the
# transaction already has open.  alpha and beta on one worker, so the second
# statement reuses the first's connection; node_tenant() exists on the
# workers only with that body (the coordinator's says 'coordinator'), so its
# value is the worker backend's tenant and pid.  Before the switch the
# connection carries alpha (the forwarding channel is real); after it, the
# same backend carries beta, and beta reads its shard there.  alpha's table
# after the switch is refused on the coordinator; control: the same
# transaction without a tenant reads it.  Under tenant_lock the switch itself
# is refused.
aport=$(node_of alpha)
[ "$(node_of beta)" = "$aport" ] ||
	q -c "SELECT citus_schema_move('beta', '127.0.0.1', $aport, shard_transfer_mode => 'block_writes')" >/dev/null
q -c "SET citus.enable_ddl_propagation = off" \
	-c "CREATE FUNCTION public.node_tenant() RETURNS text LANGUAGE sql STABLE AS \$\$SELECT 'coordinator'\$\$" \
	-c "GRANT EXECUTE ON FUNCTION public.node_tenant() TO wellness_app" >/dev/null
for port in "$w1_PORT" "$w2_PORT"; do
	run "$port" postgres -c "SET citus.enable_ddl_propagation = off" \
		-c "CREATE FUNCTION public.node_tenant() RETURNS text LANGUAGE sql STABLE AS
		    \$\$SELECT current_setting('wellness_tenancy.tenant', true) || '@' || pg_backend_pid()\$\$" \
		-c "GRANT EXECUTE ON FUNCTION public.node_tenant() TO wellness_app" >/dev/null
done
out=$(run "$coord_PORT" wellness_app -c "BEGIN" -c "SELECT wt_set_tenant('alpha', true)" \
	-c "SELECT node_tenant() || ' ' || full_name FROM alpha.employees WHERE full_name = 'SECRET-alpha'" \
	-c "SELECT wt_set_tenant('beta', true)" \
	-c "SELECT node_tenant() || ' ' || full_name FROM beta.employees WHERE full_name = 'SECRET-beta'" \
	-c "SELECT full_name FROM alpha.employees" -c "ROLLBACK")
pa=$(sed -n 's/^alpha@\([0-9]*\) SECRET-alpha$/\1/p' <<<"$out")
pb=$(sed -n 's/^beta@\([0-9]*\) SECRET-beta$/\1/p' <<<"$out")
if [ -n "$pa" ] && [ "$pa" = "$pb" ]; then
	probe ok "switch: worker backend $pa carried alpha, and after wt_set_tenant('beta', true) in the same transaction carries beta and reads beta's shard"
else probe FAIL "switch: the open worker connection after the switch: $(tr '\n' ' ' <<<"$out" | cut -c1-300)"; fi
ctl=$(run "$coord_PORT" postgres -c "BEGIN" -c "SELECT full_name FROM alpha.employees" \
	-c "SELECT full_name FROM beta.employees" -c "SELECT full_name FROM alpha.employees" -c "ROLLBACK")
if [ "$(grep -c SECRET-alpha <<<"$ctl")" != 2 ]; then probe FAIL "switch: control (no tenant) did not read alpha twice: $(tr '\n' ' ' <<<"$ctl")"
elif grep -q "SECRET-alpha" <<<"$(sed -n '/^beta@/,$p' <<<"$out")"; then probe LEAK "switch: alpha's rows read after switching to beta"
elif grep -q "ERROR:  42501:" <<<"$out"; then probe ok "switch: alpha's table after the switch to beta is refused (42501); control reads it"
else probe FAIL "switch: alpha's table after the switch: $(tr '\n' ' ' <<<"$out" | cut -c1-300)"; fi
# leaving the tenant within the transaction (a DBA) reaches the open worker
# connection too: it then reads beta's shard there with no tenant, as the
# coordinator does; a savepoint rolled back restores the earlier state on
# both sides
out=$(run "$coord_PORT" postgres -c "BEGIN" -c "SELECT wt_set_tenant('alpha', true)" \
	-c "SELECT node_tenant() || ' ' || full_name FROM alpha.employees WHERE full_name = 'SECRET-alpha'" \
	-c "SELECT set_config('wellness_tenancy.tenant', '', true)" \
	-c "SELECT node_tenant() || ' ' || full_name FROM beta.employees WHERE full_name = 'SECRET-beta'" \
	-c "SAVEPOINT s" -c "SELECT wt_set_tenant('beta', true)" \
	-c "SELECT node_tenant() || ' ' || full_name FROM beta.employees WHERE full_name = 'SECRET-beta'" \
	-c "ROLLBACK TO SAVEPOINT s" \
	-c "SELECT node_tenant() || ' ' || full_name FROM alpha.employees WHERE full_name = 'SECRET-alpha'" -c "ROLLBACK")
pa=$(sed -n 's/^alpha@\([0-9]*\) SECRET-alpha$/\1/p' <<<"$out")
pl=$(sed -n 's/^@\([0-9]*\) SECRET-beta$/\1/p' <<<"$out")
pb=$(sed -n 's/^beta@\([0-9]*\) SECRET-beta$/\1/p' <<<"$out")
pr=$(sed -n 's/^@\([0-9]*\) SECRET-alpha$/\1/p' <<<"$out")
if [ -n "$pa" ] && [ "$pa" = "$pl" ] && [ "$pa" = "$pb" ] && [ "$pa" = "$pr" ]; then
	probe ok "switch: leaving the tenant, and a savepoint rolled back, reach the open worker backend $pa (alpha, none, beta, none)"
else probe FAIL "switch: leaving the tenant within the transaction: $(tr '\n' ' ' <<<"$out" | cut -c1-300)"; fi
out=$(run "$coord_PORT" postgres -c "BEGIN" -c "SET LOCAL wellness_tenancy.tenant_lock = on" \
	-c "SELECT wt_set_tenant('alpha', true)" -c "SELECT count(*) FROM alpha.employees" \
	-c "SELECT wt_set_tenant('beta', true)" -c "ROLLBACK")
grep -q 'ERROR:  42501: this transaction is locked to tenant "alpha"' <<<"$out" &&
	probe ok "switch: under tenant_lock the switch after a Citus statement is refused (42501)" ||
	probe FAIL "switch: under tenant_lock: $(tr '\n' ' ' <<<"$out" | cut -c1-300)"

# Citus's run_command_on_workers() (EXECUTE granted to PUBLIC) runs any SQL on
# every worker as the current user: under tenant alpha it reaches beta's shard
# where no node enforces the tenant.
shard=$(shard_of beta)
ROLE=wellness_app refusal "coordinator: app role: run_command_on_workers reading beta's shard under alpha" \
	"$coord_PORT" alpha "SELECT 1" \
	"SELECT result FROM run_command_on_workers(\$\$SELECT string_agg(full_name, ',') FROM $shard\$\$)" beta
refusal "coordinator: run_command_on_placements over beta.employees under alpha" "$coord_PORT" alpha "SELECT 1" \
	"SELECT result FROM run_command_on_placements('beta.employees', \$\$SELECT string_agg(full_name, ',') FROM %s\$\$)" beta

# --- 4. citus_schema_move, migrations ------------------------------------------------
from=$(node_of alpha)
to=$([ "$from" = "$w1_PORT" ] && echo "$w2_PORT" || echo "$w1_PORT")
q -c "SELECT citus_schema_move('alpha', '127.0.0.1', $to, shard_transfer_mode => 'block_writes')" >/dev/null
[ "$(node_of alpha)" = "$to" ] && probe ok "move: citus_schema_move moved alpha from $from to $to" ||
	probe FAIL "move: alpha is on $(node_of alpha), not $to"
# the directory shows which worker holds each distributed tenant
q -c "INSERT INTO wt_instances (name, is_local) VALUES ('coordinator', true)" >/dev/null
dir=$(q -c "SELECT schema_name || '=' || coalesce(citus_node, 'none') FROM wt_tenant_directory() WHERE schema_name IN ('alpha', 'loc_a') ORDER BY 1" | tr '\n' ' ')
[ "$dir" = "alpha=127.0.0.1:$to loc_a=none " ] &&
	probe ok "directory: wt_tenant_directory() shows alpha on its new worker $to and loc_a on the coordinator" ||
	probe FAIL "directory: wt_tenant_directory() says '$dir', expected alpha on 127.0.0.1:$to, loc_a none"
isolation_probes "after the move" alpha beta
worker_probes "after the move, worker" alpha

next=$(q -c "SELECT max(version) + 1 FROM tenant_migrations")
q -c "SELECT wt_add_migration($next, 'nickname', 'ALTER TABLE employees ADD COLUMN nickname text')" >/dev/null
q -c "SELECT wt_add_migration($((next + 1)), 'notes', 'CREATE TABLE notes (id bigint PRIMARY KEY, body text)')" >/dev/null
q -c "CALL wt_run_migrations()" >/dev/null
# a table a migration creates in a distributed tenant schema is a tenant
# table too (co-located with the others), and the app role may use it
for t in alpha beta; do
	kind=$(q -c "SELECT coalesce((SELECT citus_table_type || ':' || (colocation_id = (SELECT colocation_id
	             FROM citus_tables WHERE table_name = '$t.employees'::regclass))::text
	             FROM citus_tables WHERE table_name = '$t.notes'::regclass), 'local')")
	[ "$kind" = "schema:true" ] && probe ok "migrations: $t.notes, created by a migration, is a co-located tenant table" ||
		probe FAIL "migrations: $t.notes, created by a migration, is '$kind', not a co-located single-shard tenant table"
	out=$(run "$coord_PORT" wellness_app -c "SELECT wt_set_tenant('$t')" \
		-c "INSERT INTO $t.notes VALUES (1, 'NOTE-$t')" -c "SELECT body FROM $t.notes")
	[ "$(tail -n 1 <<<"$out")" = "NOTE-$t" ] && probe ok "migrations: the app role writes and reads $t.notes" ||
		probe FAIL "migrations: the app role on $t.notes: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
done
for t in alpha beta; do
	port=$(node_of "$t")
	nshard=$(q -c "SELECT shard_name FROM citus_shards WHERE table_name = '$t.notes'::regclass")
	out=$(run "$port" wellness_app -c "SELECT wt_set_tenant('$t')" -c "SELECT body FROM $nshard")
	[ "$(tail -n 1 <<<"$out")" = "NOTE-$t" ] &&
		probe ok "migrations: on worker $port the app role (tenant $t) reads $nshard, created by a migration" ||
		probe FAIL "migrations: on worker $port the app role reading $nshard: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
done
for t in alpha beta; do
	port=$(node_of "$t")
	shard=$(shard_of "$t")
	col=$(run "$port" postgres -c "SELECT count(*) FROM pg_attribute WHERE attrelid = '$shard'::regclass AND attname = 'nickname'")
	[ "$col" = 1 ] && probe ok "migrations: wt_run_migrations reached the shard $shard on $port" ||
		probe FAIL "migrations: shard $shard on $port has no column nickname: $col"
	cv=$(q -c "SELECT schema_version FROM tenants WHERE schema_name = '$t'")
	wv=$(run "$port" postgres -c "SELECT coalesce((SELECT schema_version::text FROM tenants WHERE schema_name = '$t'), 'no row')")
	[ "$wv" = "$cv" ] && probe ok "migrations: the registry of worker $port has $t at version $cv" ||
		probe FAIL "migrations: registry of worker $port has $t at '$wv', the coordinator at $cv"
done

# wt_tenant_drift() on Citus: clean now; then a table of alpha's distributed
# schema that Citus does not know (created inside a DO block, which Citus
# does not convert) and a worker's registry missing beta's row are reported,
# and citus_sync_registry_all() repairs the registries
drift=$(q -c "SELECT count(*) FROM wt_tenant_drift()")
[ "$drift" = 0 ] && probe ok "drift: wt_tenant_drift() is empty on the healthy cluster" ||
	probe FAIL "drift: wt_tenant_drift() on the healthy cluster: $(q -c "SELECT string_agg(schema_name || ': ' || problem || ': ' || detail, '; ') FROM wt_tenant_drift()")"
q -c 'DO $$ BEGIN CREATE TABLE alpha.stray (i int); END $$' >/dev/null
bport=$(node_of beta)
run "$bport" postgres -c "DELETE FROM tenants WHERE schema_name = 'beta'" >/dev/null
drift=$(q -c "SELECT string_agg(schema_name || ': ' || problem || ': ' || detail, E'\n' ORDER BY problem) FROM wt_tenant_drift()")
grep -q "^alpha: local table in distributed schema: table alpha.stray is not a Citus table" <<<"$drift" &&
	probe ok "drift: a local table in alpha's distributed schema is reported" ||
	probe FAIL "drift: the local table alpha.stray is not reported: $drift"
grep -q "^beta: registry differs on worker: worker 127.0.0.1:$bport has no row" <<<"$drift" &&
	probe ok "drift: beta's missing registry row on worker $bport is reported" ||
	probe FAIL "drift: the missing row on worker $bport is not reported: $drift"
q -c "DROP TABLE alpha.stray" -c "SELECT wt_internal.citus_sync_registry_all()" >/dev/null
drift=$(q -c "SELECT count(*) FROM wt_tenant_drift()")
[ "$drift" = 0 ] && probe ok "drift: citus_sync_registry_all() repairs the workers' registries" ||
	probe FAIL "drift: after citus_sync_registry_all(): $(q -c "SELECT string_agg(schema_name || ': ' || problem || ': ' || detail, '; ') FROM wt_tenant_drift()")"

# suspending a tenant on the coordinator suspends it on its worker too: a
# direct connection there can no longer enter it
sport=$(node_of beta)
q -c "SELECT wt_suspend_tenant('beta')" >/dev/null
ws=$(run "$sport" postgres -c "SELECT status FROM tenants WHERE schema_name = 'beta'")
out=$(run "$sport" wellness_app -c "SELECT wt_set_tenant('beta')")
[ "$ws" = suspended ] && grep -q 'tenant "beta" is suspended' <<<"$out" &&
	probe ok "lifecycle: wt_suspend_tenant('beta') reaches worker $sport (status suspended, entering refused)" ||
	probe FAIL "lifecycle: after suspending beta, worker $sport has status '$ws': $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
q -c "SELECT wt_resume_tenant('beta')" >/dev/null
ws=$(run "$sport" postgres -c "SELECT status FROM tenants WHERE schema_name = 'beta'")
[ "$ws" = active ] && probe ok "lifecycle: wt_resume_tenant('beta') reaches worker $sport" ||
	probe FAIL "lifecycle: after resuming beta, worker $sport has status '$ws'"

# dropping a distributed tenant removes its schema and shards everywhere
dport=$(node_of delta)
q -c "SELECT wt_suspend_tenant('delta')" -c "SELECT wt_drop_tenant('delta')" >/dev/null
left=$(q -c "SELECT count(*) FROM citus_schemas WHERE schema_name::text = 'delta'")+$(q -c "SELECT count(*) FROM pg_dist_partition WHERE logicalrelid::text LIKE 'delta.%'")
wleft=$(run "$dport" postgres -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'delta'")$(run "$dport" postgres -c "SELECT count(*) FROM tenants WHERE schema_name = 'delta'")
[ "$left$wleft" = "0+000" ] && probe ok "drop: wt_drop_tenant removes the distributed schema, its metadata, its shards and its registry row on $dport" ||
	probe FAIL "drop: after wt_drop_tenant('delta'): coordinator schemas+tables $left, worker $dport schema and registry rows $wleft"

# --- 5. the rebalancer ------------------------------------------------------------------
# Every distributed tenant on one worker, then citus_rebalance_start() spreads
# the schemas: each moved tenant is shown on its new worker by
# wt_tenant_directory(), reads its own rows through the coordinator and
# directly on the new worker, another tenant is refused there (control: the
# DBA reads the shard), and the old placement is gone after the cleanup.
q -c "SET client_min_messages = warning" \
	-c "SELECT wt_create_tenant('Rebalanced ' || i, 'reb_' || i) FROM generate_series(1, 4) i" >/dev/null
for t in reb_1 reb_2 reb_3 reb_4; do
	q -c "INSERT INTO $t.employees (email, full_name) VALUES ('ceo@$t.example', 'SECRET-$t')"
done
declare -A before_node before_shard
for t in $(q -c "SELECT schema_name::text FROM citus_schemas ORDER BY 1"); do
	[ "$(node_of "$t")" = "$w1_PORT" ] ||
		q -c "SELECT citus_schema_move('$t', '127.0.0.1', $w1_PORT, shard_transfer_mode => 'block_writes')" >/dev/null
	before_node[$t]=$w1_PORT
	before_shard[$t]=$(shard_of "$t")
done
q -c "CALL citus_cleanup_orphaned_resources()" >/dev/null
q -c "SELECT citus_rebalance_start(shard_transfer_mode => 'block_writes')" -c "SELECT citus_rebalance_wait()" >/dev/null 2>&1 ||
	probe FAIL "rebalance: citus_rebalance_start/wait failed"
q -c "CALL citus_cleanup_orphaned_resources()" >/dev/null
moved=()
for t in "${!before_node[@]}"; do [ "$(node_of "$t")" != "${before_node[$t]}" ] && moved+=("$t"); done
[ "${#moved[@]}" -ge 2 ] && probe ok "rebalance: the rebalancer moved ${#moved[@]} tenant schemas (${moved[*]}) off worker $w1_PORT" ||
	probe FAIL "rebalance: the rebalancer moved ${#moved[@]} schemas: ${moved[*]:-none}"
for t in "${moved[@]:0:2}"; do
	port=$(node_of "$t") shard=$(shard_of "$t")
	other=$(for o in "${!before_node[@]}"; do [ "$o" != "$t" ] && [ "$o" != "${o#reb_}" ] && echo "$o"; done | head -n 1 || true)
	dir=$(q -c "SELECT citus_node FROM wt_tenant_directory() WHERE schema_name = '$t'")
	[ "$dir" = "127.0.0.1:$port" ] && probe ok "rebalance: wt_tenant_directory() shows $t on its new worker $port" ||
		probe FAIL "rebalance: wt_tenant_directory() shows $t on '$dir', Citus on $port"
	out=$(run "$coord_PORT" wellness_app -c "SELECT wt_set_tenant('$t')" -c "SELECT full_name FROM $t.employees WHERE full_name = 'SECRET-$t'")
	[ "$(tail -n 1 <<<"$out")" = "SECRET-$t" ] && probe ok "rebalance: $t reads its own rows through the coordinator" ||
		probe FAIL "rebalance: $t through the coordinator: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
	out=$(run "$port" wellness_app -c "SELECT wt_set_tenant('$t')" -c "SELECT full_name FROM $shard WHERE full_name = 'SECRET-$t'")
	[ "$(tail -n 1 <<<"$out")" = "SECRET-$t" ] && probe ok "rebalance: $t reads its shard directly on its new worker $port" ||
		probe FAIL "rebalance: $t directly on $port: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
	ctl=$(run "$port" postgres -c "SELECT full_name FROM $shard")
	out=$(run "$port" wellness_app -c "SELECT wt_set_tenant('$other')" -c "SELECT full_name FROM $shard")
	if ! grep -q "SECRET-$t" <<<"$ctl"; then probe FAIL "rebalance: control on $port did not reach $shard"
	elif grep -q "SECRET-$t" <<<"$out"; then probe LEAK "rebalance: tenant $other read $shard on $port"
	elif grep -q "ERROR:  42501:" <<<"$out"; then probe ok "rebalance: on $port, tenant $other is refused $t's shard (42501); control reaches it"
	else probe FAIL "rebalance: tenant $other on $port reading $shard: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"; fi
	ROLE=wellness_app refusal "rebalance: app role: $t's table under $other through the coordinator" "$coord_PORT" "$other" \
		"SELECT 1" "SELECT full_name FROM $t.employees" "$t"
	gone=$(run "${before_node[$t]}" postgres -c "SELECT to_regclass('${before_shard[$t]}') IS NULL")
	[ "$gone" = t ] && probe ok "rebalance: the old placement ${before_shard[$t]} on ${before_node[$t]} is cleaned up" ||
		probe FAIL "rebalance: the old placement ${before_shard[$t]} on ${before_node[$t]}: $gone"
done

# --- 6. require_signed_tenant on the workers ---------------------------------------
# The coordinator forwards the tenant as a plain SET LOCAL, which a worker
# refuses for a role under require_signed_tenant (no token reaches the
# worker): statements on distributed tenants then fail -- closed, not open.
# Control: with the setting off on the workers the same statement runs.
K1=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
q -c "ALTER SYSTEM SET wellness_tenancy.token_keys = 'k1:$K1'" -c "SELECT pg_reload_conf()" >/dev/null
for port in "$coord_PORT" "$w1_PORT" "$w2_PORT"; do
	run "$port" postgres -c "SET citus.enable_ddl_propagation = off" \
		-c "ALTER ROLE wellness_app SET wellness_tenancy.require_signed_tenant = on" >/dev/null
done
token=$(/usr/bin/python3 docs/recipes/mint_token.py k1 "$K1" alpha)
signed() { # signed: enters alpha with the token on the coordinator, reads alpha's table
	psql -X -q -At -v VERBOSITY=verbose -h 127.0.0.1 -p "$coord_PORT" -U wellness_app -d "$DB" -v token="$token" 2>&1 <<-'SQL' || true
		BEGIN;
		SELECT wt_enter_tenant(:'token') \gset
		SELECT full_name FROM alpha.employees WHERE full_name = 'SECRET-alpha';
		COMMIT;
	SQL
}
out=$(signed)
if grep -q "SECRET-alpha" <<<"$out"; then probe FAIL "signed: a worker accepted the forwarded unsigned tenant: $(tr '\n' ' ' <<<"$out" | cut -c1-200)"
elif grep -q "signed token" <<<"$out"; then probe ok "signed: with require_signed_tenant on the workers, the forwarded tenant is refused there (fails closed)"
else probe FAIL "signed: $(tr '\n' ' ' <<<"$out" | cut -c1-300)"; fi
for port in "$w1_PORT" "$w2_PORT"; do
	run "$port" postgres -c "SET citus.enable_ddl_propagation = off" \
		-c "ALTER ROLE wellness_app RESET wellness_tenancy.require_signed_tenant" >/dev/null
done
out=$(signed)
grep -q "^SECRET-alpha$" <<<"$out" && probe ok "signed: control: without it on the workers, the signed tenant reads its rows through the coordinator" ||
	probe FAIL "signed: control: $(tr '\n' ' ' <<<"$out" | cut -c1-300)"
run "$coord_PORT" postgres -c "SET citus.enable_ddl_propagation = off" \
	-c "ALTER ROLE wellness_app RESET wellness_tenancy.require_signed_tenant" >/dev/null

echo
echo "citus: $PASSED ok, ${#FAILED[@]} failed"
if [ "${#FAILED[@]}" -gt 0 ]; then
	printf 'citus: not ok: %s\n' "${FAILED[@]}"
	fail "${#FAILED[@]} probe(s) failed"
fi
echo "citus: OK"
