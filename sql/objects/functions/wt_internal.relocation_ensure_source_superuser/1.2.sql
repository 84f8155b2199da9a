-- Start: the source connection's role is a superuser.
CREATE FUNCTION wt_internal.relocation_ensure_source_superuser(facts jsonb, source_instance text)
    RETURNS void
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
BEGIN
    IF NOT ($1->>'superuser')::boolean THEN
        RAISE EXCEPTION 'role "%" on instance "%" is not a superuser', $1->>'role', $2
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'Publishing a whole schema and creating replication slots need a superuser.',
                  HINT = 'Use a superuser in wt_instances.conninfo of "' || $2 || '".';
    END IF;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_ensure_source_superuser(jsonb, text) IS
    'internal (relocation precondition): the role reaching the source is a superuser';
REVOKE ALL ON FUNCTION wt_internal.relocation_ensure_source_superuser(jsonb, text) FROM PUBLIC;
