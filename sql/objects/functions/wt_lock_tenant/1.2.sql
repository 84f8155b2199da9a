-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_lock_tenant(text) IS
    'internal: a tenant''s registry row, locked for the transaction under the provisioning advisory lock';
