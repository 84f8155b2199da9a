-- The instances this one knows: itself (is_local) and the others.
CREATE TABLE @extschema@.wt_instances (
    name        text PRIMARY KEY
                CHECK (name ~ '^[a-z][a-z0-9_]*$' AND pg_catalog.length(name) <= 63),
    -- libpq connection string this instance uses to reach that one, for
    -- dblink and for the relocation subscription: a superuser, and a dbname.
    -- Passwords belong in the server's ~/.pgpass or a service file.
    conninfo    text,
    is_local    boolean NOT NULL DEFAULT false,
    description text,
    created_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CHECK (is_local OR conninfo IS NOT NULL)
);
CREATE UNIQUE INDEX wt_instances_one_local ON @extschema@.wt_instances (is_local) WHERE is_local;
COMMENT ON TABLE @extschema@.wt_instances IS
    'wellness_tenancy: the PostgreSQL instances this one knows (tenant directory, relocation)';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.wt_instances', '');
