-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_remove_migration(integer) IS
    'take back the latest tenant migration while no tenant has it yet';
