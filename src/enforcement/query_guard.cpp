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
};

struct GuardedFunction {
	Oid funcid; // hash key
	GuardKind kind;
};

// The wrapper functions of wt_internal, by kind, and the built-ins they
// guard; resolved once per backend and again when the extension changes.
struct GuardTable {
	Oid extension_namespace = InvalidOid;
	Oid registry = InvalidOid;
	bool usable = false;
	Oid wrapper[7] = {};
	Oid stat_visible = InvalidOid;     // (oid, bool) -> bool
	Oid stat_ext_visible = InvalidOid; // (oid) -> bool
	Oid lo_visible = InvalidOid;       // (oid) -> bool
	Oid context_visible = InvalidOid;  // () -> bool
	Oid set_tenant_config = InvalidOid; // (text, bool) -> text
	Oid max_guarded = InvalidOid;      // highest guarded oid (built-ins, pg_stat_statements)
	HTAB *functions = nullptr;
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
	guards.stat_visible = WrapperOid(nsp, "statistic_visible", 2, stat_args);
	guards.stat_ext_visible = WrapperOid(nsp, "statistic_ext_visible", 1, oid_arg);
	guards.lo_visible = WrapperOid(nsp, "large_object_visible", 1, oid_arg);
	guards.context_visible = WrapperOid(nsp, "tenant_context_visible", 0, nullptr);
	Oid set_config_args[] = {TEXTOID, BOOLOID};
	guards.set_tenant_config = WrapperOid(nsp, "set_tenant_config", 2, set_config_args);
	for (Oid w : guards.wrapper)
		if (!OidIsValid(w))
			return;
	if (!OidIsValid(guards.stat_visible) || !OidIsValid(guards.stat_ext_visible) ||
	    !OidIsValid(guards.lo_visible) || !OidIsValid(guards.context_visible))
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
		if (found) {
			auto *entry = static_cast<GuardedFunction *>(
			    hash_search(guards.functions, &proc->oid, HASH_ENTER, nullptr));
			entry->kind = kind;
			guards.max_guarded = Max(guards.max_guarded, proc->oid);
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

// Per range table entry of a query level: the value-bearing catalogs get a
// security-barrier qual, the session-state listings a refusing one.
void GuardRangeTable(Query *query) {
	int rti = 0;
	ListCell *lc;
	foreach (lc, query->rtable) {
		rti++;
		auto *rte = static_cast<RangeTblEntry *>(lfirst(lc));
		if (rte->rtekind == RTE_RELATION) {
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
		} else if (rte->rtekind == RTE_FUNCTION) {
			ListCell *fc;
			foreach (fc, rte->functions) {
				Node *expr = static_cast<RangeTblFunction *>(lfirst(fc))->funcexpr;
				if (expr == nullptr || !IsA(expr, FuncExpr))
					continue;
				Oid funcid = reinterpret_cast<FuncExpr *>(expr)->funcid;
				if (funcid == F_PG_CURSOR || funcid == F_PG_PREPARED_STATEMENT)
					AddSecurityQual(rte, reinterpret_cast<Node *>(
					                         MakeCall(guards.context_visible, BOOLOID, NIL, InvalidOid)));
			}
		}
	}
}

bool GuardWalker(Node *node, void *context);

// The arguments of a call or operator, each walked in turn.
bool GuardList(List *list, void *context) {
	check_stack_depth(); // the recursion of expressions goes through here
	ListCell *lc;
	foreach (lc, list)
		if (GuardWalker(static_cast<Node *>(lfirst(lc)), context))
			return true;
	return false;
}

// set_config('wellness_tenancy.tenant', value, is_local), the setting's name
// a constant, becomes wt_internal.set_tenant_config(value, is_local): the
// same setting, and search_path follows the tenant as after SET.
void FollowTenantSetConfig(FuncExpr *call) {
	if (!OidIsValid(guards.set_tenant_config) || list_length(call->args) != 3)
		return;
	auto *name = static_cast<Node *>(linitial(call->args));
	if (!IsA(name, Const) || reinterpret_cast<Const *>(name)->constisnull)
		return;
	char *setting = TextDatumGetCString(reinterpret_cast<Const *>(name)->constvalue);
	if (pg_strcasecmp(setting, "wellness_tenancy.tenant") != 0)
		return;
	call->funcid = guards.set_tenant_config;
	call->args = list_make2(lsecond(call->args), lthird(call->args));
}

// A call of a guarded function gets its first argument wrapped.
void GuardCall(FuncExpr *call, void *context) {
	if (call->funcid == F_SET_CONFIG)
		FollowTenantSetConfig(call);
	// pg_cursor() and pg_prepared_statement() outside FROM: the query
	// level gets the refusing qual (evaluated once, before any row).
	if ((call->funcid == F_PG_CURSOR || call->funcid == F_PG_PREPARED_STATEMENT) && context != nullptr)
		*static_cast<bool *>(context) = true;
	// Most calls are of functions above every guarded oid (user functions)
	// or not in the table: one compare, then one probe.
	if (call->args == NIL || call->funcid > guards.max_guarded)
		return;
	auto *guarded = static_cast<GuardedFunction *>(hash_search(guards.functions, &call->funcid, HASH_FIND, nullptr));
	if (guarded == nullptr)
		return;
	Node *arg = static_cast<Node *>(linitial(call->args));
	Oid wrapper = guards.wrapper[static_cast<int>(guarded->kind)];
	// Already wrapped (a query planned twice)?
	if (!(IsA(arg, FuncExpr) && reinterpret_cast<FuncExpr *>(arg)->funcid == wrapper))
		linitial(call->args) = MakeCall(wrapper, exprType(arg), list_make1(arg), exprCollation(arg));
}

// Every query level of the planner's input (sublinks, CTEs, subqueries in
// FROM, the queries views expanded into): its range table and every call.
// The node kinds that make up most of an ordinary query (lists, target
// entries, operators, calls, boolean and coercion nodes) are walked here
// directly; the rest through PostgreSQL's generic walker, which reaches
// every subexpression of every kind.
bool GuardWalker(Node *node, void *context) {
	if (node == nullptr)
		return false;
	switch (nodeTag(node)) {
	case T_Var:
	case T_Const:
	case T_Param:
	case T_RangeTblRef:
	case T_CaseTestExpr:
	case T_SetToDefault:
		return false;
	case T_List:
		return GuardList(reinterpret_cast<List *>(node), context);
	case T_TargetEntry:
		return GuardWalker(reinterpret_cast<Node *>(reinterpret_cast<TargetEntry *>(node)->expr), context);
	case T_OpExpr:
	case T_DistinctExpr:
	case T_NullIfExpr:
		return GuardList(reinterpret_cast<OpExpr *>(node)->args, context);
	case T_BoolExpr:
		return GuardList(reinterpret_cast<BoolExpr *>(node)->args, context);
	case T_RelabelType:
		return GuardWalker(reinterpret_cast<Node *>(reinterpret_cast<RelabelType *>(node)->arg), context);
	case T_FromExpr: {
		auto *from = reinterpret_cast<FromExpr *>(node);
		return GuardList(from->fromlist, context) || GuardWalker(from->quals, context);
	}
	case T_JoinExpr: {
		auto *join = reinterpret_cast<JoinExpr *>(node);
		return GuardWalker(join->larg, context) || GuardWalker(join->rarg, context) ||
		       GuardWalker(join->quals, context);
	}
	case T_FuncExpr: {
		auto *call = reinterpret_cast<FuncExpr *>(node);
		GuardCall(call, context);
		return GuardList(call->args, context);
	}
	case T_Query: {
		check_stack_depth();
		auto *query = reinterpret_cast<Query *>(node);
		GuardRangeTable(query);
		// Join alias lists only repeat Vars of the joined relations.  The
		// flag of this query level says whether a session listing is called
		// anywhere in its expressions (the target list, say).
		bool lists_session = false;
		bool result = query_tree_walker(
		    query, reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(GuardWalker)), &lists_session,
		    QTW_IGNORE_JOINALIASES);
		if (lists_session && query->jointree != nullptr)
			query->jointree->quals = reinterpret_cast<Node *>(make_and_qual(
			    query->jointree->quals,
			    reinterpret_cast<Node *>(MakeCall(guards.context_visible, BOOLOID, NIL, InvalidOid))));
		return result;
	}
	default:
		break;
	}
	return expression_tree_walker(node, reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(GuardWalker)),
	                              context);
}

PlannedStmt *GuardPlanner(Query *parse, const char *query_string, int cursor_options, ParamListInfo params) {
	if (IsTransactionState() && RegistryInstalled() && EnsureGuards())
		(void)GuardWalker(reinterpret_cast<Node *>(parse), nullptr);
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

} // namespace

void InstallQueryGuard() {
	previous_planner = planner_hook;
	planner_hook = GuardPlanner;
}

PlannedStmt *GuardCallArguments(PlannedStmt *pstmt) {
	auto *call = reinterpret_cast<CallStmt *>(pstmt->utilityStmt);
	if (call->funcexpr == nullptr || !IsTransactionState() || !RegistryInstalled() || !EnsureGuards())
		return pstmt;
	PlannedStmt *copy = static_cast<PlannedStmt *>(copyObjectImpl(pstmt));
	(void)GuardWalker(reinterpret_cast<Node *>(reinterpret_cast<CallStmt *>(copy->utilityStmt)->funcexpr), nullptr);
	return copy;
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

// wt_internal.tenant_context_visible() -> bool: security qual of pg_cursors
// and pg_prepared_statements (texts of earlier clients of a pooled
// connection); refused in tenant context.
PG_FUNCTION_INFO_V1(wt_tenant_context_visible);
Datum wt_tenant_context_visible(PG_FUNCTION_ARGS) {
	if (TenantContextInForce())
		ReportTenantContextOnly("listing this session's cursors or prepared statements");
	PG_RETURN_BOOL(true);
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
