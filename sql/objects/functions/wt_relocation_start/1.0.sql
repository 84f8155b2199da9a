CREATE FUNCTION @extschema@.wt_relocation_start(schema_name text, source_instance text)
    RETURNS uuid
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
#variable_conflict use_column
DECLARE
    tenant_schema text := $1;
    source        text := $2;
    conn          text := 'wt_relocation_start';
    relocation    uuid := pg_catalog.gen_random_uuid();
    self          text;
    source_info   text;
    rx            text;  -- wellness_tenancy's schema on the source
    facts         jsonb;
    tenant        jsonb;
    local_version text;
    remote_version text;
    target_version integer;
    local_migrations jsonb;
    problems      text;
    extras        text[];
    differences   text;
    statement     record;
    publication   text;
    slot          text;
    subscription  text;
    subscription_oid oid;
    made_publication boolean := false;
    made_slot     boolean := false;
    made_record   boolean := false;
    slot_lsn      text;
    cleanup_problem text;
BEGIN
    PERFORM @extschema@.wt_relocation_require_admin('start a relocation');
    IF tenant_schema IS NULL OR source IS NULL THEN
        RAISE EXCEPTION 'tenant schema name and source instance must not be NULL'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM @extschema@.wt_dblink_schema();
    self := @extschema@.wt_local_instance();

    -- --- this instance (the target) ---
    SELECT pg_catalog.to_jsonb(t) INTO tenant FROM @extschema@.tenants t WHERE t.schema_name = tenant_schema;
    IF tenant IS NOT NULL THEN
        RAISE EXCEPTION 'tenant "%" already exists on this instance ("%")', tenant_schema, self
            USING ERRCODE = 'duplicate_object',
                  DETAIL = pg_catalog.format('Its registry row says status %s, placement %s.',
                                             tenant->>'status', COALESCE(tenant->>'placement', 'here')),
                  HINT = CASE WHEN tenant->>'status' = 'relocated'
                              THEN 'This is the copy left behind by an earlier relocation: drop it first with SELECT wt_drop_tenant(''' || tenant_schema || ''');'
                              ELSE 'A tenant lives on one instance at a time; wt_tenant_directory() shows where.' END;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n WHERE n.nspname = tenant_schema) THEN
        RAISE EXCEPTION 'schema "%" already exists on this instance', tenant_schema
            USING ERRCODE = 'duplicate_schema',
                  DETAIL = 'The relocated tenant gets a schema of its own; an existing schema is never taken over.',
                  HINT = 'Drop or rename that schema first.';
    END IF;
    IF EXISTS (SELECT 1 FROM @extschema@.tenant_relocations r
                WHERE r.schema_name = tenant_schema AND r.state = 'copying') THEN
        RAISE EXCEPTION 'a relocation of tenant "%" is already in progress', tenant_schema
            USING ERRCODE = 'object_in_use',
                  HINT = 'SELECT * FROM wt_relocation_status(''' || tenant_schema || '''); cancel it with wt_relocation_cancel().';
    END IF;
    IF pg_catalog.current_setting('max_logical_replication_workers')::integer < 1 THEN
        RAISE EXCEPTION 'this instance cannot run logical replication workers'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'max_logical_replication_workers is 0.',
                  HINT = 'Set max_logical_replication_workers (and max_worker_processes) above 0 and restart.';
    END IF;
    IF pg_catalog.current_setting('wellness_tenancy.require_tenant', true) = 'on' THEN
        RAISE EXCEPTION 'the subscription would run as role "%", which has wellness_tenancy.require_tenant on', current_user
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Its apply workers must reach the tenant''s schema without tenant context.',
                  HINT = 'Relocate as a DBA role without require_tenant.';
    END IF;
    SELECT i.conninfo INTO source_info FROM @extschema@.wt_instances i WHERE i.name = source AND NOT i.is_local;

    -- --- the source ---
    rx := @extschema@.wt_remote_connect(conn, source);
    BEGIN
        IF rx IS NULL THEN
            RAISE EXCEPTION 'extension wellness_tenancy is not installed on instance "%"', source
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      HINT = 'Check that wt_instances.conninfo of "' || source || '" names the right database.';
        END IF;
        SELECT e.extversion INTO local_version FROM pg_catalog.pg_extension e WHERE e.extname = 'wellness_tenancy';
        remote_version := @extschema@.wt_remote_query(conn,
            'SELECT extversion FROM pg_catalog.pg_extension WHERE extname = ''wellness_tenancy''');
        IF remote_version IS DISTINCT FROM local_version THEN
            RAISE EXCEPTION 'wellness_tenancy versions differ: % on "%", % here', remote_version, source, local_version
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'Both instances run the same relocation protocol and tenant template.',
                      HINT = 'ALTER EXTENSION wellness_tenancy UPDATE on the older instance, then migrate its tenants.';
        END IF;
        facts := @extschema@.wt_remote_query(conn, pg_catalog.format(
            'SELECT %s.wt_relocation_source_facts(%L, %L)', rx, tenant_schema, self))::jsonb;

        IF facts->>'instance' IS DISTINCT FROM source THEN
            RAISE EXCEPTION 'the connection of instance "%" reaches instance "%"', source,
                    COALESCE(facts->>'instance', '(unnamed)')
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'wt_instances on the far side names itself differently.',
                      HINT = 'Fix wt_instances.conninfo here, or the is_local row there.';
        END IF;
        IF NOT (facts->>'knows_target')::boolean THEN
            RAISE EXCEPTION 'instance "%" does not know this instance ("%")', source, self
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'After cut-over its registry names "' || self || '" as the tenant''s home; its directory must resolve that name.',
                      HINT = 'On "' || source || '": INSERT INTO wt_instances (name, conninfo) VALUES (''' || self || ''', ''host=... dbname=...'');';
        END IF;
        IF facts->>'wal_level' <> 'logical' THEN
            RAISE EXCEPTION 'wal_level is "%" on instance "%"', facts->>'wal_level', source
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'Logical replication needs wal_level = logical on the source.',
                      HINT = 'On "' || source || '": ALTER SYSTEM SET wal_level = logical; then restart it.';
        END IF;
        IF NOT (facts->>'superuser')::boolean THEN
            RAISE EXCEPTION 'role "%" on instance "%" is not a superuser', facts->>'role', source
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = 'Publishing a whole schema and creating replication slots need a superuser.',
                      HINT = 'Use a superuser in wt_instances.conninfo of "' || source || '".';
        END IF;
        IF facts->>'require_tenant' = 'on' THEN
            RAISE EXCEPTION 'role "%" on instance "%" has wellness_tenancy.require_tenant on', facts->>'role', source
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'The initial copy reads the tenant''s tables without tenant context.',
                      HINT = 'Use a DBA role without require_tenant in wt_instances.conninfo.';
        END IF;
        IF (facts->>'replication_slots_used')::integer >= (facts->>'max_replication_slots')::integer THEN
            RAISE EXCEPTION 'instance "%" has no free replication slot', source
                USING ERRCODE = 'configuration_limit_exceeded',
                      DETAIL = pg_catalog.format('max_replication_slots is %s, all in use.', facts->>'max_replication_slots'),
                      HINT = 'Raise max_replication_slots on the source (restart), or drop unused slots.';
        END IF;
        IF (facts->>'wal_senders_used')::integer >= (facts->>'max_wal_senders')::integer THEN
            RAISE EXCEPTION 'instance "%" has no free WAL sender', source
                USING ERRCODE = 'configuration_limit_exceeded',
                      DETAIL = pg_catalog.format('max_wal_senders is %s, all in use.', facts->>'max_wal_senders'),
                      HINT = 'Raise max_wal_senders on the source (restart).';
        END IF;
        -- The subscription connects as a walsender: prove that path now
        -- (pg_hba.conf, REPLICATION attribute) rather than in the server log.
        BEGIN
            EXECUTE pg_catalog.format(
                'SELECT systemid FROM %s.dblink(%L, ''IDENTIFY_SYSTEM'') '
                'AS t(systemid text, timeline integer, xlogpos text, dbname text)',
                @extschema@.wt_dblink_schema(),
                source_info || CASE WHEN source_info ~ '^postgres(ql)?://'
                                    THEN CASE WHEN pg_catalog.strpos(source_info, '?') > 0 THEN '&' ELSE '?' END
                                         || 'replication=database'
                                    ELSE ' replication=database' END);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS problems = MESSAGE_TEXT;
            RAISE EXCEPTION 'cannot open a replication connection to instance "%"', source
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = problems,
                      HINT = 'The role needs REPLICATION (or superuser), and pg_hba.conf on the source must admit it to the database.';
        END;

        tenant := facts->'tenant';
        IF tenant IS NULL THEN
            RAISE EXCEPTION '"%" is not a registered tenant on instance "%"', tenant_schema, source
                USING ERRCODE = 'undefined_object',
                      HINT = 'wt_tenant_directory() lists the tenants of every known instance.';
        END IF;
        IF tenant->>'status' = 'relocated' OR tenant->>'placement' IS NOT NULL THEN
            RAISE EXCEPTION 'tenant "%" does not live on instance "%"', tenant_schema, source
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = pg_catalog.format('Its registry row there says status %s, placement %s.',
                                                 tenant->>'status', COALESCE(tenant->>'placement', 'here')),
                      HINT = 'Relocate from the instance that holds it; wt_tenant_directory() shows where.';
        END IF;
        IF NOT (facts->>'schema_exists')::boolean THEN
            RAISE EXCEPTION 'schema of tenant "%" does not exist on instance "%"', tenant_schema, source
                USING ERRCODE = 'invalid_schema_name';
        END IF;
        IF facts->'open_relocation' IS NOT NULL AND facts->'open_relocation' <> 'null'::jsonb THEN
            RAISE EXCEPTION 'tenant "%" is already being relocated from instance "%" to "%"', tenant_schema, source,
                    facts->'open_relocation'->>'target_instance'
                USING ERRCODE = 'object_in_use',
                      HINT = 'Cancel that relocation first: wt_relocation_cancel(''' || tenant_schema
                             || ''') on its target, or on the source when the target is gone.';
        END IF;

        -- same tenant template on both sides, and the tenant at its latest version
        SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(m.version, pg_catalog.md5(m.ddl)) ORDER BY m.version),
               pg_catalog.max(m.version)
          INTO local_migrations, target_version
          FROM @extschema@.tenant_migrations m;
        IF local_migrations IS DISTINCT FROM facts->'migrations' THEN
            SELECT pg_catalog.string_agg(pg_catalog.format('migration %s %s', COALESCE(s.v, t.v),
                       CASE WHEN s.v IS NULL THEN 'only here' WHEN t.v IS NULL THEN 'only on "' || source || '"'
                            ELSE 'differs' END), ', ' ORDER BY COALESCE(s.v, t.v))
              INTO problems
              FROM (SELECT (e->>0)::integer AS v, e->>1 AS digest FROM pg_catalog.jsonb_array_elements(facts->'migrations') e) s
              FULL JOIN (SELECT (e->>0)::integer AS v, e->>1 AS digest FROM pg_catalog.jsonb_array_elements(local_migrations) e) t
                ON s.v = t.v
             WHERE s.v IS NULL OR t.v IS NULL OR s.digest <> t.digest;
            RAISE EXCEPTION 'tenant migrations differ between instance "%" and this one', source
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = problems || '.',
                      HINT = 'Register the same tenant migrations on both instances (same versions, same DDL).';
        END IF;
        IF (tenant->>'schema_version')::integer IS DISTINCT FROM target_version THEN
            RAISE EXCEPTION 'tenant "%" is at schema version %, the template at version %', tenant_schema,
                    COALESCE(tenant->>'schema_version', 'NULL'), target_version
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'The target provisions the tenant at the latest version; both copies must match.',
                      HINT = 'Apply the pending migrations to the tenant on "' || source || '" first.';
        END IF;
        IF facts->'unsupported' IS NOT NULL AND facts->'unsupported' <> 'null'::jsonb THEN
            RAISE EXCEPTION 'tenant "%" has objects logical replication cannot carry', tenant_schema
                USING ERRCODE = 'feature_not_supported',
                      DETAIL = 'On "' || source || '": ' || (SELECT pg_catalog.string_agg(e, ', ')
                                 FROM pg_catalog.jsonb_array_elements_text(facts->'unsupported') e) || '.',
                      HINT = 'Unlogged tables: ALTER TABLE ... SET LOGGED; others: move them out of the tenant schema.';
        END IF;
        IF facts->'no_replica_identity' IS NOT NULL AND facts->'no_replica_identity' <> 'null'::jsonb THEN
            RAISE EXCEPTION 'tables of tenant "%" have no replica identity', tenant_schema
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = 'On "' || source || '": ' || (SELECT pg_catalog.string_agg(e, ', ')
                                 FROM pg_catalog.jsonb_array_elements_text(facts->'no_replica_identity') e)
                               || '. Once published, their UPDATEs and DELETEs would fail on the source.',
                      HINT = 'Add a primary key, or ALTER TABLE ... REPLICA IDENTITY FULL.';
        END IF;

        -- --- provision here, at the same schema version, held as suspended
        -- with placement = the source: the app cannot reach it until
        -- cut-over, the replication workers (no tenant context) can.
        RAISE NOTICE 'relocation of tenant "%": provisioning it here at schema version %', tenant_schema, target_version;
        INSERT INTO @extschema@.tenants (id, company_name, schema_name, created_at, status, placement)
        VALUES ((tenant->>'id')::uuid, tenant->>'company_name', tenant_schema,
                (tenant->>'created_at')::timestamptz, 'suspended', source);
        -- as wt_suspend_tenant() does: not served, even without tenant context
        EXECUTE pg_catalog.format('REVOKE USAGE ON SCHEMA %I FROM %I', tenant_schema,
                                  pg_catalog.current_setting('wellness_tenancy.app_role'));

        -- objects a DBA added to this tenant outside the migrations travel too
        SELECT pg_catalog.array_agg(d.object_kind || ' ' || d.object_name)
          INTO extras
          FROM @extschema@.wt_structure_differences(tenant_schema,
                   @extschema@.wt_remote_query(conn, pg_catalog.format(
                       'SELECT COALESCE(pg_catalog.jsonb_agg(s), ''[]'')::text FROM %s.wt_tenant_structure(%L) s',
                       rx, tenant_schema))::jsonb) d
         WHERE d.difference = 'only on the source';
        IF extras IS NOT NULL THEN
            RAISE NOTICE 'relocation of tenant "%": re-creating % object(s) the tenant template does not have: %',
                tenant_schema, pg_catalog.cardinality(extras), pg_catalog.array_to_string(extras, ', ');
            PERFORM pg_catalog.set_config('check_function_bodies', 'off', true);
            FOR statement IN
                SELECT * FROM pg_catalog.jsonb_to_recordset(@extschema@.wt_remote_query(conn, pg_catalog.format(
                    'SELECT COALESCE(pg_catalog.jsonb_agg(d ORDER BY d.step), ''[]'')::text FROM %s.wt_tenant_ddl(%L, %L) d',
                    rx, tenant_schema, extras))::jsonb) AS x(step integer, object text, ddl text)
                ORDER BY step
            LOOP
                EXECUTE statement.ddl;
            END LOOP;
            PERFORM pg_catalog.set_config('check_function_bodies', 'on', true);
        END IF;
        SELECT pg_catalog.string_agg(pg_catalog.format('%s %s (%s)', d.object_kind, d.object_name, d.difference), ', ')
          INTO differences
          FROM @extschema@.wt_structure_differences(tenant_schema,
                   @extschema@.wt_remote_query(conn, pg_catalog.format(
                       'SELECT COALESCE(pg_catalog.jsonb_agg(s), ''[]'')::text FROM %s.wt_tenant_structure(%L) s',
                       rx, tenant_schema))::jsonb) d;
        IF differences IS NOT NULL THEN
            RAISE EXCEPTION 'tenant "%" on instance "%" differs from its template', tenant_schema, source
                USING ERRCODE = 'object_not_in_prerequisite_state',
                      DETAIL = differences || '.',
                      HINT = 'Objects of the template changed by hand on one tenant cannot be replicated safely: '
                             || 'make the change a tenant migration on both instances, or undo it; wt_tenant_drift() lists such drift.';
        END IF;
    EXCEPTION WHEN OTHERS THEN
        PERFORM @extschema@.wt_remote_disconnect(conn);
        RAISE;
    END;

    -- --- publish there, subscribe here ---
    publication := pg_catalog.format('wt_relocation_%s_%s', pg_catalog.left(tenant_schema, 40),
                                     pg_catalog.left(pg_catalog.replace(relocation::text, '-', ''), 8));
    slot := publication;
    subscription := publication;
    BEGIN
        -- Creating a slot waits for the transactions running on the source
        -- to end: bound that wait.
        PERFORM @extschema@.wt_remote_exec(conn, 'SET statement_timeout = ''2min''');
        -- The publication first: the slot's decoding looks it up as of each
        -- change, so it must be older than the slot.
        PERFORM @extschema@.wt_remote_exec(conn, pg_catalog.format(
            'CREATE PUBLICATION %I FOR TABLES IN SCHEMA %I', publication, tenant_schema));
        made_publication := true;
        slot_lsn := @extschema@.wt_remote_query(conn, pg_catalog.format(
            'SELECT lsn::text FROM pg_catalog.pg_create_logical_replication_slot(%L, ''pgoutput'')', slot));
        made_slot := true;
        PERFORM @extschema@.wt_remote_exec(conn, pg_catalog.format(
            'INSERT INTO %s.tenant_relocations (id, schema_name, role, source_instance, target_instance, state, '
            'schema_version, publication_name, slot_name, subscription_name) '
            'VALUES (%L, %L, ''source'', %L, %L, ''copying'', %s, %L, %L, %L)',
            rx, relocation, tenant_schema, source, self, target_version, publication, slot, subscription));
        made_record := true;
        PERFORM @extschema@.wt_remote_exec(conn, 'RESET statement_timeout');

        -- The slot exists already (create_slot = false keeps this inside
        -- the transaction).  The apply worker commits synchronously: the
        -- position it confirms is then durable here, and the cut-over does
        -- not wait for this instance's WAL writer.
        EXECUTE pg_catalog.format(
            'CREATE SUBSCRIPTION %I CONNECTION %L PUBLICATION %I '
            'WITH (create_slot = false, slot_name = %L, copy_data = true, enabled = true, disable_on_error = true, '
            'synchronous_commit = on)',
            subscription, source_info, publication, slot);
        SELECT s.oid INTO subscription_oid FROM pg_catalog.pg_subscription s
         WHERE s.subname = subscription
           AND s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database());
        PERFORM @extschema@.wt_remote_exec(conn, pg_catalog.format(
            'UPDATE %s.tenant_relocations SET subscription_oid = %s WHERE id = %L', rx, subscription_oid, relocation));
        INSERT INTO @extschema@.tenant_relocations (id, schema_name, role, source_instance, target_instance, state,
                                                    schema_version, publication_name, slot_name, subscription_name,
                                                    subscription_oid)
        VALUES (relocation, tenant_schema, 'target', source, self, 'copying', target_version,
                publication, slot, subscription, subscription_oid);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS problems = RETURNED_SQLSTATE;
        BEGIN
            IF made_record THEN
                PERFORM @extschema@.wt_remote_exec(conn, pg_catalog.format(
                    'DELETE FROM %s.tenant_relocations WHERE id = %L', rx, relocation));
            END IF;
            IF made_slot THEN
                PERFORM @extschema@.wt_remote_exec(conn, pg_catalog.format(
                    'SELECT pg_catalog.pg_drop_replication_slot(%L)', slot));
            END IF;
            IF made_publication THEN
                PERFORM @extschema@.wt_remote_exec(conn, pg_catalog.format('DROP PUBLICATION IF EXISTS %I', publication));
            END IF;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS cleanup_problem = MESSAGE_TEXT;
            RAISE WARNING 'could not undo the relocation''s objects on instance "%": %', source, cleanup_problem
                USING HINT = pg_catalog.format('On "%s": SELECT pg_drop_replication_slot(%L); DROP PUBLICATION IF EXISTS %I;',
                                               source, slot, publication);
        END;
        PERFORM @extschema@.wt_remote_disconnect(conn);
        IF problems = '57014' THEN
            RAISE EXCEPTION 'creating the replication slot on instance "%" timed out', source
                USING ERRCODE = 'query_canceled',
                      DETAIL = 'A new logical slot waits for every transaction running on the source to end.',
                      HINT = 'Look for long-running or idle-in-transaction sessions on the source (pg_stat_activity), then retry.';
        END IF;
        RAISE;
    END;
    PERFORM @extschema@.wt_remote_disconnect(conn);
    RAISE NOTICE 'relocation of tenant "%" from "%" started: initial copy under way (slot at %)', tenant_schema, source, slot_lsn
        USING HINT = 'Watch it with SELECT * FROM wt_relocation_status(''' || tenant_schema
                     || '''); cut over with wt_relocation_cutover() once its phase is "ready for cut-over".';
    RETURN relocation;
END
$fn$;
