-- The guarded built-ins get their support function (see
-- wt_internal.attach_guards): from here on every call of them is checked
-- wherever PostgreSQL prepares it, not only in planned statements.
SELECT wt_internal.attach_guards(true);
