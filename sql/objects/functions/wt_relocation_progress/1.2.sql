-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_relocation_progress(text, boolean) IS
    'relocation: per table of the tenant, sync state and rows here and on the source';
