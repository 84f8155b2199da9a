-- Cut-over, phase "verify": row counts (and checksums) of every table here
-- against the source's (sent before the catch-up); any difference stops the
-- cut-over with data_corrupted.  Returns the per-table comparison.
CREATE FUNCTION wt_internal.relocation_verify(connection_name text, reloc @extschema@.tenant_relocations,
                                              verify_mode text)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    dbl text := wt_internal.wt_dblink_schema();
    source_prints jsonb;
    target_prints jsonb;
    compared jsonb;
    mismatch text;
BEGIN
    IF $3 = 'none' THEN
        RETURN NULL;
    END IF;
    SELECT COALESCE(pg_catalog.jsonb_agg(f), '[]') INTO target_prints
      FROM @extschema@.wt_tenant_fingerprint($2.schema_name, $3 = 'checksum') f;
    EXECUTE pg_catalog.format('SELECT v FROM %s.dblink_get_result($1) AS t(v text)', dbl) INTO source_prints USING $1;
    EXECUTE pg_catalog.format('SELECT v FROM %s.dblink_get_result($1) AS t(v text)', dbl) USING $1;
    SELECT pg_catalog.jsonb_object_agg(COALESCE(s.table_name, t.table_name), pg_catalog.jsonb_build_object(
               'source_rows', s.row_count, 'target_rows', t.row_count,
               'source_checksum', s.checksum, 'target_checksum', t.checksum)),
           pg_catalog.string_agg(CASE WHEN s.row_count IS DISTINCT FROM t.row_count OR s.checksum IS DISTINCT FROM t.checksum
                                      THEN pg_catalog.format('%s: %s rows there, %s here%s', COALESCE(s.table_name, t.table_name),
                                               COALESCE(s.row_count::text, 'no table'), COALESCE(t.row_count::text, 'no table'),
                                               CASE WHEN s.checksum IS DISTINCT FROM t.checksum THEN ', checksums differ' ELSE '' END)
                                 END, '; ')
      INTO compared, mismatch
      FROM pg_catalog.jsonb_to_recordset(source_prints) AS s(table_name text, row_count bigint, checksum numeric)
      FULL JOIN pg_catalog.jsonb_to_recordset(target_prints) AS t(table_name text, row_count bigint, checksum numeric)
        ON s.table_name = t.table_name;
    IF mismatch IS NOT NULL THEN
        RAISE EXCEPTION 'tenant "%" differs between instance "%" and this one after catching up', $2.schema_name,
                $2.source_instance
            USING ERRCODE = 'data_corrupted',
                  DETAIL = mismatch || '. Writes resumed on the source; nothing was switched.',
                  HINT = 'Something wrote to the tenant here during the relocation. Cancel it with wt_relocation_cancel() and start again.';
    END IF;
    RETURN compared;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_verify(text, @extschema@.tenant_relocations, text) IS
    'internal (relocation cut-over): compare row counts and checksums of both copies';
REVOKE ALL ON FUNCTION wt_internal.relocation_verify(text, @extschema@.tenant_relocations, text) FROM PUBLIC;
