// The C++/PostgreSQL boundary.
//
// PostgreSQL reports errors with longjmp; C++ unwinds with exceptions.  Neither
// may cross the other: a longjmp over a live C++ object skips its destructor,
// an exception through PostgreSQL frames is undefined behaviour.  So pure C++
// (which may throw, e.g. std::bad_alloc) only runs inside CallCpp(), which turns
// any exception into an ereport(ERROR) *after* the C++ frames are gone, and the
// code between PostgreSQL calls keeps no object with a destructor alive.
#pragma once

#include "postgres_api.hpp"

#include <cstdio>
#include <exception>

namespace wellness_tenancy {

template <typename Body>
void CallCpp(Body &&body) {
	char message[256];
	bool failed = false;
	try {
		body();
	} catch (const std::exception &e) {
		std::snprintf(message, sizeof(message), "%s", e.what());
		failed = true;
	} catch (...) {
		std::snprintf(message, sizeof(message), "unknown C++ exception");
		failed = true;
	}
	if (failed)
		ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
		                errmsg("wellness_tenancy internal error: %s", message)));
}

} // namespace wellness_tenancy
