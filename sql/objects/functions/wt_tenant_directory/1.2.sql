-- 1.2: a last column, citus_node: on a Citus coordinator, the worker
-- (host:port) that holds the tenant's distributed schema, for the rows of
-- this instance (NULL elsewhere, and for tenants kept on the coordinator).
-- The tenant directory: every registry row of every known instance, with
-- where the tenant is served.  home_instance is where each instance says the
-- tenant lives (placement, or itself); consistent is true when exactly one
-- instance serves the tenant and every instance points at it.  An instance
-- that cannot be reached is reported with a WARNING and left out.
DROP FUNCTION @extschema@.wt_tenant_directory();
CREATE FUNCTION @extschema@.wt_tenant_directory()
    RETURNS TABLE(instance text, schema_name text, tenant_id uuid, company_name text, status text,
                  placement text, schema_version integer, home_instance text, served_here boolean,
                  consistent boolean, updated_at timestamptz, citus_node text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
DECLARE
    known record;
    local_name text;
    citus_nodes jsonb := '{}'::jsonb;
    collected jsonb := '[]'::jsonb;
    remote_rows text;
    rx text;
    registry_query constant text :=
        'SELECT COALESCE(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(''instance'', %L, '
        '''schema_name'', t.schema_name, ''tenant_id'', t.id, ''company_name'', t.company_name, '
        '''status'', t.status, ''placement'', t.placement, ''schema_version'', t.schema_version, '
        '''updated_at'', t.updated_at)), ''[]'')::text FROM %s.tenants t';
BEGIN
    IF EXISTS (SELECT 1 FROM @extschema@.wt_instances i WHERE NOT i.is_local) THEN
        PERFORM wt_internal.wt_dblink_schema();
    END IF;
    FOR known IN SELECT * FROM @extschema@.wt_instances i ORDER BY i.name LOOP
        IF known.is_local THEN
            local_name := known.name;
            EXECUTE pg_catalog.format(registry_query, known.name, pg_catalog.quote_ident('@extschema@')) INTO remote_rows;
        ELSE
            BEGIN
                rx := wt_internal.wt_remote_connect('wt_tenant_directory', known.name);
                IF rx IS NULL THEN
                    RAISE EXCEPTION 'extension wellness_tenancy is not installed there';
                END IF;
                remote_rows := wt_internal.wt_remote_query('wt_tenant_directory',
                                   pg_catalog.format(registry_query, known.name, rx));
                PERFORM wt_internal.wt_remote_disconnect('wt_tenant_directory');
            EXCEPTION WHEN OTHERS THEN
                PERFORM wt_internal.wt_remote_disconnect('wt_tenant_directory');
                RAISE WARNING 'tenant directory: instance "%" left out: %', known.name, SQLERRM;
                CONTINUE;
            END;
        END IF;
        collected := collected || remote_rows::jsonb;
    END LOOP;
    IF pg_catalog.to_regclass('pg_catalog.citus_shards') IS NOT NULL THEN
        EXECUTE 'SELECT COALESCE(pg_catalog.jsonb_object_agg(x.nsp, x.node), ''{}'') FROM ('
                'SELECT DISTINCT n.nspname::text AS nsp, s.nodename || '':'' || s.nodeport AS node '
                'FROM pg_catalog.citus_shards s JOIN pg_catalog.pg_class c ON c.oid = s.table_name '
                'JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace '
                'WHERE s.citus_table_type = ''schema'') x'
            INTO citus_nodes;
    END IF;
    RETURN QUERY
        WITH d AS (
            SELECT x.*, COALESCE(x.placement, x.instance) AS home,
                   (x.placement IS NULL AND x.status <> 'relocated') AS serves
              FROM pg_catalog.jsonb_to_recordset(collected) AS x(instance text, schema_name text, tenant_id uuid,
                       company_name text, status text, placement text, schema_version integer, updated_at timestamptz)
        ), per_tenant AS (
            SELECT d.tenant_id, pg_catalog.count(*) FILTER (WHERE d.serves) AS serving,
                   pg_catalog.max(d.instance) FILTER (WHERE d.serves) AS server,
                   pg_catalog.count(DISTINCT d.home) AS homes
              FROM d GROUP BY d.tenant_id
        )
        SELECT d.instance, d.schema_name, d.tenant_id, d.company_name, d.status, d.placement, d.schema_version,
               d.home, d.serves, (p.serving = 1 AND p.homes = 1 AND p.server = d.home), d.updated_at,
               CASE WHEN d.instance = local_name THEN citus_nodes ->> d.schema_name END
          FROM d JOIN per_tenant p ON p.tenant_id = d.tenant_id
         ORDER BY d.schema_name, d.instance;
END
$fn$;
COMMENT ON FUNCTION @extschema@.wt_tenant_directory() IS
    'every tenant of every known instance, with where it is served, whether the instances agree, and its Citus worker';
REVOKE ALL ON FUNCTION @extschema@.wt_tenant_directory() FROM PUBLIC;
