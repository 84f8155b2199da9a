// IsolationHooks: the executor, object-access and utility hooks that refuse
// every path into another tenant's schema.  Which hook catches what is in
// ../README.md ("How isolation is enforced").
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

void InstallIsolationHooks();

// How many relations (tables, sequences, views, indexes, ...) this backend
// has created so far: a migration step that created none needs no new grants.
uint64 RelationsCreated();

// May the current tenant context reach this relation's data (its schema,
// its TOAST owner, its temporary-relation tag)?  No error; for masking.
bool RelationReachable(Oid relid);

// Raises the isolation error when the current tenant context may not reach
// the relation (a no-op when nothing is enforced).
void CheckRelationReachable(Oid relid);

} // namespace wellness_tenancy
