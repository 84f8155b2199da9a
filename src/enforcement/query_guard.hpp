// QueryGuard: data that reaches a session through the catalogs and built-in
// functions rather than through a tenant's relations.
//
// Three mechanisms.
//  * A planner hook passes over every query level's range table and adds
//    security-barrier quals (as row-level security does) to the catalogs
//    that hold column values: pg_statistic, pg_statistic_ext_data (planner
//    statistics: most common values, histograms) and pg_largeobject.
//  * The built-ins that take a relation, large object, function or backend
//    by OID/number computed at run time have wt_internal.guard_support as
//    their planner support function (pg_proc.prosupport, attached by the 1.2
//    script).  PostgreSQL asks it to simplify every call of them wherever it
//    prepares an expression -- planned statements, and also constraints,
//    defaults, domain checks, trigger WHEN, ALTER TABLE ... USING, COPY,
//    CALL and EXECUTE -- and it wraps the first argument:
//      refuse   nextval, currval, setval, lo_get/put/open/export/unlink
//               (42501, like naming the relation)
//      mask     sizes, pg_stat_get_* counters (relations and functions),
//               pg_sequence_last_value, file nodes: NULL for another
//               tenant's object, so catalog views (pg_stat_user_tables,
//               pg_stat_user_functions, pg_sequences, \dt+) keep working
//      own      pg_stat_get_activity, pg_stat_get_backend_activity: another
//               session's statement text only for DBAs without a tenant
//      context  logical decoding and pg_stat_statements: refused in tenant
//               context (they carry every tenant's data)
//      channel  pg_notify: scoped to the tenant like NOTIFY
//    and set_config('wellness_tenancy.tenant', ...) becomes
//    wt_internal.set_tenant_config (search_path follows the tenant).
//  * The object-access hook (OAT_FUNCTION_EXECUTE) refuses a guarded call
//    that did not go through the support function, and pg_cursor() /
//    pg_prepared_statement() (statement texts of a pooled connection's
//    earlier clients) in tenant context.
// The wrappers are installed whatever the tenant at planning time and decide
// at execution (plans are cached and reused under other tenants).
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// Installs the planner hook; called once from _PG_init.
void InstallQueryGuard();

// --- calls of guarded functions outside what the support function saw ---
//
// OAT_FUNCTION_EXECUTE fires for every function an expression initialises.
// A guarded built-in whose call went through the support function has its
// argument's wrapper as the very next function initialised; any other call
// (an operator under ANY/ALL, an aggregate's transition or final function, a
// plan made before the guards were attached) is refused before it can run:
// at the next function initialised, or at the start of the plan's run.

// The wrapper the next function initialised must be (InvalidOid: none).
extern Oid pending_guard_wrapper;

// Could the built-in (funcid < FirstNormalObjectId) be guarded?  A bitmap
// probe; true too while the guards are not resolved yet.
bool MaybeGuardedBuiltin(Oid funcid);

// A guarded function is being initialised (previous: the function
// initialised just before): refuse it (functions refused in tenant context),
// check that its wrapper came just before (set-returning functions, whose
// arguments are initialised first) or expect its wrapper next.  Only while
// enforcing.
void GuardedFunctionInitialised(Oid funcid, Oid previous);

// The function the object-access hook saw initialised last.
extern Oid last_function_initialised;

// The function initialised after a guarded one: its wrapper, or a refusal.
void PendingGuardMet(Oid funcid);

// Refuses a guarded call still waiting for its wrapper (executor start and
// run); ForgetPendingGuard at the end of a (sub)transaction that failed.
void CheckNoPendingGuard();
void ForgetPendingGuard();

// Is funcid a built-in whose calls the support function guards?  (For
// operators and aggregates, which must not be built on one.)
bool IsGuardedBuiltin(Oid funcid);

// DROP EXTENSION: the built-ins' support function goes first.
void DetachGuards();

// In tenant context: an expression PostgreSQL evaluates without planning it
// and still a raw parse tree (COPY FROM's WHERE) may not call a function
// named like a guarded one (42501; `where` names it).  A second line of
// defence: the support function wraps those calls too.
void CheckUnplannedRawExpression(Node *expression, const char *where);

// COPY FROM in tenant context: the column defaults of the target relation
// (relid, InvalidOid if unknown) and the WHERE clause are evaluated without
// the planner: a guarded call there is checked now when its argument is a
// constant, refused (42501) otherwise.
void CheckCopyFromExpressions(const CopyStmt *stmt, Oid relid);

// Large objects created in a tenant context carry the tenant (a security
// label); called from the object-access hook.
void NoteLargeObjectCreated(Oid loid);

} // namespace wellness_tenancy
