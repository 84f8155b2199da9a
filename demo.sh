#!/usr/bin/env bash
# wellness_tenancy demo: the WellnessCorp case study's onboarding workflow on
# a throwaway PostgreSQL 15 cluster, with every statement and its output shown.
#
#   bash demo.sh        (as root; installs what is missing, builds, installs)
#
# The cluster runs as the OS user postgres on 127.0.0.1 in a temporary
# directory and is stopped and removed at the end.  The system's own cluster
# is not touched.
set -euo pipefail
cd "$(dirname "$0")"

bash test/setup.sh
make -s -j"$(nproc)"
make -s install

source test/lib/cluster.sh
cluster_cleanup_on_exit
cluster_start demo

step() { printf '\n======== %s ========\n\n' "$*"; }

# --echo-all prints each line of the script, comments included, before its
# output; errors stop the script unless a step switches that off.
run_psql() {
	psql -X --echo-all -P pager=off -v ON_ERROR_STOP=1 "$@" 2>&1
}

step "The DBA creates the database, the extension and the application role"
run_psql -d postgres <<<'CREATE DATABASE wellnesscorp;'
run_psql -d wellnesscorp <<'SQL'
-- wellness_tenancy is preloaded (shared_preload_libraries); this creates its
-- tenant registry, functions and tenant template.
CREATE EXTENSION wellness_tenancy;
-- The role the application connects as; tenant schemas are granted to it.
CREATE ROLE wellness_app LOGIN;
SQL

step "Two companies sign up"
run_psql -d wellnesscorp <<'SQL'
-- The case study's workflow: the application inserts the new client into the
-- registry, and the schema, its tables and the grants appear with it.
INSERT INTO tenants (company_name, schema_name) VALUES ('Innovate Inc.', 'innovate_inc');
-- The same through a function, deriving the schema name from the company name.
SELECT wt_create_tenant('Globex Corporation');
SELECT company_name, schema_name FROM tenants ORDER BY company_name;
\dn
\dt innovate_inc.*
\d innovate_inc.wellness_logs
SQL

step "An Innovate Inc. employee logs a yoga class, through the application role"
# shellcheck disable=SC2154 # demo_DIR is set by cluster_start
output=$(mktemp "$demo_DIR/app-session.XXXXXX")
run_psql -d wellnesscorp -U wellness_app <<'SQL' | tee "$output"
-- The application connects as wellness_app and picks the tenant: this sets
-- wellness_tenancy.tenant and a matching search_path together.
SELECT wt_set_tenant('innovate_inc');
SELECT wt_current_tenant();
SHOW search_path;
WITH new_employee AS (
    INSERT INTO employees (email, full_name)
    VALUES ('ada@innovate.example', 'Ada Lovelace')
    RETURNING id
)
INSERT INTO wellness_logs (employee_id, activity_type, duration_minutes, log_date, notes)
SELECT id, 'yoga', 45, current_date, 'lunchtime class' FROM new_employee;
-- Unqualified names resolve to innovate_inc's tables.
SELECT * FROM wellness_logs;
-- Now the application reaches into another company's schema by name.  The
-- role has privileges on it, but the tenant in force is innovate_inc, so the
-- extension refuses (SQLSTATE 42501).  Errors do not stop this one statement.
\set ON_ERROR_STOP 0
SELECT * FROM globex_corporation.employees;
\set ON_ERROR_STOP 1
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SQL

if ! grep -qx 'SQLSTATE 42501' "$output"; then
	echo "demo: FAILED: the read of globex_corporation.employees was not refused with SQLSTATE 42501" >&2
	exit 1
fi

step "Without a tenant set, the DBA still reaches Globex's table"
run_psql -d wellnesscorp <<'SQL'
SELECT wt_current_tenant();
SELECT count(*) FROM globex_corporation.employees;
SQL

cluster_stop demo
step "Done: the demo cluster is stopped and removed"
