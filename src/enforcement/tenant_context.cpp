// TenantContext: see tenant_context.hpp.
#include "tenant_context.hpp"
#include "tenant_plans.hpp"
#include "guc_compat.hpp"
#include "session_objects.hpp"

#include "tenant_activity.hpp"

namespace wellness_tenancy {

namespace {

constexpr const char *kTenantSetting = "wellness_tenancy.tenant";

char *tenant_setting = nullptr;
char *app_role_setting = nullptr;
bool require_tenant = false;
bool local_tenant_only = false;

// Set while tenant administration (wt_drop_tenant) works on tenants that are
// otherwise refused to everyone (relocated).
// Depth of tenant administration brackets (see BeginTenantAdministration).
int administration_depth = 0;

// Bumped by the assign hooks whenever the tenant or require_tenant changes.
uint64 settings_epoch = 0;

// The GUC record of wellness_tenancy.tenant, to read what survives commit.
const void *tenant_guc = nullptr; // the setting, for GucCompat

// Tenant lock: once a transaction has entered a tenant (and the lock is in
// force: tenant_lock or local_tenant_only), that tenant stays the one
// enforced until the transaction ends, whatever happens to the setting.
// Explicit changes are refused with an error where PostgreSQL lets us (check
// hook, SET/RESET statements); paths that bypass check hooks (a reset to the
// default value, set_config(..., NULL, ...)) change the setting but not the
// tenant enforced, so no path leaves the tenant or enters another.
bool tenant_lock = false;
bool lock_held = false;
char locked_tenant[NAMEDATALEN];

bool TenantLockInForce() { return tenant_lock || local_tenant_only; }

// Signed tenant context: with require_signed_tenant on, the tenant is entered
// only through wt_enter_tenant() with a verified token (tenant_token.cpp).
// A value that arrived any other way (a connection option, which no check
// hook sees) is enforced as a tenant that matches no schema: fail closed.
bool require_signed_tenant = false;
bool entering_verified = false;
char verified_tenant[NAMEDATALEN];
bool verified_local = false; // entered with is_local: verification ends with the transaction
constexpr const char *kUnverifiedTenant = "(unverified)";

// The tenant the checks enforce when the setting is `value` and
// require_signed_tenant is `signed_only`: the locked one, else the value.
const char *EffectiveTenantWith(const char *value, bool signed_only) {
	if (lock_held)
		return locked_tenant;
	if (value == nullptr)
		value = "";
	if (signed_only && value[0] != '\0' && strcmp(value, verified_tenant) != 0)
		return kUnverifiedTenant;
	return value;
}

// The tenant the checks enforce: the locked one, else the setting's value.
const char *EffectiveTenant() { return EffectiveTenantWith(tenant_setting, require_signed_tenant); }

bool TenantIsSet() { return EffectiveTenant()[0] != '\0'; }

// The last (schema, role) whose USAGE privilege CheckTenant confirmed, and
// the registry generation it was confirmed in: a tenant switched to again and
// again is not re-checked against its ACL every time.  Forgotten when the
// registry cache is rebuilt (GRANT and REVOKE on a schema invalidate it) and
// when any role or role membership changes.
Oid usage_memo_namespace = InvalidOid;
Oid usage_memo_role = InvalidOid;
uint64 usage_memo_generation = 0;

void RoleSyscacheCallback(Datum, int, uint32) { usage_memo_namespace = InvalidOid; }

bool HasSchemaUsage(Oid namespace_oid) {
	Oid role = GetUserId();
	uint64 generation = RegistryGeneration();
	if (namespace_oid == usage_memo_namespace && role == usage_memo_role && generation == usage_memo_generation)
		return true;
	if (pg_namespace_aclcheck(namespace_oid, role, ACL_USAGE) != ACLCHECK_OK)
		return false;
	usage_memo_namespace = namespace_oid;
	usage_memo_role = role;
	usage_memo_generation = generation;
	return true;
}

bool CheckTenant(char **newval, void **extra, GucSource source) {
	const char *name = *newval;
	// A transaction that began inside a (session-level) tenant is locked to
	// it as much as one that entered it with SET LOCAL.
	const char *held = lock_held ? locked_tenant : "";
	if (!lock_held && TenantLockInForce() && IsTransactionState() && tenant_setting != nullptr)
		held = tenant_setting;
	if (held[0] != '\0' && source != PGC_S_TEST && strcmp(name ? name : "", held) != 0) {
		GUC_check_errcode(ERRCODE_INSUFFICIENT_PRIVILEGE);
		GUC_check_errmsg("this transaction is locked to tenant \"%s\"", held);
		GUC_check_errdetail("wellness_tenancy.tenant_lock (or local_tenant_only) is on: a transaction that has "
		                    "entered a tenant can neither switch to another nor leave it.");
		GUC_check_errhint("End the transaction (COMMIT or ROLLBACK) and set the tenant in the next one.");
		return false;
	}
	if (name == nullptr || name[0] == '\0')
		return true;
	if (require_signed_tenant && !entering_verified && source != PGC_S_TEST && IsTransactionState()) {
		GUC_check_errcode(ERRCODE_INSUFFICIENT_PRIVILEGE);
		GUC_check_errmsg("tenant context of this role is entered only with a signed token");
		GUC_check_errdetail("wellness_tenancy.require_signed_tenant is on: SET, set_config() and wt_set_tenant() "
		                    "cannot choose the tenant.");
		GUC_check_errhint("Call wt_enter_tenant(token) with a token minted by the application's backend.");
		return false;
	}
	// ALTER ROLE/DATABASE ... SET: checked again when it takes effect.  Outside
	// a transaction (startup), and in parallel workers, which trust the
	// leader's value, the catalogs cannot or need not be read: an unknown
	// tenant then simply reaches no tenant schema at all (fail closed).
	if (source == PGC_S_TEST || !IsTransactionState() || InitializingParallelWorker ||
	    IsParallelWorker())
		return true;
	if (!RegistryInstalled()) {
		GUC_check_errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE);
		GUC_check_errmsg("extension \"wellness_tenancy\" is not installed in this database");
		GUC_check_errhint("Run CREATE EXTENSION wellness_tenancy first.");
		return false;
	}
	const TenantEntry *tenant = TenantByName(name);
	if (tenant == nullptr) {
		GUC_check_errcode(ERRCODE_UNDEFINED_OBJECT);
		GUC_check_errmsg("\"%s\" is not a registered tenant", name);
		GUC_check_errhint("Tenants are listed in the registry table \"tenants\"; create one with wt_create_tenant().");
		return false;
	}
	if (tenant->status == TenantStatus::kSuspended) {
		GUC_check_errcode(ERRCODE_INSUFFICIENT_PRIVILEGE);
		GUC_check_errmsg("tenant \"%s\" is suspended", name);
		GUC_check_errhint("A DBA resumes it with wt_resume_tenant('%s').", name);
		return false;
	}
	if (tenant->status == TenantStatus::kRelocated) {
		GUC_check_errcode(ERRCODE_INSUFFICIENT_PRIVILEGE);
		GUC_check_errmsg("tenant \"%s\" has moved to instance \"%s\"", name,
		                 tenant->placement ? tenant->placement : "(unknown)");
		GUC_check_errhint("Connect to the instance that holds the tenant; wt_tenant_directory() lists placements.");
		return false;
	}
	if (!OidIsValid(tenant->namespace_oid)) {
		GUC_check_errcode(ERRCODE_UNDEFINED_SCHEMA);
		GUC_check_errmsg("schema of tenant \"%s\" does not exist", name);
		GUC_check_errhint("wt_tenant_drift() reports differences between the registry and the catalog.");
		return false;
	}
	if (!HasSchemaUsage(tenant->namespace_oid)) {
		GUC_check_errcode(ERRCODE_INSUFFICIENT_PRIVILEGE);
		GUC_check_errmsg("permission denied for schema %s of tenant \"%s\"", name, name);
		GUC_check_errhint("The role needs USAGE on the tenant's schema (granted to wellness_tenancy.app_role at provisioning).");
		return false;
	}
	return true;
}

// Assign hooks must not fail or read catalogs: they only note that the policy
// changed and that the search path must be resolved again (the namespace-search
// hook then drops schemas this context may not reach).  Marking the path stale
// costs one flag; cached plans are re-planned only when the resolved path
// really differs.
void NotePolicyChange() {
	settings_epoch++;
	assign_search_path(nullptr, nullptr);
}

void AssignTenant(const char *newval, void *extra) {
	const char *old = tenant_setting ? tenant_setting : "";
	if (strcmp(old, newval ? newval : "") != 0)
		NotePolicyChange();
	// Entering a tenant inside a transaction takes the lock (assign hooks
	// run inside the transaction for SET/set_config; at transaction end
	// the state is no longer TRANS_INPROGRESS and nothing is taken).
	// A value that was already a tenant when this transaction changed it
	// (RESET, set_config(..., NULL), which no check hook sees) is the one
	// locked; otherwise the tenant entered.
	const char *lock_to = old[0] != '\0' ? old : (newval ? newval : "");
	if (!lock_held && TenantLockInForce() && lock_to[0] != '\0' && IsTransactionState() &&
	    !IsParallelWorker() && strlen(lock_to) < NAMEDATALEN) {
		strlcpy(locked_tenant, lock_to, NAMEDATALEN);
		lock_held = true;
	}
	// Channels listened on for another tenant stop with the change; it takes
	// effect when the change commits, with the setting (not at transaction
	// end, when the state is no longer TRANS_INPROGRESS).
	if (IsTransactionState() && !IsParallelWorker())
		StopOtherTenantsChannels(newval ? newval : "");
	// The tenant in force once newval is assigned, for wt_sessions.
	PublishTenant(EffectiveTenantWith(newval, require_signed_tenant));
}

void AssignRequireSignedTenant(bool newval, void *extra) {
	if (newval != require_signed_tenant) {
		NotePolicyChange();
		PublishTenant(EffectiveTenantWith(tenant_setting, newval));
	}
}

void AssignRequireTenant(bool newval, void *extra) {
	if (newval != require_tenant)
		NotePolicyChange();
}

// The value wellness_tenancy.tenant will have once this transaction commits.
const char *TenantValueAfterCommit() { return StringSettingValueAfterCommit(tenant_guc); }

[[noreturn]] void ReportSessionLevelTenant() {
	ereport(ERROR,
	        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
	         errmsg("wellness_tenancy.tenant may only be set transaction-locally"),
	         errdetail("wellness_tenancy.local_tenant_only is on: a session-level tenant would outlive "
	                   "the transaction and, behind a transaction-mode pooler, serve the next client."),
	         errhint("Inside the transaction use SET LOCAL wellness_tenancy.tenant = '...' or "
	                 "SELECT wt_set_tenant('...', true).")));
	pg_unreachable();
}

// In local-only mode no tenant may survive a commit, however it was set
// (SET, set_config(..., false), a connection option): refuse the commit,
// which rolls the setting back with everything else.
void LocalOnlyXactCallback(XactEvent event, void *arg) {
	if (event == XACT_EVENT_ABORT)
		administration_depth = 0;
	bool ended = false; // a verification or the lock ended: the tenant in force may change
	if (verified_local && (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT || event == XACT_EVENT_PREPARE)) {
		verified_tenant[0] = '\0';
		verified_local = false;
		settings_epoch++; // the effective tenant may have changed (memos keyed by the epoch)
		ended = true;
	}
	if (lock_held && (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT || event == XACT_EVENT_PREPARE ||
	                  event == XACT_EVENT_PARALLEL_COMMIT || event == XACT_EVENT_PARALLEL_ABORT)) {
		lock_held = false;
		NotePolicyChange();
		ended = true;
	}
	// Published for wt_sessions; the setting's own end (SET LOCAL) comes
	// through AssignTenant right after.
	if (ended)
		PublishTenant(EffectiveTenant());
	if (!local_tenant_only || tenant_guc == nullptr)
		return;
	if (event != XACT_EVENT_PRE_COMMIT && event != XACT_EVENT_PRE_PREPARE)
		return;
	if (TenantValueAfterCommit()[0] != '\0')
		ReportSessionLevelTenant();
}

emit_log_hook_type previous_emit_log = nullptr;

// A relation that does not exist, looked up while require_tenant is on and no
// tenant is set: the unqualified name would have resolved in the tenant's
// schema.  Say so in the error's hint (emit_log_hook runs before the error
// is sent to the client, when it is logged: at the default
// log_min_messages).  Reads flags only: no catalog access in error handling.
void TenantHintLogHook(ErrorData *edata) {
	if (edata->elevel >= ERROR && edata->sqlerrcode == ERRCODE_UNDEFINED_TABLE && edata->hint == nullptr &&
	    require_tenant && !TenantIsSet())
		edata->hint = pstrdup("No tenant is set and wellness_tenancy.require_tenant is on: unqualified names "
		                      "resolve in a tenant's schema once it is set (BEGIN; SELECT wt_set_tenant('...', true); ...).");
	if (previous_emit_log != nullptr)
		previous_emit_log(edata);
}

} // namespace

bool LocalTenantOnly() { return local_tenant_only; }

void DefineTenantSettings() {
	DefineCustomStringVariable(
	    kTenantSetting, "The tenant (schema name) this session or transaction works for.",
	    "While set, every other tenant's schema is refused, for every role. Empty means none.",
	    &tenant_setting, "", PGC_USERSET, GUC_REPORT | GUC_NOT_IN_SAMPLE, CheckTenant, AssignTenant,
	    nullptr);
	DefineCustomBoolVariable(
	    "wellness_tenancy.require_tenant", "Refuse every tenant schema while no tenant is set.",
	    "Set it for the application role (ALTER ROLE wellness_app SET ...) so that a session that "
	    "forgot its tenant fails closed.",
	    &require_tenant, false, PGC_SUSET, 0, nullptr, AssignRequireTenant, nullptr);
	DefineCustomBoolVariable(
	    "wellness_tenancy.local_tenant_only",
	    "Allow the tenant to be set only transaction-locally (SET LOCAL).",
	    "For transaction-mode connection poolers: tenant context can never outlive a transaction.",
	    &local_tenant_only, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
	DefineCustomBoolVariable(
	    "wellness_tenancy.tenant_lock",
	    "Lock a transaction to the first tenant it enters.",
	    "Once a transaction has set a tenant, it can neither switch to another tenant nor leave it until it "
	    "ends, so injected SQL cannot change companies. Always in force with local_tenant_only.",
	    &tenant_lock, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
	DefineCustomBoolVariable(
	    "wellness_tenancy.require_signed_tenant",
	    "Allow entering a tenant only with a signed token (wt_enter_tenant).",
	    "Set it for the application role: injected SQL cannot choose another company without a token "
	    "signed with a key the database never shows the role (wellness_tenancy.token_keys).",
	    &require_signed_tenant, false, PGC_SUSET, 0, nullptr, AssignRequireSignedTenant, nullptr);
	DefineCustomStringVariable(
	    "wellness_tenancy.app_role", "The role tenant schemas are granted to at provisioning.",
	    nullptr, &app_role_setting, "wellness_app", PGC_SUSET, 0, nullptr, nullptr, nullptr);
	// The prefix is reserved at the end of _PG_init, once every setting is
	// defined: reserving it drops the values (postgresql.conf, -c) of the
	// settings not yet defined.

	tenant_guc = FindStringSetting(kTenantSetting);
	previous_emit_log = emit_log_hook;
	emit_log_hook = TenantHintLogHook;
	CacheRegisterSyscacheCallback(AUTHOID, RoleSyscacheCallback, (Datum)0);
	CacheRegisterSyscacheCallback(AUTHMEMMEMROLE, RoleSyscacheCallback, (Datum)0);
	RegisterXactCallback(LocalOnlyXactCallback, nullptr);
}

const char *CurrentTenantName() { return EffectiveTenant(); }

const char *AppRoleName() { return app_role_setting ? app_role_setting : ""; }

bool EnforcementActive() {
	// Parallel workers enforce too: a PARALLEL SAFE function may run queries
	// of its own in a worker.  They trust the leader's tenant (no validation
	// on restore) and read the same registry.  While a worker restores the
	// leader's settings no query runs yet: nothing to enforce.
	if (InitializingParallelWorker)
		return false;
	if (TenantIsSet() || require_tenant)
		return RegistryInstalled();
	// Without tenant context only writes to relocated tenants' stale copies
	// are refused.
	// Tenant administration is checked first: provisioning creates a schema
	// and a registry row per tenant, each of which invalidates the registry
	// cache; asking it about relocated tenants would rebuild it per tenant.
	return administration_depth == 0 && RegistryInstalled() && RegistryHasRelocatedTenants();
}

bool TenantContextInForce() { return (TenantIsSet() || require_tenant) && RegistryInstalled(); }

uint64 PolicyEpoch() { return settings_epoch + RegistryGeneration(); }

// The current tenant's schema, memoised per policy epoch; InvalidOid when
// none is set or it is not an active tenant (then nothing is reachable).
Oid CurrentTenantNamespace() {
	static uint64 resolved_epoch = PG_UINT64_MAX;
	static Oid current_namespace = InvalidOid;
	uint64 epoch = PolicyEpoch();
	if (epoch != resolved_epoch) {
		const TenantEntry *tenant = TenantIsSet() ? TenantByName(EffectiveTenant()) : nullptr;
		current_namespace = (tenant != nullptr && tenant->status == TenantStatus::kActive)
		                        ? tenant->namespace_oid
		                        : InvalidOid;
		resolved_epoch = epoch;
	}
	return current_namespace;
}


const TenantEntry *TenantRefusal(Oid namespace_oid) {
	// Schemas made by initdb (pg_catalog, public, information_schema) are never
	// tenants; this keeps catalog-heavy statements off the hash table.
	if (namespace_oid < FirstNormalObjectId)
		return nullptr;
	// The tenant's own schema (the common case) before the hash probe; the
	// current namespace is valid only for an active tenant that is set.
	if (namespace_oid == CurrentTenantNamespace())
		return nullptr;
	const TenantEntry *tenant = TenantByNamespace(namespace_oid);
	if (tenant == nullptr)
		return nullptr;
	// A relocated tenant's data here is a stale copy: a tenant context is
	// told where the tenant went; a DBA without one reads the copy (pg_dump,
	// wt_tenant_fingerprint) until it is dropped -- writes to it are refused
	// separately (RelocatedTenantWrite).
	if (!TenantIsSet() && !require_tenant)
		return nullptr;
	if (tenant->status == TenantStatus::kRelocated && administration_depth > 0)
		return nullptr;
	return tenant;
}

const TenantEntry *RelocatedTenantWrite(Oid namespace_oid) {
	if (namespace_oid < FirstNormalObjectId || administration_depth > 0 || !RegistryHasRelocatedTenants())
		return nullptr;
	const TenantEntry *tenant = TenantByNamespace(namespace_oid);
	return (tenant != nullptr && tenant->status == TenantStatus::kRelocated) ? tenant : nullptr;
}

void ReportRelocatedTenantWrite(const TenantEntry *target, const char *relation_name) {
	const char *target_name = NameStr(target->schema_name);
	ereport(ERROR,
	        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
	         errmsg("tenant \"%s\" has moved to instance \"%s\"", target_name,
	                target->placement ? target->placement : "(unknown)"),
	         errdetail("Relation \"%s\" is the stale copy left by the relocation: it may be read (pg_dump, "
	                   "wt_tenant_fingerprint) but not written, since the tenant's writes belong to its new home.",
	                   relation_name),
	         errhint("Write on the instance that holds the tenant (wt_tenant_directory() lists placements); drop "
	                 "the copy here with wt_drop_tenant('%s').",
	                 target_name)));
}

bool IsCurrentTenant(const TenantEntry *tenant) {
	return TenantIsSet() && strcmp(NameStr(tenant->schema_name), EffectiveTenant()) == 0;
}

void ReportTenantRefusal(const TenantEntry *target, const char *object_kind, const char *object_name) {
	CountTenantRefusal(); // wt_metrics: wellness_tenancy_refusals_total
	const char *target_name = NameStr(target->schema_name);
	if (target->status == TenantStatus::kRelocated)
		ereport(ERROR,
		        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		         errmsg("tenant \"%s\" has moved to instance \"%s\"", target_name,
		                target->placement ? target->placement : "(unknown)"),
		         errdetail("%s \"%s\" is no longer served by this instance.", object_kind, object_name),
		         errhint("Connect to the instance that holds the tenant; wt_tenant_directory() lists placements.")));
	if (target->status == TenantStatus::kUnregistered)
		ereport(ERROR,
		        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		         errmsg("schema \"%s\" is a tenant schema that is not registered in this database", target_name),
		         errdetail("%s \"%s\" belongs to a tenant schema (it carries the wellness_tenancy label) "
		                   "without a registry row, so no tenant context may reach it.",
		                   object_kind, object_name),
		         errhint("A DBA registers a restored tenant with INSERT INTO tenants (company_name, schema_name, "
		                 "schema_version) VALUES (...), or drops the schema.")));
	if (IsCurrentTenant(target))
		ereport(ERROR,
		        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		         errmsg("tenant \"%s\" is suspended", target_name),
		         errdetail("%s \"%s\" of a suspended tenant is not served.", object_kind, object_name),
		         errhint("A DBA resumes it with wt_resume_tenant('%s').", target_name)));
	// A schema reference names no relation yet (the parser's position marks it).
	bool whole_schema = strcmp(object_kind, "schema") == 0;
	if (TenantIsSet())
		ereport(ERROR,
		        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		         whole_schema ? errmsg("tenant \"%s\" may not reach the schema of tenant \"%s\"", EffectiveTenant(),
		                               target_name)
		                      : errmsg("tenant \"%s\" may not reach %s \"%s\" of tenant \"%s\"", EffectiveTenant(),
		                               object_kind, object_name, target_name),
		         errdetail("While wellness_tenancy.tenant is \"%s\", only its own schema and shared "
		                   "schemas are reachable; \"%s\" belongs to another tenant.",
		                   EffectiveTenant(), target_name),
		         errhint("Tenant context is set per session or transaction with "
		                 "wellness_tenancy.tenant or wt_set_tenant(); work across tenants "
		                 "without a tenant set, as a role without require_tenant.")));
	ereport(ERROR,
	        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
	         whole_schema ? errmsg("no tenant is set: the schema of tenant \"%s\" is refused", target_name)
	                      : errmsg("no tenant is set: %s \"%s\" belongs to tenant \"%s\"", object_kind,
	                               object_name, target_name),
	         errdetail("wellness_tenancy.require_tenant is on, so every tenant schema is refused "
	                   "until a tenant is set."),
	         errhint("Set the tenant first: SET LOCAL wellness_tenancy.tenant = '%s' or "
	                 "SELECT wt_set_tenant('%s', true).",
	                 target_name, target_name)));
	pg_unreachable();
}

void RequireNoTenantContext(const char *operation) {
	if (TenantIsSet())
		ereport(ERROR,
		        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		         errmsg("cannot %s while tenant \"%s\" is set", operation, EffectiveTenant()),
		         errdetail("Tenant administration reaches into other tenants' schemas."),
		         errhint("RESET wellness_tenancy.tenant first.")));
	if (require_tenant)
		ereport(ERROR,
		        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		         errmsg("cannot %s while wellness_tenancy.require_tenant is on", operation),
		         errdetail("Tenant administration reaches into every tenant's schema."),
		         errhint("Run it as a DBA role without require_tenant.")));
}

void BeginTenantAdministration() { administration_depth++; }
void EndTenantAdministration() {
	if (administration_depth > 0)
		administration_depth--;
}

void CheckTenantSetStatement(const VariableSetStmt *stmt) {
	bool names_tenant = stmt->name != nullptr && strcmp(stmt->name, kTenantSetting) == 0;
	if (lock_held && (stmt->kind == VAR_RESET_ALL ||
	                  (names_tenant && (stmt->kind == VAR_RESET || stmt->kind == VAR_SET_DEFAULT))))
		ereport(ERROR,
		        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		         errmsg("this transaction is locked to tenant \"%s\"", locked_tenant),
		         errdetail("wellness_tenancy.tenant_lock (or local_tenant_only) is on: a transaction that has "
		                   "entered a tenant can neither switch to another nor leave it."),
		         errhint("End the transaction (COMMIT or ROLLBACK); the tenant ends with it.")));
	// SET LOCAL outside a transaction block sets nothing (PostgreSQL only
	// warns): under local_tenant_only the statements that follow would run
	// without the tenant the application meant to set.
	if (local_tenant_only && names_tenant && stmt->is_local && stmt->kind == VAR_SET_VALUE && !IsTransactionBlock())
		ereport(ERROR,
		        (errcode(ERRCODE_NO_ACTIVE_SQL_TRANSACTION),
		         errmsg("SET LOCAL wellness_tenancy.tenant outside a transaction block sets no tenant"),
		         errdetail("wellness_tenancy.local_tenant_only is on: the tenant would end with this statement, "
		                   "and the statements that follow would run without one."),
		         errhint("Run it after BEGIN, in the transaction whose statements it is for.")));
	if (!local_tenant_only || stmt->is_local || stmt->name == nullptr ||
	    strcmp(stmt->name, kTenantSetting) != 0)
		return;
	if (stmt->kind == VAR_SET_VALUE || stmt->kind == VAR_SET_CURRENT)
		ReportSessionLevelTenant();
}

namespace {

// Points search_path at the tenant now set ("x", public), with the scope of
// the setting that set it, unless the path already names the tenant's schema
// (the application's own path, with its shared schemas).  No tenant: nothing.
void PointSearchPathAtTenant(bool is_local) {
	const char *value = tenant_setting ? tenant_setting : "";
	if (value[0] == '\0')
		return;
	// A search_path that already names the tenant's schema (with shared
	// schemas of the application's beside it) is the application's choice.
	char *path = pstrdup(namespace_search_path ? namespace_search_path : "");
	List *elements = NIL;
	if (SplitIdentifierString(path, ',', &elements)) {
		ListCell *lc;
		foreach (lc, elements)
			if (strcmp(static_cast<const char *>(lfirst(lc)), value) == 0)
				return;
	}
	GucAction action = is_local ? GUC_ACTION_LOCAL : GUC_ACTION_SET;
	GucContext context = superuser() ? PGC_SUSET : PGC_USERSET;
	char *search_path = psprintf("%s, public", quote_identifier(value));
	(void)set_config_option("search_path", search_path, context, PGC_S_SESSION, action, true, 0, false);
}

} // namespace

void FollowTenantWithSearchPath(const VariableSetStmt *stmt) {
	if (stmt->name != nullptr && strcmp(stmt->name, kTenantSetting) == 0) {
		if (stmt->kind == VAR_SET_VALUE)
			PointSearchPathAtTenant(stmt->is_local);
		FollowTenantWithProtocolStatements();
	}
}

void EnterVerifiedTenant(const char *tenant, bool is_local) {
	if (local_tenant_only && !is_local)
		ReportSessionLevelTenant();
	GucAction action = is_local ? GUC_ACTION_LOCAL : GUC_ACTION_SET;
	GucContext context = superuser() ? PGC_SUSET : PGC_USERSET;
	entering_verified = true;
	PG_TRY();
	{
		(void)set_config_option(kTenantSetting, tenant, context, PGC_S_SESSION, action, true, 0, false);
	}
	PG_FINALLY();
	{
		entering_verified = false;
	}
	PG_END_TRY();
	strlcpy(verified_tenant, tenant, NAMEDATALEN);
	verified_local = is_local;
	NotePolicyChange();
	PublishTenant(EffectiveTenant());
	char *search_path = psprintf("%s, public", quote_identifier(tenant));
	(void)set_config_option("search_path", search_path, context, PGC_S_SESSION, action, true, 0, false);
	FollowTenantWithProtocolStatements();
}

namespace {

bool IsExtensionSetting(const char *name) {
	return name != nullptr && strncmp(name, "wellness_tenancy.", strlen("wellness_tenancy.")) == 0;
}

// ALTER ROLE/DATABASE ... SET/RESET of our settings: a user may set
// PGC_USERSET parameters on itself, so without this the app role could make
// its own sessions start inside any tenant.  Superusers only, and never from
// inside a tenant context (a policy change from inside the tenant).
void CheckPersistentSetting(const VariableSetStmt *setstmt, const char *target) {
	// RESET ALL (name NULL) clears the tenant settings too.
	if (setstmt == nullptr || !(setstmt->name == nullptr || IsExtensionSetting(setstmt->name)))
		return;
	const char *name = setstmt->name ? setstmt->name : "wellness_tenancy.*";
	// A non-superuser's RESET ALL keeps superuser-only settings
	// (require_tenant and the others): only a stored tenant can go.
	if (!superuser() && setstmt->name != nullptr)
		ereport(ERROR,
		        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		         errmsg("permission denied to change %s for %s", name, target),
		         errdetail("wellness_tenancy settings stored with a role or database decide which tenant new "
		                   "sessions work for; only superusers may change them."),
		         errhint("Ask a DBA; the application sets its tenant per transaction.")));
	if (TenantIsSet())
		ereport(ERROR,
		        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		         errmsg("cannot change %s for %s while tenant \"%s\" is set", name, target, EffectiveTenant()),
		         errdetail("Changing the isolation policy from inside a tenant context is refused."),
		         errhint("RESET wellness_tenancy.tenant first, in a new transaction.")));
}

} // namespace

void CheckSettingStatement(const Node *statement) {
	switch (nodeTag(statement)) {
	case T_AlterRoleSetStmt: {
		auto *stmt = reinterpret_cast<const AlterRoleSetStmt *>(statement);
		CheckPersistentSetting(stmt->setstmt, "a role");
		break;
	}
	case T_AlterDatabaseSetStmt: {
		auto *stmt = reinterpret_cast<const AlterDatabaseSetStmt *>(statement);
		CheckPersistentSetting(stmt->setstmt, "a database");
		break;
	}
	case T_AlterSystemStmt: {
		auto *stmt = reinterpret_cast<const AlterSystemStmt *>(statement);
		if (TenantIsSet() && stmt->setstmt != nullptr &&
		    (stmt->setstmt->name == nullptr || IsExtensionSetting(stmt->setstmt->name)))
			CheckPersistentSetting(stmt->setstmt, "the server");
		break;
	}
	default:
		break;
	}
}

} // namespace wellness_tenancy

using namespace wellness_tenancy;

extern "C" {

PG_FUNCTION_INFO_V1(wt_set_tenant);
Datum wt_set_tenant(PG_FUNCTION_ARGS) {
	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
		                errmsg("tenant schema name must not be NULL"),
		                errhint("To leave tenant context, RESET wellness_tenancy.tenant.")));
	char *schema_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	bool is_local = PG_ARGISNULL(1) ? false : PG_GETARG_BOOL(1);
	if (local_tenant_only && !is_local)
		ReportSessionLevelTenant();
	// Like SET LOCAL outside a transaction block: the tenant ends with this
	// statement, which is almost certainly not what the caller meant.
	if (is_local && !IsTransactionBlock() && local_tenant_only)
		ereport(ERROR,
		        (errcode(ERRCODE_NO_ACTIVE_SQL_TRANSACTION),
		         errmsg("wt_set_tenant(..., true) outside a transaction block sets no tenant"),
		         errdetail("wellness_tenancy.local_tenant_only is on: the tenant would end with this statement, "
		                   "and the statements that follow would run without one."),
		         errhint("Call it after BEGIN, in the transaction whose statements it is for.")));
	if (is_local && !IsTransactionBlock())
		ereport(WARNING,
		        (errcode(ERRCODE_NO_ACTIVE_SQL_TRANSACTION),
		         errmsg("wt_set_tenant(..., true) outside a transaction block sets the tenant for this statement only"),
		         errhint("Call it after BEGIN, or with false for the rest of the session.")));
	GucAction action = is_local ? GUC_ACTION_LOCAL : GUC_ACTION_SET;
	GucContext context = superuser() ? PGC_SUSET : PGC_USERSET;
	(void)set_config_option(kTenantSetting, schema_name, context, PGC_S_SESSION, action, true, 0, false);
	char *search_path = psprintf("%s, public", quote_identifier(schema_name));
	(void)set_config_option("search_path", search_path, context, PGC_S_SESSION, action, true, 0, false);
	FollowTenantWithProtocolStatements();
	PG_RETURN_TEXT_P(cstring_to_text(schema_name));
}

// wt_internal.set_tenant_config(value text, is_local bool) -> text: what
// set_config('wellness_tenancy.tenant', value, is_local) becomes at planning
// (query_guard.cpp): the same setting, the same checks and scope (NULL
// resets it, as set_config's does), and search_path then follows the tenant
// as after SET.  Returns the setting's new value, as set_config does.
PG_FUNCTION_INFO_V1(wt_set_tenant_config);
Datum wt_set_tenant_config(PG_FUNCTION_ARGS) {
	const char *value = PG_ARGISNULL(0) ? nullptr : text_to_cstring(PG_GETARG_TEXT_PP(0));
	bool is_local = PG_ARGISNULL(1) ? false : PG_GETARG_BOOL(1);
	GucContext context = superuser() ? PGC_SUSET : PGC_USERSET;
	(void)set_config_option(kTenantSetting, value, context, PGC_S_SESSION,
	                        is_local ? GUC_ACTION_LOCAL : GUC_ACTION_SET, true, 0, false);
	PointSearchPathAtTenant(is_local);
	FollowTenantWithProtocolStatements();
	const char *now = GetConfigOption(kTenantSetting, false, false);
	PG_RETURN_TEXT_P(cstring_to_text(now ? now : ""));
}

PG_FUNCTION_INFO_V1(wt_current_tenant);
Datum wt_current_tenant(PG_FUNCTION_ARGS) {
	if (!TenantIsSet())
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(EffectiveTenant()));
}

} // extern "C"
