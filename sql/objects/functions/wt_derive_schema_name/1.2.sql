-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_derive_schema_name(text) IS
    'the schema name wt_create_tenant() derives from a company name (''Innovate Inc.'' -> innovate_inc)';
