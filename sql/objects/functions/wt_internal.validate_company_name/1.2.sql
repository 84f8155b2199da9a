-- The company-name rule, implemented once in C++ (src/tenant_names.cpp) and
-- shared by wt_create_tenant(), the registry trigger and wt_rename_tenant().
-- It reads nothing and returns nothing: anyone may run it (a DBA role that
-- was granted wt_rename_tenant() needs it).
CREATE FUNCTION wt_internal.validate_company_name(company_name text)
    RETURNS void
    LANGUAGE c IMMUTABLE PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_validate_company_name';
COMMENT ON FUNCTION wt_internal.validate_company_name(text) IS
    'internal: refuse an invalid company name (NULL, blank, control characters, over 255 characters, bad UTF-8)';
GRANT EXECUTE ON FUNCTION wt_internal.validate_company_name(text) TO PUBLIC;
