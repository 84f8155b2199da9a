-- Takes back wt_accept_drift(): the accepted rows of the tenant (with this
-- problem and detail, when given) are deleted, so wt_tenant_drift() reports
-- them again while they last.  Returns how many were.  DBA only: refused in
-- tenant context.
CREATE FUNCTION @extschema@.wt_unaccept_drift(tenant text, problem text DEFAULT NULL, detail text DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    removed integer;
BEGIN
    PERFORM @extschema@.wt_require_no_tenant_context('unaccept drift');
    DELETE FROM @extschema@.tenant_drift_accepted a
     WHERE a.schema_name = $1 AND ($2 IS NULL OR a.problem = $2) AND ($3 IS NULL OR a.detail = $3);
    GET DIAGNOSTICS removed = ROW_COUNT;
    RETURN removed;
END
$fn$;
COMMENT ON FUNCTION @extschema@.wt_unaccept_drift(text, text, text) IS
    'take back accepted drift of a tenant (all, or of one problem / detail): wt_tenant_drift() reports it again';
REVOKE ALL ON FUNCTION @extschema@.wt_unaccept_drift(text, text, text) FROM PUBLIC;
