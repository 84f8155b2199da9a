-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_registry_changed() IS
    'internal: trigger on tenants that invalidates every backend''s tenant cache';
