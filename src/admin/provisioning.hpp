// Provisioning settings (the SQL-callable functions are in provisioning.cpp).
#pragma once

namespace wellness_tenancy {

// Defines wellness_tenancy.citus_distribute_tenants; called once from _PG_init,
// before DefineTenantSettings() reserves the prefix.
void DefineProvisioningSettings();

} // namespace wellness_tenancy
