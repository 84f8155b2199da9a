-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_relocation_require_admin(text) IS
    'internal (relocation): refuse the operation named unless run by a superuser outside tenant context';
