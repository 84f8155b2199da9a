// QueryGuard: see query_guard.hpp.
#include "query_guard.hpp"

#include "isolation_hooks.hpp"
#include "session_objects.hpp"
#include "tenant_context.hpp"
#include "tenant_label.hpp"
#include "tenant_registry.hpp"

namespace wellness_tenancy {

namespace {

planner_hook_type previous_planner = nullptr;

enum class GuardKind : char {
	kRefuseRelation, // arg 0 is a relation: error when refused
	kMaskRelation,   // arg 0 is a relation: NULL when refused
	kLargeObject,    // arg 0 is a large object: error when another tenant's
	kBackendPid,     // arg 0 is a backend pid (NULL = all): own only
	kBackendId,      // arg 0 is a backend number: own only, else NULL
	kTenantContext,  // refused in tenant context
	kChannel,        // arg 0 is a notification channel: scoped to the tenant
	kMaskFunction,   // arg 0 is a function: NULL when another tenant's
	kSessionListing, // pg_cursor(), pg_prepared_statement(): refused in tenant context
};

struct GuardedFunction {
	Oid funcid; // hash key
	GuardKind kind;
	bool returns_set; // initialised after its arguments (FROM, ProjectSet)
};

// The wrapper functions of wt_internal, by kind, and the built-ins they
// guard; resolved once per backend and again when the extension changes.
struct GuardTable {
	Oid extension_namespace = InvalidOid;
	Oid registry = InvalidOid;
	bool usable = false;
	Oid wrapper[9] = {};
	Oid stat_visible = InvalidOid;     // (oid, bool) -> bool
	Oid stat_ext_visible = InvalidOid; // (oid) -> bool
	Oid lo_visible = InvalidOid;       // (oid) -> bool
	Oid set_tenant_config = InvalidOid; // (text, bool) -> text
	Oid max_guarded = InvalidOid;      // highest guarded oid (built-ins, pg_stat_statements)
	Oid support = InvalidOid;          // wt_internal.guard_support(internal)
	HTAB *functions = nullptr;
	// The guarded built-ins as a bitmap, for the object-access hook: it
	// fires for every function a plan or expression initialises.
	uint64 builtin_bits[FirstNormalObjectId / 64] = {};
};
GuardTable guards;

struct NamedGuard {
	const char *name;
	GuardKind kind;
};

// Built-in functions guarded, by name (every pg_catalog overload whose first
// argument is an oid or regclass, or an int4 for the backend ones).
const NamedGuard kBuiltinGuards[] = {
    {"nextval", GuardKind::kRefuseRelation},
    {"currval", GuardKind::kRefuseRelation},
    {"setval", GuardKind::kRefuseRelation},
    {"pg_sequence_last_value", GuardKind::kMaskRelation},
    {"pg_relation_size", GuardKind::kMaskRelation},
    {"pg_table_size", GuardKind::kMaskRelation},
    {"pg_indexes_size", GuardKind::kMaskRelation},
    {"pg_total_relation_size", GuardKind::kMaskRelation},
    {"pg_relation_filenode", GuardKind::kMaskRelation},
    {"pg_relation_filepath", GuardKind::kMaskRelation},
    {"lo_get", GuardKind::kLargeObject},
    {"lo_put", GuardKind::kLargeObject},
    {"lo_open", GuardKind::kLargeObject},
    {"lo_export", GuardKind::kLargeObject},
    {"lo_unlink", GuardKind::kLargeObject},
    {"pg_stat_get_activity", GuardKind::kBackendPid},
    {"pg_stat_get_backend_activity", GuardKind::kBackendId},
    {"pg_logical_slot_get_changes", GuardKind::kTenantContext},
    {"pg_logical_slot_peek_changes", GuardKind::kTenantContext},
    {"pg_logical_slot_get_binary_changes", GuardKind::kTenantContext},
    {"pg_logical_slot_peek_binary_changes", GuardKind::kTenantContext},
    {"pg_create_logical_replication_slot", GuardKind::kTenantContext},
    {"pg_copy_logical_replication_slot", GuardKind::kTenantContext},
    {"pg_replication_slot_advance", GuardKind::kTenantContext},
    {"pg_notify", GuardKind::kChannel},
    // pg_stat_user_functions: how often another tenant's functions ran.
    {"pg_stat_get_function_calls", GuardKind::kMaskFunction},
    {"pg_stat_get_function_total_time", GuardKind::kMaskFunction},
    {"pg_stat_get_function_self_time", GuardKind::kMaskFunction},
    {"pg_stat_get_xact_function_calls", GuardKind::kMaskFunction},
    {"pg_stat_get_xact_function_total_time", GuardKind::kMaskFunction},
    {"pg_stat_get_xact_function_self_time", GuardKind::kMaskFunction},
};

// pg_stat_get_<counter>(relation oid) and pg_stat_get_xact_<counter>: the
// per-relation statistics (row counts, scans, vacuum times).
bool IsRelationCounter(const char *name) {
	static const char *const kPrefixes[] = {"pg_stat_get_numscans", "pg_stat_get_lastscan", "pg_stat_get_tuples_",
	                                        "pg_stat_get_live_tuples", "pg_stat_get_dead_tuples",
	                                        "pg_stat_get_mod_since_analyze", "pg_stat_get_ins_since_vacuum",
	                                        "pg_stat_get_blocks_", "pg_stat_get_last_", "pg_stat_get_vacuum_count",
	                                        "pg_stat_get_autovacuum_count", "pg_stat_get_analyze_count",
	                                        "pg_stat_get_autoanalyze_count", "pg_stat_get_xact_numscans",
	                                        "pg_stat_get_xact_tuples_", "pg_stat_get_xact_blocks_"};
	for (const char *prefix : kPrefixes)
		if (strncmp(name, prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

Oid WrapperOid(Oid nsp, const char *name, int nargs, const Oid *argtypes) {
	oidvector *args = buildoidvector(argtypes, nargs);
	HeapTuple tuple = SearchSysCache3(PROCNAMEARGSNSP, CStringGetDatum(name), PointerGetDatum(args),
	                                  ObjectIdGetDatum(nsp));
	if (!HeapTupleIsValid(tuple))
		return InvalidOid;
	Oid oid = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tuple))->oid;
	ReleaseSysCache(tuple);
	return oid;
}

// Reads pg_proc once: the built-ins to guard, and pg_stat_statements() in
// whatever schema its extension lives.
void ResolveGuards() {
	guards = GuardTable();
	guards.extension_namespace = ExtensionNamespace();
	guards.registry = RegistryRelid();
	Oid nsp = get_namespace_oid("wt_internal", true);
	if (!OidIsValid(nsp))
		return; // the extension is not at 1.2 yet
	Oid oid_arg[] = {OIDOID}, int_arg[] = {INT4OID}, text_arg[] = {TEXTOID}, stat_args[] = {OIDOID, BOOLOID};
	guards.wrapper[static_cast<int>(GuardKind::kRefuseRelation)] = WrapperOid(nsp, "relation_guard", 1, oid_arg);
	guards.wrapper[static_cast<int>(GuardKind::kMaskRelation)] = WrapperOid(nsp, "relation_mask", 1, oid_arg);
	guards.wrapper[static_cast<int>(GuardKind::kLargeObject)] = WrapperOid(nsp, "large_object_guard", 1, oid_arg);
	guards.wrapper[static_cast<int>(GuardKind::kBackendPid)] = WrapperOid(nsp, "backend_pid_guard", 1, int_arg);
	guards.wrapper[static_cast<int>(GuardKind::kBackendId)] = WrapperOid(nsp, "backend_id_guard", 1, int_arg);
	guards.wrapper[static_cast<int>(GuardKind::kTenantContext)] = WrapperOid(nsp, "tenant_context_guard", 1, text_arg);
	guards.wrapper[static_cast<int>(GuardKind::kChannel)] = WrapperOid(nsp, "tenant_channel", 1, text_arg);
	guards.wrapper[static_cast<int>(GuardKind::kMaskFunction)] = WrapperOid(nsp, "function_mask", 1, oid_arg);
	guards.stat_visible = WrapperOid(nsp, "statistic_visible", 2, stat_args);
	guards.stat_ext_visible = WrapperOid(nsp, "statistic_ext_visible", 1, oid_arg);
	guards.lo_visible = WrapperOid(nsp, "large_object_visible", 1, oid_arg);
	Oid set_config_args[] = {TEXTOID, BOOLOID};
	guards.set_tenant_config = WrapperOid(nsp, "set_tenant_config", 2, set_config_args);
	Oid internal_arg[] = {INTERNALOID};
	guards.support = WrapperOid(nsp, "guard_support", 1, internal_arg);
	for (int k = 0; k < static_cast<int>(GuardKind::kSessionListing); k++)
		if (!OidIsValid(guards.wrapper[k]))
			return;
	if (!OidIsValid(guards.stat_visible) || !OidIsValid(guards.stat_ext_visible) ||
	    !OidIsValid(guards.lo_visible))
		return;

	HASHCTL ctl;
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(GuardedFunction);
	ctl.hcxt = TopMemoryContext;
	guards.functions = hash_create("wellness_tenancy guarded functions", 128, &ctl,
	                               HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	Relation rel = table_open(ProcedureRelationId, AccessShareLock);
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, nullptr, 0, nullptr);
	HeapTuple tuple;
	while ((tuple = systable_getnext(scan)) != nullptr) {
		auto *proc = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tuple));
		const char *name = NameStr(proc->proname);
		bool found = false;
		GuardKind kind = GuardKind::kTenantContext;
		if (proc->pronamespace == PG_CATALOG_NAMESPACE && proc->pronargs >= 1) {
			Oid first = proc->proargtypes.values[0];
			for (const NamedGuard &g : kBuiltinGuards)
				if (strcmp(name, g.name) == 0) {
					bool relation_arg = first == OIDOID || first == REGCLASSOID;
					bool int_arg = first == INT4OID;
					bool text_arg = first == NAMEOID || first == TEXTOID;
					if ((g.kind == GuardKind::kBackendPid || g.kind == GuardKind::kBackendId) ? int_arg
					    : (g.kind == GuardKind::kTenantContext || g.kind == GuardKind::kChannel)
					        ? text_arg
					        : relation_arg) {
						found = true;
						kind = g.kind;
					}
				}
			if (!found && first == OIDOID && proc->pronargs == 1 && IsRelationCounter(name)) {
				found = true;
				kind = GuardKind::kMaskRelation;
			}
		}
		// pg_stat_statements(showtext boolean): every tenant's statements.
		if (!found && strcmp(name, "pg_stat_statements") == 0 && proc->prolang == ClanguageId) {
			found = true;
			kind = GuardKind::kTenantContext;
		}
		if (!found && (proc->oid == F_PG_CURSOR || proc->oid == F_PG_PREPARED_STATEMENT)) {
			found = true;
			kind = GuardKind::kSessionListing;
		}
		if (found) {
			auto *entry = static_cast<GuardedFunction *>(
			    hash_search(guards.functions, &proc->oid, HASH_ENTER, nullptr));
			entry->kind = kind;
			entry->returns_set = proc->proretset;
			guards.max_guarded = Max(guards.max_guarded, proc->oid);
			if (proc->oid < FirstNormalObjectId)
				guards.builtin_bits[proc->oid / 64] |= UINT64CONST(1) << (proc->oid % 64);
		}
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	guards.usable = true;
}

bool EnsureGuards() {
	if (guards.extension_namespace != ExtensionNamespace() || guards.registry != RegistryRelid() ||
	    (!guards.usable && guards.functions == nullptr)) {
		if (guards.functions != nullptr)
			hash_destroy(guards.functions);
		ResolveGuards();
	}
	return guards.usable;
}

FuncExpr *MakeCall(Oid funcid, Oid result_type, List *args, Oid collation) {
	FuncExpr *call = makeNode(FuncExpr);
	call->funcid = funcid;
	call->funcresulttype = result_type;
	call->funcretset = false;
	call->funcvariadic = false;
	call->funcformat = COERCE_EXPLICIT_CALL;
	call->funccollid = collation;
	call->inputcollid = collation;
	call->args = args;
	call->location = -1;
	return call;
}

Var *RangeVar_(int varno, AttrNumber attno, Oid type) {
	return makeVar(varno, attno, type, -1, InvalidOid, 0);
}

void AddSecurityQual(RangeTblEntry *rte, Node *qual) {
	rte->securityQuals = lappend(rte->securityQuals, qual);
}

bool GuardQuery(Query *query);

// Per range table entry of a query level: the value-bearing catalogs get a
// security-barrier qual; subqueries in FROM (and the queries views expanded
// into) are query levels of their own.
void GuardRangeTable(Query *query) {
	int rti = 0;
	ListCell *lc;
	foreach (lc, query->rtable) {
		rti++;
		auto *rte = static_cast<RangeTblEntry *>(lfirst(lc));
		if (rte->rtekind == RTE_SUBQUERY && rte->subquery != nullptr) {
			(void)GuardQuery(rte->subquery);
		} else if (rte->rtekind == RTE_RELATION && rte->relid < FirstNormalObjectId) {
			if (rte->relid == StatisticRelationId)
				AddSecurityQual(rte, reinterpret_cast<Node *>(MakeCall(
				                         guards.stat_visible, BOOLOID,
				                         list_make2(RangeVar_(rti, Anum_pg_statistic_starelid, OIDOID),
				                                    RangeVar_(rti, Anum_pg_statistic_stainherit, BOOLOID)),
				                         InvalidOid)));
			else if (rte->relid == StatisticExtDataRelationId)
				AddSecurityQual(rte, reinterpret_cast<Node *>(MakeCall(
				                         guards.stat_ext_visible, BOOLOID,
				                         list_make1(RangeVar_(rti, Anum_pg_statistic_ext_data_stxoid, OIDOID)),
				                         InvalidOid)));
			else if (rte->relid == LargeObjectRelationId)
				AddSecurityQual(rte, reinterpret_cast<Node *>(MakeCall(
				                         guards.lo_visible, BOOLOID,
				                         list_make1(RangeVar_(rti, Anum_pg_largeobject_loid, OIDOID)),
				                         InvalidOid)));
		}
	}
}

// Finds the query levels inside expressions: sublinks' subqueries.
bool SubLinkWalker(Node *node, void *context) {
	if (node == nullptr)
		return false;
	if (IsA(node, Query))
		return GuardQuery(reinterpret_cast<Query *>(node));
	return expression_tree_walker(node, reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(SubLinkWalker)),
	                              context);
}

// One query level of the planner's input and every level below it: FROM's
// subqueries, CTEs and, only where the parser saw a sublink, the subqueries
// inside expressions.  Calls of guarded functions are not looked for here:
// their support function wraps them wherever PostgreSQL simplifies an
// expression (GuardedCall, below), so an ordinary statement costs a pass
// over its range table and nothing more.
bool GuardQuery(Query *query) {
	check_stack_depth();
	GuardRangeTable(query);
	ListCell *lc;
	foreach (lc, query->cteList) {
		auto *cte = static_cast<CommonTableExpr *>(lfirst(lc));
		if (cte->ctequery != nullptr && IsA(cte->ctequery, Query))
			(void)GuardQuery(reinterpret_cast<Query *>(cte->ctequery));
	}
	if (query->hasSubLinks)
		(void)query_tree_walker(query, reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(SubLinkWalker)),
		                        nullptr, QTW_IGNORE_RT_SUBQUERIES | QTW_IGNORE_CTE_SUBQUERIES | QTW_IGNORE_JOINALIASES);
	return false;
}

// set_config('wellness_tenancy.tenant', value, is_local), the setting's name
// a constant, becomes wt_internal.set_tenant_config(value, is_local): the
// same setting, and search_path follows the tenant as after SET.
Node *FollowTenantSetConfig(const FuncExpr *call) {
	if (!OidIsValid(guards.set_tenant_config) || list_length(call->args) != 3)
		return nullptr;
	auto *name = static_cast<Node *>(linitial(call->args));
	if (!IsA(name, Const) || reinterpret_cast<Const *>(name)->constisnull)
		return nullptr;
	char *setting = TextDatumGetCString(reinterpret_cast<Const *>(name)->constvalue);
	if (pg_strcasecmp(setting, "wellness_tenancy.tenant") != 0)
		return nullptr;
	return reinterpret_cast<Node *>(MakeCall(guards.set_tenant_config, call->funcresulttype,
	                                         list_make2(lsecond(call->args), lthird(call->args)),
	                                         call->funccollid));
}

// The call with its first argument wrapped in the guard of its kind, or
// nullptr when it needs none (already wrapped, no argument, not guarded).
Node *GuardedCall(const FuncExpr *call) {
	if (call->funcid == F_SET_CONFIG)
		return FollowTenantSetConfig(call);
	if (call->args == NIL || call->funcid > guards.max_guarded)
		return nullptr;
	auto *guarded = static_cast<GuardedFunction *>(hash_search(guards.functions, &call->funcid, HASH_FIND, nullptr));
	if (guarded == nullptr || guarded->kind == GuardKind::kSessionListing)
		return nullptr;
	Node *arg = static_cast<Node *>(linitial(call->args));
	Oid wrapper = guards.wrapper[static_cast<int>(guarded->kind)];
	if (IsA(arg, FuncExpr) && reinterpret_cast<FuncExpr *>(arg)->funcid == wrapper)
		return nullptr;
	FuncExpr *result = makeNode(FuncExpr);
	*result = *call;
	result->args = list_copy(call->args);
	linitial(result->args) = MakeCall(wrapper, exprType(arg), list_make1(arg), exprCollation(arg));
	return reinterpret_cast<Node *>(result);
}

PlannedStmt *GuardPlanner(Query *parse, const char *query_string, int cursor_options, ParamListInfo params) {
	if (IsTransactionState() && RegistryInstalled() && EnsureGuards())
		(void)GuardQuery(parse);
	if (previous_planner != nullptr)
		return previous_planner(parse, query_string, cursor_options, params);
	return standard_planner(parse, query_string, cursor_options, params);
}

// --- expressions PostgreSQL evaluates without planning them ---------------
//
// CALL's arguments and COPY FROM's column defaults and WHERE clause are made
// ready with expression_planner(), which calls no planner hook: the wrappers
// above never reach them.  CALL's arguments get them here instead; COPY's
// defaults are checked as they stand, and its WHERE clause (still a raw parse
// tree) may not call a guarded function at all in tenant context.

bool LargeObjectReachable(Oid loid);

bool IsGuardedName(const char *name) {
	for (const NamedGuard &g : kBuiltinGuards)
		if (strcmp(name, g.name) == 0)
			return true;
	return IsRelationCounter(name) || strcmp(name, "pg_stat_statements") == 0;
}

[[noreturn]] void RefuseUnplannedCall(const char *function, const char *where) {
	ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
	                errmsg("%s calls %s, which is not allowed there in tenant context", where, function),
	                errdetail("PostgreSQL evaluates %s without planning it, so the function's argument cannot "
	                          "be checked for another tenant's data when it runs.",
	                          where),
	                errhint("Supply the value explicitly, or work without a tenant set.")));
	pg_unreachable();
}

// A guarded call with a constant argument is checked now, as its wrapper
// would check it when it runs; any other guarded call is refused.
bool UnplannedCallWalker(Node *node, void *context) {
	if (node == nullptr)
		return false;
	if (IsA(node, FuncExpr)) {
		auto *call = reinterpret_cast<FuncExpr *>(node);
		auto *guarded = call->args == NIL || call->funcid > guards.max_guarded
		                    ? nullptr
		                    : static_cast<GuardedFunction *>(
		                          hash_search(guards.functions, &call->funcid, HASH_FIND, nullptr));
		if (guarded != nullptr) {
			Node *arg = strip_implicit_coercions(static_cast<Node *>(linitial(call->args)));
			bool constant = IsA(arg, Const) && !reinterpret_cast<Const *>(arg)->constisnull;
			Oid oid = constant ? DatumGetObjectId(reinterpret_cast<Const *>(arg)->constvalue) : InvalidOid;
			if (constant && guarded->kind == GuardKind::kRefuseRelation)
				CheckRelationReachable(oid);
			else if (!(constant && guarded->kind == GuardKind::kLargeObject && LargeObjectReachable(oid)))
				RefuseUnplannedCall(format_procedure(call->funcid), static_cast<const char *>(context));
		}
	}
	return expression_tree_walker(node, reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(UnplannedCallWalker)), context);
}

// The raw WHERE clause of COPY FROM: a call of any function named like a
// guarded one is refused (names are not resolved yet; the rare false match
// is refused too).
bool RawGuardedCallWalker(Node *node, void *context) {
	if (node == nullptr)
		return false;
	if (IsA(node, FuncCall)) {
		auto *call = reinterpret_cast<FuncCall *>(node);
		const char *name = strVal(llast(call->funcname));
		if (IsGuardedName(name))
			RefuseUnplannedCall(name, static_cast<const char *>(context));
	}
	return raw_expression_tree_walker(node, reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(RawGuardedCallWalker)), context);
}

// --- large objects ---------------------------------------------------------

// The tenant a large object was created under ("" for none).
const char *LargeObjectTenant(Oid loid) {
	ObjectAddress address;
	ObjectAddressSet(address, LargeObjectRelationId, loid);
	char *label = GetSecurityLabel(&address, kLabelProvider);
	if (label == nullptr || strncmp(label, "tenant:", 7) != 0)
		return "";
	return label + 7;
}

bool LargeObjectReachable(Oid loid) {
	if (!TenantContextInForce())
		return true;
	// Strict, like temporary relations: a large object created with no
	// tenant is not any tenant's to read.
	return strcmp(LargeObjectTenant(loid), CurrentTenantName()) == 0;
}

[[noreturn]] void ReportTenantContextOnly(const char *what) {
	ereport(ERROR,
	        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
	         errmsg("%s is not allowed in tenant context", what),
	         errdetail("It returns data of every tenant (or of earlier clients of this connection)."),
	         errhint("Run it as a DBA without a tenant set and without require_tenant.")));
	pg_unreachable();
}

[[noreturn]] void RefuseUnguardedCall(Oid funcid) {
	ereport(ERROR,
	        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
	         errmsg("%s is called where its argument cannot be checked in tenant context",
	                format_procedure(funcid)),
	         errdetail("Its calls are checked where PostgreSQL prepares an expression; this one was reached "
	                   "another way (an operator in ANY/ALL, an aggregate, or a plan made before the guards "
	                   "were attached)."),
	         errhint("Call the function directly, or work without a tenant set.  After pg_upgrade, a superuser "
	                 "runs SELECT wt_internal.attach_guards(true) in each database.")));
	pg_unreachable();
}

// The guarded functions' rows in pg_proc, for attach_guards.
List *GuardedBuiltins() {
	List *result = NIL;
	HASH_SEQ_STATUS status;
	hash_seq_init(&status, guards.functions);
	while (auto *entry = static_cast<GuardedFunction *>(hash_seq_search(&status)))
		if (entry->funcid < FirstNormalObjectId && entry->kind != GuardKind::kSessionListing)
			result = lappend_oid(result, entry->funcid);
	result = lappend_oid(result, F_SET_CONFIG);
	list_sort(result, list_oid_cmp);
	return result;
}

// Points the support function of every guarded built-in at
// wt_internal.guard_support (attach) or at none (detach), recording the
// dependency as ALTER FUNCTION ... SUPPORT would: the extension cannot be
// dropped while a built-in still names its function.
void SetGuardSupport(bool attach) {
	// Resolved afresh: within CREATE EXTENSION the guards may have been
	// resolved before guard_support existed.
	if (guards.functions != nullptr)
		hash_destroy(guards.functions);
	ResolveGuards();
	if (!guards.usable || !OidIsValid(guards.support))
		ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
		                errmsg("the guards of wellness_tenancy are not installed in this database"),
		                errhint("ALTER EXTENSION wellness_tenancy UPDATE.")));
	List *functions = GuardedBuiltins();
	Relation rel = table_open(ProcedureRelationId, RowExclusiveLock);
	ListCell *lc;
	foreach (lc, functions) {
		Oid funcid = lfirst_oid(lc);
		HeapTuple tuple = SearchSysCacheCopy1(PROCOID, ObjectIdGetDatum(funcid));
		if (!HeapTupleIsValid(tuple))
			continue;
		auto *form = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tuple));
		Oid want = attach ? guards.support : InvalidOid;
		// A support function of PostgreSQL's own is left alone: the
		// object-access hook then refuses the function's calls in tenant
		// context, which is safe.
		if (form->prosupport == want || (OidIsValid(form->prosupport) && form->prosupport != guards.support)) {
			heap_freetuple(tuple);
			continue;
		}
		ObjectAddress function, support;
		ObjectAddressSet(function, ProcedureRelationId, funcid);
		ObjectAddressSet(support, ProcedureRelationId, guards.support);
		if (attach)
			recordDependencyOn(&function, &support, DEPENDENCY_NORMAL);
		else
			(void)deleteDependencyRecordsForSpecific(ProcedureRelationId, funcid, DEPENDENCY_NORMAL,
			                                         ProcedureRelationId, guards.support);
		form->prosupport = want;
		CatalogTupleUpdate(rel, &tuple->t_self, tuple);
		heap_freetuple(tuple);
	}
	table_close(rel, RowExclusiveLock);
	CommandCounterIncrement();
}

} // namespace

Oid pending_guard_wrapper = InvalidOid;
Oid last_function_initialised = InvalidOid;
namespace {
Oid pending_guard_function = InvalidOid;
} // namespace

bool MaybeGuardedBuiltin(Oid funcid) {
	return !guards.usable || (guards.builtin_bits[funcid / 64] & (UINT64CONST(1) << (funcid % 64))) != 0;
}

void GuardedFunctionInitialised(Oid funcid, Oid previous) {
	if (!EnforcementActive() || !IsTransactionState() || !EnsureGuards())
		return;
	if (funcid > guards.max_guarded)
		return;
	auto *guarded = static_cast<GuardedFunction *>(hash_search(guards.functions, &funcid, HASH_FIND, nullptr));
	if (guarded == nullptr)
		return;
	switch (guarded->kind) {
	case GuardKind::kTenantContext:
		if (TenantContextInForce())
			ReportTenantContextOnly(format_procedure(funcid));
		break;
	case GuardKind::kSessionListing:
		if (TenantContextInForce())
			ReportTenantContextOnly("listing this session's cursors or prepared statements");
		break;
	default:
		if (guarded->returns_set) {
			// A set-returning function is initialised after its arguments
			// (ExecInitTableFunctionResult, ExecInitFunctionResultSet): its
			// wrapper is the function initialised just before.  (A wrapper
			// whose own argument calls a function is refused: safe.)
			if (previous != guards.wrapper[static_cast<int>(guarded->kind)])
				RefuseUnguardedCall(funcid);
			break;
		}
		// The wrapper of its first argument is the next function
		// initialised: ExecInitFunc runs this hook, then initialises the
		// arguments in order.
		pending_guard_wrapper = guards.wrapper[static_cast<int>(guarded->kind)];
		pending_guard_function = funcid;
		break;
	}
}

void PendingGuardMet(Oid funcid) {
	Oid function = pending_guard_function;
	bool met = funcid == pending_guard_wrapper;
	pending_guard_wrapper = InvalidOid;
	pending_guard_function = InvalidOid;
	if (!met)
		RefuseUnguardedCall(function);
}

void CheckNoPendingGuard() {
	if (OidIsValid(pending_guard_wrapper))
		PendingGuardMet(InvalidOid);
}

void ForgetPendingGuard() {
	pending_guard_wrapper = InvalidOid;
	pending_guard_function = InvalidOid;
}

bool IsGuardedBuiltin(Oid funcid) {
	if (funcid >= FirstNormalObjectId || !IsTransactionState() || !RegistryInstalled() || !EnsureGuards())
		return false;
	return (guards.builtin_bits[funcid / 64] & (UINT64CONST(1) << (funcid % 64))) != 0 || funcid == F_SET_CONFIG;
}

void DetachGuards() {
	if (IsTransactionState() && RegistryInstalled() && EnsureGuards() && OidIsValid(guards.support))
		SetGuardSupport(false);
}

extern "C" Datum wt_guard_support_impl(PG_FUNCTION_ARGS);

void InstallQueryGuard() {
	previous_planner = planner_hook;
	planner_hook = GuardPlanner;
	*reinterpret_cast<PGFunction *>(find_rendezvous_variable("wellness_tenancy.guard_support")) =
	    wt_guard_support_impl;
}

void CheckUnplannedRawExpression(Node *expression, const char *where) {
	if (expression != nullptr && RegistryInstalled() && EnsureGuards())
		(void)RawGuardedCallWalker(expression, const_cast<char *>(where));
}

void CheckCopyFromExpressions(const CopyStmt *stmt, Oid relid) {
	if (!RegistryInstalled() || !EnsureGuards())
		return;
	CheckUnplannedRawExpression(stmt->whereClause, "the WHERE clause of COPY FROM");
	if (!OidIsValid(relid))
		return;
	Relation rel = relation_open(relid, AccessShareLock);
	TupleDesc desc = RelationGetDescr(rel);
	if (desc->constr != nullptr && desc->constr->num_defval > 0)
		for (int i = 0; i < desc->natts; i++) {
			Form_pg_attribute att = TupleDescAttr(desc, i);
			if (att->attisdropped || !att->atthasdef || att->attgenerated)
				continue;
			Node *value = build_column_default(rel, i + 1);
			(void)UnplannedCallWalker(value, const_cast<char *>("a column default of COPY FROM's table"));
		}
	relation_close(rel, AccessShareLock);
}

void NoteLargeObjectCreated(Oid loid) {
	if (!TenantContextInForce() || CurrentTenantName()[0] == '\0')
		return;
	ObjectAddress address;
	ObjectAddressSet(address, LargeObjectRelationId, loid);
	SetSecurityLabel(&address, kLabelProvider, psprintf("tenant:%s", CurrentTenantName()));
}

} // namespace wellness_tenancy

using namespace wellness_tenancy;

extern "C" {

// wt_internal.guard_support(internal) -> internal: the planner support
// function of every guarded built-in.  PostgreSQL asks it to simplify each
// call wherever it prepares an expression -- the planner, and also
// constraints, defaults, ALTER TABLE ... USING, trigger WHEN clauses, COPY,
// CALL and EXECUTE, which are prepared without the planner -- and it answers
// with the call's first argument wrapped in the guard of its kind.
// (Called through the library wellness_tenancy_guard, which loads in any
// server: see src/pg/guard_library/wellness_tenancy_guard.cpp.)
Datum wt_guard_support_impl(PG_FUNCTION_ARGS);
Datum wt_guard_support_impl(PG_FUNCTION_ARGS) {
	Node *request = reinterpret_cast<Node *>(PG_GETARG_POINTER(0));
	if (!IsA(request, SupportRequestSimplify) || !IsTransactionState() || !RegistryInstalled() || !EnsureGuards())
		PG_RETURN_POINTER(nullptr);
	PG_RETURN_POINTER(GuardedCall(reinterpret_cast<SupportRequestSimplify *>(request)->fcall));
}

// wt_internal.attach_guards(attach bool) -> void: attaches guard_support to
// the guarded built-ins of this database (the 1.2 script does; pg_upgrade
// does not carry it over) or detaches it (DROP EXTENSION does first).
PG_FUNCTION_INFO_V1(wt_attach_guards);
Datum wt_attach_guards(PG_FUNCTION_ARGS) {
	if (!superuser())
		ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		                errmsg("only superusers may attach or detach the guards of built-in functions"),
		                errdetail("It changes rows of pg_proc for built-in functions."),
		                errhint("Run it as a superuser.")));
	SetGuardSupport(PG_GETARG_BOOL(0));
	PG_RETURN_VOID();
}

// wt_internal.relation_guard(oid) -> oid: the relation argument of nextval,
// currval and setval; refused like naming the relation.
PG_FUNCTION_INFO_V1(wt_relation_guard);
Datum wt_relation_guard(PG_FUNCTION_ARGS) {
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	CheckRelationReachable(PG_GETARG_OID(0));
	PG_RETURN_OID(PG_GETARG_OID(0));
}

// wt_internal.relation_mask(oid) -> oid: NULL for a relation the tenant
// context may not reach, so the strict function it feeds returns NULL.
PG_FUNCTION_INFO_V1(wt_relation_mask);
Datum wt_relation_mask(PG_FUNCTION_ARGS) {
	if (PG_ARGISNULL(0) || !RelationReachable(PG_GETARG_OID(0)))
		PG_RETURN_NULL();
	PG_RETURN_OID(PG_GETARG_OID(0));
}

// wt_internal.function_mask(oid) -> oid: NULL for a function in a schema the
// tenant context may not reach (its call counts and times are that tenant's
// activity), so the strict statistics function it feeds returns NULL.
PG_FUNCTION_INFO_V1(wt_function_mask);
Datum wt_function_mask(PG_FUNCTION_ARGS) {
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	Oid funcid = PG_GETARG_OID(0);
	if (funcid >= FirstNormalObjectId && EnforcementActive()) {
		Oid namespace_oid = get_func_namespace(funcid);
		if (OidIsValid(namespace_oid) && TenantRefusal(namespace_oid) != nullptr)
			PG_RETURN_NULL();
	}
	PG_RETURN_OID(funcid);
}

// wt_internal.large_object_guard(oid) -> oid: a large object created under
// another tenant is refused.
PG_FUNCTION_INFO_V1(wt_large_object_guard);
Datum wt_large_object_guard(PG_FUNCTION_ARGS) {
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	Oid loid = PG_GETARG_OID(0);
	if (!LargeObjectReachable(loid))
		ereport(ERROR,
		        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		         errmsg("large object %u belongs to tenant \"%s\"", loid, LargeObjectTenant(loid)),
		         errdetail("Large objects created in a tenant context belong to that tenant."),
		         errhint("Work with it under its own tenant, or as a DBA without a tenant.")));
	PG_RETURN_OID(loid);
}

// wt_internal.backend_pid_guard(int4) -> int4: in tenant context only this
// session's own activity row (NULL, meaning all, becomes this session).
PG_FUNCTION_INFO_V1(wt_backend_pid_guard);
Datum wt_backend_pid_guard(PG_FUNCTION_ARGS) {
	if (!TenantContextInForce()) {
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_INT32(PG_GETARG_INT32(0));
	}
	PG_RETURN_INT32(MyProcPid);
}

// wt_internal.backend_id_guard(int4) -> int4: another backend's number
// becomes NULL in tenant context.
PG_FUNCTION_INFO_V1(wt_backend_id_guard);
Datum wt_backend_id_guard(PG_FUNCTION_ARGS) {
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	int32 beid = PG_GETARG_INT32(0);
	if (TenantContextInForce()) {
		PgBackendStatus *status = pgstat_fetch_stat_beentry(beid);
		if (status == nullptr || status->st_procpid != MyProcPid)
			PG_RETURN_NULL();
	}
	PG_RETURN_INT32(beid);
}

// wt_internal.tenant_context_guard(text) -> text: the first argument of
// logical decoding and pg_stat_statements(); refused in tenant context.
PG_FUNCTION_INFO_V1(wt_tenant_context_guard);
Datum wt_tenant_context_guard(PG_FUNCTION_ARGS) {
	if (TenantContextInForce())
		ReportTenantContextOnly("logical decoding (and pg_stat_statements)");
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}

// wt_internal.tenant_channel(text) -> text: the channel argument of
// pg_notify(), scoped to the tenant in force like NOTIFY's
// (session_objects.cpp).
PG_FUNCTION_INFO_V1(wt_tenant_channel);
Datum wt_tenant_channel(PG_FUNCTION_ARGS) {
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	char *channel = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char *scoped = ScopeChannelName(channel);
	PG_RETURN_TEXT_P(cstring_to_text(scoped ? scoped : channel));
}

// wt_internal.statistic_visible(starelid, stainherit) -> bool: security qual
// of pg_statistic.  Inherited statistics of a parent were computed over its
// children's rows: hidden when any child is out of reach.
PG_FUNCTION_INFO_V1(wt_statistic_visible);
Datum wt_statistic_visible(PG_FUNCTION_ARGS) {
	Oid relid = PG_GETARG_OID(0);
	bool inherited = PG_GETARG_BOOL(1);
	if (!EnforcementActive())
		PG_RETURN_BOOL(true);
	if (!RelationReachable(relid))
		PG_RETURN_BOOL(false);
	if (inherited && has_subclass(relid)) {
		List *children = find_all_inheritors(relid, NoLock, nullptr);
		ListCell *lc;
		foreach (lc, children)
			if (!RelationReachable(lfirst_oid(lc)))
				PG_RETURN_BOOL(false);
	}
	PG_RETURN_BOOL(true);
}

// wt_internal.statistic_ext_visible(stxoid) -> bool: security qual of
// pg_statistic_ext_data (multi-column most common values).
PG_FUNCTION_INFO_V1(wt_statistic_ext_visible);
Datum wt_statistic_ext_visible(PG_FUNCTION_ARGS) {
	if (!EnforcementActive())
		PG_RETURN_BOOL(true);
	HeapTuple tuple = SearchSysCache1(STATEXTOID, ObjectIdGetDatum(PG_GETARG_OID(0)));
	if (!HeapTupleIsValid(tuple))
		PG_RETURN_BOOL(false);
	Oid relid = reinterpret_cast<Form_pg_statistic_ext>(GETSTRUCT(tuple))->stxrelid;
	ReleaseSysCache(tuple);
	PG_RETURN_BOOL(RelationReachable(relid));
}

// wt_internal.large_object_visible(loid) -> bool: security qual of
// pg_largeobject.
PG_FUNCTION_INFO_V1(wt_large_object_visible);
Datum wt_large_object_visible(PG_FUNCTION_ARGS) {
	PG_RETURN_BOOL(LargeObjectReachable(PG_GETARG_OID(0)));
}

} // extern "C"
