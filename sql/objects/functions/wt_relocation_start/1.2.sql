-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_relocation_start(text, text) IS
    'relocation, on the target: provision the tenant here, publish it on the source, subscribe here';
