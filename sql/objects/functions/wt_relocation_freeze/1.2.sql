-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_relocation_freeze(text, integer) IS
    'internal (relocation, source side): block writes to the tenant''s tables and return the WAL position they lie behind';
