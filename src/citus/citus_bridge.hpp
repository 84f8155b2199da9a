// CitusBridge: the tenant in force reaches the Citus workers.
//
// On a Citus coordinator, a query on a tenant's distributed tables runs on the
// workers over connections Citus opens as the same user; the workers enforce
// the tenant too (their registries follow the coordinator's, see
// wt_internal.citus_sync_registry), so each such connection must carry the
// tenant.  Citus sends the SET LOCAL commands of a transaction, kept in its
// `activeSetStmts`, to every worker connection it begins in that transaction;
// before each statement runs, the tenant in force is added there as
//     SET LOCAL wellness_tenancy.tenant TO '<schema>';
// Without Citus loaded this is one pointer test per statement.  A tenant
// switched within a transaction (no tenant_lock) is sent, before the next
// statement that runs a Citus scan, to every worker connection the
// transaction already has open (Citus's own SET LOCAL propagation,
// PostprocessVariableSetStmt), and recorded for those begun later: every
// connection carries the tenant in force.  A worker that refuses the new
// tenant fails the statement.  Should a Citus version not export the
// symbols, nothing is forwarded and the workers refuse tenant schemas to
// roles with require_tenant (fail closed).
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// Forwards the tenant in force to the worker connections of this transaction
// when the statement runs a Citus distributed scan; called from ExecutorStart
// before Citus begins its scans, also without a tenant (a tenant left within
// the transaction is forwarded as '' to the connections that carry it).  Such a statement then runs in a Citus
// coordinated transaction (its shard queries inside BEGIN ... on the worker).
void ForwardTenantToCitus(const PlannedStmt *statement);

// Sends COMMAND to every Citus worker with metadata inside this
// transaction's distributed transaction (committed on the workers with it,
// rolled back with it; Citus's SendCommandToWorkersWithMetadata), as the
// current user.  Returns false when Citus is not loaded or does not export
// the function (nothing was sent).
bool SendCommandToCitusWorkers(const char *command);

} // namespace wellness_tenancy
