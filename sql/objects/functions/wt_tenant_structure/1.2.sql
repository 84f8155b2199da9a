-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_tenant_structure(text) IS
    'internal (relocation): what a tenant schema is made of, one row per object, comparable across instances';
