// SessionObjects: what a session creates outside any tenant schema belongs
// to the tenant it was created under.  Behind a transaction-mode pooler one
// server connection serves many clients of many tenants in turn; its
// temporary relations, notification channels and prepared transactions must
// not pass from one tenant to the next.
//
//   temporary relations   tagged at creation, refused to other tenant contexts
//   LISTEN / NOTIFY       channel names are scoped: "<tenant>:<channel>"
//   PREPARE TRANSACTION   global ids are scoped: "<tenant>:<gid>"
//
// WITH HOLD cursors are handled beside the executor hooks, which own the
// portal checks.  SQL prepared statements are deliberately not tagged: a
// statement prepared once and executed in every tenant's transaction is the
// ordinary pattern behind a pooler, its names are resolved again in the
// tenant in force and its plan is checked by the executor like any other;
// their texts (pg_prepared_statements) are refused in tenant context.
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// Object-access hook, OAT_POST_CREATE of a relation in this backend's
// temporary schema: remember the tenant it was created under.
void NoteTemporaryRelation(Oid relid);

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

} // namespace wellness_tenancy
