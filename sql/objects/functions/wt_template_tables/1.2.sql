-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_template_tables(integer, text) IS
    'internal: the tables of the tenant template after each migration, built in a rolled-back scratch schema';
