// IsolationHooks: see isolation_hooks.hpp.
//
// Every hook starts with EnforcementActive(), which is a couple of flag tests
// when no tenant context is in force or the extension is not installed, and
// chains to the hook that was installed before it, so pg_stat_statements,
// pgaudit and others keep working beside it.  Our check runs first: a refused
// statement never reaches the next hook or the executor.
#include "isolation_hooks.hpp"
#include "held_cursors.hpp"
#include "relation_checks.hpp"
#include "utility_checks.hpp"

#include "cache_budget.hpp"
#include "citus_bridge.hpp"
#include "query_guard.hpp"
#include "tenant_plans.hpp"
#include "session_objects.hpp"
#include "tenant_context.hpp"
#include "tenant_registry.hpp"

namespace wellness_tenancy {

namespace {

ExecutorStart_hook_type previous_executor_start = nullptr;
ExecutorRun_hook_type previous_executor_run = nullptr;
ExecutorCheckPerms_hook_type previous_check_perms = nullptr;
object_access_hook_type previous_object_access = nullptr;
ProcessUtility_hook_type previous_process_utility = nullptr;
needs_fmgr_hook_type previous_needs_fmgr = nullptr;
fmgr_hook_type previous_fmgr = nullptr;
planner_hook_type previous_planner = nullptr;

} // namespace

// --- relations -------------------------------------------------------------

char *QualifiedRelationName(Oid relid, Oid namespace_oid) {
	const char *nsp = get_namespace_name(namespace_oid);
	const char *rel = get_rel_name(relid);
	return psprintf("%s.%s", nsp ? nsp : "?", rel ? rel : "?");
}

void CheckViewRelations(Oid view_id);

// The relation a TOAST table or its index stores values for: PostgreSQL
// names them pg_toast_<owner oid> and pg_toast_<owner oid>_index.
Oid ToastOwner(Oid toast_relid) {
	const char *name = get_rel_name(toast_relid);
	unsigned int owner = 0;
	if (name == nullptr || sscanf(name, "pg_toast_%u", &owner) != 1)
		return InvalidOid;
	return owner;
}

// What the checks need of a relation's pg_class row, remembered for the
// relations a backend's statements name again and again (a direct-mapped
// memo: one compare instead of a syscache probe per range table entry).
// Forgotten on every relcache invalidation of the relation -- ALTER ... SET
// SCHEMA, DROP, anything that changes its pg_class row sends one, also
// within this transaction at the next command -- and entirely on a cache
// reset.
struct RelationFacts {
	Oid relid;
	Oid namespace_oid;
	char relkind;
};
constexpr int kRelationMemoSize = 128;
RelationFacts relation_memo[kRelationMemoSize];

void RelationMemoCallback(Datum, Oid relid) {
	if (!OidIsValid(relid)) {
		memset(relation_memo, 0, sizeof(relation_memo));
		return;
	}
	RelationFacts &slot = relation_memo[relid % kRelationMemoSize];
	if (slot.relid == relid)
		slot.relid = InvalidOid;
}

// The schema and kind of a relation; false when it does not exist.
bool LookUpRelation(Oid relid, Oid *namespace_oid, char *relkind) {
	RelationFacts &slot = relation_memo[relid % kRelationMemoSize];
	if (slot.relid != relid || !OidIsValid(relid)) {
		HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
		if (!HeapTupleIsValid(tuple))
			return false;
		auto *form = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple));
		slot.namespace_oid = form->relnamespace;
		slot.relkind = form->relkind;
		slot.relid = relid;
		ReleaseSysCache(tuple);
	}
	*namespace_oid = slot.namespace_oid;
	*relkind = slot.relkind;
	return true;
}

// A foreign table outside the tenant's own schema whose wrapper runs SQL on
// another server (postgres_fdw): the remote session has no tenant in force,
// so a loopback server reads any tenant's tables.  Refused in tenant
// context, like the functions that run SQL elsewhere.  A foreign table a DBA
// puts in a tenant's own schema serves that tenant.
void CheckSharedForeignTable(Oid relid, Oid namespace_oid) {
	ForeignTable *table = GetForeignTable(relid);
	ForeignServer *server = GetForeignServer(table->serverid);
	ForeignDataWrapper *wrapper = GetForeignDataWrapper(server->fdwid);
	const char *handler = OidIsValid(wrapper->fdwhandler) ? get_func_name(wrapper->fdwhandler) : nullptr;
	if (handler == nullptr || strcmp(handler, "postgres_fdw_handler") != 0)
		return;
	ereport(ERROR,
	        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
	         errmsg("foreign table %s of server \"%s\" is not allowed in tenant context",
	                QualifiedRelationName(relid, namespace_oid), server->servername),
	         errdetail("Its wrapper runs SQL on another server, where no tenant is in force: it could read any "
	                   "tenant's data."),
	         errhint("Query it as a DBA without a tenant set, or put a foreign table for the tenant in the "
	                 "tenant's own schema.")));
}

void CheckRelation(Oid relid) {
	if (relid < FirstNormalObjectId) // system catalogs are never tenant relations
		return;
	Oid namespace_oid;
	char relkind;
	if (!LookUpRelation(relid, &namespace_oid, &relkind))
		return;
	// A TOAST table holds its owner's values out of line: reading it directly
	// reads the owner.
	if (IsToastNamespace(namespace_oid)) {
		Oid owner = ToastOwner(relid);
		if (OidIsValid(owner) && owner != relid)
			CheckRelation(owner);
		return;
	}
	if (const TenantEntry *tenant = TenantRefusal(namespace_oid))
		ReportTenantRefusal(tenant, "relation", QualifiedRelationName(relid, namespace_oid));
	// Temporary objects belong to the tenant they were created under
	// (session state of a pooled connection).
	if (isTempNamespace(namespace_oid) && TenantContextInForce())
		CheckTemporaryRelation(relid);
	// A materialized view holds a copy of what its query read: it reaches
	// every relation its query reaches.
	if (relkind == RELKIND_MATVIEW)
		CheckViewRelations(relid);
	if (relkind == RELKIND_FOREIGN_TABLE && TenantContextInForce() && namespace_oid != CurrentTenantNamespace())
		CheckSharedForeignTable(relid, namespace_oid);
}

// A relation and, when it has any, every inheritance child and partition:
// LOCK, VACUUM, ANALYZE and REINDEX of a parent work on all of them.
void CheckRelationTree(Oid relid) {
	CheckRelation(relid);
	if (!has_subclass(relid))
		return;
	List *children = find_all_inheritors(relid, NoLock, nullptr);
	ListCell *lc;
	foreach (lc, children)
		CheckRelation(lfirst_oid(lc));
	list_free(children);
}

// --- the extension's own objects ---------------------------------------------

// Is this object part of the extension (registry, migrations, relocation
// state, internal functions)?  Only objects in the extension's schema or
// wt_internal can be, so the pg_depend lookup is paid for those alone.
bool IsExtensionMember(Oid class_id, Oid object_id, Oid namespace_oid) {
	if (!OidIsValid(namespace_oid) ||
	    (namespace_oid != ExtensionNamespace() && namespace_oid != get_namespace_oid("wt_internal", true)))
		return false;
	Oid extension = get_extension_oid("wellness_tenancy", true);
	return OidIsValid(extension) && getExtensionOfObject(class_id, object_id) == extension;
}

// While a tenant context is in force (or require_tenant), the isolation
// policy itself -- registry rows, the extension's tables and functions --
// cannot be changed: deleting a tenant's registry row would make its schema
// an ordinary, readable one.
[[noreturn]] void ReportPolicyChange(const char *what) {
	ereport(ERROR,
	        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
	         errmsg("cannot change %s in tenant context", what),
	         errdetail("The registry and the extension's objects define the isolation policy; they are "
	                   "read-only while wellness_tenancy.tenant is set or require_tenant is on."),
	         errhint("Run tenant administration as a DBA role without a tenant and without require_tenant.")));
	pg_unreachable();
}

void CheckExtensionRelationWrite(Oid relid) {
	Oid namespace_oid;
	char relkind;
	if (TenantContextInForce() && LookUpRelation(relid, &namespace_oid, &relkind) &&
	    IsExtensionMember(RelationRelationId, relid, namespace_oid))
		ReportPolicyChange(psprintf("\"%s\"", get_rel_name(relid)));
}

// Rows written to a partitioned table are routed to partitions that no range
// table names: check every partition of a partitioned write target.
void CheckRoutingTargets(Oid relid) {
	if (get_rel_relkind(relid) != RELKIND_PARTITIONED_TABLE)
		return;
	List *partitions = find_all_inheritors(relid, NoLock, nullptr);
	ListCell *lc;
	foreach (lc, partitions)
		CheckRelation(lfirst_oid(lc));
	list_free(partitions);
}

// Every relation of the plan's range table: views (which stay in it after
// expansion), inlined SQL functions' relations, inheritance children and
// partitions.  Not plan->relationOids: PostgreSQL records every constant of
// type oid there too (for plan invalidation), so a catalog query comparing
// with another tenant's relation oid -- pg_get_viewdef's own lookup of
// pg_rewrite, say -- would be refused for naming a number.  Relations passed
// to functions as oid or regclass values are guarded where they are used
// (query_guard.cpp).
// A DML statement that writes (or locks rows of) a relocated tenant's stale
// copy: refused to every session, a DBA's without tenant context included,
// though that one may read the copy.  A write that waited for a cut-over's
// lock is checked here once the lock is granted, and refused.  COPY FROM and
// DDL stay the DBA's (a restore of a dump that holds the copy).
void CheckRelocatedWrite(const RangeTblEntry *rte) {
	Oid namespace_oid;
	char relkind;
	if (rte->relid < FirstNormalObjectId || !LookUpRelation(rte->relid, &namespace_oid, &relkind))
		return;
	if (const TenantEntry *tenant = RelocatedTenantWrite(namespace_oid))
		ReportRelocatedTenantWrite(tenant, QualifiedRelationName(rte->relid, namespace_oid));
}

void CheckPlannedStmt(const PlannedStmt *plan) {
	ListCell *lc;
	foreach (lc, plan->rtable) {
		const RangeTblEntry *rte = static_cast<const RangeTblEntry *>(lfirst(lc));
		if (rte->rtekind != RTE_RELATION)
			continue;
		CheckRelation(rte->relid);
		// ACL_UPDATE also marks SELECT ... FOR UPDATE/SHARE.
		if (rte->requiredPerms & (ACL_INSERT | ACL_UPDATE | ACL_DELETE))
			CheckRelocatedWrite(rte);
	}
	foreach (lc, plan->resultRelations) {
		const RangeTblEntry *rte = rt_fetch(lfirst_int(lc), plan->rtable);
		if (rte->rtekind == RTE_RELATION) {
			CheckRoutingTargets(rte->relid);
			CheckExtensionRelationWrite(rte->relid);
		}
	}
}

namespace {

// --- executor hooks ----------------------------------------------------------

// The range table InitPlan is about to pass to ExecutorCheckPerms for the plan
// ExecutorStart just checked: no need to check it twice.
const List *plan_rtable_checked = nullptr;

// The query ExecutorStart (or a previous ExecutorRun) last checked, and the
// policy it was checked under.  ExecutorRun re-checks only when either
// differs: a cursor or portal run after the tenant changed.
const QueryDesc *last_checked_query = nullptr;
uint64 last_checked_epoch = 0;

void NoteChecked(const QueryDesc *query) {
	last_checked_query = query;
	last_checked_epoch = PolicyEpoch();
}

void ForgetFoldedPlans();

void IsolationExecutorStart(QueryDesc *query, int eflags) {
	SyncHeldCursors();
	ForgetFoldedPlans();
	const List *saved = plan_rtable_checked;
	// Bound from a driver's named statement: it follows the tenant
	// (tenant_plans.hpp), also the one that sets the tenant.
	if (ActivePortal != nullptr && ActivePortal->prepStmtName != nullptr && ActivePortal->prepStmtName[0] != '\0')
		NoteProtocolStatement(ActivePortal->prepStmtName, ActivePortal->cplan);
	if (EnforcementActive()) {
		NoteTenantWork(CurrentTenantNamespace());
		CheckPlannedStmt(query->plannedstmt);
		NoteChecked(query);
		plan_rtable_checked = query->plannedstmt->rtable;
		ForwardTenantToCitus(query->plannedstmt);
	} else {
		// No tenant now: a worker connection still carrying one that this
		// transaction left is told (a pointer test without Citus, and
		// nothing to do unless a tenant was forwarded).
		ForwardTenantToCitus(query->plannedstmt);
	}
	if (previous_executor_start)
		previous_executor_start(query, eflags);
	else
		standard_ExecutorStart(query, eflags);
	plan_rtable_checked = saved;
	if (unlikely(OidIsValid(pending_guard_wrapper)))
		CheckNoPendingGuard();
}

void IsolationExecutorRun(QueryDesc *query, ScanDirection direction, uint64 count, bool execute_once) {
	if (unlikely(OidIsValid(pending_guard_wrapper)))
		CheckNoPendingGuard();
	if (EnforcementActive() && !(query == last_checked_query && PolicyEpoch() == last_checked_epoch)) {
		CheckPlannedStmt(query->plannedstmt);
		NoteChecked(query);
	}
	if (previous_executor_run)
		previous_executor_run(query, direction, count, execute_once);
	else
		standard_ExecutorRun(query, direction, count, execute_once);
}

// Plans (via InitPlan), COPY to and from tables, and the foreign-key initial
// check.  Every RTE_RELATION counts, not only those with requiredPerms:
// inheritance children carry none.
bool IsolationCheckPerms(List *range_table, bool ereport_on_violation) {
	if (range_table != plan_rtable_checked && EnforcementActive()) {
		ListCell *lc;
		foreach (lc, range_table) {
			const RangeTblEntry *rte = static_cast<RangeTblEntry *>(lfirst(lc));
			if (rte->rtekind != RTE_RELATION)
				continue;
			if (!ereport_on_violation) {
				Oid nsp;
				char relkind;
				if (LookUpRelation(rte->relid, &nsp, &relkind) && TenantRefusal(nsp) != nullptr)
					return false;
				continue;
			}
			CheckRelation(rte->relid);
			if (rte->requiredPerms & (ACL_INSERT | ACL_UPDATE))
				CheckRoutingTargets(rte->relid);
			if (rte->requiredPerms & (ACL_INSERT | ACL_UPDATE | ACL_DELETE))
				CheckExtensionRelationWrite(rte->relid);
		}
	}
	return previous_check_perms ? previous_check_perms(range_table, ereport_on_violation) : true;
}

// A pointer to a range table that an error skipped past must not match a
// later, unrelated one.
void ResetExecutorState() {
	plan_rtable_checked = nullptr;
	last_checked_query = nullptr;
	ForgetPendingGuard();
}

void ExecutorXactCallback(XactEvent event, void *) {
	if (event == XACT_EVENT_ABORT || event == XACT_EVENT_PARALLEL_ABORT)
		ResetExecutorState();
}

void ExecutorSubXactCallback(SubXactEvent event, SubTransactionId, SubTransactionId, void *) {
	if (event == SUBXACT_EVENT_ABORT_SUB)
		ResetExecutorState();
}

// --- objects -----------------------------------------------------------------

// Reads one oid column of the catalog row with the given oid, seeing this
// command's own changes (the hooks run before CommandCounterIncrement).
Oid ReadCatalogOid(Oid catalog, Oid oid_index, AttrNumber oid_column, Oid object_id, AttrNumber column) {
	Relation rel = table_open(catalog, AccessShareLock);
	ScanKeyData key;
	ScanKeyInit(&key, oid_column, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(object_id));
	SysScanDesc scan = systable_beginscan(rel, oid_index, true, SnapshotSelf, 1, &key);
	HeapTuple tuple = systable_getnext(scan);
	Oid result = InvalidOid;
	if (HeapTupleIsValid(tuple)) {
		bool isnull;
		Datum value = heap_getattr(tuple, column, RelationGetDescr(rel), &isnull);
		if (!isnull)
			result = DatumGetObjectId(value);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

Oid RelationNamespaceSelf(Oid relid) {
	if (!OidIsValid(relid))
		return InvalidOid;
	return ReadCatalogOid(RelationRelationId, ClassOidIndexId, Anum_pg_class_oid, relid,
	                      Anum_pg_class_relnamespace);
}

// The relation an object hangs off (trigger, rule, policy, column default);
// InvalidOid for objects of any other catalog.
Oid OwningRelation(Oid class_id, Oid object_id) {
	switch (class_id) {
	case TriggerRelationId:
		return ReadCatalogOid(TriggerRelationId, TriggerOidIndexId, Anum_pg_trigger_oid, object_id,
		                      Anum_pg_trigger_tgrelid);
	case RewriteRelationId:
		return ReadCatalogOid(RewriteRelationId, RewriteOidIndexId, Anum_pg_rewrite_oid, object_id,
		                      Anum_pg_rewrite_ev_class);
	case PolicyRelationId:
		return ReadCatalogOid(PolicyRelationId, PolicyOidIndexId, Anum_pg_policy_oid, object_id,
		                      Anum_pg_policy_polrelid);
	case AttrDefaultRelationId:
		return ReadCatalogOid(AttrDefaultRelationId, AttrDefaultOidIndexId, Anum_pg_attrdef_oid, object_id,
		                      Anum_pg_attrdef_adrelid);
	default:
		return InvalidOid;
	}
}

// The schema an object lives in, for any catalog: its namespace column, or
// for objects that hang off a relation (triggers, rules, policies, defaults)
// the relation's.
Oid ObjectNamespace(Oid class_id, Oid object_id) {
	switch (class_id) {
	case NamespaceRelationId:
		return object_id;
	case TriggerRelationId:
	case RewriteRelationId:
	case PolicyRelationId:
	case AttrDefaultRelationId:
		return RelationNamespaceSelf(OwningRelation(class_id, object_id));
	default:
		break;
	}
	if (!is_objectclass_supported(class_id))
		return InvalidOid;
	AttrNumber namespace_column = get_object_attnum_namespace(class_id);
	if (namespace_column == InvalidAttrNumber)
		return InvalidOid;
	return ReadCatalogOid(class_id, get_object_oid_index(class_id), get_object_attnum_oid(class_id),
	                      object_id, namespace_column);
}

// CREATE in, ALTER (SET SCHEMA into, OWNER, RENAME, GRANT ON SCHEMA) and DROP
// of objects in another tenant's schema, including cascades and recursion.
void CheckObject(Oid class_id, Oid object_id) {
	Oid namespace_oid = ObjectNamespace(class_id, object_id);
	// A trigger, rule, policy or default on the registry changes the registry
	// as much as the registry's own DDL: it counts as the relation's.
	Oid owner = OidIsValid(namespace_oid) ? OwningRelation(class_id, object_id) : InvalidOid;
	if (TenantContextInForce() &&
	    (OidIsValid(owner) ? IsExtensionMember(RelationRelationId, owner, namespace_oid)
	                       : IsExtensionMember(class_id, object_id, namespace_oid))) {
		ObjectAddress address;
		ObjectAddressSet(address, class_id, object_id);
		const char *description = getObjectDescription(&address, true);
		ReportPolicyChange(description ? description : "the extension's objects");
	}
	if (!OidIsValid(namespace_oid) || namespace_oid < FirstNormalObjectId)
		return;
	const TenantEntry *tenant = TenantRefusal(namespace_oid);
	if (tenant == nullptr)
		return;
	ObjectAddress address;
	ObjectAddressSet(address, class_id, object_id);
	const char *description = getObjectDescription(&address, true);
	if (class_id == NamespaceRelationId || description == nullptr)
		ReportTenantRefusal(tenant, "schema", NameStr(tenant->schema_name));
	ReportTenantRefusal(tenant, "object", description);
}

// Executing a function that lives in another tenant's schema: as a column
// default of a shared table, inside a shared view, as a trigger.  Its body
// may return that tenant's data without naming any relation.
// The schema of the function CheckFunction last looked up (the same few
// functions run again and again); forgotten whenever pg_proc changes.
Oid function_memo_oid = InvalidOid;
Oid function_memo_namespace = InvalidOid;
// The last function IsRemoteSqlCall looked at, and its answer.
Oid remote_memo_oid = InvalidOid;
bool remote_memo_answer = false;

// The schema of a function; the last answer is remembered.
Oid FunctionNamespace(Oid funcid) {
	if (funcid != function_memo_oid) {
		function_memo_namespace = get_func_namespace(funcid);
		function_memo_oid = funcid;
	}
	return function_memo_namespace;
}

void CheckFunction(Oid funcid) {
	if (funcid < FirstNormalObjectId)
		return;
	Oid namespace_oid = FunctionNamespace(funcid);
	if (!OidIsValid(namespace_oid))
		return;
	if (const TenantEntry *tenant = TenantRefusal(namespace_oid))
		ReportTenantRefusal(tenant, "function", format_procedure(funcid));
	// A temporary function's body may hold data written into it under
	// another tenant (session state of a pooled connection).
	if (isTempNamespace(namespace_oid) && TenantContextInForce())
		CheckTemporaryFunction(funcid);
}

// The last answer of IsolationNeedsFmgrHook (see there); forgotten whenever
// pg_proc changes (ALTER FUNCTION ... SET SCHEMA) or the registry does.
Oid memo_oid = InvalidOid;
uint64 memo_generation = 0;
bool memo_answer = false;

void ProcedureSyscacheCallback(Datum, int, uint32) {
	memo_oid = InvalidOid;
	function_memo_oid = InvalidOid;
	remote_memo_oid = InvalidOid;
}

// Functions of other extensions that run SQL text somewhere no tenant is in
// force -- on other nodes or over another connection, as the current user:
// Citus's run_command_on_* family and master_run_on_worker (EXECUTE granted
// to PUBLIC), and dblink's functions.  Whatever they return comes from
// where this backend's checks do not reach, so tenant context refuses them.
bool IsRemoteSqlFunction(const char *name, Oid language) {
	if (strncmp(name, "run_command_on_", strlen("run_command_on_")) == 0 ||
	    strcmp(name, "master_run_on_worker") == 0)
		return true;
	return language == ClanguageId && strncmp(name, "dblink", strlen("dblink")) == 0;
}

// Is the function one of those?  The last answer is remembered.

bool IsRemoteSqlCall(Oid fn_oid) {
	if (fn_oid != remote_memo_oid) {
		HeapTuple proc = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn_oid));
		remote_memo_answer = false;
		if (HeapTupleIsValid(proc)) {
			auto *form = reinterpret_cast<Form_pg_proc>(GETSTRUCT(proc));
			remote_memo_answer = IsRemoteSqlFunction(NameStr(form->proname), form->prolang);
			ReleaseSysCache(proc);
		}
		remote_memo_oid = fn_oid;
	}
	return remote_memo_answer;
}

// Functions in tenant schemas and in this backend's temporary schema go
// through fmgr_security_definer, and are therefore never inlined into a plan: an inlined SQL function leaves no call
// for the execution checks to see, and a plan made under one tenant may run
// under another.  Decided for every tenant schema, whatever the current
// tenant, because the decision ends up in cached plans.
bool IsolationNeedsFmgrHook(Oid fn_oid) {
	if (previous_needs_fmgr != nullptr && previous_needs_fmgr(fn_oid))
		return true;
	if (fn_oid < FirstNormalObjectId || !IsTransactionState() || !RegistryInstalled())
		return false;
	// The same few functions (the extension's own, the application's) are
	// looked up again and again: remember the last answer.
	uint64 generation = RegistryGeneration();
	if (fn_oid == memo_oid && generation == memo_generation)
		return memo_answer;
	// SQL functions are never inlined either, wherever they live: the
	// planner inlines after the query guard has wrapped the calling query,
	// so an inlined body (nextval(o::regclass) in a pg_temp function, a
	// SETOF function reading pg_statistic) would escape it.  Run as
	// functions, each of their statements is planned, and guarded, on its
	// own.
	HeapTuple proc = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn_oid));
	if (!HeapTupleIsValid(proc))
		return false;
	auto *form = reinterpret_cast<Form_pg_proc>(GETSTRUCT(proc));
	Oid namespace_oid = form->pronamespace;
	bool sql_language = form->prolang == SQLlanguageId;
	bool remote_sql = IsRemoteSqlFunction(NameStr(form->proname), form->prolang);
	ReleaseSysCache(proc);
	memo_answer = sql_language || remote_sql || (OidIsValid(namespace_oid) && namespace_oid >= FirstNormalObjectId &&
	                               (TenantByNamespace(namespace_oid) != nullptr || isTempNamespace(namespace_oid)));
	memo_oid = fn_oid;
	memo_generation = generation;
	return memo_answer;
}

// Folded constants.  The planner evaluates an IMMUTABLE function with
// constant arguments once and puts its result into the plan; a cached plan
// (PREPARE, a driver's prepared statement, PL/pgSQL) made where a tenant's
// function was allowed would hand that result to the next tenant context
// without any call left to check.  So while planning, a call of a function
// in a tenant or temporary schema marks the
// plan cache, and the next statement start, planning or utility statement
// invalidates it: such a plan is used once, in the context that made it,
// and made again -- and checked again -- for the next use.
int planning_depth = 0;

// Does the function live in a tenant schema or this backend's temporary
// schema?  (The fmgr hook sees every SQL-language function too.)
bool IsTenantOrTemporaryFunction(Oid funcid) {
	if (funcid < FirstNormalObjectId)
		return false;
	Oid namespace_oid = FunctionNamespace(funcid);
	return OidIsValid(namespace_oid) && (TenantByNamespace(namespace_oid) != nullptr || isTempNamespace(namespace_oid));
}

bool plan_cache_holds_folded_call = false;

void ForgetFoldedPlans() {
	if (!plan_cache_holds_folded_call)
		return;
	plan_cache_holds_folded_call = false;
	ResetPlanCache();
}

PlannedStmt *IsolationPlanner(Query *parse, const char *query_string, int cursor_options, ParamListInfo params) {
	ForgetFoldedPlans();
	PlannedStmt *result = nullptr;
	planning_depth++;
	PG_TRY();
	{
		if (previous_planner != nullptr)
			result = previous_planner(parse, query_string, cursor_options, params);
		else
			result = standard_planner(parse, query_string, cursor_options, params);
	}
	PG_FINALLY();
	{
		planning_depth--;
	}
	PG_END_TRY();
	return result;
}

// Every call of such a function is checked under the tenant in force.
void IsolationFmgrHook(FmgrHookEventType event, FmgrInfo *flinfo, Datum *private_data) {
	if (previous_fmgr != nullptr)
		previous_fmgr(event, flinfo, private_data);
	if (event != FHET_START)
		return;
	if (planning_depth > 0 && !plan_cache_holds_folded_call && IsTenantOrTemporaryFunction(flinfo->fn_oid) &&
	    func_volatile(flinfo->fn_oid) == PROVOLATILE_IMMUTABLE)
		plan_cache_holds_folded_call = true;
	if (EnforcementActive()) {
		CheckFunction(flinfo->fn_oid);
		if (TenantContextInForce() && IsRemoteSqlCall(flinfo->fn_oid))
			ereport(ERROR,
			        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			         errmsg("function %s is not allowed in tenant context", format_procedure(flinfo->fn_oid)),
			         errdetail("It runs SQL on other nodes or connections, where the tenant in force is not "
			                   "enforced, and returns what that SQL reads."),
			         errhint("Run it as a DBA without a tenant set and without require_tenant.")));
	}
}

// A relation created in this backend's temporary schema is tagged with the
// tenant in force (read with SnapshotSelf: the row is this command's own).
void NoteRelationCreated(Oid relid) {
	Oid namespace_oid = RelationNamespaceSelf(relid);
	if (OidIsValid(namespace_oid) && isTempNamespace(namespace_oid))
		NoteTemporaryRelation(relid);
}

// The same for a function (CREATE FUNCTION pg_temp.f ..., also OR REPLACE).
void NoteFunctionCreated(Oid funcid) {
	Oid namespace_oid = ReadCatalogOid(ProcedureRelationId, ProcedureOidIndexId, Anum_pg_proc_oid, funcid,
	                                   Anum_pg_proc_pronamespace);
	if (OidIsValid(namespace_oid) && isTempNamespace(namespace_oid))
		NoteTemporaryFunction(funcid);
}

// An operator is never built on a guarded built-in: under ANY/ALL its
// function is called without PostgreSQL asking the support function, so its
// argument would go unchecked (query_guard.hpp).
void CheckOperatorFunction(Oid operator_oid) {
	Oid function = ReadCatalogOid(OperatorRelationId, OperatorOidIndexId, Anum_pg_operator_oid, operator_oid,
	                              Anum_pg_operator_oprcode);
	if (OidIsValid(function) && IsGuardedBuiltin(function))
		ereport(ERROR,
		        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		         errmsg("an operator may not call %s", format_procedure(function)),
		         errdetail("wellness_tenancy checks the argument of that function where PostgreSQL prepares a "
		                   "call of it; an operator under ANY or ALL calls it without that step."),
		         errhint("Call the function directly.")));
}

// DROP EXTENSION wellness_tenancy (also among other names).
bool IsDropOfThisExtension(const DropStmt *stmt) {
	if (stmt->removeType != OBJECT_EXTENSION)
		return false;
	ListCell *lc;
	foreach (lc, stmt->objects)
		if (strcmp(strVal(lfirst(lc)), "wellness_tenancy") == 0)
			return true;
	return false;
}

uint64 relations_created = 0;

// Everything but the event that fires most (see IsolationObjectAccess).
[[gnu::noinline]] void ObjectAccessChecks(ObjectAccessType access, Oid class_id, Oid object_id, int sub_id,
                                          void *arg) {
	if (access == OAT_POST_CREATE && class_id == RelationRelationId && sub_id == 0) {
		relations_created++;
		NoteRelationCreated(object_id);
	}
	if (access == OAT_POST_CREATE && class_id == ProcedureRelationId && sub_id == 0)
		NoteFunctionCreated(object_id);
	if (access == OAT_POST_CREATE && class_id == LargeObjectRelationId)
		NoteLargeObjectCreated(object_id);
	if (access == OAT_POST_CREATE && class_id == OperatorRelationId)
		CheckOperatorFunction(object_id);
	if (!EnforcementActive())
		return;
	switch (access) {
	case OAT_NAMESPACE_SEARCH: {
		// Explicit schema references (ereport_on_violation, return value
		// ignored by the caller: raise the error here) and search_path
		// resolution (the schema silently drops out of the path).
		auto *search = static_cast<ObjectAccessNamespaceSearch *>(arg);
		if (!search->result)
			break;
		if (const TenantEntry *tenant = TenantRefusal(object_id)) {
			// The session's own tenant, suspended or moved away, is reported
			// rather than silently left out: "has moved to ..." beats
			// "relation does not exist".
			if (search->ereport_on_violation || IsCurrentTenant(tenant))
				ReportTenantRefusal(tenant, "schema", NameStr(tenant->schema_name));
			search->result = false;
		}
		break;
	}
	case OAT_TRUNCATE:
		CheckRelation(object_id);
		CheckExtensionRelationWrite(object_id);
		break;
	case OAT_FUNCTION_EXECUTE:
		CheckFunction(object_id);
		GuardedFunctionInitialised(object_id, InvalidOid); // pg_stat_statements()
		break;
	case OAT_POST_CREATE:
	case OAT_POST_ALTER:
	case OAT_DROP:
		CheckObject(class_id, object_id);
		break;
	default:
		break;
	}
}

// Every event but a built-in function initialised with no guard involved.
[[gnu::noinline]] void ObjectAccessSlowPath(ObjectAccessType access, Oid class_id, Oid object_id, int sub_id,
                                            void *arg) {
	if (previous_object_access)
		previous_object_access(access, class_id, object_id, sub_id, arg);
	if (access == OAT_FUNCTION_EXECUTE) {
		if (OidIsValid(pending_guard_wrapper))
			PendingGuardMet(object_id);
		Oid previous = last_function_initialised;
		last_function_initialised = object_id;
		if (object_id < FirstNormalObjectId) {
			if (MaybeGuardedBuiltin(object_id))
				GuardedFunctionInitialised(object_id, previous);
			return;
		}
	}
	ObjectAccessChecks(access, class_id, object_id, sub_id, arg);
}

// OAT_FUNCTION_EXECUTE fires for every function a plan initialises, a dozen
// times a transaction, and built-in functions never live in a tenant schema:
// they return here at once, before any of the work above, unless they are
// guarded (query_guard.hpp: a bitmap probe) or a guarded call waits for its
// argument's wrapper.
void IsolationObjectAccess(ObjectAccessType access, Oid class_id, Oid object_id, int sub_id, void *arg) {
	if (access == OAT_FUNCTION_EXECUTE && object_id < FirstNormalObjectId &&
	    likely(!OidIsValid(pending_guard_wrapper)) && likely(!MaybeGuardedBuiltin(object_id))) {
		// The common case, with nothing to save for a call of ours: the
		// previous hook (if any) is the only call, a tail call.
		last_function_initialised = object_id;
		if (previous_object_access)
			previous_object_access(access, class_id, object_id, sub_id, arg);
		return;
	}
	ObjectAccessSlowPath(access, class_id, object_id, sub_id, arg);
}

// The next ProcessUtility in the chain, or PostgreSQL's own.
void RunProcessUtility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                       ProcessUtilityContext context, ParamListInfo params, QueryEnvironment *query_env,
                       DestReceiver *dest, QueryCompletion *qc) {
	if (previous_process_utility)
		previous_process_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
	else
		standard_ProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
}

// Every utility statement but a transaction's own begin and end: names
// scoped to the tenant, settings, prepared statements and cursors, the
// checks of utility_checks.cpp, per-tenant plans.
[[gnu::noinline]] void ProcessUtilityChecked(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                                             ProcessUtilityContext context, ParamListInfo params,
                                             QueryEnvironment *query_env, DestReceiver *dest, QueryCompletion *qc) {
	pstmt = ScopeSessionNames(pstmt);
	if (IsA(pstmt->utilityStmt, DropStmt) && IsDropOfThisExtension(reinterpret_cast<DropStmt *>(pstmt->utilityStmt)))
		DetachGuards();
	SyncHeldCursors();
	ForgetFoldedPlans();
	Node *statement = pstmt->utilityStmt;
	CheckPreparedStatementUse(statement);
	if (IsA(statement, VariableSetStmt))
		CheckTenantSetStatement(reinterpret_cast<VariableSetStmt *>(statement));
	else if (IsA(statement, AlterRoleSetStmt) || IsA(statement, AlterDatabaseSetStmt) ||
	         IsA(statement, AlterSystemStmt))
		CheckSettingStatement(statement);
	else if (IsA(statement, FetchStmt))
		CheckHeldCursor(reinterpret_cast<FetchStmt *>(statement));
	else if (IsTransactionState() && EnforcementActive())
		CheckUtilityStatement(statement);
	if (IsA(statement, DeallocateStmt) || IsA(statement, DiscardStmt))
		RestoreTenantPlansBefore(statement);
	TenantPlanSwap swap;
	BeginTenantPlan(statement, &swap);
	if (swap.active) {
		PG_TRY();
		{
			RunProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
		}
		PG_FINALLY();
		{
			EndTenantPlan(&swap);
		}
		PG_END_TRY();
	} else {
		RunProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
	}
	if (IsA(statement, DeallocateStmt) || IsA(statement, DiscardStmt) || IsA(statement, PrepareStmt))
		ForgetStaleTenantPlans();
	if (IsA(statement, DeclareCursorStmt))
		RememberHeldCursor(reinterpret_cast<DeclareCursorStmt *>(statement));
	else if (IsA(statement, VariableSetStmt))
		FollowTenantWithSearchPath(reinterpret_cast<VariableSetStmt *>(statement));
	else if (IsA(statement, PrepareStmt))
		NotePreparedStatement(reinterpret_cast<PrepareStmt *>(statement));
}

// BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK, ABORT: no name to scope,
// no setting, nothing the checks look at (PREPARE TRANSACTION and the
// prepared-transaction commands carry a name: the long way).
bool IsPlainTransactionControl(const Node *statement) {
	if (!IsA(statement, TransactionStmt))
		return false;
	switch (reinterpret_cast<const TransactionStmt *>(statement)->kind) {
	case TRANS_STMT_BEGIN:
	case TRANS_STMT_START:
	case TRANS_STMT_COMMIT:
	case TRANS_STMT_ROLLBACK:
		return true;
	default:
		return false;
	}
}

// Two of every transaction's utility statements are its BEGIN and COMMIT:
// they only need the statement-start work (held cursors, folded plans).
void IsolationProcessUtility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                             ProcessUtilityContext context, ParamListInfo params,
                             QueryEnvironment *query_env, DestReceiver *dest, QueryCompletion *qc) {
	if (IsPlainTransactionControl(pstmt->utilityStmt)) {
		SyncHeldCursors();
		ForgetFoldedPlans();
		RunProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
		return;
	}
	ProcessUtilityChecked(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
}

} // namespace

bool RelationReachable(Oid relid) {
	if (relid < FirstNormalObjectId || !EnforcementActive())
		return true;
	Oid namespace_oid;
	char relkind;
	if (!LookUpRelation(relid, &namespace_oid, &relkind))
		return true; // no such relation: nothing to reach
	if (IsToastNamespace(namespace_oid)) {
		Oid owner = ToastOwner(relid);
		return !OidIsValid(owner) || owner == relid || RelationReachable(owner);
	}
	if (OidIsValid(namespace_oid) && TenantRefusal(namespace_oid) != nullptr)
		return false;
	if (isTempNamespace(namespace_oid) && TenantContextInForce())
		return TemporaryRelationReachable(relid);
	return true;
}

void CheckRelationReachable(Oid relid) {
	if (EnforcementActive())
		CheckRelation(relid);
}

uint64 RelationsCreated() {
	return relations_created;
}

void InstallIsolationHooks() {
	DefineSessionObjectSettings();
	previous_executor_start = ExecutorStart_hook;
	ExecutorStart_hook = IsolationExecutorStart;
	previous_executor_run = ExecutorRun_hook;
	ExecutorRun_hook = IsolationExecutorRun;
	previous_check_perms = ExecutorCheckPerms_hook;
	ExecutorCheckPerms_hook = IsolationCheckPerms;
	previous_object_access = object_access_hook;
	object_access_hook = IsolationObjectAccess;
	previous_needs_fmgr = needs_fmgr_hook;
	needs_fmgr_hook = IsolationNeedsFmgrHook;
	previous_fmgr = fmgr_hook;
	fmgr_hook = IsolationFmgrHook;
	previous_planner = planner_hook;
	planner_hook = IsolationPlanner;
	previous_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = IsolationProcessUtility;
	RegisterXactCallback(ExecutorXactCallback, nullptr);
	CacheRegisterSyscacheCallback(PROCOID, ProcedureSyscacheCallback, (Datum)0);
	CacheRegisterRelcacheCallback(RelationMemoCallback, (Datum)0);
	RegisterSubXactCallback(ExecutorSubXactCallback, nullptr);
}

} // namespace wellness_tenancy
