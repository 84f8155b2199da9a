-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_tenant_sequences(text) IS
    'internal (relocation): current values of a tenant''s sequences';
