-- Start, phase "check preconditions" on the source: everything the target
-- needs to know about it comes in one round trip (wt_relocation_source_facts)
-- and is judged here, one check each.  Returns the facts with the tenant
-- template's latest version as target_version.
CREATE FUNCTION wt_internal.relocation_check_source(connection_name text, remote_schema text, tenant_schema text,
                                                    source_instance text, self text)
    RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    facts jsonb;
    latest integer;
BEGIN
    PERFORM wt_internal.relocation_ensure_same_version($1, $4);
    facts := wt_internal.remote_query($1, pg_catalog.format('SELECT wt_internal.wt_relocation_source_facts($1, $2)', $2),
                                      ARRAY[$3, $5])::jsonb;
    PERFORM wt_internal.relocation_ensure_source_named(facts, $4);
    PERFORM wt_internal.relocation_ensure_source_knows_target(facts, $4, $5);
    PERFORM wt_internal.relocation_ensure_wal_level(facts, $4);
    PERFORM wt_internal.relocation_ensure_source_superuser(facts, $4);
    PERFORM wt_internal.relocation_ensure_source_no_require_tenant(facts, $4);
    PERFORM wt_internal.relocation_ensure_free_slot(facts, $4);
    PERFORM wt_internal.relocation_ensure_free_wal_sender(facts, $4);
    PERFORM wt_internal.relocation_ensure_replication_connection($4);
    PERFORM wt_internal.relocation_ensure_tenant_on_source(facts, $3, $4);
    PERFORM wt_internal.relocation_ensure_no_open_source_relocation($1, facts, $3, $4, $5);
    latest := wt_internal.relocation_ensure_same_migrations(facts, $4);
    PERFORM wt_internal.relocation_ensure_tenant_current(facts, $3, $4, latest);
    PERFORM wt_internal.relocation_ensure_replicable_objects(facts, $3, $4);
    PERFORM wt_internal.relocation_ensure_replica_identity(facts, $3, $4);
    RETURN facts || pg_catalog.jsonb_build_object('target_version', latest);
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_check_source(text, text, text, text, text) IS
    'internal (relocation start): the preconditions on the source, one check each; returns its facts';
REVOKE ALL ON FUNCTION wt_internal.relocation_check_source(text, text, text, text, text) FROM PUBLIC;
