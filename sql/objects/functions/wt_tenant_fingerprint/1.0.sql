-- Row count and an order-independent checksum of every table of a tenant:
-- the sum over all rows of a 64-bit hash of the row, columns taken by name,
-- so that two instances agree exactly when they hold the same rows.  The
-- hash is hash_record_extended (each column's own hash function: no text
-- conversion, fast, stable across PostgreSQL versions as hash partitioning
-- requires); a table with a column type that has no hash function falls back
-- to md5 of the row's text in a fixed format.
CREATE FUNCTION @extschema@.wt_tenant_fingerprint(schema_name text, with_checksum boolean DEFAULT true)
    RETURNS TABLE(table_name text, row_count bigint, checksum numeric)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
    SET timezone = 'UTC'
    SET datestyle = 'ISO, YMD'
    SET intervalstyle = 'postgres'
    SET extra_float_digits = 3
    SET bytea_output = 'hex'
AS $fn$
DECLARE
    tenant_schema text := $1;
    rel record;
    columns text;
BEGIN
    FOR rel IN
        SELECT c.oid, c.relname FROM pg_catalog.pg_class c
         WHERE c.relnamespace = (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = tenant_schema)
           AND c.relkind = 'r'
         ORDER BY c.relname
    LOOP
        table_name := rel.relname;
        checksum := NULL;
        IF NOT with_checksum THEN
            EXECUTE pg_catalog.format('SELECT pg_catalog.count(*) FROM %I.%I', tenant_schema, rel.relname)
               INTO row_count;
            RETURN NEXT;
            CONTINUE;
        END IF;
        SELECT pg_catalog.string_agg(pg_catalog.format('t.%I', a.attname), ', ' ORDER BY a.attname)
          INTO columns
          FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped;
        IF columns IS NULL THEN
            columns := 'NULL::integer';
        END IF;
        BEGIN
            EXECUTE pg_catalog.format(
                'SELECT pg_catalog.count(*), COALESCE(pg_catalog.sum('
                'pg_catalog.hash_record_extended(ROW(%s), 0)::numeric), 0) FROM %I.%I t',
                columns, tenant_schema, rel.relname)
               INTO row_count, checksum;
        EXCEPTION WHEN undefined_function THEN
            EXECUTE pg_catalog.format(
                'SELECT pg_catalog.count(*), COALESCE(pg_catalog.sum((''x'' || pg_catalog.substr('
                'pg_catalog.md5(ROW(%s)::text), 1, 16))::bit(64)::bigint::numeric), 0) FROM %I.%I t',
                columns, tenant_schema, rel.relname)
               INTO row_count, checksum;
        END;
        RETURN NEXT;
    END LOOP;
END
$fn$;
