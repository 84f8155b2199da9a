-- Tenants a run could not migrate: skipped, left at their version, retried by
-- the next run.
CREATE TABLE @extschema@.tenant_migration_failures (
    run_id          bigint NOT NULL REFERENCES @extschema@.tenant_migration_runs ON DELETE CASCADE,
    schema_name     varchar(63) NOT NULL,
    from_version    integer,
    target_version  integer NOT NULL,
    sqlstate        text NOT NULL,
    message         text NOT NULL,
    detail          text,
    hint            text,
    context         text,
    failed_at       timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    PRIMARY KEY (run_id, schema_name)
);
COMMENT ON TABLE @extschema@.tenant_migration_failures IS
    'wellness_tenancy: tenants a migration run skipped, with the error';
