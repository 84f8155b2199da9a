// TenantActivity: what each backend is working for, and what every tenant
// has done, in shared memory (needs shared_preload_libraries):
//   - one slot per backend (indexed by MyBackendId) with the tenant in force
//     and since when, published only when that tenant changes;
//   - per-tenant statement statistics (calls, execution time, rows), one
//     hash entry per (database, tenant), updated at ExecutorEnd;
//   - a counter of the isolation refusals the extension raised.
// Settings:
//   wellness_tenancy.track_tenant_stats   collect per-tenant statistics
//   wellness_tenancy.stats_max_tenants    entries of the statistics table
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// Defines the settings; called once from _PG_init.
void DefineTenantActivitySettings();

// Requests the shared memory and installs the shmem and executor hooks;
// called once from _PG_init (always under shared_preload_libraries).
void InstallTenantActivity();

// Publishes the tenant now in force in this backend's slot ("" = none).
// Costs a string compare when nothing changed; never fails, reads no catalog
// (it runs from GUC assign hooks and transaction callbacks).
void PublishTenant(const char *tenant);

// Counts one isolation refusal (called just before the 42501 is raised).
void CountTenantRefusal();

} // namespace wellness_tenancy
