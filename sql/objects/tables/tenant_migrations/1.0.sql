-- Tenant migrations: the tenant template is the ordered list of these.
-- Version 1 is the case study's template; later versions are added by
-- extension upgrades (shipped) or by the DBA (wt_add_migration).
CREATE TABLE @extschema@.tenant_migrations (
    version      integer PRIMARY KEY CHECK (version > 0),
    description  text NOT NULL,
    -- DDL run with search_path set to the tenant schema (then pg_catalog):
    -- write unqualified names for tenant objects.
    ddl          text NOT NULL,
    shipped      boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.tenant_migrations IS
    'wellness_tenancy tenant template, as ordered migrations applied to every tenant schema';
