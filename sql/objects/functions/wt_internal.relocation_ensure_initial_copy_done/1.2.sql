-- Cut-over: every table of the subscription is copied and streaming.
CREATE FUNCTION wt_internal.relocation_ensure_initial_copy_done(subscription_oid oid, tenant_schema text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    not_ready integer;
    all_tables integer;
BEGIN
    SELECT pg_catalog.count(*) FILTER (WHERE sr.srsubstate <> 'r'), pg_catalog.count(*)
      INTO not_ready, all_tables
      FROM pg_catalog.pg_subscription_rel sr WHERE sr.srsubid = $1;
    IF not_ready > 0 THEN
        RAISE EXCEPTION 'the initial copy of tenant "%" is not finished', $2
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = pg_catalog.format('%s of %s tables are streaming.', all_tables - not_ready, all_tables),
                  HINT = 'Wait until SELECT phase FROM wt_relocation_status(''' || $2 || ''') says "ready for cut-over".';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_initial_copy_done(oid, text) IS
    'internal (relocation precondition): every table of the tenant is copied and streaming';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_initial_copy_done(oid, text) FROM PUBLIC;
