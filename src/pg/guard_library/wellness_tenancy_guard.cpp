// wellness_tenancy_guard: the library of wt_internal.guard_support, the
// planner support function of the guarded built-ins (nextval, lo_get, ...;
// src/enforcement/query_guard.cpp).
//
// It is a library of its own because PostgreSQL loads a support function's
// library wherever such a built-in is planned, also in a server started
// without wellness_tenancy in shared_preload_libraries (pg_dump's set_config,
// a DBA's nextval).  wellness_tenancy itself refuses to load there (a
// security module that is not in every backend is worse than none); this
// library loads anywhere and forwards to the module when the module is
// loaded.  When it is not, nothing enforces tenant context in that server at
// all (the app role cannot even log in: session_preload_libraries), and the
// call is left as it is.
#include "postgres_api.hpp"

extern "C" {

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(wt_guard_support);
Datum wt_guard_support(PG_FUNCTION_ARGS) {
	// Set by wellness_tenancy's _PG_init (query_guard.cpp), in the postmaster.
	auto **forward = reinterpret_cast<PGFunction *>(find_rendezvous_variable("wellness_tenancy.guard_support"));
	if (*forward == nullptr)
		PG_RETURN_POINTER(nullptr);
	return (*forward)(fcinfo);
}

} // extern "C"
