-- The default tenant template is the case study's (tenant migration 1), and
-- an extension update adds no column or index of its own to users' tenants:
-- template changes are the DBA's tenant migrations.  A pre-release 1.1 did
-- ship one (an index on wellness_logs(log_date) and employees.department);
-- the 1.1 script no longer does.  A database made by that pre-release keeps
-- the row, its number and every tenant's column, index and data, but the
-- migration becomes the DBA's own: pg_dump dumps it as theirs, new tenants of
-- that database keep getting it, and the DBA may take it back or revert it
-- like any of their migrations.  Nothing is dropped from any tenant.  The
-- DBA is told with a WARNING: PostgreSQL runs extension scripts with
-- client_min_messages at least WARNING, so a NOTICE would never be seen.
DO $template$
DECLARE
    handed @extschema@.tenant_migrations;
    reached bigint;
    latest integer;
    hint text;
BEGIN
    FOR handed IN
        UPDATE @extschema@.tenant_migrations m
           SET shipped = false
         WHERE m.shipped
           AND m.description = 'wellness_tenancy 1.1: index on wellness_logs(log_date), column employees.department'
        RETURNING m.*
    LOOP
        SELECT pg_catalog.count(*) INTO reached FROM @extschema@.tenants t
         WHERE t.schema_version >= handed.version;
        SELECT pg_catalog.max(m.version) INTO latest FROM @extschema@.tenant_migrations m;
        IF reached = 0 AND handed.version = latest THEN
            hint := pg_catalog.format(
                'No tenant has it yet: SELECT wt_remove_migration(%s) takes it back.', handed.version);
        ELSE
            hint := pg_catalog.format(
                '%s tenant(s) have it, so wt_remove_migration cannot take it back.  To take it out of tenants, register a migration that reverts it, '
                'e.g. SELECT wt_add_migration(%s, %L, %L), then CALL wt_run_migrations() (dropping the column deletes its data).',
                reached, latest + 1, 'drop department and the log_date index',
                'DROP INDEX wellness_logs_log_date_idx; ALTER TABLE employees DROP COLUMN department');
        END IF;
        RAISE WARNING 'wellness_tenancy 1.2: tenant migration % (index on wellness_logs(log_date), column employees.department) is now your own, no longer shipped with the extension',
            handed.version
            USING DETAIL = 'Tenants keep the column, the index and their data; new tenants of this database still get it; pg_dump dumps it as one of your migrations.',
                  HINT = hint;
    END LOOP;
END
$template$;
