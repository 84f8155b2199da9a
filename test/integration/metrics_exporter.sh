#!/usr/bin/env bash
# wt_metrics through the real Prometheus exporter: a throwaway cluster with
# tenants in every state the metrics count -- one suspended, one behind on
# migrations, one with drift (a table dropped), one isolation refusal
# provoked, one live tenant session -- then Debian's
# statistics for more tenants than wellness_tenancy.stats_max_tenants holds --
# then Debian's
# prometheus-postgres-exporter with contrib/prometheus/wellness_tenancy.yaml,
# and its /metrics page read over HTTP must show each value.  The exporter is
# installed by test/setup.sh; this script installs nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/lib/integration.sh metrics_exporter

exporter=/usr/bin/prometheus-postgres-exporter
[ -x "$exporter" ] || fail "$exporter not found (test/setup.sh installs prometheus-postgres-exporter)"
EXPORTER_PORT=${WT_EXPORTER_PORT:-55680}

cluster_start main "wellness_tenancy.stats_max_tenants = 100"
export PGDATABASE=metrics
q -d postgres -c "CREATE DATABASE metrics"
q -c "CREATE ROLE wellness_app LOGIN" -c "CREATE EXTENSION wellness_tenancy"
# m_behind is made before migration 2 exists and never migrated; the others
# get it at creation.
q -c "SELECT wt_create_tenant('Behind Co', 'm_behind')" >/dev/null
q -c "SELECT wt_add_migration(2, 'phone column', 'ALTER TABLE employees ADD COLUMN phone text')"
q -c "SELECT count(wt_create_tenant(c, s)) FROM (VALUES ('Alpha Co', 'm_alpha'), ('Beta Co', 'm_beta'),
      ('Paused Co', 'm_paused'), ('Drift Co', 'm_drift')) AS t(c, s)"
q -c "SELECT wt_suspend_tenant('m_paused')"
q -c "DROP TABLE m_drift.wellness_logs"
drift=$(q -c "SELECT count(*) FROM wt_tenant_drift()")
[ "$drift" -ge 2 ] || fail "expected drift for m_behind and m_drift, wt_tenant_drift() has $drift rows"

# One refusal: the app role, working for m_alpha, reaches m_beta.
refusal=$(psql -X -At -v ON_ERROR_STOP=1 -U wellness_app \
	-c "SELECT wt_set_tenant('m_alpha')" -c "SELECT count(*) FROM m_beta.employees" 2>&1 || true)
grep -q 'may not reach the schema of tenant "m_beta"' <<<"$refusal" || fail "no refusal: $refusal"
# The control: without a tenant the same table is reached.
q -c "SELECT count(*) FROM m_beta.employees" >/dev/null

# One live tenant session, idle for the rest of the test.
psql -X -q -U wellness_app -c "SELECT wt_set_tenant('m_alpha')" -c "SELECT pg_sleep(600)" >/dev/null 2>&1 &
for _ in $(seq 50); do
	[ "$(q -c "SELECT count(*) FROM wt_sessions WHERE tenant = 'm_alpha'")" = 1 ] && break
	sleep 0.2
done
[ "$(q -c "SELECT count(*) FROM wt_sessions WHERE tenant = 'm_alpha'")" = 1 ] || fail "the live session is not in wt_sessions"

# Statistics for 103 tenants (two statements each) in a table of 100: the
# last four are counted in "(overflow)".
q -c "SELECT count(wt_create_tenant('Extra ' || i, format('x%s', lpad(i::text, 3, '0')))) FROM generate_series(1, 100) i" >/dev/null
q -c "DO \$\$ DECLARE s text; BEGIN
        FOR s IN SELECT schema_name FROM tenants WHERE status = 'active' AND schema_name <> 'm_drift' ORDER BY schema_name LOOP
          PERFORM wt_set_tenant(s);
          PERFORM count(*) FROM employees;
        END LOOP;
        RESET wellness_tenancy.tenant;
      END \$\$"
overflow=$(q -c "SELECT calls FROM wt_tenant_activity WHERE tenant = '(overflow)'")
[ "$overflow" -gt 0 ] || fail "no statement counted in (overflow) with more tenants than stats_max_tenants"
grep -q 'tenant statistics are full (100 tenants)' "$main_LOG" || fail "the server log does not say the statistics are full"

stop_exporter() { [ -z "${exporter_pid:-}" ] || kill "$exporter_pid" 2>/dev/null || true; }
on_exit stop_exporter
on_fail 'tail -n 30 "$work/exporter.log"'
DATA_SOURCE_NAME="postgresql://postgres@127.0.0.1:$PGPORT/metrics?sslmode=disable" \
	"$exporter" --extend.query-path=contrib/prometheus/wellness_tenancy.yaml \
	--web.listen-address="127.0.0.1:$EXPORTER_PORT" --disable-default-metrics --disable-settings-metrics \
	>"$work/exporter.log" 2>&1 &
exporter_pid=$!

metrics=$work/metrics.txt
for _ in $(seq 50); do
	if curl -fsS "http://127.0.0.1:$EXPORTER_PORT/metrics" >"$metrics" 2>/dev/null &&
		grep -q '^wellness_tenancy_tenants_count' "$metrics"; then
		break
	fi
	sleep 0.2
done
grep -q '^wellness_tenancy_tenants_count' "$metrics" || fail "the exporter shows no wellness_tenancy metrics"

# expect METRIC_REGEX VALUE: the line of the metric has exactly this value.
expect() {
	local line
	line=$(grep -E "^$1( |\{)" "$metrics" | grep -E "$1" | head -n 1) || true
	[ -n "$line" ] || fail "no line for $1 in /metrics"
	[ "$(awk '{print $NF}' <<<"$line")" = "$2" ] || fail "$1: expected $2, got: $line"
	echo "ok: $line"
}
expect_labelled() { # METRIC LABEL VALUE
	local line
	line=$(grep -E "^$1\{" "$metrics" | grep -F "$2" | head -n 1) || true
	[ -n "$line" ] || fail "no line for $1 with $2 in /metrics"
	[ "$(awk '{print $NF}' <<<"$line")" = "$3" ] || fail "$1 $2: expected $3, got: $line"
	echo "ok: $line"
}
expect_labelled wellness_tenancy_tenants_count 'status="active"' 104
expect_labelled wellness_tenancy_tenants_count 'status="suspended"' 1
expect_labelled wellness_tenancy_tenants_count 'status="relocated"' 0
expect wellness_tenancy_migrations_behind_tenants 1
expect wellness_tenancy_drift_problems "$drift"
expect wellness_tenancy_refusals_total 1
expect wellness_tenancy_sessions_tenant 1
expect wellness_tenancy_stats_tenants 100
expect wellness_tenancy_stats_overflow_calls "$overflow"
echo "metrics_exporter: OK"
