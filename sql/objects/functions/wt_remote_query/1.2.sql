-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_remote_query(text, text) IS
    'internal (relocation): the first column of the first row of a remote query, as text';
