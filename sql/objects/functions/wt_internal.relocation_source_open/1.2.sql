-- Source side of start, in one transaction: the relocation's record, then
-- its publication.  The record comes first so that whatever a crash leaves
-- on the source (publication, slot) is named by a record that cancel, or a
-- second start, releases.  The publication is committed before the slot is
-- created: the slot's decoding looks it up as of each change.
CREATE FUNCTION wt_internal.relocation_source_open(relocation uuid, tenant_schema text, target_instance text,
                                                   schema_version integer, object_name text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    INSERT INTO @extschema@.tenant_relocations (id, schema_name, role, source_instance, target_instance, state,
                                                schema_version, publication_name, slot_name, subscription_name)
    VALUES ($1, $2, 'source', wt_internal.wt_local_instance(), $3, 'copying', $4, $5, $5, $5);
    EXECUTE pg_catalog.format('CREATE PUBLICATION %I FOR TABLES IN SCHEMA %I', $5, $2);
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_source_open(uuid, text, text, integer, text) IS
    'internal (relocation, on the source): record an outgoing relocation and publish the tenant';
REVOKE ALL ON FUNCTION wt_internal.relocation_source_open(uuid, text, text, integer, text) FROM PUBLIC;
