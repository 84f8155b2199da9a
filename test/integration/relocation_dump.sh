#!/usr/bin/env bash
# pg_dump of a relocation's source after the cut-over.  Tenant "acme" moves
# from "east" to "west" (two throwaway clusters, the way relocation.sh sets
# them up, without its writers); east keeps the stale copy of acme's schema
# and a registry row marked relocated.
#
# What it proves, on east after the cut-over:
#  - a full pg_dump of the database succeeds (before 1.2 it failed with
#    42501 'tenant "acme" has moved to instance "west"' on LOCK TABLE, so
#    nightly backups broke);
#  - the dump restores without an error into a fresh database (the extension
#    preloaded, as on every cluster) and the restored stale rows are readable
#    by a DBA: same rows, same fingerprint as acme on west;
#  - a DBA without a tenant reads and fingerprints the stale copy on east too,
#    but cannot write it (42501 "has moved": the write would be lost);
#  - the app, with a tenant in force, is still refused acme with the moved-to
#    error, on east and in the restored database -- the refusal -- while its
#    own tenant (globex) is served -- the guard; the same read as a DBA
#    without a tenant succeeds -- the control;
#  - wt_drop_tenant('acme') removes the copy, and a dump afterwards has none.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh relocation_dump

DB=wellness
step() { echo "== $*"; }
qp() { # qp PORT SQL... : one value or rows, unaligned, errors fatal
	local port=$1
	shift
	psql -X -q -v ON_ERROR_STOP=1 -At -h 127.0.0.1 -p "$port" -U postgres -d "${QP_DB:-$DB}" "$@"
}
# expect_error PORT SQLSTATE REGEX SQL [ROLE] [DB]: the statement fails with
# that SQLSTATE and a message matching REGEX; prints the error.
expect_error() {
	local port=$1 state=$2 pattern=$3 sql=$4 role=${5:-postgres} db=${6:-$DB} out
	if out=$(psql -X -q -v VERBOSITY=verbose -At -h 127.0.0.1 -p "$port" -U "$role" -d "$db" \
		-c "$sql" 2>&1); then
		fail "expected $state, but it succeeded: $sql"
	fi
	grep -q "ERROR:  $state:" <<<"$out" || fail "expected SQLSTATE $state for: $sql; got: $out"
	grep -Eq "$pattern" <<<"$out" || fail "error for '$sql' does not match /$pattern/: $out"
	sed -n 's/^.*\(ERROR\|HINT\):  /  \1: /p' <<<"$out" | grep -v '^  LOCATION' | head -2
}

step "east (source, wal_level = logical) and west (target)"
cluster_start east "wal_level = logical" "max_wal_senders = 10" "max_replication_slots = 10"
cluster_start west
EAST=$east_PORT WEST=$west_PORT
for port in $EAST $WEST; do
	psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres <<-SQL
		CREATE ROLE wellness_app LOGIN;
		CREATE DATABASE $DB;
	SQL
	qp "$port" -c "SET client_min_messages = warning" -c "CREATE EXTENSION wellness_tenancy" -c "CREATE EXTENSION dblink"
done
qp "$EAST" <<-SQL
	INSERT INTO wt_instances (name, conninfo, is_local) VALUES
	    ('east', NULL, true),
	    ('west', 'host=127.0.0.1 port=$WEST dbname=$DB user=postgres', false);
SQL
qp "$WEST" <<-SQL
	INSERT INTO wt_instances (name, conninfo, is_local) VALUES
	    ('west', NULL, true),
	    ('east', 'host=127.0.0.1 port=$EAST dbname=$DB user=postgres', false);
SQL
qp "$EAST" >/dev/null <<-'SQL'
	SET client_min_messages = warning;
	SELECT wt_create_tenant('Acme Corp', 'acme');
	SELECT wt_create_tenant('Globex', 'globex');
	INSERT INTO acme.employees (email, full_name)
	SELECT 'employee' || g || '@acme.test', 'Employee ' || g FROM generate_series(1, 200) g;
	INSERT INTO acme.wellness_logs (employee_id, activity_type, duration_minutes, log_date)
	SELECT e.id, 'run', 10 + g, DATE '2026-01-01' + g FROM acme.employees e, generate_series(1, 5) g;
	-- a table of the DBA's own, with a sequence
	CREATE TABLE acme.step_counts (id bigserial PRIMARY KEY, steps integer NOT NULL);
	INSERT INTO acme.step_counts (steps) SELECT g FROM generate_series(1, 50) g;
	INSERT INTO globex.employees (email) SELECT 'e' || g || '@globex.test' FROM generate_series(1, 20) g;
SQL

step "acme moves east -> west"
qp "$WEST" -c "SET client_min_messages = warning" -c "SELECT wt_relocation_start('acme', 'east')" >/dev/null
for _ in $(seq 1 600); do
	phase=$(qp "$WEST" -c "SELECT phase FROM wt_relocation_status('acme') WHERE state = 'copying'")
	[ "$phase" = "ready for cut-over" ] && break
	sleep 0.1
done
[ "$phase" = "ready for cut-over" ] || fail "relocation never became ready ($phase)"
qp "$WEST" -c "SET client_min_messages = warning" -c "SELECT tenant, target FROM wt_relocation_cutover('acme')" | sed 's/^/  cut-over: /'
[ "$(qp "$EAST" -c "SELECT status || ' ' || placement FROM tenants WHERE schema_name = 'acme'")" = "relocated west" ] ||
	fail "east's registry row does not say relocated to west"
fingerprint_west=$(qp "$WEST" -c "SELECT * FROM wt_tenant_fingerprint('acme') ORDER BY 1")

step "east: the app with a tenant is refused acme; a DBA reads the stale copy but cannot write it"
expect_error "$EAST" 42501 'tenant "acme" has moved to instance "west"' "SET wellness_tenancy.tenant = 'acme'" wellness_app
expect_error "$EAST" 42501 'tenant "acme" has moved to instance "west"' \
	"SELECT wt_set_tenant('globex'); SELECT count(*) FROM acme.employees" wellness_app
[ "$(psql -X -q -At -h 127.0.0.1 -p "$EAST" -U wellness_app -d "$DB" -c "SELECT wt_set_tenant('globex')" \
	-c "SELECT count(*) FROM employees")" = $'globex\n20' ] || fail "the app's own tenant is not served on east"
[ "$(qp "$EAST" -c "SELECT count(*) FROM acme.employees")" = 200 ] || fail "a DBA cannot read the stale copy"
[ "$(qp "$EAST" -c "SELECT * FROM wt_tenant_fingerprint('acme') ORDER BY 1")" = "$fingerprint_west" ] ||
	fail "the stale copy's fingerprint differs from acme's on west"
echo "  DBA without a tenant: 200 employees read, fingerprint equal to acme's on west"
expect_error "$EAST" 42501 'tenant "acme" has moved to instance "west"' "INSERT INTO acme.step_counts (steps) VALUES (1)"

step "pg_dump of east's database (the stale copy included)"
pg_dump -h 127.0.0.1 -p "$EAST" -U postgres -Fc -f "$work/east.dump" "$DB" 2>"$work/dump.err" ||
	{ cat "$work/dump.err"; fail "pg_dump of the source failed"; }
pg_dump -h 127.0.0.1 -p "$EAST" -U postgres -Fp -f "$work/east.sql" "$DB" 2>>"$work/dump.err" ||
	{ cat "$work/dump.err"; fail "plain pg_dump of the source failed"; }
grep -q 'COPY acme.employees' "$work/east.sql" || fail "the dump lacks acme's rows"
echo "  pg_dump -Fc and -Fp succeeded ($(wc -c <"$work/east.dump") bytes custom)"

step "restore into a fresh database on east"
psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$EAST" -U postgres -d postgres -c "CREATE DATABASE restored"
pg_restore --exit-on-error -h 127.0.0.1 -p "$EAST" -U postgres -d restored "$work/east.dump" >"$work/restore.log" 2>&1 ||
	{ cat "$work/restore.log"; fail "pg_restore of the source's dump failed"; }
if grep -E 'ERROR|WARNING' "$work/restore.log"; then fail "pg_restore reported problems"; fi
export QP_DB=restored
[ "$(qp "$EAST" -c "SELECT status || ' ' || placement FROM tenants WHERE schema_name = 'acme'")" = "relocated west" ] ||
	fail "restored registry row of acme"
[ "$(qp "$EAST" -c "SELECT * FROM wt_tenant_fingerprint('acme') ORDER BY 1")" = "$fingerprint_west" ] ||
	fail "the restored stale copy differs from acme's data"
echo "  restored: acme relocated to west, stale rows readable by a DBA, fingerprint equal to acme's on west"
expect_error "$EAST" 42501 'tenant "acme" has moved to instance "west"' "SET wellness_tenancy.tenant = 'acme'" wellness_app restored
expect_error "$EAST" 42501 'tenant "acme" has moved to instance "west"' \
	"SELECT wt_set_tenant('globex'); SELECT count(*) FROM acme.employees" wellness_app restored
[ "$(psql -X -q -At -h 127.0.0.1 -p "$EAST" -U wellness_app -d restored -c "SELECT wt_set_tenant('globex')" \
	-c "SELECT count(*) FROM employees")" = $'globex\n20' ] || fail "globex is not served in the restored database"
unset QP_DB

step "the DBA drops the copy; the next dump has none"
qp "$EAST" -c "SET client_min_messages = warning" -c "SELECT wt_drop_tenant('acme')" >/dev/null
pg_dump -h 127.0.0.1 -p "$EAST" -U postgres -Fp -f "$work/after.sql" "$DB"
grep -q 'acme\.employees' "$work/after.sql" && fail "the dump after wt_drop_tenant still holds acme"
echo "  dropped; the dump no longer holds acme"

echo "$name: PASS"
