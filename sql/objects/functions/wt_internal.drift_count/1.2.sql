-- How many problems wt_tenant_drift() reports, for wt_metrics and a
-- monitoring role (pg_monitor) that may not run wt_tenant_drift() itself.
-- As slow as wt_tenant_drift() (a scratch template, catalog scans: seconds at
-- 10,000 tenants): the exporter's queries file caches it (cache_seconds).
CREATE FUNCTION wt_internal.drift_count()
    RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $fn$ SELECT pg_catalog.count(*) FROM @extschema@.wt_tenant_drift() $fn$;
COMMENT ON FUNCTION wt_internal.drift_count() IS
    'internal: number of rows of wt_tenant_drift(), for monitoring';
REVOKE ALL ON FUNCTION wt_internal.drift_count() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION wt_internal.drift_count() TO pg_monitor;
