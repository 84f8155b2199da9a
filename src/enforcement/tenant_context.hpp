// TenantContext: the settings that say which tenant a session or transaction
// works for, and the policy derived from them:
//   wellness_tenancy.tenant              the tenant in force ('' = none)
//   wellness_tenancy.require_tenant      fail closed when no tenant is set
//   wellness_tenancy.local_tenant_only   tenant may only be set with SET LOCAL
//   wellness_tenancy.app_role            role that tenant schemas are granted to
#pragma once

#include "postgres_api.hpp"

#include "tenant_registry.hpp"

namespace wellness_tenancy {

void DefineTenantSettings();

// The tenant named by wellness_tenancy.tenant, "" when none.
const char *CurrentTenantName();

// The schema of the tenant in force; InvalidOid when none is set or it is not
// an active tenant.  Memoised per policy epoch.
Oid CurrentTenantNamespace();

// The app role named by wellness_tenancy.app_role.
const char *AppRoleName();

// Does tenant context restrict this statement at all?  False when no tenant is
// set, require_tenant is off and no tenant is relocated, and in databases
// without the extension.  This is the fast path of every hook.
bool EnforcementActive();

// Is a tenant context in force: a tenant set, or require_tenant on?  (Unlike
// EnforcementActive(), false for a DBA session that is only kept from
// writing relocated tenants' stale copies.)  Session objects and the policy itself are guarded
// only in a tenant context.
bool TenantContextInForce();

// Is wellness_tenancy.local_tenant_only on (the tenant lives one transaction
// at most: the transaction-pooling mode)?
bool LocalTenantOnly();

// Changes whenever the answer of TenantRefusal() may change: the tenant or
// require_tenant was set, or the registry was rebuilt.
uint64 PolicyEpoch();

// The tenant whose schema this is, when the current context may not reach it;
// nullptr when access is allowed.  Call only when EnforcementActive().
const TenantEntry *TenantRefusal(Oid namespace_oid);

// The relocated tenant whose schema this is, when a statement may not write
// there: the stale copy a relocation leaves on its source is readable by a
// DBA without a tenant context (TenantRefusal lets it through) but no
// INSERT, UPDATE, DELETE, MERGE or SELECT FOR UPDATE/SHARE reaches it, so a
// write held up by a cut-over, or a job without tenant context, never lands
// in the copy.  nullptr outside tenant administration brackets' targets and
// for every other schema.  Cheap when no tenant is relocated.
const TenantEntry *RelocatedTenantWrite(Oid namespace_oid);

// Raises the "has moved" error (42501) for a write to that stale copy.
[[noreturn]] void ReportRelocatedTenantWrite(const TenantEntry *target, const char *relation_name);

// Is this the tenant named by wellness_tenancy.tenant?
bool IsCurrentTenant(const TenantEntry *tenant);

// Raises the isolation error (SQLSTATE 42501) for an object of a refused
// tenant.  object_kind/object_name say what was reached ("relation",
// "acme.employees").
[[noreturn]] void ReportTenantRefusal(const TenantEntry *target, const char *object_kind,
                                      const char *object_name);

// Tenant administration (provisioning, dropping, migrating) reaches into
// schemas of tenants other than the current one: refuse it while a tenant
// context is in force.
void RequireNoTenantContext(const char *operation);

// Brackets tenant administration (provisioning, dropping) run without a
// tenant context: it may reach relocated tenants (refused to everyone else)
// and spares the hooks the registry cache.  Brackets nest.  Pair them with
// PG_TRY/PG_FINALLY; an abort also ends them.
void BeginTenantAdministration();
void EndTenantAdministration();

// Runs body inside such a bracket, closed on error too.  Like all code here,
// body keeps no object with a destructor alive across PostgreSQL calls
// (cpp_boundary.hpp): an error longjmps through it.
template <typename Body>
void AsTenantAdministration(Body &&body) {
	BeginTenantAdministration();
	PG_TRY();
	{
		body();
	}
	PG_FINALLY();
	{
		EndTenantAdministration();
	}
	PG_END_TRY();
}

// After SET [LOCAL] wellness_tenancy.tenant = 'x' has run: points search_path
// at the tenant ("x", public) with the same scope, as wt_set_tenant() does, so
// unqualified names resolve in the tenant set by a plain SET -- unless the
// search_path already names the tenant's schema (the application's own path,
// with its shared schemas).  A connection option sets no search_path.
void FollowTenantWithSearchPath(const VariableSetStmt *stmt);

// Called from ProcessUtility for SET/RESET: refuses a session-level SET of the
// tenant in local-only mode before it happens.
void CheckTenantSetStatement(const VariableSetStmt *stmt);

// Called from ProcessUtility for ALTER ROLE/DATABASE/SYSTEM ... SET/RESET:
// the extension's settings are stored only by superusers, never from inside
// a tenant context.
void CheckSettingStatement(const Node *statement);

// Enters a tenant whose token was verified (wt_enter_tenant): sets the tenant
// (past require_signed_tenant) and its search path, like wt_set_tenant.
void EnterVerifiedTenant(const char *tenant, bool is_local);

} // namespace wellness_tenancy
