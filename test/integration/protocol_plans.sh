#!/usr/bin/env bash
# Protocol-level prepared statements (a driver's Parse once, then
# Bind/Execute) under a tenant switch in every transaction: each statement
# gets a copy of its plan source per tenant, swapped in when the tenant is set
# (src/enforcement/tenant_plans.cpp).  Driven by psycopg 3 with
# prepare_threshold=0 (test/clients/protocol_plans.py), as a superuser whose
# tenant context is enforced: the rows of every transaction are its tenant's;
# each tenant's copies re-use a generic plan; DDL (columns added, dropped,
# replaced), ANALYZE and new rows are seen through every copy (PostgreSQL's
# invalidation); a statement naming another tenant's table is refused;
# DEALLOCATE ALL drops every copy and the statements work again; the cap
# (tenant_plans) holds.  Control: with tenant_plans = 0 the same statements
# keep no copies (PostgreSQL re-plans them at every switch), and the rows
# are the same.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=/usr/bin/python3
source test/lib/integration.sh protocol_plans
"$PYTHON" -c 'import psycopg' 2>/dev/null || fail "$PYTHON has no psycopg (test/setup.sh installs python3-psycopg)"

cluster_start pp >/dev/null
q -d postgres <<'SQL' >/dev/null
CREATE ROLE wellness_app LOGIN;
CREATE EXTENSION wellness_tenancy;
SELECT wt_create_tenant('A', 'a'), wt_create_tenant('B', 'b');
INSERT INTO a.employees (email, full_name) VALUES ('e1@x', 'a-one'), ('e2@x', 'a-two');
INSERT INTO b.employees (email, full_name) VALUES ('e1@x', 'b-one'), ('e2@x', 'b-two');
INSERT INTO a.wellness_logs (employee_id, activity_type, duration_minutes, log_date)
  SELECT e.id, 'yoga', 10, date '2024-01-01' FROM a.employees e, generate_series(1, 3) WHERE e.email = 'e1@x';
INSERT INTO b.wellness_logs (employee_id, activity_type, duration_minutes, log_date)
  SELECT e.id, 'run', 20, date '2024-01-01' FROM b.employees e, generate_series(1, 5) WHERE e.email = 'e1@x';
ANALYZE;
SQL
conninfo="host=127.0.0.1 port=$pp_PORT dbname=postgres user=postgres"
"$PYTHON" test/clients/protocol_plans.py "$conninfo" || fail "protocol-level prepared statements"

echo "== control: tenant_plans = 0 (PostgreSQL re-plans at every switch): no copies, the same rows"
out=$("$PYTHON" - "$conninfo" <<'PY'
import sys, psycopg
with psycopg.connect(sys.argv[1], prepare_threshold=0, autocommit=True) as conn:
    conn.execute("SET wellness_tenancy.tenant_plans = 0")
    seen = []
    for tenant in ("a", "b", "a", "b"):
        with conn.transaction():
            conn.execute("SELECT wt_set_tenant(%s, true)", (tenant,))
            seen.append(conn.execute("SELECT full_name FROM employees WHERE email = %s", ("e2@x",)).fetchone()[0])
    with conn.transaction():
        print(conn.execute("SELECT count(*) FROM wt_tenant_plans()").fetchone()[0], *seen)
PY
)
[ "$out" = "0 a-renamed-e2@x b-two a-renamed-e2@x b-two" ] || fail "control with tenant_plans = 0: $out"
echo "ok: $out"
echo "protocol_plans: PASS"
