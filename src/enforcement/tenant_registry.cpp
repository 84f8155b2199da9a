// TenantRegistry: see tenant_registry.hpp.
#include "tenant_registry.hpp"

#include "tenant_label.hpp"

namespace wellness_tenancy {

namespace {

constexpr const char *kExtensionName = "wellness_tenancy";
constexpr const char *kRegistryTable = "tenants";

enum class InstallState { kUnknown, kAbsent, kPresent };

InstallState install_state = InstallState::kUnknown;
Oid registry_relid = InvalidOid;
Oid extension_namespace = InvalidOid;

// The cache proper: both hash tables live in cache_context, which is reset
// as a whole on rebuild.
MemoryContext cache_context = nullptr;
HTAB *tenants_by_name = nullptr; // NameData -> TenantEntry
struct NamespaceSlot {
	Oid namespace_oid; // hash key
	TenantEntry *tenant;
};
HTAB *tenants_by_namespace = nullptr; // Oid -> NamespaceSlot
bool cache_valid = false;
uint64 cache_generation = 0;
bool any_relocated = false;

void RegistryRelcacheCallback(Datum, Oid relid) {
	if (relid == InvalidOid || relid == registry_relid) {
		cache_valid = false;
		// A status change (suspend, relocate) changes which schemas the search
		// path may resolve to: have it resolved again (one flag, no catalog
		// access, cached plans re-planned only if the path really changes).
		assign_search_path(nullptr, nullptr);
		// The registry may have been dropped (DROP EXTENSION) or moved.
		install_state = InstallState::kUnknown;
	}
}

void NamespaceSyscacheCallback(Datum, int, uint32) { cache_valid = false; }

// A new pg_class row may be CREATE EXTENSION creating the registry.  Only
// matters while we believe the extension is absent.
void RelationSyscacheCallback(Datum, int, uint32) {
	if (install_state == InstallState::kAbsent)
		install_state = InstallState::kUnknown;
}

// pg_extension has no syscache in PostgreSQL 15: scan it by name.
Oid FindExtensionNamespace() {
	Relation rel = table_open(ExtensionRelationId, AccessShareLock);
	ScanKeyData key;
	ScanKeyInit(&key, Anum_pg_extension_extname, BTEqualStrategyNumber, F_NAMEEQ,
	            CStringGetDatum(kExtensionName));
	SysScanDesc scan = systable_beginscan(rel, ExtensionNameIndexId, true, nullptr, 1, &key);
	HeapTuple tuple = systable_getnext(scan);
	Oid result = HeapTupleIsValid(tuple)
	                 ? reinterpret_cast<Form_pg_extension>(GETSTRUCT(tuple))->extnamespace
	                 : InvalidOid;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

void EnsureCacheContext() {
	if (cache_context == nullptr)
		cache_context = AllocSetContextCreate(CacheMemoryContext, "wellness_tenancy registry cache",
		                                      ALLOCSET_DEFAULT_SIZES);
}

TenantStatus ParseStatus(const char *status) {
	if (strcmp(status, "suspended") == 0)
		return TenantStatus::kSuspended;
	if (strcmp(status, "relocated") == 0)
		return TenantStatus::kRelocated;
	return TenantStatus::kActive;
}

// Adds the schemas labelled as tenant schemas that the registry does not list
// (restored from another database's dump, or left behind): kUnregistered
// entries, reachable through the by-schema table only (they cannot be set as
// a tenant).  pg_seclabel has no index on the provider; it holds one row per
// labelled object, so the scan costs about as much as the registry's.
void AddUnregisteredTenantSchemas() {
	Relation rel = table_open(SecLabelRelationId, AccessShareLock);
	ScanKeyData key;
	ScanKeyInit(&key, Anum_pg_seclabel_classoid, BTEqualStrategyNumber, F_OIDEQ,
	            ObjectIdGetDatum(NamespaceRelationId));
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, nullptr, 1, &key);
	HeapTuple tuple;
	while ((tuple = systable_getnext(scan)) != nullptr) {
		bool isnull;
		Datum provider = heap_getattr(tuple, Anum_pg_seclabel_provider, RelationGetDescr(rel), &isnull);
		if (isnull || strcmp(TextDatumGetCString(provider), kLabelProvider) != 0)
			continue;
		Oid namespace_oid = reinterpret_cast<FormData_pg_seclabel *>(GETSTRUCT(tuple))->objoid;
		bool found;
		auto *slot = static_cast<NamespaceSlot *>(
		    hash_search(tenants_by_namespace, &namespace_oid, HASH_ENTER, &found));
		if (found) // a registered tenant
			continue;
		const char *name = get_namespace_name(namespace_oid);
		if (name == nullptr) { // dropped in this transaction
			(void)hash_search(tenants_by_namespace, &namespace_oid, HASH_REMOVE, nullptr);
			continue;
		}
		auto *entry = static_cast<TenantEntry *>(MemoryContextAllocZero(cache_context, sizeof(TenantEntry)));
		namestrcpy(&entry->schema_name, name);
		entry->namespace_oid = namespace_oid;
		entry->status = TenantStatus::kUnregistered;
		entry->placement = nullptr;
		slot->tenant = entry;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

// The schema of every registered tenant, from one scan of pg_namespace
// rather than a catalog-cache lookup per tenant: the lookups would leave a
// cache entry per tenant in every backend (about 0.25 KB each, most of the
// registry's memory at 10,000 tenants) for schemas the backend may never
// touch.
void ResolveTenantSchemas() {
	if (hash_get_num_entries(tenants_by_name) == 0)
		return;
	Relation rel = table_open(NamespaceRelationId, AccessShareLock);
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, nullptr, 0, nullptr);
	HeapTuple tuple;
	while ((tuple = systable_getnext(scan)) != nullptr) {
		auto *form = reinterpret_cast<Form_pg_namespace>(GETSTRUCT(tuple));
		auto *entry = static_cast<TenantEntry *>(
		    hash_search(tenants_by_name, NameStr(form->nspname), HASH_FIND, nullptr));
		if (entry == nullptr)
			continue;
		entry->namespace_oid = form->oid;
		auto *slot = static_cast<NamespaceSlot *>(
		    hash_search(tenants_by_namespace, &entry->namespace_oid, HASH_ENTER, nullptr));
		slot->tenant = entry;
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

// Reads the registry with a plain heap scan (no executor, so no hooks and no
// recursion into the checks this cache serves) under a catalog snapshot: the
// latest committed state plus this transaction's own changes, taken without
// starting the transaction's own snapshot (SET TRANSACTION ISOLATION LEVEL
// must still work after SET LOCAL wellness_tenancy.tenant).
void BuildCache() {
	EnsureCacheContext();
	MemoryContextReset(cache_context);
	any_relocated = false;

	HASHCTL ctl;
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = NAMEDATALEN;
	ctl.entrysize = sizeof(TenantEntry);
	ctl.hcxt = cache_context;
	tenants_by_name = hash_create("wellness_tenancy tenants by name", 256, &ctl,
	                              HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(NamespaceSlot);
	tenants_by_namespace = hash_create("wellness_tenancy tenants by schema", 256, &ctl,
	                                   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	if (!OidIsValid(registry_relid)) { // extension not installed: no tenants
		cache_generation++;
		return;
	}
	Relation rel = table_open(registry_relid, AccessShareLock);
	TupleDesc desc = RelationGetDescr(rel);
	AttrNumber att_schema = InvalidAttrNumber, att_status = InvalidAttrNumber,
	           att_placement = InvalidAttrNumber;
	for (int i = 0; i < desc->natts; i++) {
		Form_pg_attribute att = TupleDescAttr(desc, i);
		if (att->attisdropped)
			continue;
		if (strcmp(NameStr(att->attname), "schema_name") == 0)
			att_schema = att->attnum;
		else if (strcmp(NameStr(att->attname), "status") == 0)
			att_status = att->attnum;
		else if (strcmp(NameStr(att->attname), "placement") == 0)
			att_placement = att->attnum;
	}
	if (att_schema == InvalidAttrNumber)
		elog(ERROR, "wellness_tenancy registry table has no schema_name column");

	Snapshot snapshot = RegisterSnapshot(GetCatalogSnapshot(registry_relid));
	TableScanDesc scan = table_beginscan(rel, snapshot, 0, nullptr);
	HeapTuple tuple;
	while ((tuple = heap_getnext(scan, ForwardScanDirection)) != nullptr) {
		bool isnull;
		Datum schema_datum = heap_getattr(tuple, att_schema, desc, &isnull);
		if (isnull)
			continue;
		char *schema_name = TextDatumGetCString(schema_datum);
		bool found;
		auto *entry = static_cast<TenantEntry *>(
		    hash_search(tenants_by_name, schema_name, HASH_ENTER, &found));
		pfree(schema_name);
		entry->namespace_oid = InvalidOid; // ResolveTenantSchemas, below
		entry->status = TenantStatus::kActive;
		entry->placement = nullptr;
		if (att_status != InvalidAttrNumber) {
			Datum d = heap_getattr(tuple, att_status, desc, &isnull);
			if (!isnull)
				entry->status = ParseStatus(TextDatumGetCString(d));
		}
		if (entry->status == TenantStatus::kRelocated)
			any_relocated = true;
		if (att_placement != InvalidAttrNumber) {
			Datum d = heap_getattr(tuple, att_placement, desc, &isnull);
			if (!isnull)
				entry->placement = MemoryContextStrdup(cache_context, TextDatumGetCString(d));
		}
	}
	table_endscan(scan);
	UnregisterSnapshot(snapshot);
	table_close(rel, AccessShareLock);
	ResolveTenantSchemas();
	AddUnregisteredTenantSchemas();
	cache_generation++;
}

void EnsureCache() {
	// An invalidation that arrives while we build (table_open accepts them)
	// marks the cache invalid again; build until it stays valid.
	while (!cache_valid) {
		cache_valid = true;
		BuildCache();
	}
}

} // namespace

void RegisterTenantRegistryCallbacks() {
	CacheRegisterRelcacheCallback(RegistryRelcacheCallback, (Datum)0);
	CacheRegisterSyscacheCallback(NAMESPACEOID, NamespaceSyscacheCallback, (Datum)0);
	CacheRegisterSyscacheCallback(RELOID, RelationSyscacheCallback, (Datum)0);
}

bool RegistryInstalled() {
	if (install_state != InstallState::kUnknown)
		return install_state == InstallState::kPresent;
	if (!IsTransactionState())
		return false;
	Oid nsp = FindExtensionNamespace();
	Oid relid = OidIsValid(nsp) ? get_relname_relid(kRegistryTable, nsp) : InvalidOid;
	// During CREATE EXTENSION the extension row exists before its registry.
	if (OidIsValid(relid)) {
		extension_namespace = nsp;
		registry_relid = relid;
		install_state = InstallState::kPresent;
		cache_valid = false;
	} else {
		registry_relid = InvalidOid;
		install_state = InstallState::kAbsent;
	}
	return install_state == InstallState::kPresent;
}

Oid RegistryRelid() { return registry_relid; }
Oid ExtensionNamespace() { return extension_namespace; }

const TenantEntry *TenantByNamespace(Oid namespace_oid) {
	EnsureCache();
	auto *slot =
	    static_cast<NamespaceSlot *>(hash_search(tenants_by_namespace, &namespace_oid, HASH_FIND, nullptr));
	return slot ? slot->tenant : nullptr;
}

const TenantEntry *TenantByName(const char *schema_name) {
	if (strlen(schema_name) >= NAMEDATALEN)
		return nullptr;
	EnsureCache();
	return static_cast<TenantEntry *>(hash_search(tenants_by_name, schema_name, HASH_FIND, nullptr));
}

bool RegistryHasRelocatedTenants() {
	EnsureCache();
	return any_relocated;
}

uint64 RegistryGeneration() {
	EnsureCache();
	return cache_generation;
}

void InvalidateRegistryEverywhere() {
	if (OidIsValid(registry_relid))
		CacheInvalidateRelcacheByRelid(registry_relid);
}

} // namespace wellness_tenancy
