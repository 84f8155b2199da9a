// CacheBudget: see cache_budget.hpp.
#include "cache_budget.hpp"

namespace wellness_tenancy {

namespace {

int cache_tenants = 0; // wellness_tenancy.cache_tenants; 0: no cap

// The distinct tenants (schemas) worked for since the caches were last
// released, in a hash set of its own memory context; the last one noted
// short-cuts the common case of many statements for one tenant.
HTAB *tenants_seen = nullptr;
Oid last_noted = InvalidOid;

void ForgetTenantsSeen() {
	if (tenants_seen != nullptr)
		hash_destroy(tenants_seen);
	tenants_seen = nullptr;
	last_noted = InvalidOid;
}

} // namespace

void DefineCacheBudgetSettings() {
	DefineCustomIntVariable(
	    "wellness_tenancy.cache_tenants",
	    "Release this backend's catalog caches once it has worked for more than this many tenants.",
	    "Bounds backend memory behind a pooler: each tenant worked for keeps about 30 KB of catalog and "
	    "relation cache entries. The next statement after the cap is exceeded releases them (cached plans "
	    "are re-planned on next use). 0 means no cap.",
	    &cache_tenants, 0, 0, INT_MAX / 2, PGC_SUSET, 0, nullptr, nullptr, nullptr);
}

void NoteTenantWork(Oid tenant_namespace) {
	if (cache_tenants <= 0 || !OidIsValid(tenant_namespace) || tenant_namespace == last_noted)
		return;
	last_noted = tenant_namespace;
	if (tenants_seen == nullptr) {
		HASHCTL ctl;
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(Oid);
		ctl.hcxt = TopMemoryContext;
		tenants_seen = hash_create("wellness_tenancy tenants worked for", 256, &ctl,
		                           HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	bool found = false;
	(void)hash_search(tenants_seen, &tenant_namespace, HASH_ENTER, &found);
	if (found || hash_get_num_entries(tenants_seen) <= cache_tenants)
		return;
	// Over budget: release, and start counting again with this tenant.
	ForgetTenantsSeen();
	InvalidateSystemCaches();
	NoteTenantWork(tenant_namespace);
}

} // namespace wellness_tenancy
