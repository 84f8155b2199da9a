// TenantRegistry: the backend-local view of the registry table that the
// isolation hooks consult on every statement.  Lookups are O(1) hash probes
// whatever the number of tenants; the cache is rebuilt lazily after any change
// to the registry (relcache invalidation of the table, sent by its triggers)
// or to pg_namespace (schema created, dropped, renamed), in every backend.
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

enum class TenantStatus : char {
	kActive = 'a',
	kSuspended = 's',
	kRelocated = 'r',
	// Not in the registry, but labelled as a tenant schema (see
	// tenant_label.hpp): a restored tenant nobody registered.  Refused to
	// every tenant context, like another tenant's schema.
	kUnregistered = 'u',
};

struct TenantEntry {
	NameData schema_name; // hash key of the by-name table: keep first
	Oid namespace_oid;    // InvalidOid when the schema does not exist here
	TenantStatus status;
	const char *placement; // instance the tenant moved to, or nullptr
};

// Registers the invalidation callbacks; called once from _PG_init.
void RegisterTenantRegistryCallbacks();

// Is the extension installed in the current database?  Needs a transaction.
// Cached; the answer costs nothing once known.
bool RegistryInstalled();

// OID of the registry table and of the extension's schema (valid only when
// RegistryInstalled()).
Oid RegistryRelid();
Oid ExtensionNamespace();

// The tenant owning a schema, or nullptr for schemas that belong to no tenant.
const TenantEntry *TenantByNamespace(Oid namespace_oid);

// A registered tenant by schema name, or nullptr.
const TenantEntry *TenantByName(const char *schema_name);

// Does any tenant have status 'relocated'?  (Those are refused to every
// session, with or without tenant context.)
bool RegistryHasRelocatedTenants();

// Increases whenever the cached registry is rebuilt; lets callers memoise
// answers derived from it.
uint64 RegistryGeneration();

// Tells every backend (at commit) that the registry changed.
void InvalidateRegistryEverywhere();

} // namespace wellness_tenancy
