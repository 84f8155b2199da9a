-- 1.2: the comment 1.0 did not give it (definition: the newest file with a CREATE).
COMMENT ON FUNCTION @extschema@.wt_tenant_fingerprint(text, boolean) IS
    'internal (relocation): row count and order-independent checksum of every table of a tenant';
