-- Administration refuses to run inside tenant context, as provisioning does:
-- it reaches into every tenant's schema.  From 1.2 the guard is the C++ one
-- that wt_create_tenant() and wt_drop_tenant() run (same messages, SQLSTATE
-- 42501), so that it exists once.
CREATE OR REPLACE FUNCTION @extschema@.wt_require_no_tenant_context(operation text)
    RETURNS void
    LANGUAGE c STABLE AS 'MODULE_PATHNAME', 'wt_require_no_tenant_context';
COMMENT ON FUNCTION @extschema@.wt_require_no_tenant_context(text) IS
    'refuse tenant administration (the operation named) while a tenant is set or require_tenant is on';
