// QueryId: tenant-normalised query identifiers.
//
// Core's query identifier (compute_query_id) jumbles the analysed query,
// relation OIDs included, so one statement run in 10,000 tenant schemas gets
// 10,000 identifiers and as many pg_stat_statements entries.  A
// post_parse_analyze hook recomputes the identifier of a query that names
// objects of tenant schemas as if every tenant's object of that name were one:
// each such relation (and function) is given a stand-in OID derived from its
// name alone, the query is jumbled again with core's JumbleQuery(), and the
// result (marked as normalised) replaces query->queryId before the previous
// hook (pg_stat_statements) sees it.  The identifier is statistics only:
// isolation never depends on it.
//
//   wellness_tenancy.normalize_query_id   bool, superuser, default on
//
// Pays nothing when no identifier is computed (queryId 0: compute_query_id
// auto without a module that needs it) and one walk of the range tables when
// no tenant object is named.
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// Defines wellness_tenancy.normalize_query_id; called once from _PG_init.
void DefineQueryIdSettings();

// Installs the post_parse_analyze hook; called once from _PG_init.
void InstallQueryIdHook();

} // namespace wellness_tenancy
