// TenantLabel: tenant schemas carry the security label 'tenant' of provider
// "wellness_tenancy".  The label travels with the schema through pg_dump
// (also `pg_dump -n`), so a tenant schema restored into a database whose
// registry does not know it is still recognised as a tenant's: the registry
// cache lists it as an unregistered tenant schema, refused to every tenant
// context (and to require_tenant sessions) until a DBA registers it
// (INSERT INTO tenants ... with its schema_version) or drops it.
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// The label provider's name and the one label it accepts.
constexpr const char *kLabelProvider = "wellness_tenancy";
constexpr const char *kTenantLabel = "tenant";

// Registers the label provider; called once from _PG_init.
void RegisterTenantLabelProvider();

// Labels a schema as a tenant's (provisioning, registration of a restored
// schema).  Writes the catalog directly: no permission check, no hooks.
void LabelTenantSchema(Oid namespace_oid);

} // namespace wellness_tenancy
