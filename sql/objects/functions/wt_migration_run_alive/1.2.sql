-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_migration_run_alive(integer, timestamp with time zone, timestamp with time zone) IS
    'internal (wt_migration_progress): is a migration run still executed by its backend';
