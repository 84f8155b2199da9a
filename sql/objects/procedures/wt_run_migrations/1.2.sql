-- Applies the pending tenant migrations to every tenant, one transaction per
-- tenant: each tenant is locked, migrated (atomically, in a subtransaction)
-- and committed on its own, so the locks a migration takes on a tenant's
-- tables are held only while that tenant migrates.  A client of that tenant
-- waits at most the migration's own time, bounded by lock_timeout, never for
-- other tenants' migrations (up to 1.1 the locks were kept until a batch of
-- batch_size tenants committed).  batch_size now only paces the progress:
-- the run ledger (tenant_migration_runs) is updated and a NOTICE raised every
-- batch_size tenants.  A tenant that fails (lock_timeout included) is
-- reported, recorded in tenant_migration_failures and skipped; a crash loses
-- at most the tenant in flight.  Running it again resumes: it picks the
-- tenants that are still behind.  Sessions may run it side by side: each
-- skips the tenants another run holds.  Call it outside an explicit
-- transaction block.
CREATE OR REPLACE PROCEDURE @extschema@.wt_run_migrations(batch_size integer DEFAULT 50, lock_timeout text DEFAULT '5s')
    LANGUAGE plpgsql
    AS $fn$
DECLARE
    target integer;
    total integer;
    run bigint;
    done integer := 0;
    failed integer := 0;
    batch_number integer := 0;
    batch text[];
    slot integer;
    last_schema text := '';
    tenant_schema text;
    tenant_version integer;
    started timestamptz;
    elapsed double precision;
    per_second double precision;
    err_state text;
    err_message text;
    err_detail text;
    err_hint text;
    err_context text;
BEGIN
    PERFORM @extschema@.wt_require_no_tenant_context('run tenant migrations');
    IF wt_run_migrations.batch_size IS NULL OR wt_run_migrations.batch_size < 1 THEN
        RAISE EXCEPTION 'batch_size must be at least 1, not %', coalesce(wt_run_migrations.batch_size::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'batch_size is how many tenants go between two progress reports; every tenant commits on its own.';
    END IF;
    -- Validates the setting before anything is recorded.
    PERFORM pg_catalog.set_config('lock_timeout', coalesce(wt_run_migrations.lock_timeout, '0'), true);
    -- Tenants commit as they go: inside a transaction block (BEGIN; CALL ...)
    -- this fails at once with "invalid transaction termination", before
    -- anything is done or recorded.
    COMMIT;

    -- Runs whose backend died or gave up are over.
    UPDATE @extschema@.tenant_migration_runs r
       SET state = 'interrupted', finished_at = r.updated_at
     WHERE r.state = 'running'
       AND NOT wt_internal.wt_migration_run_alive(r.backend_pid, r.backend_start, r.started_at);

    SELECT pg_catalog.max(m.version) INTO target FROM @extschema@.tenant_migrations m;
    SELECT pg_catalog.count(*) INTO total FROM @extschema@.tenants t
     WHERE t.status <> 'relocated' AND coalesce(t.schema_version, 0) < target;
    INSERT INTO @extschema@.tenant_migration_runs (target_version, batch_size, lock_timeout, tenants_total, backend_start)
    VALUES (target, wt_run_migrations.batch_size, coalesce(wt_run_migrations.lock_timeout, '0'), total,
            (SELECT a.backend_start FROM pg_catalog.pg_stat_activity a WHERE a.pid = pg_catalog.pg_backend_pid()))
    RETURNING run_id, started_at INTO run, started;
    IF total = 0 THEN
        UPDATE @extschema@.tenant_migration_runs r
           SET state = 'finished', finished_at = pg_catalog.clock_timestamp(), updated_at = pg_catalog.clock_timestamp()
         WHERE r.run_id = run;
        RAISE NOTICE 'wt_run_migrations: every tenant is at version %', target;
        RETURN;
    END IF;
    RAISE NOTICE 'wt_run_migrations: run %: migrating % tenant(s) to version %, one commit per tenant, progress every %',
        run, total, target, wt_run_migrations.batch_size
        USING DETAIL = 'Progress: SELECT * FROM wt_migration_progress;';
    -- From here on the run is visible to other sessions.
    COMMIT;

    LOOP
        -- The next batch_size candidates, in schema order after the last
        -- batch (one pass over the registry, never rescanned); read without
        -- locks: each tenant is locked and checked again on its own below.
        SELECT pg_catalog.array_agg(b.schema_name ORDER BY b.schema_name)
          INTO batch
          FROM (SELECT t.schema_name::text AS schema_name FROM @extschema@.tenants t
                 WHERE t.status <> 'relocated' AND coalesce(t.schema_version, 0) < target
                   AND t.schema_name::text > last_schema
                 ORDER BY t.schema_name::text
                 LIMIT wt_run_migrations.batch_size) b;
        EXIT WHEN batch IS NULL;
        last_schema := batch[pg_catalog.cardinality(batch)];
        batch_number := batch_number + 1;

        FOR slot IN 1 .. pg_catalog.cardinality(batch) LOOP
            -- One transaction per tenant.  SET LOCAL: for this tenant's
            -- transaction only.
            PERFORM pg_catalog.set_config('lock_timeout', coalesce(wt_run_migrations.lock_timeout, '0'), true);
            -- Still behind, and not held by another run (its registry row is
            -- locked until that run commits the tenant).
            SELECT t.schema_version INTO tenant_version FROM @extschema@.tenants t
             WHERE t.schema_name::text = batch[slot] AND t.status <> 'relocated'
               AND coalesce(t.schema_version, 0) < target
               FOR UPDATE OF t SKIP LOCKED;
            IF FOUND THEN
                tenant_schema := batch[slot];
                BEGIN
                    PERFORM @extschema@.wt_migrate_tenant(tenant_schema);
                    done := done + 1;
                EXCEPTION WHEN OTHERS THEN
                    GET STACKED DIAGNOSTICS err_state = RETURNED_SQLSTATE, err_message = MESSAGE_TEXT,
                                            err_detail = PG_EXCEPTION_DETAIL, err_hint = PG_EXCEPTION_HINT,
                                            err_context = PG_EXCEPTION_CONTEXT;
                    failed := failed + 1;
                    INSERT INTO @extschema@.tenant_migration_failures
                           (run_id, schema_name, from_version, target_version, sqlstate, message, detail, hint, context)
                    VALUES (run, tenant_schema, tenant_version, target, err_state, err_message,
                            nullif(err_detail, ''), nullif(err_hint, ''), nullif(err_context, ''));
                    RAISE WARNING 'wt_run_migrations: tenant "%" skipped: %', tenant_schema, err_message
                        USING DETAIL = pg_catalog.format('SQLSTATE %s; the tenant stays at version %s.%s', err_state,
                                                         coalesce(tenant_version::text, 'NULL'),
                                                         coalesce(' ' || nullif(err_detail, ''), '')),
                              HINT = 'Recorded in tenant_migration_failures; CALL wt_run_migrations() again retries it.';
                END;
            END IF;
            -- The tenant's locks go here.
            COMMIT;
        END LOOP;

        UPDATE @extschema@.tenant_migration_runs r
           SET tenants_done = done, tenants_failed = failed, batches = batch_number,
               updated_at = pg_catalog.clock_timestamp()
         WHERE r.run_id = run;
        COMMIT;

        elapsed := EXTRACT(epoch FROM pg_catalog.clock_timestamp() - started);
        per_second := (done + failed) / greatest(elapsed, 0.001);
        RAISE NOTICE 'wt_run_migrations: batch %: % of % tenant(s) at version %, % failed',
            batch_number, done, total, target, failed
            USING DETAIL = pg_catalog.format('%s%% done, %s tenants/s, about %s left',
                pg_catalog.round(100.0 * (done + failed) / total, 1),
                pg_catalog.round(per_second::numeric, 1),
                pg_catalog.make_interval(secs => pg_catalog.round(
                    (greatest(total - done - failed, 0) / greatest(per_second, 0.001))::numeric)));
    END LOOP;

    UPDATE @extschema@.tenant_migration_runs r
       SET state = 'finished', finished_at = pg_catalog.clock_timestamp(), updated_at = pg_catalog.clock_timestamp(),
           tenants_done = done, tenants_failed = failed, batches = batch_number
     WHERE r.run_id = run;
    COMMIT;
    IF failed > 0 THEN
        RAISE WARNING 'wt_run_migrations: run % finished: % tenant(s) migrated to version %, % failed and skipped',
            run, done, target, failed
            USING HINT = pg_catalog.format('SELECT * FROM tenant_migration_failures WHERE run_id = %s; fix the cause and CALL wt_run_migrations() again.', run);
    ELSE
        RAISE NOTICE 'wt_run_migrations: run % finished: % tenant(s) migrated to version %', run, done, target
            USING DETAIL = pg_catalog.format('%s s', pg_catalog.round(EXTRACT(epoch FROM pg_catalog.clock_timestamp() - started)::numeric, 1));
    END IF;
END
$fn$;
COMMENT ON PROCEDURE @extschema@.wt_run_migrations(integer, text) IS
    'apply pending tenant migrations to every tenant, each tenant in its own transaction (batch_size paces progress reports); resumable';
REVOKE ALL ON PROCEDURE @extschema@.wt_run_migrations(integer, text) FROM PUBLIC;
