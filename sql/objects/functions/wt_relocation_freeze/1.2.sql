-- Source side of the cut-over, inside the transaction the target holds open
-- on the source: block every write to the tenant's tables (EXCLUSIVE: reads
-- go on), then report the WAL insert position, which every committed write
-- of the tenant now lies behind.  Writes no WAL itself.
--
-- Writers take their locks in their own order (an INSERT into wellness_logs
-- locks it, then its foreign-key check locks employees), so a LOCK of all
-- tables could deadlock with them.  Tables that reference others are locked
-- first, and the locks are taken in short attempts, each below
-- deadlock_timeout and rolled back whole when it fails (its subtransaction),
-- until lock_timeout_ms is spent: between attempts the writers go on.
CREATE OR REPLACE FUNCTION wt_internal.wt_relocation_freeze(schema_name text, lock_timeout_ms integer)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    tenant_schema text := $1;
    registry record;
    relations text;
    relation_count integer;
    attempt_ms integer := 200;
    attempts integer := 0;
    started timestamptz := pg_catalog.clock_timestamp();
    waited_ms double precision;
    saved_lock_timeout text := pg_catalog.current_setting('lock_timeout');
BEGIN
    SELECT t.status, t.placement INTO registry FROM @extschema@.tenants t WHERE t.schema_name = tenant_schema;
    IF NOT FOUND THEN
        RAISE EXCEPTION '"%" is not a registered tenant', tenant_schema USING ERRCODE = 'undefined_object';
    END IF;
    WITH RECURSIVE tables AS (
        SELECT c.oid, c.relname FROM pg_catalog.pg_class c
         WHERE c.relnamespace = (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = tenant_schema)
           AND c.relkind IN ('r', 'p')
    ), refs AS (
        SELECT DISTINCT k.conrelid AS child, k.confrelid AS parent FROM pg_catalog.pg_constraint k
         WHERE k.contype = 'f' AND k.conrelid <> k.confrelid
           AND k.conrelid IN (SELECT oid FROM tables) AND k.confrelid IN (SELECT oid FROM tables)
    ), depth(oid, d) AS (
        SELECT oid, 0 FROM tables
        UNION ALL
        SELECT refs.child, depth.d + 1 FROM depth JOIN refs ON refs.parent = depth.oid WHERE depth.d < 32
    )
    SELECT pg_catalog.string_agg(pg_catalog.format('%I.%I', tenant_schema, t.relname), ', '
                                 ORDER BY x.d DESC, t.relname),
           pg_catalog.count(*)
      INTO relations, relation_count
      FROM tables t JOIN (SELECT oid, pg_catalog.max(d) AS d FROM depth GROUP BY oid) x ON x.oid = t.oid;
    WHILE relations IS NOT NULL LOOP
        attempts := attempts + 1;
        waited_ms := EXTRACT(epoch FROM pg_catalog.clock_timestamp() - started) * 1000;
        BEGIN
            PERFORM pg_catalog.set_config('lock_timeout',
                GREATEST(1, LEAST(attempt_ms, lock_timeout_ms - waited_ms))::integer || 'ms', true);
            EXECUTE 'LOCK TABLE ' || relations || ' IN EXCLUSIVE MODE';
            EXIT;
        EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
            IF EXTRACT(epoch FROM pg_catalog.clock_timestamp() - started) * 1000 >= lock_timeout_ms THEN
                RAISE EXCEPTION 'could not lock the tables of tenant "%" within % ms', tenant_schema, lock_timeout_ms
                    USING ERRCODE = 'lock_not_available',
                          DETAIL = pg_catalog.format('%s attempts; a transaction holds a lock on them.', attempts);
            END IF;
            PERFORM pg_catalog.pg_sleep(0.005 * LEAST(attempts, 10));
        END;
    END LOOP;
    PERFORM pg_catalog.set_config('lock_timeout', saved_lock_timeout, true);
    RETURN pg_catalog.jsonb_build_object('status', registry.status, 'placement', registry.placement,
                                         'tables', relation_count, 'lock_attempts', attempts,
                                         'lsn', pg_catalog.pg_current_wal_insert_lsn());
END
$fn$;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_relocation_freeze(text, integer) IS
    'internal (relocation, source side): block writes to the tenant''s tables and return the WAL position they lie behind';
