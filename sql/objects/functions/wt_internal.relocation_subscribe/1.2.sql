-- Start, phase "subscription on the target" and "record": a subscription on
-- the existing slot (create_slot = false keeps it inside this transaction;
-- its workers start when it commits) and this side's record.  The apply
-- worker commits synchronously: the position it confirms to the source is
-- durable here.  disable_on_error is off: a restart of the source (a lost
-- connection) only makes the worker retry, it does not stop the relocation.
CREATE FUNCTION wt_internal.relocation_subscribe(connection_name text, remote_schema text, relocation uuid,
                                                 tenant_schema text, source_instance text, self text,
                                                 schema_version integer, object_name text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    source_info text;
    subscription_oid oid;
BEGIN
    SELECT i.conninfo INTO source_info FROM @extschema@.wt_instances i WHERE i.name = $5 AND NOT i.is_local;
    EXECUTE pg_catalog.format(
        'CREATE SUBSCRIPTION %I CONNECTION %L PUBLICATION %I '
        'WITH (create_slot = false, slot_name = %L, copy_data = true, enabled = true, disable_on_error = false, '
        'synchronous_commit = on)',
        $8, source_info, $8, $8);
    SELECT s.oid INTO subscription_oid FROM pg_catalog.pg_subscription s
     WHERE s.subname = $8 AND s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database());
    PERFORM wt_internal.remote_exec($1,
        pg_catalog.format('UPDATE %s.tenant_relocations SET subscription_oid = $1::oid WHERE id = $2::uuid', $2),
        ARRAY[subscription_oid::text, $3::text]);
    INSERT INTO @extschema@.tenant_relocations (id, schema_name, role, source_instance, target_instance, state,
                                                schema_version, publication_name, slot_name, subscription_name,
                                                subscription_oid)
    VALUES ($3, $4, 'target', $5, $6, 'copying', $7, $8, $8, $8, subscription_oid);
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_subscribe(text, text, uuid, text, text, text, integer, text) IS
    'internal (relocation start): the subscription here on the source''s slot, and this side''s record';
REVOKE ALL ON FUNCTION wt_internal.relocation_subscribe(text, text, uuid, text, text, text, integer, text) FROM PUBLIC;
