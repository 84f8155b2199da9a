// Grants: see grants.hpp.
#include "grants.hpp"

#include "spi.hpp"
#include "tenant_context.hpp"

namespace wellness_tenancy {

const char *RequireAppRole() {
	const char *role = AppRoleName();
	if (!OidIsValid(get_role_oid(role, true)))
		ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
		                errmsg("app role \"%s\" does not exist", role),
		                errdetail("Tenant schemas are granted to the role named by wellness_tenancy.app_role."),
		                errhint("CREATE ROLE %s LOGIN; or SET wellness_tenancy.app_role to the application's role.",
		                        quote_identifier(role))));
	return role;
}

// The schema's relations that lack one of the app role's explicit grants, as
// GRANT lists, whether the role holds USAGE on the schema, and whether the
// current role's default privileges in the schema already cover it.  The relations
// are found through pg_depend's index on the referenced object (the schema),
// so the cost is the tenant's own relations; GRANT ... ON ALL TABLES IN
// SCHEMA scans all of pg_class, which grows with every tenant.
namespace {

const char *kMissingGrantsQuery = R"sql(
WITH target AS (
    SELECT pg_catalog.to_regnamespace(pg_catalog.quote_ident($1))::pg_catalog.oid AS nsp,
           pg_catalog.to_regrole(pg_catalog.quote_ident($2))::pg_catalog.oid AS grantee,
           pg_catalog.to_regrole(pg_catalog.quote_ident(CURRENT_USER))::pg_catalog.oid AS creator
), rel AS (
    SELECT c.relkind, pg_catalog.format('%I.%I', $1, c.relname) AS name,
           (SELECT pg_catalog.count(DISTINCT a.privilege_type) FROM pg_catalog.aclexplode(c.relacl) a
             WHERE a.grantee = t.grantee
               AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE', 'USAGE')) AS granted
    FROM target t
    JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_namespace'::pg_catalog.regclass
                               AND d.refobjid = t.nsp AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                               AND d.objsubid = 0
    JOIN pg_catalog.pg_class c ON c.oid = d.objid
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
)
SELECT (SELECT pg_catalog.string_agg(name, ', ') FROM rel WHERE relkind <> 'S' AND granted < 4),
       (SELECT pg_catalog.string_agg(name, ', ') FROM rel WHERE relkind = 'S' AND granted < 3),
       EXISTS (SELECT FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a, target t
                WHERE n.oid = t.nsp AND a.grantee = t.grantee AND a.privilege_type = 'USAGE'),
       (SELECT pg_catalog.count(DISTINCT d.defaclobjtype::pg_catalog.text || a.privilege_type)
          FROM target t, pg_catalog.pg_default_acl d, pg_catalog.aclexplode(d.defaclacl) a
         WHERE d.defaclrole = t.creator AND d.defaclnamespace = t.nsp
           AND a.grantee = t.grantee
           AND (d.defaclobjtype = 'r' AND a.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE')
                OR d.defaclobjtype = 'S' AND a.privilege_type IN ('USAGE', 'SELECT', 'UPDATE'))) = 7
)sql";

} // namespace

const char *const kDefaultPrivilegeStatements[] = {
    "ALTER DEFAULT PRIVILEGES IN SCHEMA %s GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %s",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA %s GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO %s",
};

// USAGE on the schema and default privileges, so that the tables and
// sequences the current role creates in it later are granted as they are
// created.
void GrantSchemaToAppRole(const char *schema, const char *grantee, bool usage, bool defaults) {
	if (usage)
		ExecuteOrFail(psprintf("GRANT USAGE ON SCHEMA %s TO %s", schema, grantee), SPI_OK_UTILITY);
	if (!defaults)
		return;
	for (const char *statement : kDefaultPrivilegeStatements)
		ExecuteOrFail(psprintf(statement, schema, grantee), SPI_OK_UTILITY);
}

// USAGE on the schema, DML on its tables and sequences, and default
// privileges so that tables and sequences a DBA adds later are covered too.
// Grants only what is missing.
void GrantAppRole(const char *schema_name) {
	const char *role = RequireAppRole();
	// Not read-only: the snapshot must see the relations this transaction just created.
	static SavedStatement missing_grants;
	const char *args[2] = {schema_name, role};
	if (ExecuteSaved(missing_grants, kMissingGrantsQuery, 2, args, false) != SPI_OK_SELECT)
		elog(ERROR, "wellness_tenancy: unexpected result of the grants query");
	char *tables = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	char *sequences = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
	char *has_usage = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3);
	char *has_defaults = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 4);
	const char *grantee = quote_identifier(role);
	if (tables != nullptr)
		ExecuteOrFail(psprintf("GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %s TO %s", tables, grantee),
		              SPI_OK_UTILITY);
	if (sequences != nullptr)
		ExecuteOrFail(psprintf("GRANT USAGE, SELECT, UPDATE ON SEQUENCE %s TO %s", sequences, grantee),
		              SPI_OK_UTILITY);
	GrantSchemaToAppRole(quote_identifier(schema_name), grantee, strcmp(has_usage, "t") != 0,
	                     strcmp(has_defaults, "t") != 0);
}

// The app role must fail closed when the module is not running (a server
// restarted without the preload, a restore into a plain server): with
// session_preload_libraries naming the module, its _PG_init runs at every
// login of the role and, outside shared_preload_libraries, refuses it
// (FATAL).  With the preload in place the second load is a no-op.  Setting it
// needs a superuser; others are warned.
void RequireModuleAtLogin(const char *role) {
	const char *args[] = {role};
	ExecuteWithText("SELECT pg_catalog.substr(s.setting, pg_catalog.strpos(s.setting, '=') + 1) "
	                "FROM pg_catalog.pg_db_role_setting d, pg_catalog.unnest(d.setconfig) AS s(setting) "
	                "WHERE d.setdatabase = 0 AND d.setrole = pg_catalog.to_regrole(pg_catalog.quote_ident($1)) "
	                "AND s.setting LIKE 'session\\_preload\\_libraries=%'",
	                1, args, true);
	const char *current = SPI_processed > 0 ? SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1) : nullptr;
	if (current != nullptr && strstr(current, "wellness_tenancy") != nullptr)
		return;
	if (!superuser()) {
		ereport(WARNING, (errmsg("app role \"%s\" does not fail closed without the module", role),
		                  errdetail("Its session_preload_libraries does not name wellness_tenancy, so a server "
		                            "restarted without the preload would let it read every tenant."),
		                  errhint("As a superuser: ALTER ROLE %s SET session_preload_libraries = 'wellness_tenancy';",
		                          quote_identifier(role))));
		return;
	}
	const char *list = (current != nullptr && current[0] != '\0') ? psprintf("%s, wellness_tenancy", current)
	                                                                : "wellness_tenancy";
	ExecuteOrFail(psprintf("ALTER ROLE %s SET session_preload_libraries = %s", quote_identifier(role),
	                       quote_literal_cstr(list)),
	              SPI_OK_UTILITY);
}

// The application maps a login's company to its schema before it sets the
// tenant (the case study's design grants it the registry): the app role may
// read the registry's directory columns -- id, company_name, schema_name,
// status -- not placement, versions or times.  Company and schema names are
// metadata, visible in tenant context like the catalog's schema names
// (docs/security.md).  Granted once: a grant per tenant would invalidate
// every backend's registry cache at every provisioning.
void GrantRegistryToAppRole(const char *role) {
	const char *args[] = {role, RegistryTable()};
	ExecuteWithText("SELECT pg_catalog.has_column_privilege(pg_catalog.to_regrole(pg_catalog.quote_ident($1)), "
	                "$2::regclass, 'status', 'SELECT')",
	                2, args, true);
	const char *granted = SPI_processed > 0 ? SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1) : nullptr;
	if (granted != nullptr && strcmp(granted, "t") == 0)
		return;
	ExecuteOrFail(psprintf("GRANT SELECT (id, company_name, schema_name, status) ON %s TO %s", RegistryTable(),
	                       quote_identifier(role)),
	              SPI_OK_UTILITY);
}

} // namespace wellness_tenancy
