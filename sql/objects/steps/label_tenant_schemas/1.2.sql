-- Tenant schemas carry the security label 'tenant' of provider
-- wellness_tenancy (registered by the module), which pg_dump carries with
-- the schema: a tenant schema restored where no registry row lists it is
-- refused to every tenant context until a DBA registers it.  Provisioning
-- labels new tenants; this labels the tenants that exist already.
DO $labels$
DECLARE
    s text;
BEGIN
    FOR s IN SELECT t.schema_name FROM @extschema@.tenants t
              WHERE t.status <> 'relocated'
                AND EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspname = t.schema_name)
    LOOP
        EXECUTE pg_catalog.format('SECURITY LABEL FOR wellness_tenancy ON SCHEMA %I IS %L', s, 'tenant');
    END LOOP;
END
$labels$;
