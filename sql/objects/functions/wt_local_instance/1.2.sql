-- The name of this instance: the wt_instances row marked is_local.
CREATE OR REPLACE FUNCTION wt_internal.wt_local_instance()
    RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    local_name text;
BEGIN
    SELECT i.name INTO local_name FROM @extschema@.wt_instances i WHERE i.is_local;
    IF local_name IS NULL THEN
        RAISE EXCEPTION 'this instance has no name in wt_instances'
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  DETAIL = 'Registries record where a tenant moved by instance name.',
                  HINT = 'INSERT INTO wt_instances (name, is_local) VALUES (''east'', true);';
    END IF;
    RETURN local_name;
END
$fn$;
-- 1.2: moved to wt_internal (defined again here), with the comment 1.0 did not give it.
COMMENT ON FUNCTION wt_internal.wt_local_instance() IS
    'internal (relocation): the name of this instance, the wt_instances row marked is_local';
