-- Internal helpers live in wt_internal, which is not on anyone's path.  The
-- application role may call the guards below (the planner puts them into
-- its queries); nothing else in wt_internal is granted to it.
CREATE SCHEMA IF NOT EXISTS wt_internal;
COMMENT ON SCHEMA wt_internal IS 'wellness_tenancy internals: not an API, not on search paths';
GRANT USAGE ON SCHEMA wt_internal TO PUBLIC;
