-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_structure_differences(text, jsonb) IS
    'internal (relocation): differences between a tenant''s structure here and on the source';
