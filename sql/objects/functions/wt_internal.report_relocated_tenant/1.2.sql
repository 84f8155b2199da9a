-- The "has moved" error of tenant administration, implemented once in C++
-- (src/provisioning.cpp): suspend, resume and export of a tenant that lives
-- on another instance now.  It only raises: anyone may run it.
CREATE FUNCTION wt_internal.report_relocated_tenant(schema_name text, placement text, hint text)
    RETURNS void
    LANGUAGE c AS 'MODULE_PATHNAME', 'wt_report_relocated_tenant';
COMMENT ON FUNCTION wt_internal.report_relocated_tenant(text, text, text) IS
    'internal: raise "tenant has moved to instance" (SQLSTATE 55000) with the hint given';
GRANT EXECUTE ON FUNCTION wt_internal.report_relocated_tenant(text, text, text) TO PUBLIC;
