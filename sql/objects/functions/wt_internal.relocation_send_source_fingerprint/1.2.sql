-- Cut-over: the source's rows are final under the lock: start counting (and
-- checksumming) them there, asynchronously, while this instance catches up.
CREATE FUNCTION wt_internal.relocation_send_source_fingerprint(connection_name text, remote_schema text,
                                                               tenant_schema text, verify_mode text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF $4 = 'none' THEN
        RETURN;
    END IF;
    EXECUTE pg_catalog.format('SELECT %s.dblink_send_query($1, $2)', wt_internal.wt_dblink_schema())
      USING $1, wt_internal.bind_sql(pg_catalog.format(
                'SELECT COALESCE(pg_catalog.jsonb_agg(f), ''[]'')::text FROM %s.wt_tenant_fingerprint($1, $2::boolean) f', $2),
                ARRAY[$3, ($4 = 'checksum')::text]);
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_send_source_fingerprint(text, text, text, text) IS
    'internal (relocation cut-over): start the source''s row counts and checksums, asynchronously';
REVOKE ALL ON FUNCTION wt_internal.relocation_send_source_fingerprint(text, text, text, text) FROM PUBLIC;
