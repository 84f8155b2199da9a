// QueryId: see query_id.hpp.
//
// How the stand-in is chosen.  The OID that replaces a tenant relation in the
// jumble must be the same in every tenant and for every tenant created later,
// must survive dump/restore and relocation (pg_stat_statements entries are
// compared across servers by dashboards), and must cost no catalog lookup
// beyond the one that tells the relation's schema.  A hash of the relation's
// name does all of that: the same RELOID syscache entry gives the schema and
// the name.  (The template's relation of the same name would be a catalog
// lookup more, and tables a tenant added outside the template have none.)
// Different names give different stand-ins, so `employees` and
// `wellness_logs` queries stay apart; a stand-in can only collide with another
// name's by a 32-bit hash collision.  The final identifier is the jumble's
// hash combined with a constant, so a normalised query can meet a query that
// names no tenant object only by a 64-bit collision.
//
// The query is not copied: the few OID fields that name tenant objects are
// swapped for their stand-ins, JumbleQuery() runs on the query itself, and the
// fields are restored (also on error) before anything else sees the query.
#include "query_id.hpp"

#include "tenant_registry.hpp"

namespace wellness_tenancy {

namespace {

post_parse_analyze_hook_type previous_post_parse_analyze = nullptr;

bool normalize_query_id = true; // wellness_tenancy.normalize_query_id

// Mixed into every normalised identifier (and into the stand-ins by kind), so
// that they live apart from core's identifiers.
constexpr uint64 kNormalisedMark = UINT64CONST(0x7774656e616e7431); // "wtenant1"
constexpr uint32 kRelationKind = 0x72656c31;                         // "rel1"
constexpr uint32 kFunctionKind = 0x66756e31;                         // "fun1"
constexpr uint32 kConstraintKind = 0x636f6e31;                       // "con1"

// The OID fields swapped for stand-ins during one normalisation, and their
// values, to put back.
struct SwapList {
	List *fields = NIL;    // Oid * into the query tree
	List *originals = NIL; // their OIDs
	bool registry_checked = false;
	bool registry_installed = false;
};

// A stand-in OID for a tenant object: depends on its kind and name (and, for
// functions, on the argument types) only.
Oid StandIn(uint32 kind, const char *name, uint32 extra) {
	uint32 hash = hash_bytes(reinterpret_cast<const unsigned char *>(name), static_cast<int>(strlen(name)));
	hash = hash_combine(hash_combine(hash, kind), extra);
	// Never one of the fixed catalog OIDs, never InvalidOid.
	if (hash < FirstNormalObjectId)
		hash += FirstNormalObjectId;
	return static_cast<Oid>(hash);
}

// Does this schema belong to a tenant?  The registry is consulted only once a
// user object is seen (catalog and built-in objects never are tenant objects).
bool IsTenantNamespace(SwapList *swaps, Oid namespace_oid) {
	if (!swaps->registry_checked) {
		swaps->registry_checked = true;
		swaps->registry_installed = RegistryInstalled();
	}
	return swaps->registry_installed && TenantByNamespace(namespace_oid) != nullptr;
}

// Replaces *field by stand_in and remembers the original value.
void Swap(SwapList *swaps, Oid *field, Oid stand_in) {
	swaps->fields = lappend(swaps->fields, field);
	swaps->originals = lappend_oid(swaps->originals, *field);
	*field = stand_in;
}

// A relation of a tenant schema: its name's stand-in.
void NoteRelation(SwapList *swaps, Oid *relid) {
	if (*relid < FirstNormalObjectId)
		return;
	HeapTuple tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(*relid));
	if (!HeapTupleIsValid(tuple))
		return;
	auto *form = reinterpret_cast<Form_pg_class>(GETSTRUCT(tuple));
	if (IsTenantNamespace(swaps, form->relnamespace))
		Swap(swaps, relid, StandIn(kRelationKind, NameStr(form->relname), 0));
	ReleaseSysCache(tuple);
}

// A function of a tenant schema: its name's and argument types' stand-in
// (overloads stay apart).
void NoteFunction(SwapList *swaps, Oid *funcid) {
	if (*funcid < FirstNormalObjectId)
		return;
	HeapTuple tuple = SearchSysCache1(PROCOID, ObjectIdGetDatum(*funcid));
	if (!HeapTupleIsValid(tuple))
		return;
	auto *form = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tuple));
	if (IsTenantNamespace(swaps, form->pronamespace)) {
		uint32 args = hash_bytes(reinterpret_cast<const unsigned char *>(form->proargtypes.values),
		                         static_cast<int>(form->pronargs * sizeof(Oid)));
		Swap(swaps, funcid, StandIn(kFunctionKind, NameStr(form->proname), args));
	}
	ReleaseSysCache(tuple);
}

// A constraint named by ON CONFLICT ON CONSTRAINT in a tenant schema.
void NoteConstraint(SwapList *swaps, Oid *constraint) {
	if (*constraint < FirstNormalObjectId)
		return;
	HeapTuple tuple = SearchSysCache1(CONSTROID, ObjectIdGetDatum(*constraint));
	if (!HeapTupleIsValid(tuple))
		return;
	auto *form = reinterpret_cast<Form_pg_constraint>(GETSTRUCT(tuple));
	if (IsTenantNamespace(swaps, form->connamespace))
		Swap(swaps, constraint, StandIn(kConstraintKind, NameStr(form->conname), 0));
	ReleaseSysCache(tuple);
}

// PostgreSQL 15 declares tree walkers as bool (*)(); going through void (*)()
// says the cast is intended.
bool (*AsWalker(bool (*walker)(Node *, void *)))() {
	return reinterpret_cast<bool (*)()>(reinterpret_cast<void (*)()>(walker));
}

// Visits every range table entry and expression of every query level (CTEs,
// sublinks, subqueries in FROM) and swaps the OIDs that name tenant objects
// and that JumbleQuery() hashes: relations of RTE_RELATION entries, functions
// (calls, aggregates, window functions, functions in FROM) and ON CONFLICT ON
// CONSTRAINT.
bool SwapWalker(Node *node, void *context) {
	if (node == nullptr)
		return false;
	auto *swaps = static_cast<SwapList *>(context);
	switch (nodeTag(node)) {
	case T_Query:
		return query_tree_walker(reinterpret_cast<Query *>(node), AsWalker(SwapWalker), context,
		                         QTW_EXAMINE_RTES_BEFORE);
	case T_RangeTblEntry: {
		auto *rte = reinterpret_cast<RangeTblEntry *>(node);
		if (rte->rtekind == RTE_RELATION)
			NoteRelation(swaps, &rte->relid);
		return false; // range_table_walker goes on into the entry's own parts
	}
	case T_FuncExpr:
		NoteFunction(swaps, &reinterpret_cast<FuncExpr *>(node)->funcid);
		break;
	case T_Aggref:
		NoteFunction(swaps, &reinterpret_cast<Aggref *>(node)->aggfnoid);
		break;
	case T_WindowFunc:
		NoteFunction(swaps, &reinterpret_cast<WindowFunc *>(node)->winfnoid);
		break;
	case T_OnConflictExpr:
		NoteConstraint(swaps, &reinterpret_cast<OnConflictExpr *>(node)->constraint);
		break;
	default:
		break;
	}
	return expression_tree_walker(node, AsWalker(SwapWalker), context);
}

// The cheap first look: does a range table of this query, its subqueries in
// FROM or its CTEs name a relation of a tenant schema?  Sublinks hide their
// queries in expressions: a query with sublinks gets the full walk.  (A tenant
// function called from a query that names no tenant relation is therefore
// not normalised: the query keeps core's identifier, one entry per tenant.)
bool MayNameTenantObjects(Query *query, SwapList *swaps) {
	if (query->hasSubLinks)
		return true;
	ListCell *cell;
	foreach (cell, query->rtable) {
		auto *rte = static_cast<RangeTblEntry *>(lfirst(cell));
		if (rte->rtekind == RTE_RELATION) {
			if (rte->relid < FirstNormalObjectId)
				continue;
			Oid namespace_oid = get_rel_namespace(rte->relid);
			if (OidIsValid(namespace_oid) && IsTenantNamespace(swaps, namespace_oid))
				return true;
		} else if (rte->rtekind == RTE_SUBQUERY && MayNameTenantObjects(rte->subquery, swaps)) {
			return true;
		}
	}
	foreach (cell, query->cteList) {
		auto *cte = static_cast<CommonTableExpr *>(lfirst(cell));
		if (IsA(cte->ctequery, Query) && MayNameTenantObjects(reinterpret_cast<Query *>(cte->ctequery), swaps))
			return true;
	}
	return false;
}

// Puts the swapped OIDs back.
void RestoreSwaps(SwapList *swaps) {
	ListCell *field;
	ListCell *original;
	forboth(field, swaps->fields, original, swaps->originals) {
		*static_cast<Oid *>(lfirst(field)) = lfirst_oid(original);
	}
}

// Recomputes query->queryId with tenant objects replaced by their stand-ins;
// leaves it alone when the query names no tenant object.
void NormaliseQueryId(Query *query, const char *source_text) {
	SwapList swaps;
	if (!MayNameTenantObjects(query, &swaps))
		return;
	(void)query_tree_walker(query, AsWalker(SwapWalker), &swaps, QTW_EXAMINE_RTES_BEFORE);
	if (swaps.fields == NIL)
		return;
	JumbleState *jstate = nullptr;
	PG_TRY();
	{
		jstate = JumbleQuery(query, source_text);
	}
	PG_FINALLY();
	{
		RestoreSwaps(&swaps);
	}
	PG_END_TRY();
	uint64 normalised = hash_combine64(query->queryId, kNormalisedMark);
	query->queryId = normalised != UINT64CONST(0) ? normalised : UINT64CONST(1);
	// The caller keeps core's JumbleState: the constants' locations are the
	// same, only OIDs differed.
	if (jstate != nullptr) {
		pfree(jstate->jumble);
		pfree(jstate->clocations);
		pfree(jstate);
	}
	list_free(swaps.fields);
	list_free(swaps.originals);
}

// Normalises first, then calls the previous hook: a module installed before
// this one (pg_stat_statements listed earlier in shared_preload_libraries)
// already sees the normalised identifier, and one installed after it calls
// this hook before it stores anything, so either order works.
void QueryIdPostParseAnalyze(ParseState *pstate, Query *query, JumbleState *jstate) {
	// queryId 0: no identifier is computed (compute_query_id off, or auto
	// with no module asking); utility statements are identified by their
	// text, not their tree.
	if (query->queryId != UINT64CONST(0) && normalize_query_id && query->utilityStmt == nullptr &&
	    IsQueryIdEnabled())
		NormaliseQueryId(query, pstate->p_sourcetext);
	if (previous_post_parse_analyze != nullptr)
		previous_post_parse_analyze(pstate, query, jstate);
}

} // namespace

void DefineQueryIdSettings() {
	DefineCustomBoolVariable(
	    "wellness_tenancy.normalize_query_id",
	    "Gives a query the same query identifier in every tenant schema.",
	    "With compute_query_id, a query that names relations or functions of tenant schemas is identified "
	    "as if every tenant's object of that name were one, so pg_stat_statements keeps one entry for it "
	    "across all tenants.",
	    &normalize_query_id, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);
}

void InstallQueryIdHook() {
	previous_post_parse_analyze = post_parse_analyze_hook;
	post_parse_analyze_hook = QueryIdPostParseAnalyze;
}

} // namespace wellness_tenancy
