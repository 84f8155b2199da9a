-- Builds the tenant template (every migration up to up_to_version, and then
-- extra_ddl) in a scratch schema inside a subtransaction that is always
-- rolled back, and returns the tables it had after each version, as
-- {"version": ["table", ...]}.  Raises the first migration's error, with the
-- version in the context.
CREATE OR REPLACE FUNCTION wt_internal.wt_template_tables(up_to_version integer DEFAULT NULL, extra_ddl text DEFAULT NULL)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    scratch text := 'wt_template_check_' || pg_catalog.pg_backend_pid();
    scratch_oid oid;
    migration record;
    tables jsonb := '{}';
    failed_version text;
    failed_state text;
    failed_message text;
    failed_detail text;
BEGIN
    BEGIN
        EXECUTE pg_catalog.format('CREATE SCHEMA %I', scratch);
        scratch_oid := pg_catalog.to_regnamespace(pg_catalog.quote_ident(scratch))::oid;
        PERFORM pg_catalog.set_config('search_path',
                                      pg_catalog.format('%I, pg_catalog, pg_temp', scratch), true);
        FOR migration IN
            SELECT m.version, m.ddl, false AS is_new FROM @extschema@.tenant_migrations m
             WHERE up_to_version IS NULL OR m.version <= up_to_version
            UNION ALL
            SELECT NULL, extra_ddl, true WHERE extra_ddl IS NOT NULL
            ORDER BY is_new, version
        LOOP
            failed_version := coalesce(migration.version::text, 'new');
            EXECUTE migration.ddl;
            tables := tables || pg_catalog.jsonb_build_object(failed_version,
                (SELECT coalesce(pg_catalog.jsonb_agg(c.relname::text ORDER BY c.relname), '[]')
                   FROM pg_catalog.pg_class c
                  WHERE c.relnamespace = scratch_oid AND c.relkind IN ('r', 'p') AND NOT c.relispartition));
        END LOOP;
        failed_version := NULL;
        RAISE EXCEPTION 'roll back the template check' USING ERRCODE = 'WT000';
    EXCEPTION
        WHEN SQLSTATE 'WT000' THEN
            NULL;
        WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS failed_state = RETURNED_SQLSTATE, failed_message = MESSAGE_TEXT,
                                    failed_detail = PG_EXCEPTION_DETAIL;
    END;
    IF failed_state IS NOT NULL THEN
        failed_message := pg_catalog.format('%s fails on a scratch copy of the tenant template: %s',
            CASE failed_version WHEN 'new' THEN 'the new migration' ELSE 'tenant migration ' || failed_version END,
            failed_message);
        IF coalesce(failed_detail, '') = '' THEN
            RAISE EXCEPTION '%', failed_message USING ERRCODE = failed_state,
                HINT = 'Nothing was changed: the scratch copy was rolled back.';
        ELSE
            RAISE EXCEPTION '%', failed_message USING ERRCODE = failed_state, DETAIL = failed_detail,
                HINT = 'Nothing was changed: the scratch copy was rolled back.';
        END IF;
    END IF;
    RETURN tables;
END
$fn$;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_template_tables(integer, text) IS
    'internal: the tables of the tenant template after each migration, built in a rolled-back scratch schema';
