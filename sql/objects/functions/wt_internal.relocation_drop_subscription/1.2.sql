-- Stops replicating here: the subscription disabled, detached from its slot
-- (so that dropping it touches nothing remote and may run in a transaction)
-- and, with drop, dropped.  Without drop it stays, disabled and detached,
-- and never applies anything again: for when the source's slot could not be
-- dropped, because dropping clears the replication origin at once.
CREATE FUNCTION wt_internal.relocation_drop_subscription(subscription_name text, drop boolean)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF wt_internal.relocation_subscription_oid($1) IS NULL THEN
        RETURN;
    END IF;
    EXECUTE pg_catalog.format('ALTER SUBSCRIPTION %I DISABLE', $1);
    EXECUTE pg_catalog.format('ALTER SUBSCRIPTION %I SET (slot_name = NONE)', $1);
    IF $2 THEN
        EXECUTE pg_catalog.format('DROP SUBSCRIPTION %I', $1);
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_drop_subscription(text, boolean) IS
    'internal (relocation): disable and detach a relocation''s subscription, and drop it';
REVOKE ALL ON FUNCTION wt_internal.relocation_drop_subscription(text, boolean) FROM PUBLIC;
