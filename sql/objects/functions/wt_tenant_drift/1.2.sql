-- 1.2: also Citus-specific drift (wt_internal.citus_tenant_drift); drift
-- marked as intended (wt_accept_drift, tenant_drift_accepted) is left out.
-- Every difference between the registry and the catalog; no rows when all is
-- well.  Which tables a tenant should have comes from building the template
-- (every migration up to the tenant's version) in a scratch schema that is
-- rolled back.
CREATE OR REPLACE FUNCTION @extschema@.wt_tenant_drift()
    RETURNS TABLE (schema_name text, problem text, detail text)
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    template jsonb;
    template_error text;
    app_role text := pg_catalog.current_setting('wellness_tenancy.app_role');
    app_role_oid oid := pg_catalog.to_regrole(pg_catalog.quote_ident(app_role));
    latest integer;
BEGIN
    PERFORM @extschema@.wt_require_no_tenant_context('check tenants for drift');
    SELECT pg_catalog.max(m.version) INTO latest FROM @extschema@.tenant_migrations m;
    BEGIN
        template := wt_internal.wt_template_tables();
    EXCEPTION WHEN OTHERS THEN
        template_error := SQLERRM;
    END;

    RETURN QUERY
    WITH tenant AS (
        SELECT t.schema_name::text AS schema_name, t.status, t.schema_version,
               pg_catalog.to_regnamespace(pg_catalog.quote_ident(t.schema_name))::oid AS nsp
        FROM @extschema@.tenants t
        WHERE t.status <> 'relocated'
    ),
    template_version AS (
        SELECT e.key::integer AS version, e.value AS tables
        FROM pg_catalog.jsonb_each(coalesce(template, '{}')) e
    ),
    expected AS (   -- tenant x table it should have, at its version
        SELECT tn.schema_name, tn.nsp, pg_catalog.jsonb_array_elements_text(tv.tables) AS relname
        FROM tenant tn
        JOIN LATERAL (SELECT v.tables FROM template_version v
                       WHERE v.version <= tn.schema_version
                       ORDER BY v.version DESC LIMIT 1) tv ON true
        WHERE tn.nsp IS NOT NULL
    ),
    actual AS (
        SELECT tn.schema_name, c.oid, c.relname::text AS relname, c.relkind
        FROM tenant tn
        JOIN pg_catalog.pg_class c ON c.relnamespace = tn.nsp
        WHERE c.relkind IN ('r', 'p', 'S') AND NOT c.relispartition
    ),
    problems(schema_name, problem, detail) AS (
        SELECT tn.schema_name, 'missing schema',
               pg_catalog.format('registered tenant (status %s) has no schema "%s"', tn.status, tn.schema_name)
        FROM tenant tn WHERE tn.nsp IS NULL
      UNION ALL
        SELECT e.schema_name, 'missing table',
               pg_catalog.format('table %I.%I of the template is missing', e.schema_name, e.relname)
        FROM expected e
        WHERE NOT EXISTS (SELECT 1 FROM actual a WHERE a.schema_name = e.schema_name
                                                   AND a.relname = e.relname AND a.relkind IN ('r', 'p'))
      UNION ALL
        SELECT a.schema_name, 'extra table',
               pg_catalog.format('table %I.%I is not part of the template', a.schema_name, a.relname)
        FROM actual a
        WHERE a.relkind IN ('r', 'p') AND template IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM expected e WHERE e.schema_name = a.schema_name AND e.relname = a.relname)
          AND EXISTS (SELECT 1 FROM expected e WHERE e.schema_name = a.schema_name)
      UNION ALL
        SELECT NULL, 'template error',
               pg_catalog.format('the tenant template cannot be built: %s', template_error)
        WHERE template_error IS NOT NULL
      UNION ALL
        SELECT NULL, 'missing app role',
               pg_catalog.format('role "%s" (wellness_tenancy.app_role) does not exist', app_role)
        WHERE app_role_oid IS NULL AND EXISTS (SELECT 1 FROM tenant)
      UNION ALL
        SELECT tn.schema_name, 'missing grant',
               pg_catalog.format('USAGE on schema %I for role %I', tn.schema_name, app_role)
        FROM tenant tn
        WHERE app_role_oid IS NOT NULL AND tn.nsp IS NOT NULL AND tn.status = 'active'
          AND NOT pg_catalog.has_schema_privilege(app_role_oid, tn.nsp, 'USAGE')
      UNION ALL
        SELECT a.schema_name, 'missing grant',
               pg_catalog.format('%s on %s %I.%I for role %I', pg_catalog.string_agg(p.privilege, ', ' ORDER BY p.ord),
                                 CASE a.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END,
                                 a.schema_name, a.relname, app_role)
        FROM actual a
        JOIN (VALUES ('r', 1, 'SELECT'), ('r', 2, 'INSERT'), ('r', 3, 'UPDATE'), ('r', 4, 'DELETE'),
                     ('p', 1, 'SELECT'), ('p', 2, 'INSERT'), ('p', 3, 'UPDATE'), ('p', 4, 'DELETE'),
                     ('S', 1, 'USAGE'), ('S', 2, 'SELECT'), ('S', 3, 'UPDATE'))
             AS p(relkind, ord, privilege) ON p.relkind = a.relkind
        WHERE app_role_oid IS NOT NULL
          AND NOT CASE a.relkind WHEN 'S' THEN pg_catalog.has_sequence_privilege(app_role_oid, a.oid, p.privilege)
                                 ELSE pg_catalog.has_table_privilege(app_role_oid, a.oid, p.privilege) END
        GROUP BY a.schema_name, a.relname, a.relkind
      UNION ALL
        SELECT tn.schema_name, 'missing grant',
               pg_catalog.format('default privileges (%s) on %s created in schema %I for role %I',
                                 d.privileges, d.kind, tn.schema_name, app_role)
        FROM tenant tn
        CROSS JOIN (VALUES ('r', 'tables', 'SELECT, INSERT, UPDATE, DELETE', '{a,r,w,d}'::text[]),
                           ('S', 'sequences', 'USAGE, SELECT, UPDATE', '{U,r,w}'::text[]))
             AS d(objtype, kind, privileges, letters)
        WHERE app_role_oid IS NOT NULL AND tn.nsp IS NOT NULL
          AND NOT EXISTS (
              SELECT 1 FROM pg_catalog.pg_default_acl da
               WHERE da.defaclnamespace = tn.nsp AND da.defaclobjtype = d.objtype::"char"
                 AND (SELECT pg_catalog.array_agg(x.privilege_type::text)
                        FROM pg_catalog.aclexplode(da.defaclacl) x
                       WHERE x.grantee = app_role_oid)
                     @> ARRAY(SELECT CASE l WHEN 'a' THEN 'INSERT' WHEN 'r' THEN 'SELECT' WHEN 'w' THEN 'UPDATE'
                                            WHEN 'd' THEN 'DELETE' WHEN 'U' THEN 'USAGE' END
                                FROM pg_catalog.unnest(d.letters) l))
      UNION ALL
        SELECT n.nspname::text, 'unregistered schema',
               pg_catalog.format('schema %I has the tenant tables employees and wellness_logs but no registry row', n.nspname)
        FROM pg_catalog.pg_namespace n
        WHERE n.nspname NOT IN (SELECT t.schema_name FROM @extschema@.tenants t)
          AND EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relnamespace = n.oid AND c.relname = 'employees' AND c.relkind IN ('r', 'p'))
          AND EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.relnamespace = n.oid AND c.relname = 'wellness_logs' AND c.relkind IN ('r', 'p'))
      UNION ALL
        SELECT tn.schema_name, 'behind on migrations',
               pg_catalog.format('at version %s of %s', tn.schema_version, latest)
        FROM tenant tn WHERE tn.schema_version < latest
      UNION ALL
        SELECT tn.schema_name, 'unknown schema version',
               pg_catalog.format('schema_version %s is not a registered migration up to %s',
                                 coalesce(tn.schema_version::text, 'NULL'), latest)
        FROM tenant tn WHERE tn.schema_version IS NULL OR tn.schema_version > latest
      UNION ALL
        SELECT c.schema_name, c.problem, c.detail FROM wt_internal.citus_tenant_drift() c
    )
    SELECT p.schema_name, p.problem, p.detail FROM problems p
    WHERE NOT EXISTS (SELECT 1 FROM @extschema@.tenant_drift_accepted a
                       WHERE a.schema_name = p.schema_name AND a.problem = p.problem AND a.detail = p.detail)
    ORDER BY p.schema_name COLLATE "C" NULLS FIRST, p.problem, p.detail;
END
$fn$;
COMMENT ON FUNCTION @extschema@.wt_tenant_drift() IS
    'every difference between the tenant registry and the catalog; empty when all is well';
