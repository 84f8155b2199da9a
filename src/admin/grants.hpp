// Grants: what the application role is given on a tenant schema and on the
// registry, and the login setting that makes it fail closed without the
// module.  Inside SPI.
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// The app role (wellness_tenancy.app_role); ERROR 42704 when it does not exist.
const char *RequireAppRole();

// The app role's default privileges in a tenant schema: printf formats of
// (quoted schema, quoted grantee), two statements.
extern const char *const kDefaultPrivilegeStatements[2];

// USAGE on the schema (when `usage`) and default privileges (when
// `defaults`), so that tables and sequences the current role creates in it
// later are granted as they are created.  Quoted names.
void GrantSchemaToAppRole(const char *schema, const char *grantee, bool usage, bool defaults);

// USAGE on the schema, DML on its tables and sequences, and default
// privileges; grants only what is missing.
void GrantAppRole(const char *schema_name);

// Names the module in the role's session_preload_libraries (superuser; a
// WARNING otherwise), so that a server without the preload refuses its login.
void RequireModuleAtLogin(const char *role);

// SELECT on the registry's directory columns (id, company_name, schema_name,
// status) for the app role, granted once.
void GrantRegistryToAppRole(const char *role);

} // namespace wellness_tenancy
