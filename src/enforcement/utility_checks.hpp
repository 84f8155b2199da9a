// UtilityChecks: what the executor and object-access hooks do not see of a
// utility statement (GRANT, LOCK, VACUUM/ANALYZE/REINDEX of a parent, COPY,
// publications, database-wide maintenance, DROP OWNED, the extension's own
// tables ...), checked from the ProcessUtility hook in tenant context.
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// Refuses (42501) a utility statement that reaches another tenant, or
// changes the policy, from a tenant context.  Call while
// EnforcementActive() and in a transaction.
void CheckUtilityStatement(Node *statement);

// LOCK on a view (and a materialized view's contents) reaches the relations
// underneath it without a range table reaching the executor: each is
// checked like a relation the statement names.
void CheckViewRelations(Oid view_id);

} // namespace wellness_tenancy
