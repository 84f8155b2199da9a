// RelationChecks: the checks the isolation hooks and the utility-statement
// checks share (defined in isolation_hooks.cpp).  Each raises the isolation
// error (42501) or returns; call only while EnforcementActive().
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// A relation reached by a statement: another tenant's (or a TOAST table of
// one, a temporary relation of another tenant context, a materialized view
// over one, a shared postgres_fdw foreign table in tenant context) is refused.
void CheckRelation(Oid relid);

// A relation and every inheritance child and partition (LOCK, VACUUM,
// ANALYZE, REINDEX of a parent work on all of them).
void CheckRelationTree(Oid relid);

// In tenant context the extension's own tables (registry, migrations,
// relocation state) are read-only.
void CheckExtensionRelationWrite(Oid relid);

// A policy change refused in tenant context (what: the object, for the message).
[[noreturn]] void ReportPolicyChange(const char *what);

} // namespace wellness_tenancy
