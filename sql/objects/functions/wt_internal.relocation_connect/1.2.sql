-- Opens the driver's connection to the other instance of a relocation:
-- returns the remote wellness_tenancy schema (quoted).  The remote session
-- commits synchronously: what it commits survives a crash of that instance.
CREATE FUNCTION wt_internal.relocation_connect(connection_name text, instance_name text)
    RETURNS text
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    rx text := wt_internal.wt_remote_connect($1, $2);
BEGIN
    IF rx IS NULL THEN
        PERFORM wt_internal.wt_remote_disconnect($1);
        RAISE EXCEPTION 'extension wellness_tenancy is not installed on instance "%"', $2
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Check that wt_instances.conninfo of "' || $2 || '" names the right database.';
    END IF;
    PERFORM wt_internal.remote_exec($1, 'SET synchronous_commit = on');
    RETURN rx;
END
$fn$;
COMMENT ON FUNCTION wt_internal.relocation_connect(text, text) IS
    'internal (relocation): open the driver''s connection to another instance; returns its extension schema';
REVOKE ALL ON FUNCTION wt_internal.relocation_connect(text, text) FROM PUBLIC;
