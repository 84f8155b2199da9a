-- The shared-memory counters wt_metrics reports: isolation refusals raised
-- since server start (every database), statistics entries in use and their
-- limit, last reset of the statistics.
CREATE FUNCTION wt_internal.activity_counters(OUT refusals bigint, OUT stats_entries bigint,
                                              OUT stats_max_tenants bigint, OUT stats_reset timestamptz)
    RETURNS record
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'wt_activity_counters';
COMMENT ON FUNCTION wt_internal.activity_counters() IS
    'internal: isolation refusals since server start and the use of the tenant statistics table';
REVOKE ALL ON FUNCTION wt_internal.activity_counters() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION wt_internal.activity_counters() TO pg_monitor;
