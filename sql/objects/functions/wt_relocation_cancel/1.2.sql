-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_relocation_cancel(text) IS
    'relocation, on the target: undo a relocation that has not been cut over';
