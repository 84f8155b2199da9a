-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_remote_connect(text, text) IS
    'internal (relocation): open a named dblink connection to a known instance';
