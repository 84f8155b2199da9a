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
// switched within a transaction reaches the worker connections begun after
// the switch; those begun before keep the earlier tenant, so the workers
// refuse the new tenant's shards there (the coordinator refuses the old
// tenant's): start a new transaction to switch.  Should a Citus
// version not export the symbol, nothing is forwarded and the workers refuse
// tenant schemas to roles with require_tenant (fail closed).
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// Forwards the tenant in force to the worker connections of this transaction
// when the statement runs a Citus distributed scan; called from ExecutorStart
// before Citus begins its scans.  Such a statement then runs in a Citus
// coordinated transaction (its shard queries inside BEGIN ... on the worker).
void ForwardTenantToCitus(const PlannedStmt *statement);

} // namespace wellness_tenancy
