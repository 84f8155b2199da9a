// SessionObjects: what a session creates outside any tenant schema belongs
// to the tenant it was created under.  Behind a transaction-mode pooler one
// server connection serves many clients of many tenants in turn; its
// temporary relations, notification channels and prepared transactions must
// not pass from one tenant to the next.
//
//   temporary relations   tagged at creation, refused to other tenant contexts
//   LISTEN / NOTIFY       channel names are scoped: "<tenant>:<channel>";
//                         LISTEN is refused under local_tenant_only (it
//                         would outlive the transaction on a pooled
//                         connection), and a change of tenant stops the
//                         channels listened on for another tenant
//   PREPARE TRANSACTION   global ids are scoped: "<tenant>:<gid>"
//   temporary functions   (pg_temp.f) tagged at creation, refused likewise
//   SQL PREPARE           a statement prepared in a tenant context is tagged
//                         with it; EXECUTE (also EXPLAIN ANALYZE EXECUTE,
//                         CREATE TABLE AS EXECUTE) under another context is
//                         refused, unless wellness_tenancy.shared_prepared_
//                         statements (superuser-only) is on
//
// WITH HOLD cursors are handled beside the executor hooks, which own the
// portal checks.  Protocol-level prepared statements (a driver's Parse
// message) are not tagged: SQL injection cannot create them, and a driver
// prepares once and executes in every tenant's transaction; their names are
// resolved again in the tenant in force and their plans are checked by the
// executor like any other.  Statements prepared without a tenant are not
// tagged either: they were written without any tenant's data in reach.
// Their texts (pg_prepared_statements) are refused in tenant context.
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// Object-access hook, OAT_POST_CREATE of a relation in this backend's
// temporary schema: remember the tenant it was created under.
void NoteTemporaryRelation(Oid relid);

// Object-access hook, OAT_POST_CREATE of a function: when it lives in this
// backend's temporary schema, remember the tenant it was created under.
void NoteTemporaryFunction(Oid funcid);

// Refuses a temporary function created under another tenant (or none).
// Call only when EnforcementActive() and the function is in a temp schema.
void CheckTemporaryFunction(Oid funcid);

// Defines wellness_tenancy.shared_prepared_statements.  Called once from
// _PG_init (through InstallIsolationHooks).
void DefineSessionObjectSettings();

// ProcessUtility, before the statement runs: refuses EXECUTE of an SQL
// prepared statement tagged with another tenant.
void CheckPreparedStatementUse(Node *statement);

// Was every SQL prepared statement of this session prepared under this
// tenant?  (Then their plans fit it: tenant_plans has nothing to swap.)
bool PreparedStatementsAllOf(const char *tenant);

// ProcessUtility, after PREPARE succeeded: tags the statement.
void NotePreparedStatement(const PrepareStmt *stmt);

// Refuses a temporary relation created under another tenant (or none).
// Call only when EnforcementActive().
void CheckTemporaryRelation(Oid relid);

// The same answer without an error.
bool TemporaryRelationReachable(Oid relid);

// ProcessUtility: returns pstmt, or a copy whose LISTEN/UNLISTEN/NOTIFY
// channel or prepared-transaction id is scoped to the tenant in force.
// Refuses names scoped to another tenant.
PlannedStmt *ScopeSessionNames(PlannedStmt *pstmt);

// The channel name pg_notify() really uses in the tenant context in force
// (nullptr: unchanged); refuses a channel scoped to another tenant.
char *ScopeChannelName(const char *channel);

// The tenant setting is changing to new_tenant ("" for none), inside a
// transaction: stop listening on the channels this backend listens on for
// any other tenant (Async_Unlisten: in effect when the change commits).
// Called from the tenant setting's assign hook; allocates, reads no catalog.
void StopOtherTenantsChannels(const char *new_tenant);

} // namespace wellness_tenancy
