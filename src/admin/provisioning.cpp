// Provisioning: creating, migrating and dropping tenant schemas.
//
// wt_create_tenant() and the case study's INSERT INTO tenants take the same
// path: the registry's BEFORE INSERT trigger validates the names, creates the
// schema, applies every tenant migration (migration 1 is the case study's
// template) and grants the app role.  It all runs in the caller's transaction,
// so a failure anywhere leaves neither schema nor registry row behind.
#include "citus_bridge.hpp"
#include "cpp_boundary.hpp"
#include "isolation_hooks.hpp"
#include "provisioning.hpp"
#include "grants.hpp"
#include "migrations.hpp"
#include "spi.hpp"
#include "tenant_context.hpp"
#include "tenant_label.hpp"
#include "tenant_names.hpp"
#include "tenant_registry.hpp"

namespace wellness_tenancy {

namespace {

// --- names -----------------------------------------------------------------------

void ValidateCompanyName(const char *company_name) {
	if (company_name == nullptr)
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
		                errmsg("company name must not be NULL")));
	CompanyNameProblem problem = CompanyNameProblem::kOk;
	const char *description = nullptr;
	CallCpp([&] {
		problem = CheckCompanyName(company_name);
		description = DescribeCompanyNameProblem(problem);
	});
	if (problem == CompanyNameProblem::kOk)
		return;
	ereport(ERROR, (errcode(problem == CompanyNameProblem::kTooLong ? ERRCODE_STRING_DATA_RIGHT_TRUNCATION
	                                                                : ERRCODE_INVALID_PARAMETER_VALUE),
	                errmsg("invalid company name"), errdetail("%s", description)));
}

void ValidateSchemaName(const char *schema_name) {
	if (schema_name == nullptr)
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
		                errmsg("tenant schema name must not be NULL")));
	const char *extension_schema = ExtensionSchemaName();
	NameProblem problem = NameProblem::kOk;
	const char *description = nullptr;
	CallCpp([&] {
		problem = CheckSchemaName(schema_name, extension_schema);
		description = DescribeNameProblem(problem);
	});
	int sqlstate = 0;
	switch (problem) {
	case NameProblem::kOk:
		break;
	case NameProblem::kEmpty:
		sqlstate = ERRCODE_INVALID_PARAMETER_VALUE;
		break;
	case NameProblem::kTooLong:
		sqlstate = ERRCODE_NAME_TOO_LONG;
		break;
	case NameProblem::kNotLowercaseIdentifier:
		sqlstate = ERRCODE_INVALID_NAME;
		break;
	case NameProblem::kReserved:
		sqlstate = ERRCODE_RESERVED_NAME;
		break;
	}
	if (sqlstate != 0)
		ereport(ERROR, (errcode(sqlstate), errmsg("invalid tenant schema name \"%s\"", schema_name),
		                errdetail("%s", description),
		                errhint("Pass a schema name such as 'innovate_inc', or NULL to derive one from the company name.")));
	int keyword = ScanKeywordLookup(schema_name, &ScanKeywords);
	if (keyword >= 0 && ScanKeywordCategories[keyword] == RESERVED_KEYWORD)
		ereport(ERROR, (errcode(ERRCODE_RESERVED_NAME),
		                errmsg("invalid tenant schema name \"%s\"", schema_name),
		                errdetail("\"%s\" is a reserved SQL key word.", schema_name),
		                errhint("Choose another schema name, e.g. '%s_co'.", schema_name)));
}

char *DeriveSchemaNameOrFail(const char *company_name) {
	char derived[kMaxSchemaNameBytes + 1];
	CallCpp([&] {
		std::string name = DeriveSchemaName(company_name);
		snprintf(derived, sizeof(derived), "%s", name.c_str());
	});
	if (derived[0] == '\0')
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("cannot derive a schema name from company name \"%s\"", company_name),
		                errdetail("The company name contains no ASCII letters or digits."),
		                errhint("Pass the schema name explicitly: wt_create_tenant('%s', 'some_name').",
		                        company_name)));
	return pstrdup(derived);
}

// Serialises provisioning of one schema name across sessions, so that two
// concurrent wt_create_tenant('x') give one tenant and one clear error.
void LockSchemaName(const char *schema_name) {
	const char *args[1] = {schema_name};
	ExecuteWithText("SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('wellness_tenancy'), "
	                "pg_catalog.hashtext($1))",
	                1, args, false);
}

void RequireUnusedSchemaName(const char *schema_name) {
	const char *args[1] = {schema_name};
	// Not read-only: SPI then takes a new snapshot, which (in READ COMMITTED)
	// sees what a session we waited for in LockSchemaName() committed.
	ExecuteWithText(psprintf("SELECT 1 FROM %s WHERE schema_name = $1", RegistryTable()), 1, args, false);
	if (SPI_processed > 0)
		ereport(ERROR, (errcode(ERRCODE_DUPLICATE_OBJECT),
		                errmsg("tenant \"%s\" already exists", schema_name),
		                errhint("Choose another schema name.")));
	if (OidIsValid(get_namespace_oid(schema_name, true)))
		ereport(ERROR, (errcode(ERRCODE_DUPLICATE_SCHEMA),
		                errmsg("schema \"%s\" already exists", schema_name),
		                errdetail("A new tenant gets a schema of its own; an existing schema is never taken over."),
		                errhint("Choose another schema name.")));
}

int ProvisionLocalSchema(const char *schema_name);

// --- Citus --------------------------------------------------------------------------

// wellness_tenancy.citus_distribute_tenants: make every new tenant a Citus
// distributed schema when Citus is installed in the database.
bool citus_distribute_tenants = true;

// wellness_tenancy.relocation_fail_at: for tests only.  Names a phase
// boundary of the relocation driver where it stops (see
// wt_internal.relocation_boundary); read by SQL through current_setting().
char *relocation_fail_at = nullptr;

const char *kCitusShardingSetting = "citus.enable_schema_based_sharding";

// True when the citus extension exists in this database.  One syscache-backed
// catalog lookup per provisioning; nothing on the query path.
bool CitusInstalled() { return OidIsValid(get_extension_oid("citus", true)); }

// True when Citus's schema-based sharding is on for this transaction.
bool CitusSchemaShardingOn() {
	const char *value = GetConfigOption(kCitusShardingSetting, true, false);
	return value != nullptr && strcmp(value, "on") == 0;
}

// Citus turns a schema made by CREATE SCHEMA under schema-based sharding into
// a distributed schema at once, but converts only top-level CREATE TABLE: the
// template's tables, created through SPI, would stay local in a schema that
// can then be neither distributed nor undistributed.  So the schema is
// created and filled with the setting off (restored by AtEOXact_GUC, or by
// the transaction's abort), and distributed afterwards in one call.
int SuspendCitusSchemaSharding() {
	int nest_level = NewGUCNestLevel();
	if (CitusSchemaShardingOn())
		(void)set_config_option(kCitusShardingSetting, "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0,
		                        false);
	return nest_level;
}

// Makes the provisioned schema a Citus distributed schema: each of its tables
// becomes a single-shard table, all in one colocation group placed on one
// node, with the tables' grants; Citus creates the schema with its grants on
// every node.  Citus does not propagate default privileges (not even a
// top-level ALTER DEFAULT PRIVILEGES), so the app role's are sent to every
// worker here, in Citus's distributed transaction (after the schema, on the
// same connections): a table a DBA or a tool later creates in the schema on
// a worker is granted as on the coordinator.  In the caller's transaction: a
// failure here undoes the whole provisioning, on the workers too.
void DistributeTenantSchema(const char *schema_name, const char *grantee) {
	ExecuteOrFail(psprintf("SELECT pg_catalog.citus_schema_distribute(%s::regnamespace)",
	                       quote_literal_cstr(quote_identifier(schema_name))),
	              SPI_OK_SELECT);
	for (const char *statement : kDefaultPrivilegeStatements)
		if (!SendCommandToCitusWorkers(psprintf(statement, quote_identifier(schema_name), grantee)))
			ereport(WARNING, (errmsg("default privileges of tenant \"%s\" were not sent to the Citus workers",
			                         schema_name),
			                  errdetail("This Citus version does not export SendCommandToWorkersWithMetadata."),
			                  errhint("Run the schema's ALTER DEFAULT PRIVILEGES on each worker.")));
}

// Citus makes a table created in a distributed schema a tenant table only for
// a top-level CREATE TABLE; a migration's runs through SPI and would stay a
// local table on the coordinator.  So after migrations that created
// relations, each ordinary or partitioned table of a distributed tenant schema
// that Citus does not know yet becomes a single-shard table co-located with
// the schema's others (what Citus itself does for a top-level CREATE TABLE).
// Tables are taken in creation order, so that one referencing an earlier new
// table by a foreign key finds it distributed.  No-op without Citus, or for a
// schema that is not distributed.
void DistributeNewTenantTables(const char *schema_name) {
	if (!CitusInstalled())
		return;
	const char *args[1] = {schema_name};
	ExecuteWithText(R"sql(
SELECT pg_catalog.create_distributed_table(c.oid::pg_catalog.regclass, NULL,
       colocate_with => (SELECT p.logicalrelid::pg_catalog.regclass::pg_catalog.text
                           FROM pg_catalog.pg_dist_partition p
                           JOIN pg_catalog.pg_class pc ON pc.oid = p.logicalrelid
                          WHERE pc.relnamespace = s.schemaid AND p.colocationid = s.colocationid
                          ORDER BY p.logicalrelid LIMIT 1))
  FROM pg_catalog.pg_dist_schema s
  JOIN pg_catalog.pg_class c ON c.relnamespace = s.schemaid
 WHERE s.schemaid = pg_catalog.to_regnamespace(pg_catalog.quote_ident($1))
   AND c.relkind IN ('r', 'p') AND NOT c.relispartition
   AND NOT EXISTS (SELECT FROM pg_catalog.pg_dist_partition p WHERE p.logicalrelid = c.oid)
   AND EXISTS (SELECT FROM pg_catalog.pg_dist_partition p JOIN pg_catalog.pg_class pc ON pc.oid = p.logicalrelid
                WHERE pc.relnamespace = s.schemaid AND p.colocationid = s.colocationid)
 ORDER BY c.oid)sql",
	                1, args, false);
}

// Creates and fills the schema; returns the schema version reached.  With
// Citus installed and citus_distribute_tenants (or Citus's schema-based
// sharding) on, the filled schema becomes a distributed schema.
int ProvisionSchema(const char *schema_name) {
	bool distribute = CitusInstalled() && (citus_distribute_tenants || CitusSchemaShardingOn());
	int nest_level = distribute ? SuspendCitusSchemaSharding() : 0;
	int version = ProvisionLocalSchema(schema_name);
	if (distribute) {
		AtEOXact_GUC(true, nest_level);
		DistributeTenantSchema(schema_name, quote_identifier(RequireAppRole()));
	}
	return version;
}

// Creates and fills the schema on this server; returns the schema version reached.
int ProvisionLocalSchema(const char *schema_name) {
	LockSchemaName(schema_name);
	RequireUnusedSchemaName(schema_name);
	const char *role = RequireAppRole(); // before anything is created, for a clear error
	const char *grantee = quote_identifier(role);
	RequireModuleAtLogin(role);
	GrantRegistryToAppRole(role);
	const char *schema = quote_identifier(schema_name);
	ExecuteOrFail(psprintf("CREATE SCHEMA %s", schema), SPI_OK_UTILITY);
	CommandCounterIncrement();
	LabelTenantSchema(get_namespace_oid(schema_name, false));
	// Default privileges first: the template's tables are created granted.
	// GrantAppRole then grants whatever the migrations created otherwise.
	GrantSchemaToAppRole(schema, grantee, true, true);
	int version = ApplyMigrations(schema_name, 0);
	GrantAppRole(schema_name);
	return version;
}

// Objects outside the schema that depend on objects inside it: DROP SCHEMA
// ... CASCADE would silently take them along.
const char *kOutsideDependentsQuery = R"sql(
WITH inside(classid, objid) AS (
    SELECT 'pg_catalog.pg_class'::pg_catalog.regclass, oid FROM pg_catalog.pg_class WHERE relnamespace = $1::pg_catalog.regnamespace
    UNION ALL
    SELECT 'pg_catalog.pg_type'::pg_catalog.regclass, oid FROM pg_catalog.pg_type WHERE typnamespace = $1::pg_catalog.regnamespace
    UNION ALL
    SELECT 'pg_catalog.pg_proc'::pg_catalog.regclass, oid FROM pg_catalog.pg_proc WHERE pronamespace = $1::pg_catalog.regnamespace
), dependent AS (
    SELECT d.classid, d.objid, d.objsubid,
           CASE d.classid
             WHEN 'pg_catalog.pg_class'::pg_catalog.regclass THEN (SELECT relnamespace FROM pg_catalog.pg_class WHERE oid = d.objid)
             WHEN 'pg_catalog.pg_type'::pg_catalog.regclass THEN (SELECT typnamespace FROM pg_catalog.pg_type WHERE oid = d.objid)
             WHEN 'pg_catalog.pg_proc'::pg_catalog.regclass THEN (SELECT pronamespace FROM pg_catalog.pg_proc WHERE oid = d.objid)
             WHEN 'pg_catalog.pg_constraint'::pg_catalog.regclass THEN (SELECT connamespace FROM pg_catalog.pg_constraint WHERE oid = d.objid)
             WHEN 'pg_catalog.pg_rewrite'::pg_catalog.regclass THEN (SELECT c.relnamespace FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class WHERE r.oid = d.objid)
             WHEN 'pg_catalog.pg_trigger'::pg_catalog.regclass THEN (SELECT c.relnamespace FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid WHERE t.oid = d.objid)
             WHEN 'pg_catalog.pg_attrdef'::pg_catalog.regclass THEN (SELECT c.relnamespace FROM pg_catalog.pg_attrdef a JOIN pg_catalog.pg_class c ON c.oid = a.adrelid WHERE a.oid = d.objid)
             WHEN 'pg_catalog.pg_policy'::pg_catalog.regclass THEN (SELECT c.relnamespace FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid WHERE p.oid = d.objid)
           END AS nsp
    FROM pg_catalog.pg_depend d JOIN inside i ON d.refclassid = i.classid AND d.refobjid = i.objid
    WHERE d.deptype IN ('n', 'a')
)
SELECT pg_catalog.string_agg(pg_catalog.pg_describe_object(classid, objid, objsubid), ', ' ORDER BY 1)
FROM dependent WHERE nsp IS DISTINCT FROM $1::pg_catalog.regnamespace
)sql";

void RequireNoOutsideDependents(const char *schema_name) {
	const char *args[1] = {quote_identifier(schema_name)};
	ExecuteWithText(kOutsideDependentsQuery, 1, args, true);
	char *dependents = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (dependents != nullptr)
		ereport(ERROR, (errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
		                errmsg("cannot drop tenant \"%s\" because objects outside its schema depend on it",
		                       schema_name),
		                errdetail("Dependent objects: %s.", dependents),
		                errhint("Drop or change those objects first; offboarding touches nothing but the tenant.")));
}

// The start of a function that administers one tenant named by its first
// argument: no tenant context, a schema name, an SPI connection.
const char *BeginTenantCall(FunctionCallInfo fcinfo, const char *operation) {
	RequireNoTenantContext(operation);
	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
		                errmsg("tenant schema name must not be NULL")));
	const char *schema_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "wellness_tenancy: SPI_connect failed");
	return schema_name;
}

// Registry column numbers of the trigger's relation.
int RegistryColumn(TupleDesc desc, const char *name) {
	int attnum = SPI_fnumber(desc, name);
	if (attnum <= 0)
		elog(ERROR, "wellness_tenancy registry has no column \"%s\"", name);
	return attnum;
}

} // namespace

void DefineProvisioningSettings() {
	DefineCustomBoolVariable(
	    "wellness_tenancy.citus_distribute_tenants",
	    "Provision every new tenant as a Citus distributed schema when Citus is installed.",
	    "wt_create_tenant() and the registry INSERT then call citus_schema_distribute() on the filled schema, "
	    "in the same transaction: its tables become co-located single-shard tables on one node. Off keeps "
	    "new tenants local to the coordinator unless citus.enable_schema_based_sharding is on.",
	    &citus_distribute_tenants, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);
	DefineCustomStringVariable(
	    "wellness_tenancy.relocation_fail_at",
	    "For tests only: the relocation phase boundary where wt_relocation_start/cutover stop.",
	    "'<boundary>' raises an error there; '<boundary>:pause' waits there for the advisory lock "
	    "hashtext('wellness_tenancy.relocation_fail_at') and goes on, so that a test can crash either "
	    "instance at that point. Empty (the default): no effect.",
	    &relocation_fail_at, "", PGC_SUSET, 0, nullptr, nullptr, nullptr);
}

} // namespace wellness_tenancy

using namespace wellness_tenancy;

extern "C" {

// BEFORE INSERT ON tenants FOR EACH ROW: provisions the tenant of the new row.
// A row that already carries a schema_version is an existing, provisioned
// tenant being restored (pg_restore) or relocated: it is registered as it is
// and its schema must already exist.
PG_FUNCTION_INFO_V1(wt_registry_provision);
Datum wt_registry_provision(PG_FUNCTION_ARGS) {
	auto *trigger = reinterpret_cast<TriggerData *>(fcinfo->context);
	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(trigger->tg_event) ||
	    !TRIGGER_FIRED_FOR_ROW(trigger->tg_event) || !TRIGGER_FIRED_BY_INSERT(trigger->tg_event))
		elog(ERROR, "wt_registry_provision() must run as a BEFORE INSERT FOR EACH ROW trigger");
	RequireNoTenantContext("provision a tenant");

	TupleDesc desc = RelationGetDescr(trigger->tg_relation);
	HeapTuple row = trigger->tg_trigtuple;
	int att_company = RegistryColumn(desc, "company_name");
	int att_schema = RegistryColumn(desc, "schema_name");
	int att_version = RegistryColumn(desc, "schema_version");

	char *company_name = SPI_getvalue(row, desc, att_company);
	char *schema_name = SPI_getvalue(row, desc, att_schema);
	bool restoring;
	(void)SPI_getbinval(row, desc, att_version, &restoring);
	restoring = !restoring;

	ValidateCompanyName(company_name);
	if (schema_name == nullptr)
		schema_name = DeriveSchemaNameOrFail(company_name);
	ValidateSchemaName(schema_name);

	if (restoring) {
		if (!OidIsValid(get_namespace_oid(schema_name, true)))
			ereport(ERROR, (errcode(ERRCODE_UNDEFINED_SCHEMA),
			                errmsg("schema \"%s\" of restored tenant does not exist", schema_name),
			                errdetail("A registry row with a schema_version registers an existing tenant schema."),
			                errhint("Insert without schema_version to provision a new tenant.")));
		// A schema restored by an older dump, or created by hand, gets the
		// label a provisioned tenant schema carries.
		LabelTenantSchema(get_namespace_oid(schema_name, false));
		return PointerGetDatum(row);
	}

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "wellness_tenancy: SPI_connect failed");
	int version = 0;
	AsTenantAdministration([&] { version = ProvisionSchema(schema_name); });
	SPI_finish();

	int columns[2] = {att_schema, att_version};
	Datum values[2] = {CStringGetTextDatum(schema_name), Int32GetDatum(version)};
	bool nulls[2] = {false, false};
	HeapTuple provisioned = heap_modify_tuple_by_cols(row, desc, 2, columns, values, nulls);
	return PointerGetDatum(provisioned);
}

// AFTER ... FOR EACH STATEMENT ON tenants: every backend rebuilds its tenant
// cache, so a tenant created, suspended or dropped elsewhere is enforced at
// once (at commit).
PG_FUNCTION_INFO_V1(wt_registry_changed);
Datum wt_registry_changed(PG_FUNCTION_ARGS) {
	if (!CALLED_AS_TRIGGER(fcinfo))
		elog(ERROR, "wt_registry_changed() must run as a trigger");
	if (RegistryInstalled())
		InvalidateRegistryEverywhere();
	return PointerGetDatum(nullptr);
}

PG_FUNCTION_INFO_V1(wt_create_tenant);
Datum wt_create_tenant(PG_FUNCTION_ARGS) {
	RequireNoTenantContext("create a tenant");
	const char *company_name = PG_ARGISNULL(0) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(0));
	const char *schema_name = PG_ARGISNULL(1) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(1));
	// Validated here too, so that the registry's column types (varchar(255),
	// varchar(63)) never answer first with a less helpful error.
	ValidateCompanyName(company_name);
	if (schema_name != nullptr)
		ValidateSchemaName(schema_name);
	auto *id = static_cast<pg_uuid_t *>(palloc(sizeof(pg_uuid_t)));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "wellness_tenancy: SPI_connect failed");
	const char *args[2] = {company_name, schema_name};
	AsTenantAdministration([&] {
		ExecuteWithText(psprintf("INSERT INTO %s (company_name, schema_name) VALUES ($1, $2) RETURNING id",
		                         RegistryTable()),
		                2, args, false);
	});
	bool isnull;
	Datum inserted = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	memcpy(id, DatumGetUUIDP(inserted), sizeof(pg_uuid_t));
	SPI_finish();
	PG_RETURN_UUID_P(id);
}

PG_FUNCTION_INFO_V1(wt_drop_tenant);
Datum wt_drop_tenant(PG_FUNCTION_ARGS) {
	const char *schema_name = BeginTenantCall(fcinfo, "drop a tenant");
	const char *args[1] = {schema_name};
	LockSchemaName(schema_name);
	ExecuteWithText(psprintf("SELECT status FROM %s WHERE schema_name = $1 FOR UPDATE", RegistryTable()), 1,
	                args, false);
	if (SPI_processed == 0)
		ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
		                errmsg("\"%s\" is not a registered tenant", schema_name),
		                errhint("Tenants are listed in the registry table \"tenants\".")));
	// Protection against accidents: an active tenant is served; it has to be
	// suspended (or relocated away) before its data can be dropped.
	char *status = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
	if (strcmp(status, "active") == 0)
		ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
		                errmsg("cannot drop active tenant \"%s\"", schema_name),
		                errdetail("Only suspended or relocated tenants can be dropped."),
		                errhint("Suspend it first: SELECT wt_suspend_tenant('%s');", schema_name)));
	AsTenantAdministration([&] {
		if (OidIsValid(get_namespace_oid(schema_name, true))) {
			RequireNoOutsideDependents(schema_name);
			ExecuteOrFail(psprintf("DROP SCHEMA %s CASCADE", quote_identifier(schema_name)), SPI_OK_UTILITY);
		}
		ExecuteWithText(psprintf("DELETE FROM %s WHERE schema_name = $1", RegistryTable()), 1, args, false);
	});
	SPI_finish();
	ereport(NOTICE, (errmsg("tenant \"%s\" dropped: schema and registry row removed", schema_name)));
	PG_RETURN_VOID();
}

// Applies the pending tenant migrations to one tenant, atomically (the
// caller's transaction), and records the version reached.  The batch
// procedure calls it once per tenant.
PG_FUNCTION_INFO_V1(wt_migrate_tenant);
Datum wt_migrate_tenant(PG_FUNCTION_ARGS) {
	const char *schema_name = BeginTenantCall(fcinfo, "migrate a tenant");
	const char *args[1] = {schema_name};
	static SavedStatement lock_row;
	ExecuteSaved(lock_row,
	             psprintf("SELECT COALESCE(schema_version, 0) FROM %s WHERE schema_name = $1 FOR UPDATE",
	                      RegistryTable()),
	             1, args, false);
	if (SPI_processed == 0)
		ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
		                errmsg("\"%s\" is not a registered tenant", schema_name)));
	bool isnull;
	int from_version = DatumGetInt32(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
	uint64 relations_before = RelationsCreated();
	int reached = ApplyMigrations(schema_name, from_version);
	if (reached != from_version) {
		// A step that created no relation (ADD COLUMN, most CREATE INDEX
		// runs...) changes nothing the app role needs granted.
		if (RelationsCreated() != relations_before) {
			DistributeNewTenantTables(schema_name);
			GrantAppRole(schema_name);
		}
		char version[16];
		snprintf(version, sizeof(version), "%d", reached);
		const char *update_args[2] = {schema_name, version};
		static SavedStatement record_version;
		ExecuteSaved(record_version,
		             psprintf("UPDATE %s SET schema_version = $2::int, updated_at = pg_catalog.now() "
		                      "WHERE schema_name = $1",
		                      RegistryTable()),
		             2, update_args, false);
	}
	SPI_finish();
	PG_RETURN_INT32(reached);
}

// wt_internal.validate_company_name(text): the company-name rule of
// wt_create_tenant() and the registry trigger, for the SQL functions that take
// a company name too (wt_rename_tenant), so that the rule exists once.  Not
// STRICT: a NULL name is refused like any other invalid one.
PG_FUNCTION_INFO_V1(wt_validate_company_name);
Datum wt_validate_company_name(PG_FUNCTION_ARGS) {
	ValidateCompanyName(PG_ARGISNULL(0) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(0)));
	PG_RETURN_VOID();
}

// wt_require_no_tenant_context(operation text): the guard every tenant
// administration function starts with, the same one wt_create_tenant() and
// wt_drop_tenant() run (RequireNoTenantContext), for the PL/pgSQL ones.
PG_FUNCTION_INFO_V1(wt_require_no_tenant_context);
Datum wt_require_no_tenant_context(PG_FUNCTION_ARGS) {
	RequireNoTenantContext(PG_ARGISNULL(0) ? "administer tenants" : text_to_cstring(PG_GETARG_TEXT_PP(0)));
	PG_RETURN_VOID();
}

// wt_internal.lock_tenant_name(text): the tenant lock protocol (the advisory
// lock LockSchemaName takes for provisioning and offboarding), for the
// PL/pgSQL lifecycle functions (wt_lock_tenant), so that the lock key is
// computed in one place.
PG_FUNCTION_INFO_V1(wt_lock_tenant_name);
Datum wt_lock_tenant_name(PG_FUNCTION_ARGS) {
	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
		                errmsg("tenant schema name must not be NULL")));
	const char *schema_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "wellness_tenancy: SPI_connect failed");
	LockSchemaName(schema_name);
	SPI_finish();
	PG_RETURN_VOID();
}

// wt_internal.report_relocated_tenant(schema_name, placement, hint): the
// "has moved" error of tenant administration (suspend, resume, export of a
// tenant that now lives on another instance), for the PL/pgSQL functions, so
// that its message, SQLSTATE and detail are written once.  Always raises.
PG_FUNCTION_INFO_V1(wt_report_relocated_tenant);
Datum wt_report_relocated_tenant(PG_FUNCTION_ARGS) {
	const char *schema_name = PG_ARGISNULL(0) ? "(unknown)" : text_to_cstring(PG_GETARG_TEXT_PP(0));
	bool placement_known = !PG_ARGISNULL(1);
	const char *placement = placement_known ? text_to_cstring(PG_GETARG_TEXT_PP(1)) : "(unknown)";
	const char *hint = PG_ARGISNULL(2) ? "Run it on the instance that holds the tenant." : text_to_cstring(PG_GETARG_TEXT_PP(2));
	ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
	                errmsg("tenant \"%s\" has moved to instance \"%s\"", schema_name, placement),
	                placement_known ? errdetail("The registry names instance \"%s\" as the tenant's home; this "
	                                            "instance no longer serves it.",
	                                            placement)
	                                : errdetail("The registry marks the tenant relocated without naming its new "
	                                            "instance; this instance no longer serves it."),
	                errhint("%s wt_tenant_directory() lists placements.", hint)));
	PG_RETURN_VOID();
}

// wt_internal.grant_app_role(schema_name): the app role's privileges on an
// existing tenant schema exactly as provisioning grants them (the registry's
// directory columns, the module at the role's login, USAGE, DML on tables and
// sequences, default privileges; only what is missing), for wt_adopt_tenant(),
// so that the grant rules exist once.  Administration: refused in tenant
// context.
PG_FUNCTION_INFO_V1(wt_grant_app_role);
Datum wt_grant_app_role(PG_FUNCTION_ARGS) {
	const char *schema_name = BeginTenantCall(fcinfo, "grant the app role a tenant schema");
	if (!OidIsValid(get_namespace_oid(schema_name, true)))
		ereport(ERROR, (errcode(ERRCODE_UNDEFINED_SCHEMA), errmsg("schema \"%s\" does not exist", schema_name),
		                errdetail("The app role is granted an existing tenant schema."),
		                errhint("Restore or provision the schema first.")));
	AsTenantAdministration([&] {
		const char *role = RequireAppRole();
		RequireModuleAtLogin(role);
		GrantRegistryToAppRole(role);
		GrantAppRole(schema_name);
	});
	SPI_finish();
	PG_RETURN_VOID();
}

PG_FUNCTION_INFO_V1(wt_derive_schema_name);
Datum wt_derive_schema_name(PG_FUNCTION_ARGS) {
	const char *company_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	PG_RETURN_TEXT_P(cstring_to_text(DeriveSchemaNameOrFail(company_name)));
}

} // extern "C"
