// CacheBudget: bounded backend memory across tenants.
//
// A backend keeps the catalog and relation cache entries of every tenant it
// has worked for (about 30 KB a tenant touched with the case study's
// template): behind a pooler, a connection that serves thousands of tenants
// grows to hundreds of megabytes.  wellness_tenancy.cache_tenants caps it:
// once a backend has worked for more than that many distinct tenants since
// its caches were last released, the next statement starts by releasing
// them (InvalidateSystemCaches, what PostgreSQL itself does when a backend
// falls behind on cache invalidations): entries not in use are freed, those
// in use rebuilt, cached plans re-planned on next use.  0, the default,
// means no cap.
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// Defines wellness_tenancy.cache_tenants; called from _PG_init.
void DefineCacheBudgetSettings();

// Notes the tenant a statement is about to run for (its schema) and releases
// the caches first when the budget is exceeded; called from ExecutorStart and
// ProcessUtility with a tenant in force.  One compare when the cap is off.
void NoteTenantWork(Oid tenant_namespace);

} // namespace wellness_tenancy
