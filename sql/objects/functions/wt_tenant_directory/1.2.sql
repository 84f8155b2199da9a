-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_tenant_directory() IS
    'every tenant of every known instance, with where it is served and whether the instances agree';
