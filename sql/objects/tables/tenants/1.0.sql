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
