-- Attaches wt_internal.guard_support to the guarded built-ins of this
-- database (true) or detaches it (false).  The 1.2 script attaches it;
-- DROP EXTENSION detaches it first.  pg_upgrade does not carry the
-- attachment over (it lives in pg_proc rows of built-ins): until a superuser
-- runs SELECT wt_internal.attach_guards(true), calls of those functions are
-- refused in tenant context, never served unchecked.
CREATE FUNCTION wt_internal.attach_guards(attach boolean) RETURNS void
    LANGUAGE c STRICT AS 'MODULE_PATHNAME', 'wt_attach_guards';
COMMENT ON FUNCTION wt_internal.attach_guards(boolean) IS
    'attaches (true) or detaches (false) the support function of the guarded built-ins; superuser only';
REVOKE ALL ON FUNCTION wt_internal.attach_guards(boolean) FROM PUBLIC;
