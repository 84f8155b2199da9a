-- The app role's privileges on an existing tenant schema, granted exactly as
-- provisioning grants them (implemented once in C++, src/provisioning.cpp):
-- the registry's directory columns, the module at the role's login, USAGE,
-- DML on tables and sequences, default privileges; only what is missing.
-- For wt_adopt_tenant().  Refused in tenant context.
CREATE FUNCTION wt_internal.grant_app_role(schema_name text)
    RETURNS void
    LANGUAGE c AS 'MODULE_PATHNAME', 'wt_grant_app_role';
COMMENT ON FUNCTION wt_internal.grant_app_role(text) IS
    'internal: grant the app role an existing tenant schema as provisioning does (only what is missing)';
REVOKE ALL ON FUNCTION wt_internal.grant_app_role(text) FROM PUBLIC;
