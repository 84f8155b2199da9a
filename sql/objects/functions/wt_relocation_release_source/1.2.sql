-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_relocation_release_source(text, text, oid) IS
    'internal (relocation, source side): drop the relocation''s slots and publication; idempotent';
