// Migrations: see migrations.hpp.
#include "migrations.hpp"

#include "spi.hpp"

namespace wellness_tenancy {

namespace {

struct MigrationContext {
	const char *schema_name;
	int version;
};

void MigrationErrorContext(void *arg) {
	auto *context = static_cast<MigrationContext *>(arg);
	errcontext("applying tenant migration %d to schema \"%s\"", context->version, context->schema_name);
}

} // namespace

// Applies every migration above from_version to the schema, in order, with
// search_path set to the tenant schema (then pg_catalog, then pg_temp, so
// nothing temporary can shadow a tenant table).  Returns the version reached.
int ApplyMigrations(const char *schema_name, int from_version) {
	char from[16];
	snprintf(from, sizeof(from), "%d", from_version);
	const char *args[1] = {from};
	static SavedStatement pending;
	ExecuteSaved(pending,
	             psprintf("SELECT version, ddl FROM %s.tenant_migrations WHERE version > $1::int ORDER BY version",
	                      quote_identifier(ExtensionSchemaName())),
	             1, args, true);
	SPITupleTable *migrations = SPI_tuptable;
	uint64 count = SPI_processed;
	int reached = from_version;
	const char *search_path = psprintf("%s, pg_catalog, pg_temp", quote_identifier(schema_name));
	for (uint64 i = 0; i < count; i++) {
		bool isnull;
		int version = DatumGetInt32(SPI_getbinval(migrations->vals[i], migrations->tupdesc, 1, &isnull));
		char *ddl = SPI_getvalue(migrations->vals[i], migrations->tupdesc, 2);

		MigrationContext context{schema_name, version};
		ErrorContextCallback callback;
		callback.callback = MigrationErrorContext;
		callback.arg = &context;
		callback.previous = error_context_stack;
		error_context_stack = &callback;

		int nest_level = NewGUCNestLevel();
		(void)set_config_option("search_path", search_path, PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE,
		                        true, 0, false);
		int rc = SPI_execute(ddl, false, 0);
		if (rc < 0)
			elog(ERROR, "wellness_tenancy: migration %d failed (%s)", version, SPI_result_code_string(rc));
		AtEOXact_GUC(true, nest_level);

		error_context_stack = callback.previous;
		reached = version;
	}
	return reached;
}

} // namespace wellness_tenancy
