// Migrations: applying the registered tenant migrations to one schema.
// wt_run_migrations (SQL) drives runs over all tenants; provisioning and
// wt_migrate_tenant call this for one.
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// Applies every migration above from_version to the schema, in order, with
// search_path set to the tenant schema (then pg_catalog, then pg_temp), each
// error with the migration's number and schema as context.  Returns the
// version reached.  Inside SPI.
int ApplyMigrations(const char *schema_name, int from_version);

} // namespace wellness_tenancy
