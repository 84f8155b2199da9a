-- Rules written once, in C++, and called from the PL/pgSQL functions.
-- One company-name rule: wt_rename_tenant() runs the same C++ rule as
-- wt_create_tenant() (wt_internal.validate_company_name), so a name made only
-- of no-break spaces (U+00A0) or holding a C1 control (U+0085, NEXT LINE) is
-- refused by both; the tenant-context guard of the PL/pgSQL administration
-- functions is the C++ one too, and so is the "has moved" error of suspend,
-- resume and export.  Each refusal has its control (the same rule on the
-- other path, or the same call when it is allowed) and nothing changes.
-- Runs in a database of its own (tenants rr_*).
\set case_db ops_shared_rules_db
\i sql/include/case_database.psql
\set VERBOSITY default

SELECT wt_create_tenant('Acme Health', 'rr_acme') IS NOT NULL AS created;

-- wt_create_tenant refuses both names (the rule as it always was).
SELECT wt_create_tenant(E'\u00a0\u00a0', 'rr_nbsp');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_create_tenant(E'Acme\u0085Health', 'rr_nel');
\echo :LAST_ERROR_SQLSTATE

-- wt_rename_tenant refuses them the same way (1.0 stored both).
SELECT wt_rename_tenant('rr_acme', E'\u00a0\u00a0');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_rename_tenant('rr_acme', E'Acme\u0085Health');
\echo :LAST_ERROR_SQLSTATE
-- ... and the rules 1.0 already had, with the same errors as before.
SELECT wt_rename_tenant('rr_acme', E'Acme\tHealth');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_rename_tenant('rr_acme', repeat('x', 256));
\echo :LAST_ERROR_SQLSTATE
SELECT wt_rename_tenant('rr_acme', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT company_name FROM tenants WHERE schema_name = 'rr_acme';

-- Control: names with a no-break space or a non-ASCII letter inside are
-- valid, and renaming to them works.
SELECT wt_rename_tenant('rr_acme', E'Acme\u00a0Gesundheit');
SELECT wt_rename_tenant('rr_acme', 'Müller Gesundheit');
SELECT company_name FROM tenants WHERE schema_name = 'rr_acme';

-- The rule is the C++ function, the guard too (no PL/pgSQL copy).
SELECT p.oid::regprocedure AS function, l.lanname
  FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
 WHERE p.oid IN ('wt_internal.validate_company_name(text)'::regprocedure,
                 'wt_require_no_tenant_context(text)'::regprocedure)
 ORDER BY p.proname;

-- The guard refuses administration in tenant context, with the C++ message
-- (the one wt_create_tenant gives) ...
SET wellness_tenancy.tenant = 'rr_acme';
SELECT wt_rename_tenant('rr_acme', 'Acme Health');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_create_tenant('Other Health', 'rr_other');
\echo :LAST_ERROR_SQLSTATE
RESET wellness_tenancy.tenant;
-- ... and under require_tenant.
SET wellness_tenancy.require_tenant = on;
SELECT wt_rename_tenant('rr_acme', 'Acme Health');
\echo :LAST_ERROR_SQLSTATE
RESET wellness_tenancy.require_tenant;
-- Control: without tenant context the same call renames.
SELECT wt_rename_tenant('rr_acme', 'Acme Health');
SELECT company_name FROM tenants WHERE schema_name = 'rr_acme';

-- The "has moved" error: one C++ implementation, with each function's hint.
SELECT wt_create_tenant('Moved Health', 'rr_moved') IS NOT NULL AS created;
UPDATE tenants SET status = 'relocated', placement = 'eu-2' WHERE schema_name = 'rr_moved';
SELECT wt_suspend_tenant('rr_moved');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_resume_tenant('rr_moved');
\echo :LAST_ERROR_SQLSTATE
SELECT wt_export_tenant('rr_moved') IS NOT NULL AS exported;
\echo :LAST_ERROR_SQLSTATE
-- A placement the registry lost is reported as unknown.
UPDATE tenants SET placement = NULL WHERE schema_name = 'rr_moved';
SELECT wt_suspend_tenant('rr_moved');
\echo :LAST_ERROR_SQLSTATE
SELECT status FROM tenants WHERE schema_name = 'rr_moved';
-- Control: served here again, the same calls work.
UPDATE tenants SET status = 'active' WHERE schema_name = 'rr_moved';
SELECT wt_suspend_tenant('rr_moved');
SELECT wt_resume_tenant('rr_moved');
SELECT wt_export_tenant('rr_moved') -> 'tenant' ->> 'schema_name' AS exported;

\c :regress_db
SET client_min_messages = warning;
DROP DATABASE :case_db;
