// TenantPlans: SQL prepared statements that keep a plan per tenant.
//
// PostgreSQL remembers the search_path a prepared statement was analysed
// under and, when the path differs at EXECUTE, analyses and plans it again:
// an application that PREPAREs once and EXECUTEs in every tenant's
// transaction re-plans on every switch (the case study's design pays the
// same).  Here, EXECUTE (and EXPLAIN EXECUTE) under a tenant runs the
// statement with that tenant's own copy of its plan source (CopyCachedPlan,
// saved like any cached plan), made at the first EXECUTE under the tenant:
// each copy is analysed for its tenant once and then re-used, and
// PostgreSQL's own invalidation (DDL, ANALYZE, function and role changes, a
// different search_path) keeps working on every copy.  The executor's
// relation check runs on every execution whatever plan is used.
//
// The copies of one backend are bounded by wellness_tenancy.tenant_plans
// (least recently used first out); DEALLOCATE, DISCARD and PREPARE again
// under the same name drop a statement's copies.
//
// Protocol-level prepared statements (a driver's Parse, then Bind/Execute)
// are bound in messages no hook sees, so they follow the tenant instead:
// when a statement sets the tenant (wt_set_tenant, wt_enter_tenant, SET,
// set_config), each protocol-level statement the session has executed gets
// the new tenant's copy put into its entry and keeps it until the tenant
// changes again.  The same cap and recency list bound both kinds of copy.
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// Defines wellness_tenancy.tenant_plans; called from _PG_init.
void DefineTenantPlanSettings();

// One EXECUTE run with a tenant's copy swapped into the prepared statement.
struct TenantPlanSwap {
	bool active = false;
	bool restored = false;      // put back early: DEALLOCATE/DISCARD while it ran
	char name[NAMEDATALEN] = "";
	void *entry = nullptr;      // the PreparedStatement swapped
	void *original = nullptr;   // its own CachedPlanSource
	void *copy = nullptr;       // the tenant's CachedPlanSource
	void *memo = nullptr;       // the memo entry holding the copy
};

// ProcessUtility, before the statement runs: for EXECUTE or EXPLAIN EXECUTE
// of an SQL prepared statement under a tenant, swaps in the tenant's copy of
// its plan source (made on first use) and fills *swap.  Does nothing when
// no tenant is set, the setting is 0 or the statement is not such an EXECUTE.
void BeginTenantPlan(Node *statement, TenantPlanSwap *swap);

// After the statement ran or failed (PG_FINALLY): puts the statement's own
// plan source back.  Copes with a statement deallocated while it ran.
void EndTenantPlan(TenantPlanSwap *swap);

// ProcessUtility, before DEALLOCATE or DISCARD ALL: a statement it drops
// that an EXECUTE is running with a tenant's copy gets its own plan source
// back first, so that PostgreSQL drops that one (the copy goes when the
// EXECUTE ends).
void RestoreTenantPlansBefore(Node *statement);

// ProcessUtility, after DEALLOCATE, DISCARD or PREPARE: drops the copies of
// statements that no longer exist or were prepared again.
void ForgetStaleTenantPlans();

// ExecutorStart: the portal being started was bound from this protocol-level
// statement (Portal.prepStmtName) and runs `plan` (Portal.cplan): the
// statement follows the tenant from now on.
void NoteProtocolStatement(const char *name, const void *plan);

// After the tenant was set: every protocol-level statement noted gets the
// tenant's copy of its plan source (none set: its own back).
void FollowTenantWithProtocolStatements();

// Before DEALLOCATE name (nullptr: all) or DISCARD ALL: the statements'
// own plan sources go back into their entries, so that PostgreSQL drops
// those; ForgetStaleTenantPlans then drops the copies.
void RestoreProtocolStatements(const char *name);

// Drops the copies of protocol-level statements that were closed.
void ReconcileProtocolStatements();

} // namespace wellness_tenancy
