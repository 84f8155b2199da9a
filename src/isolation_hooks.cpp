// IsolationHooks: see isolation_hooks.hpp.
//
// Every hook starts with EnforcementActive(), which is a couple of flag tests
// when no tenant context is in force or the extension is not installed, and
// chains to the hook that was installed before it, so pg_stat_statements,
// pgaudit and others keep working beside it.  Our check runs first: a refused
// statement never reaches the next hook or the executor.
#include "isolation_hooks.hpp"

#include "tenant_context.hpp"
#include "tenant_registry.hpp"

namespace wellness_tenancy {

namespace {

ExecutorStart_hook_type previous_executor_start = nullptr;
ExecutorRun_hook_type previous_executor_run = nullptr;
ExecutorCheckPerms_hook_type previous_check_perms = nullptr;
object_access_hook_type previous_object_access = nullptr;
ProcessUtility_hook_type previous_process_utility = nullptr;

// --- relations -------------------------------------------------------------

char *QualifiedRelationName(Oid relid, Oid namespace_oid) {
	const char *nsp = get_namespace_name(namespace_oid);
	const char *rel = get_rel_name(relid);
	return psprintf("%s.%s", nsp ? nsp : "?", rel ? rel : "?");
}

void CheckRelation(Oid relid) {
	if (relid < FirstNormalObjectId) // system catalogs are never tenant relations
		return;
	Oid namespace_oid = get_rel_namespace(relid);
	if (!OidIsValid(namespace_oid))
		return;
	if (const TenantEntry *tenant = TenantRefusal(namespace_oid))
		ReportTenantRefusal(tenant, "relation", QualifiedRelationName(relid, namespace_oid));
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

// relationOids holds every relation of the plan's range table (inheritance
// children and partitions included) plus constant regclass references such as
// nextval('seq'::regclass) and column defaults.
void CheckPlannedStmt(const PlannedStmt *plan) {
	ListCell *lc;
	foreach (lc, plan->relationOids)
		CheckRelation(lfirst_oid(lc));
	foreach (lc, plan->resultRelations) {
		const RangeTblEntry *rte = rt_fetch(lfirst_int(lc), plan->rtable);
		if (rte->rtekind == RTE_RELATION)
			CheckRoutingTargets(rte->relid);
	}
}

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

void IsolationExecutorStart(QueryDesc *query, int eflags) {
	const List *saved = plan_rtable_checked;
	if (EnforcementActive()) {
		CheckPlannedStmt(query->plannedstmt);
		NoteChecked(query);
		plan_rtable_checked = query->plannedstmt->rtable;
	}
	if (previous_executor_start)
		previous_executor_start(query, eflags);
	else
		standard_ExecutorStart(query, eflags);
	plan_rtable_checked = saved;
}

void IsolationExecutorRun(QueryDesc *query, ScanDirection direction, uint64 count, bool execute_once) {
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
				Oid nsp = get_rel_namespace(rte->relid);
				if (OidIsValid(nsp) && TenantRefusal(nsp) != nullptr)
					return false;
				continue;
			}
			CheckRelation(rte->relid);
			if (rte->requiredPerms & (ACL_INSERT | ACL_UPDATE))
				CheckRoutingTargets(rte->relid);
		}
	}
	return previous_check_perms ? previous_check_perms(range_table, ereport_on_violation) : true;
}

// A pointer to a range table that an error skipped past must not match a
// later, unrelated one.
void ResetExecutorState() {
	plan_rtable_checked = nullptr;
	last_checked_query = nullptr;
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

// The schema an object lives in, for any catalog: its namespace column, or
// for objects that hang off a relation (triggers, rules, policies, defaults)
// the relation's.
Oid ObjectNamespace(Oid class_id, Oid object_id) {
	switch (class_id) {
	case NamespaceRelationId:
		return object_id;
	case TriggerRelationId:
		return RelationNamespaceSelf(ReadCatalogOid(TriggerRelationId, TriggerOidIndexId,
		                                            Anum_pg_trigger_oid, object_id, Anum_pg_trigger_tgrelid));
	case RewriteRelationId:
		return RelationNamespaceSelf(ReadCatalogOid(RewriteRelationId, RewriteOidIndexId,
		                                            Anum_pg_rewrite_oid, object_id, Anum_pg_rewrite_ev_class));
	case PolicyRelationId:
		return RelationNamespaceSelf(ReadCatalogOid(PolicyRelationId, PolicyOidIndexId,
		                                            Anum_pg_policy_oid, object_id, Anum_pg_policy_polrelid));
	case AttrDefaultRelationId:
		return RelationNamespaceSelf(ReadCatalogOid(AttrDefaultRelationId, AttrDefaultOidIndexId,
		                                            Anum_pg_attrdef_oid, object_id, Anum_pg_attrdef_adrelid));
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

uint64 relations_created = 0;

void IsolationObjectAccess(ObjectAccessType access, Oid class_id, Oid object_id, int sub_id, void *arg) {
	if (previous_object_access)
		previous_object_access(access, class_id, object_id, sub_id, arg);
	if (access == OAT_POST_CREATE && class_id == RelationRelationId && sub_id == 0)
		relations_created++;
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

// --- utility statements --------------------------------------------------------

void CheckSchemaByName(const char *schema_name) {
	Oid namespace_oid = get_namespace_oid(schema_name, true);
	if (!OidIsValid(namespace_oid))
		return;
	if (const TenantEntry *tenant = TenantRefusal(namespace_oid))
		ReportTenantRefusal(tenant, "schema", schema_name);
}

bool ViewRelationWalker(Node *node, void *context);

// PostgreSQL 15 declares tree walkers as bool (*)(); going through void (*)()
// is the sanctioned way to say the cast is intended.
bool (*AsTreeWalker(bool (*walker)(Node *, void *)))() {
	return reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(walker));
}

// LOCK on a view locks the relations underneath it without a range table
// reaching the executor: walk the view's query.
void CheckViewRelations(Oid view_id) {
	Relation view = relation_open(view_id, AccessShareLock);
	Query *query = get_view_query(view);
	Oid self = view_id;
	(void)query_tree_walker(query, AsTreeWalker(ViewRelationWalker), &self,
	                        QTW_EXAMINE_RTES_BEFORE);
	relation_close(view, AccessShareLock);
}

bool ViewRelationWalker(Node *node, void *context) {
	if (node == nullptr)
		return false;
	if (IsA(node, RangeTblEntry)) {
		auto *rte = reinterpret_cast<RangeTblEntry *>(node);
		Oid view_id = *static_cast<Oid *>(context);
		if (rte->rtekind == RTE_RELATION && rte->relid != view_id) {
			CheckRelation(rte->relid);
			if (rte->relkind == RELKIND_VIEW)
				CheckViewRelations(rte->relid);
		}
		return false;
	}
	if (IsA(node, Query))
		return query_tree_walker(reinterpret_cast<Query *>(node),
		                         AsTreeWalker(ViewRelationWalker), context,
		                         QTW_EXAMINE_RTES_BEFORE);
	return expression_tree_walker(node, AsTreeWalker(ViewRelationWalker), context);
}

[[noreturn]] void ReportDatabaseWide(const char *command) {
	ereport(ERROR,
	        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
	         errmsg("database-wide %s is not allowed in tenant context", command),
	         errdetail("Without a table list, %s reaches every tenant's tables.", command),
	         errhint("Name the tenant's tables, or run it without a tenant set.")));
	pg_unreachable();
}

// What the executor and object-access hooks do not see.
void CheckUtilityStatement(Node *statement) {
	switch (nodeTag(statement)) {
	case T_GrantStmt: {
		// GRANT ON SCHEMA runs no object-access hook in PostgreSQL 15.
		auto *stmt = reinterpret_cast<GrantStmt *>(statement);
		if (stmt->objtype == OBJECT_SCHEMA && stmt->targtype == ACL_TARGET_OBJECT) {
			ListCell *lc;
			foreach (lc, stmt->objects)
				CheckSchemaByName(strVal(lfirst(lc)));
		}
		break;
	}
	case T_CommentStmt: {
		auto *stmt = reinterpret_cast<CommentStmt *>(statement);
		if (stmt->objtype == OBJECT_SCHEMA)
			CheckSchemaByName(strVal(stmt->object));
		break;
	}
	case T_SecLabelStmt: {
		auto *stmt = reinterpret_cast<SecLabelStmt *>(statement);
		if (stmt->objtype == OBJECT_SCHEMA)
			CheckSchemaByName(strVal(stmt->object));
		break;
	}
	case T_AlterDefaultPrivilegesStmt: {
		auto *stmt = reinterpret_cast<AlterDefaultPrivilegesStmt *>(statement);
		ListCell *lc;
		foreach (lc, stmt->options) {
			auto *option = static_cast<DefElem *>(lfirst(lc));
			if (strcmp(option->defname, "schemas") != 0)
				continue;
			ListCell *name;
			foreach (name, reinterpret_cast<List *>(option->arg))
				CheckSchemaByName(strVal(lfirst(name)));
		}
		break;
	}
	case T_ReindexStmt: {
		auto *stmt = reinterpret_cast<ReindexStmt *>(statement);
		if (stmt->kind == REINDEX_OBJECT_SCHEMA)
			CheckSchemaByName(stmt->name);
		else if (stmt->kind == REINDEX_OBJECT_DATABASE)
			ReportDatabaseWide("REINDEX");
		break;
	}
	case T_VacuumStmt: {
		auto *stmt = reinterpret_cast<VacuumStmt *>(statement);
		if (stmt->rels == NIL)
			ReportDatabaseWide(stmt->is_vacuumcmd ? "VACUUM" : "ANALYZE");
		break;
	}
	case T_LockStmt: {
		auto *stmt = reinterpret_cast<LockStmt *>(statement);
		ListCell *lc;
		foreach (lc, stmt->relations) {
			// Name resolution runs the namespace-search hook: an explicit
			// other-tenant schema is refused here already.
			Oid relid = RangeVarGetRelid(static_cast<RangeVar *>(lfirst(lc)), NoLock, true);
			if (!OidIsValid(relid))
				continue;
			CheckRelation(relid);
			if (get_rel_relkind(relid) == RELKIND_VIEW)
				CheckViewRelations(relid);
		}
		break;
	}
	default:
		break;
	}
}

// --- holdable cursors -----------------------------------------------------------

// A WITH HOLD cursor is materialised at commit: a later FETCH reads stored rows
// without the executor, so ExecutorRun cannot re-check it.  Remember the tenant
// each such cursor was opened under and refuse FETCH/MOVE under another.
struct HeldCursor {
	char name[NAMEDATALEN]; // hash key: the portal name
	Portal portal;          // to tell a reused name from the same cursor
	TimestampTz created;
	char tenant[NAMEDATALEN];
};
HTAB *held_cursors = nullptr;

void RememberHeldCursor(const DeclareCursorStmt *stmt) {
	if (!(stmt->options & CURSOR_OPT_HOLD) || strlen(stmt->portalname) >= NAMEDATALEN)
		return;
	Portal portal = GetPortalByName(stmt->portalname);
	if (!PortalIsValid(portal))
		return;
	if (held_cursors == nullptr) {
		HASHCTL ctl;
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = NAMEDATALEN;
		ctl.entrysize = sizeof(HeldCursor);
		held_cursors = hash_create("wellness_tenancy held cursors", 16, &ctl, HASH_ELEM | HASH_STRINGS);
	}
	auto *cursor = static_cast<HeldCursor *>(hash_search(held_cursors, stmt->portalname, HASH_ENTER, nullptr));
	cursor->portal = portal;
	cursor->created = portal->creation_time;
	strlcpy(cursor->tenant, CurrentTenantName(), NAMEDATALEN);
}

void CheckHeldCursor(const FetchStmt *stmt) {
	if (held_cursors == nullptr || stmt->portalname == nullptr || strlen(stmt->portalname) >= NAMEDATALEN)
		return;
	auto *cursor = static_cast<HeldCursor *>(hash_search(held_cursors, stmt->portalname, HASH_FIND, nullptr));
	if (cursor == nullptr)
		return;
	Portal portal = GetPortalByName(stmt->portalname);
	if (portal != cursor->portal || !PortalIsValid(portal) || portal->creation_time != cursor->created) {
		(void)hash_search(held_cursors, stmt->portalname, HASH_REMOVE, nullptr);
		return;
	}
	if (portal->holdStore != nullptr && strcmp(cursor->tenant, CurrentTenantName()) != 0 &&
	    EnforcementActive())
		ereport(ERROR,
		        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		         errmsg("cursor \"%s\" was opened for tenant \"%s\", not \"%s\"", stmt->portalname,
		                cursor->tenant[0] ? cursor->tenant : "(none)", CurrentTenantName()),
		         errdetail("A WITH HOLD cursor keeps the rows it read under the tenant it was opened for."),
		         errhint("Fetch from it under that tenant, or close it and open it again.")));
}

void IsolationProcessUtility(PlannedStmt *pstmt, const char *query_string, bool read_only_tree,
                             ProcessUtilityContext context, ParamListInfo params,
                             QueryEnvironment *query_env, DestReceiver *dest, QueryCompletion *qc) {
	Node *statement = pstmt->utilityStmt;
	if (IsA(statement, VariableSetStmt))
		CheckTenantSetStatement(reinterpret_cast<VariableSetStmt *>(statement));
	else if (IsA(statement, FetchStmt))
		CheckHeldCursor(reinterpret_cast<FetchStmt *>(statement));
	else if (IsTransactionState() && EnforcementActive())
		CheckUtilityStatement(statement);
	if (previous_process_utility)
		previous_process_utility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
	else
		standard_ProcessUtility(pstmt, query_string, read_only_tree, context, params, query_env, dest, qc);
	if (IsA(statement, DeclareCursorStmt))
		RememberHeldCursor(reinterpret_cast<DeclareCursorStmt *>(statement));
}

} // namespace

uint64 RelationsCreated() {
	return relations_created;
}

void InstallIsolationHooks() {
	previous_executor_start = ExecutorStart_hook;
	ExecutorStart_hook = IsolationExecutorStart;
	previous_executor_run = ExecutorRun_hook;
	ExecutorRun_hook = IsolationExecutorRun;
	previous_check_perms = ExecutorCheckPerms_hook;
	ExecutorCheckPerms_hook = IsolationCheckPerms;
	previous_object_access = object_access_hook;
	object_access_hook = IsolationObjectAccess;
	previous_process_utility = ProcessUtility_hook;
	ProcessUtility_hook = IsolationProcessUtility;
	RegisterXactCallback(ExecutorXactCallback, nullptr);
	RegisterSubXactCallback(ExecutorSubXactCallback, nullptr);
}

} // namespace wellness_tenancy
