-- The schema dblink is installed in, quoted, or a clear error: the extension
-- itself does not require dblink, only the functions that talk to another
-- instance do.
CREATE OR REPLACE FUNCTION wt_internal.wt_dblink_schema()
    RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    dblink_schema text;
BEGIN
    SELECT pg_catalog.quote_ident(n.nspname) INTO dblink_schema
      FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'dblink';
    IF dblink_schema IS NULL THEN
        RAISE EXCEPTION 'the dblink extension is not installed in this database'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Relocation and the tenant directory reach other instances through dblink (PostgreSQL contrib).',
                  HINT = 'CREATE EXTENSION dblink;';
    END IF;
    RETURN dblink_schema;
END
$fn$;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_dblink_schema() IS
    'internal (relocation): the schema dblink is installed in, quoted, or an error saying it is needed';
