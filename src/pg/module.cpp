// wellness_tenancy: module entry point.  Loading is only allowed through
// shared_preload_libraries: a security extension that silently does nothing
// in the sessions that did not load it is worse than none.
#include "cache_budget.hpp"
#include "isolation_hooks.hpp"
#include "provisioning.hpp"
#include "tenant_activity.hpp"
#include "query_guard.hpp"
#include "query_id.hpp"
#include "tenant_context.hpp"
#include "tenant_label.hpp"
#include "tenant_plans.hpp"
#include "tenant_registry.hpp"
#include "tenant_token.hpp"

extern "C" {

PG_MODULE_MAGIC;

void _PG_init(void);

void _PG_init(void) {
	if (!process_shared_preload_libraries_in_progress)
		ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
		                errmsg("wellness_tenancy must be loaded via shared_preload_libraries"),
		                errdetail("Tenant isolation is enforced by hooks that every backend must install at start."),
		                errhint("Add wellness_tenancy to shared_preload_libraries in postgresql.conf, restart "
		                        "the server, then run CREATE EXTENSION wellness_tenancy.")));
	wellness_tenancy::DefineProvisioningSettings();
	wellness_tenancy::DefineCacheBudgetSettings();
	wellness_tenancy::DefineTenantPlanSettings();
	wellness_tenancy::DefineTenantSettings();
	wellness_tenancy::DefineTokenSettings();
	wellness_tenancy::DefineQueryIdSettings();
	wellness_tenancy::DefineTenantActivitySettings();
	wellness_tenancy::RegisterTenantRegistryCallbacks();
	wellness_tenancy::RegisterTenantLabelProvider();
	wellness_tenancy::InstallIsolationHooks();
	wellness_tenancy::InstallQueryGuard();
	wellness_tenancy::InstallQueryIdHook();
	// After the isolation hooks: its executor hooks wrap theirs (statement
	// time includes the checks).
	wellness_tenancy::InstallTenantActivity();
	// Last, after every DefineCustom*Variable (some are defined by the
	// Install* calls): reserving the prefix removes the placeholders of
	// settings not defined yet, with the values postgresql.conf gave them.
	MarkGUCPrefixReserved("wellness_tenancy");
}

} // extern "C"
