CREATE OR REPLACE FUNCTION wt_internal.wt_relocation_require_admin(operation text)
    RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) THEN
        RAISE EXCEPTION 'permission denied to %', operation
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Relocation creates publications, replication slots and subscriptions.',
                  HINT = 'Run it as a superuser.';
    END IF;
    PERFORM @extschema@.wt_require_no_tenant_context(operation);
END
$fn$;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_relocation_require_admin(text) IS
    'internal (relocation): refuse the operation named unless run by a superuser outside tenant context';
