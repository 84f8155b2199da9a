CREATE FUNCTION @extschema@.wt_derive_schema_name(company_name text)
    RETURNS text
    LANGUAGE c IMMUTABLE STRICT PARALLEL SAFE AS 'MODULE_PATHNAME', 'wt_derive_schema_name';
