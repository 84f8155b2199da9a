\echo Use "CREATE EXTENSION wellness_tenancy" to load this file. \quit

-- wellness_tenancy 1.0: tenant registry, tenant template (as migration 1),
-- provisioning, offboarding and tenant context.
--
-- Objects are created in the extension's schema (@extschema@, public unless
-- CREATE EXTENSION ... SCHEMA says otherwise).  Every reference is
-- schema-qualified; CREATE EXTENSION runs this script with search_path set to
-- @extschema@, pg_temp is never consulted.

-- Loading the module comes first: outside shared_preload_libraries its
-- _PG_init refuses with a hint, and nothing below is created.
CREATE FUNCTION @extschema@.wt_registry_provision() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'wt_registry_provision';

---------------------------------------------------------------------------
-- Tenant registry
---------------------------------------------------------------------------
CREATE TABLE @extschema@.tenants (
    id             uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
    company_name   varchar(255) NOT NULL,
    schema_name    varchar(63) NOT NULL UNIQUE,
    created_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
    -- active: served; suspended: cannot be set as a session's tenant and its
    -- schema is refused; relocated: lives on another instance (placement).
    status         text NOT NULL DEFAULT 'active'
                   CHECK (status IN ('active', 'suspended', 'relocated')),
    -- highest tenant migration applied to the schema; set by provisioning.
    schema_version integer,
    -- where the tenant lives: NULL for this instance, else the name of the
    -- instance (see wt_instances) that now holds it.
    placement      text,
    updated_at     timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE @extschema@.tenants IS
    'wellness_tenancy registry: one row per corporate client and its schema';

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

-- pg_dump dumps the registry rows and the DBA's own migrations; the shipped
-- migrations are re-created by CREATE EXTENSION on restore.
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tenants', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tenant_migrations', 'WHERE NOT shipped');

INSERT INTO @extschema@.tenant_migrations (version, description, ddl, shipped) VALUES
(1, 'case study template: employees, wellness_logs, index on wellness_logs(employee_id)', $ddl$
CREATE TABLE employees (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email varchar(255) NOT NULL UNIQUE,
    full_name varchar(255),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE wellness_logs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    employee_id uuid REFERENCES employees(id) ON DELETE CASCADE,
    activity_type varchar(50) NOT NULL,
    duration_minutes integer,
    log_date date NOT NULL,
    notes text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX wellness_logs_employee_id_idx ON wellness_logs (employee_id);
$ddl$, true);

-- Provisioning: the case study's workflow (INSERT INTO tenants) and
-- wt_create_tenant() go through the same BEFORE INSERT trigger.
CREATE TRIGGER tenants_provision
    BEFORE INSERT ON @extschema@.tenants
    FOR EACH ROW EXECUTE FUNCTION @extschema@.wt_registry_provision();

-- Every change to the registry invalidates the tenant cache of every backend.
CREATE FUNCTION @extschema@.wt_registry_changed() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'wt_registry_changed';
CREATE TRIGGER tenants_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON @extschema@.tenants
    FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.wt_registry_changed();

---------------------------------------------------------------------------
-- Provisioning and offboarding
---------------------------------------------------------------------------
CREATE FUNCTION @extschema@.wt_create_tenant(company_name text, schema_name text DEFAULT NULL)
    RETURNS uuid
    LANGUAGE c AS 'MODULE_PATHNAME', 'wt_create_tenant';
COMMENT ON FUNCTION @extschema@.wt_create_tenant(text, text) IS
    'provision a tenant atomically: registry row, schema, template tables, grants';

CREATE FUNCTION @extschema@.wt_drop_tenant(schema_name text)
    RETURNS void
    LANGUAGE c AS 'MODULE_PATHNAME', 'wt_drop_tenant';
COMMENT ON FUNCTION @extschema@.wt_drop_tenant(text) IS
    'offboard a tenant: its schema and registry row go together';

CREATE FUNCTION @extschema@.wt_derive_schema_name(company_name text)
    RETURNS text
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_derive_schema_name';

REVOKE ALL ON FUNCTION @extschema@.wt_create_tenant(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.wt_drop_tenant(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION @extschema@.wt_registry_provision() FROM PUBLIC;

---------------------------------------------------------------------------
-- Tenant context
---------------------------------------------------------------------------
CREATE FUNCTION @extschema@.wt_set_tenant(schema_name text, is_local boolean DEFAULT false)
    RETURNS text
    LANGUAGE c AS 'MODULE_PATHNAME', 'wt_set_tenant';
COMMENT ON FUNCTION @extschema@.wt_set_tenant(text, boolean) IS
    'set wellness_tenancy.tenant and a matching search_path (tenant schema, then public)';

CREATE FUNCTION @extschema@.wt_current_tenant()
    RETURNS text
    LANGUAGE c STABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_current_tenant';
COMMENT ON FUNCTION @extschema@.wt_current_tenant() IS
    'the tenant in force (wellness_tenancy.tenant), or NULL';
