// Spi: the SPI layer of the administration functions (provisioning,
// migrations, grants): where the extension's objects are, and running
// statements with text arguments, once or planned once per backend.  Errors
// are ereport(ERROR); call inside SPI_connect/SPI_finish.
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// The extension's schema (ERROR when the extension is not installed here).
const char *ExtensionSchemaName();

// "schema".tenants, for SPI statements.
const char *RegistryTable();

// Runs sql; ERROR unless SPI returns `expected`.
void ExecuteOrFail(const char *sql, int expected);

// Runs sql with up to four text arguments ($1..$4; nullptr is NULL);
// returns SPI's result code (ERROR on failure).
int ExecuteWithText(const char *sql, int nargs, const char *const *values, bool read_only);

// A statement that runs for every tenant a migration reaches, planned once per
// backend (SPI_keepplan) instead of once per tenant.  The text names the
// extension's schema, so a different text (the extension re-created
// elsewhere) plans it anew.  Keep it in a static variable.
struct SavedStatement {
	char *sql = nullptr;
	SPIPlanPtr plan = nullptr;
};

// Like ExecuteWithText, with the plan kept in `saved`.
int ExecuteSaved(SavedStatement &saved, const char *sql, int nargs, const char *const *values, bool read_only);

} // namespace wellness_tenancy
