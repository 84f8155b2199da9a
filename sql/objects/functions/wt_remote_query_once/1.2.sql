-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_remote_query_once(text, text) IS
    'internal (relocation): one remote query on a connection opened and closed for it';
