-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_remote_exec(text, text) IS
    'internal (relocation): run a statement on a named dblink connection';
