-- Marks drift as intended: the rows wt_tenant_drift() reports now for the
-- tenant (or unregistered schema) with this problem -- and this detail, when
-- given -- are recorded with the reason and left out of wt_tenant_drift()
-- from then on.  Only what is reported now can be accepted; returns how many
-- rows were.  DBA only: refused in tenant context.
CREATE FUNCTION @extschema@.wt_accept_drift(tenant text, problem text, reason text, detail text DEFAULT NULL)
    RETURNS integer
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $fn$
DECLARE
    accepted integer;
BEGIN
    PERFORM @extschema@.wt_require_no_tenant_context('accept drift');
    IF reason IS NULL OR pg_catalog.btrim(reason) = '' THEN
        RAISE EXCEPTION 'a reason is required to accept drift'
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'The reason is kept with the accepted drift (tenant_drift_accepted) for whoever reviews it.',
                  HINT = 'Say why the difference is intended, e.g. ''step counter table of the pilot, owned by the DBA''.';
    END IF;
    INSERT INTO @extschema@.tenant_drift_accepted AS a (schema_name, problem, detail, reason)
    SELECT d.schema_name, d.problem, d.detail, $3
      FROM @extschema@.wt_tenant_drift() d
     WHERE d.schema_name = $1 AND d.problem = $2 AND ($4 IS NULL OR d.detail = $4);
    GET DIAGNOSTICS accepted = ROW_COUNT;
    IF accepted = 0 THEN
        RAISE EXCEPTION 'no drift "%" is reported for "%"%', $2, $1,
                        CASE WHEN $4 IS NULL THEN '' ELSE pg_catalog.format(' with detail "%s"', $4) END
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = 'Only a row that wt_tenant_drift() reports now can be accepted; accepted rows are no longer reported (see tenant_drift_accepted).',
                  HINT = 'Copy schema_name, problem and detail from SELECT * FROM wt_tenant_drift().';
    END IF;
    RETURN accepted;
END
$fn$;
COMMENT ON FUNCTION @extschema@.wt_accept_drift(text, text, text, text) IS
    'mark drift reported now as intended (with a reason): wt_tenant_drift() leaves it out from then on';
REVOKE ALL ON FUNCTION @extschema@.wt_accept_drift(text, text, text, text) FROM PUBLIC;
