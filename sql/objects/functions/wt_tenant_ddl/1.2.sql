-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_tenant_ddl(text, text[]) IS
    'internal (relocation, source side): DDL that re-creates the named objects of a tenant schema elsewhere';
