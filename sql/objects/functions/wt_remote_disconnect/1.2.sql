-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_remote_disconnect(text) IS
    'internal (relocation): close a named dblink connection if it is open';
