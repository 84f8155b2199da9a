-- Current values of a tenant's sequences (logical replication does not carry
-- sequences).
CREATE FUNCTION @extschema@.wt_tenant_sequences(schema_name text)
    RETURNS TABLE(sequence_name text, last_value bigint, is_called boolean)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    tenant_schema text := $1;
    rel record;
BEGIN
    FOR rel IN
        SELECT c.relname FROM pg_catalog.pg_class c
         WHERE c.relnamespace = (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = tenant_schema)
           AND c.relkind = 'S'
         ORDER BY c.relname
    LOOP
        sequence_name := rel.relname;
        EXECUTE pg_catalog.format('SELECT s.last_value, s.is_called FROM %I.%I s', tenant_schema, rel.relname)
           INTO last_value, is_called;
        RETURN NEXT;
    END LOOP;
END
$fn$;
