-- Cut-over: the relocation's subscription exists and is enabled.  Returns its oid.
CREATE FUNCTION wt_internal.relocation_ensure_subscription_enabled(subscription_name text, tenant_schema text)
    RETURNS oid
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    sub_oid oid := wt_internal.relocation_subscription_oid($1);
BEGIN
    IF sub_oid IS NULL THEN
        RAISE EXCEPTION 'subscription "%" of the relocation of tenant "%" is missing', $1, $2
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Cancel the relocation with wt_relocation_cancel() and start it again.';
    END IF;
    IF NOT (SELECT s.subenabled FROM pg_catalog.pg_subscription s WHERE s.oid = sub_oid) THEN
        RAISE EXCEPTION 'subscription "%" of the relocation of tenant "%" is disabled', $1, $2
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Someone disabled it, or it was created with disable_on_error (relocations started before 1.2) '
                           'and stopped on an error, a lost connection to the source included; the server log says which.',
                  HINT = 'Fix the cause and ALTER SUBSCRIPTION ' || pg_catalog.quote_ident($1)
                         || ' ENABLE, or cancel with wt_relocation_cancel().';
    END IF;
    RETURN sub_oid;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_subscription_enabled(text, text) IS
    'internal (relocation precondition): the relocation''s subscription exists and is enabled';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_subscription_enabled(text, text) FROM PUBLIC;
