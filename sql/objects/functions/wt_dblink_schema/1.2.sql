-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_dblink_schema() IS
    'internal (relocation): the schema dblink is installed in, quoted, or an error saying it is needed';
