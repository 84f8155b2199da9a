-- Signed tenant context: with wellness_tenancy.require_signed_tenant on for a
-- role, the role enters a tenant only by presenting a token minted by the
-- application's backend with a key in wellness_tenancy.token_keys.
CREATE FUNCTION @extschema@.wt_enter_tenant(token text, tenant text DEFAULT NULL, is_local boolean DEFAULT true)
    RETURNS text
    LANGUAGE c VOLATILE AS 'MODULE_PATHNAME', 'wt_enter_tenant';
COMMENT ON FUNCTION @extschema@.wt_enter_tenant(text, text, boolean) IS
    'verifies a signed tenant token and enters its tenant (tenant and search_path, like wt_set_tenant)';
