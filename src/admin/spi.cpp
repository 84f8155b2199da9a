// Spi: see spi.hpp.
#include "spi.hpp"

#include "tenant_registry.hpp"

namespace wellness_tenancy {

const char *ExtensionSchemaName() {
	if (!RegistryInstalled())
		ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
		                errmsg("extension \"wellness_tenancy\" is not installed in this database")));
	return get_namespace_name(ExtensionNamespace());
}

// "schema".tenants, for SPI statements.
const char *RegistryTable() {
	return psprintf("%s.tenants", quote_identifier(ExtensionSchemaName()));
}

void ExecuteOrFail(const char *sql, int expected) {
	int rc = SPI_execute(sql, false, 0);
	if (rc != expected)
		elog(ERROR, "wellness_tenancy: SPI_execute failed (%s): %s", SPI_result_code_string(rc), sql);
}

namespace {

// Up to four text arguments (NULL for SQL NULL) of an SPI statement.
constexpr int kMaxTextArguments = 4;
const Oid kTextTypes[kMaxTextArguments] = {TEXTOID, TEXTOID, TEXTOID, TEXTOID};
struct TextArguments {
	Datum datums[kMaxTextArguments] = {};
	char nulls[kMaxTextArguments] = {' ', ' ', ' ', ' '};
	TextArguments(int nargs, const char *const *values) {
		Assert(nargs <= kMaxTextArguments);
		for (int i = 0; i < nargs; i++) {
			nulls[i] = values[i] ? ' ' : 'n';
			datums[i] = values[i] ? CStringGetTextDatum(values[i]) : (Datum)0;
		}
	}
};

} // namespace

int ExecuteWithText(const char *sql, int nargs, const char *const *values, bool read_only) {
	TextArguments args(nargs, values);
	int rc = SPI_execute_with_args(sql, nargs, const_cast<Oid *>(kTextTypes), args.datums, args.nulls, read_only, 0);
	if (rc < 0)
		elog(ERROR, "wellness_tenancy: SPI failed (%s): %s", SPI_result_code_string(rc), sql);
	return rc;
}

int ExecuteSaved(SavedStatement &saved, const char *sql, int nargs, const char *const *values, bool read_only) {
	if (saved.plan == nullptr || strcmp(saved.sql, sql) != 0) {
		SPIPlanPtr plan = SPI_prepare(sql, nargs, const_cast<Oid *>(kTextTypes));
		if (plan == nullptr || SPI_keepplan(plan) != 0)
			elog(ERROR, "wellness_tenancy: SPI_prepare failed (%s): %s", SPI_result_code_string(SPI_result), sql);
		if (saved.plan != nullptr) {
			SPI_freeplan(saved.plan);
			pfree(saved.sql);
		}
		saved.sql = MemoryContextStrdup(TopMemoryContext, sql);
		saved.plan = plan;
	}
	TextArguments args(nargs, values);
	int rc = SPI_execute_plan(saved.plan, args.datums, args.nulls, read_only, 0);
	if (rc < 0)
		elog(ERROR, "wellness_tenancy: SPI failed (%s): %s", SPI_result_code_string(rc), sql);
	return rc;
}

} // namespace wellness_tenancy
