-- One row per relocation this instance took part in, as target (it drives
-- the relocation) or as source.  Survives sessions: status reads it.
CREATE TABLE @extschema@.tenant_relocations (
    id                uuid PRIMARY KEY DEFAULT pg_catalog.gen_random_uuid(),
    schema_name       varchar(63) NOT NULL,
    role              text NOT NULL CHECK (role IN ('source', 'target')),
    source_instance   text NOT NULL,
    target_instance   text NOT NULL,
    -- copying: from start until cut-over (initial copy, then streaming);
    -- completed: cut over; cancelled: undone before cut-over.
    state             text NOT NULL CHECK (state IN ('copying', 'completed', 'cancelled')),
    schema_version    integer,
    publication_name  text NOT NULL,
    slot_name         text NOT NULL,
    subscription_name text NOT NULL,
    subscription_oid  oid,           -- names the initial-copy slots on the source
    started_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
    finished_at       timestamptz,
    -- filled at cut-over
    tenant_status     text,          -- status the tenant had on the source
    caught_up_lsn     pg_lsn,        -- source WAL position applied here before the switch
    lock_wait         interval,      -- waiting for the source's writers to finish
    catch_up          interval,      -- waiting for the target under the lock
    verification      interval,      -- row counts and checksums, both sides
    write_blocked     interval,      -- lock requested on the source .. source commit
    tables            jsonb,         -- per table: rows and checksum on both sides
    sequences         jsonb,         -- sequence values carried over
    note              text,
    updated_at        timestamptz NOT NULL DEFAULT pg_catalog.now()
);
CREATE UNIQUE INDEX tenant_relocations_one_open
    ON @extschema@.tenant_relocations (schema_name) WHERE state = 'copying';
COMMENT ON TABLE @extschema@.tenant_relocations IS
    'wellness_tenancy: relocations of tenants to or from this instance, with their cut-over figures';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.tenant_relocations', '');
