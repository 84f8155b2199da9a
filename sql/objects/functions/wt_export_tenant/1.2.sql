-- 1.2: the "has moved" error is wt_internal.report_relocated_tenant (C++).
-- --- Data portability ---
-- One tenant's data as a JSON document: its registry row and every table of
-- its schema as an array of rows (ordered by primary key).  Isolation applies
-- as to any query: inside tenant context only the tenant's own export works.
-- Built in memory: for very large tenants use pg_dump -n.
CREATE OR REPLACE FUNCTION @extschema@.wt_export_tenant(schema_name text)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    tenant @extschema@.tenants;
    nsp oid;
    rel record;
    rows jsonb;
    tables jsonb := '{}';
BEGIN
    IF wt_export_tenant.schema_name IS NULL THEN
        RAISE EXCEPTION 'tenant schema name must not be NULL' USING ERRCODE = 'null_value_not_allowed';
    END IF;
    SELECT * INTO tenant FROM @extschema@.tenants t WHERE t.schema_name = wt_export_tenant.schema_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION '"%" is not a registered tenant', wt_export_tenant.schema_name
            USING ERRCODE = 'undefined_object',
                  HINT = 'Tenants are listed in the registry table "tenants".';
    ELSIF tenant.status = 'relocated' THEN
        PERFORM wt_internal.report_relocated_tenant(tenant.schema_name, tenant.placement,
                                                    'Export it on the instance that holds it.');
    END IF;
    nsp := pg_catalog.to_regnamespace(pg_catalog.quote_ident(tenant.schema_name));
    IF nsp IS NULL THEN
        RAISE EXCEPTION 'schema of tenant "%" does not exist', tenant.schema_name
            USING ERRCODE = 'invalid_schema_name',
                  HINT = 'wt_tenant_drift() reports differences between the registry and the catalog.';
    END IF;
    FOR rel IN
        SELECT c.relname,
               (SELECT pg_catalog.string_agg(pg_catalog.format('r.%I', a.attname), ', ' ORDER BY k.ord)
                  FROM pg_catalog.pg_index i
                  CROSS JOIN LATERAL pg_catalog.unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
                  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                 WHERE i.indrelid = c.oid AND i.indisprimary) AS key_columns
        FROM pg_catalog.pg_class c
        WHERE c.relnamespace = nsp AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        ORDER BY c.relname
    LOOP
        EXECUTE pg_catalog.format('SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(r)%s), ''[]'') FROM %I.%I r',
                                  coalesce(' ORDER BY ' || rel.key_columns, ''), tenant.schema_name, rel.relname)
            INTO rows;
        tables := tables || pg_catalog.jsonb_build_object(rel.relname, rows);
    END LOOP;
    RETURN pg_catalog.jsonb_build_object(
        'format', 'wellness_tenancy tenant export 1',
        'exported_at', pg_catalog.now(),
        'tenant', pg_catalog.jsonb_build_object(
            'id', tenant.id, 'company_name', tenant.company_name, 'schema_name', tenant.schema_name,
            'status', tenant.status, 'schema_version', tenant.schema_version, 'created_at', tenant.created_at),
        'tables', tables);
END
$fn$;
COMMENT ON FUNCTION @extschema@.wt_export_tenant(text) IS
    'one tenant''s registry row and data as JSON, for data-portability requests';
REVOKE ALL ON FUNCTION @extschema@.wt_export_tenant(text) FROM PUBLIC;
