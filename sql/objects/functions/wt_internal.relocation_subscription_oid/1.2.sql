-- The oid of a subscription of this database, by name (NULL if none).
CREATE FUNCTION wt_internal.relocation_subscription_oid(subscription_name text)
    RETURNS oid
    LANGUAGE sql STABLE
    SET search_path = pg_catalog, pg_temp
AS $fn$
SELECT s.oid FROM pg_catalog.pg_subscription s
 WHERE s.subname = $1 AND s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database())
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_subscription_oid(text) IS
    'internal (relocation): the oid of a subscription of this database, by name';
REVOKE ALL ON FUNCTION wt_internal.relocation_subscription_oid(text) FROM PUBLIC;
