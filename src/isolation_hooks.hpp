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

} // namespace wellness_tenancy
