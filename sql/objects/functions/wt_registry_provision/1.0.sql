-- Loading the module comes first: outside shared_preload_libraries its
-- _PG_init refuses with a hint, and nothing below is created.
CREATE FUNCTION @extschema@.wt_registry_provision() RETURNS trigger
    LANGUAGE c AS 'MODULE_PATHNAME', 'wt_registry_provision';
