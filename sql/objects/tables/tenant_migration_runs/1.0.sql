-- Runs of wt_run_migrations(), committed as they go so that other sessions
-- (wt_migration_progress) can follow them.
CREATE TABLE @extschema@.tenant_migration_runs (
    run_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    target_version  integer NOT NULL,
    batch_size      integer NOT NULL,
    lock_timeout    text NOT NULL,
    state           text NOT NULL DEFAULT 'running'
                    CHECK (state IN ('running', 'finished', 'interrupted')),
    tenants_total   integer NOT NULL,
    tenants_done    integer NOT NULL DEFAULT 0,
    tenants_failed  integer NOT NULL DEFAULT 0,
    batches         integer NOT NULL DEFAULT 0,
    started_at      timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    updated_at      timestamptz NOT NULL DEFAULT pg_catalog.clock_timestamp(),
    finished_at     timestamptz,
    -- the backend running it; a run whose backend is gone or has moved on was
    -- interrupted (crash, cancel, kill)
    backend_pid     integer NOT NULL DEFAULT pg_catalog.pg_backend_pid(),
    backend_start   timestamptz,
    started_by      name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE @extschema@.tenant_migration_runs IS
    'wellness_tenancy: runs of wt_run_migrations(), with their progress';
