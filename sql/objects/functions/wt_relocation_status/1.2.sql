-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_relocation_status(text) IS
    'relocation: phase, lag in bytes and rows copied of each relocation';
