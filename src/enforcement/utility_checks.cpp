// UtilityChecks: see utility_checks.hpp.
#include "utility_checks.hpp"

#include "query_guard.hpp"
#include "relation_checks.hpp"
#include "tenant_context.hpp"
#include "tenant_registry.hpp"

namespace wellness_tenancy {

namespace {

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

// A publication replicates the rows of what it names: in tenant context it
// may name only relations (and their partitions) and schemas the tenant
// reaches.
void CheckPublicationObjects(List *objects) {
	ListCell *lc;
	foreach (lc, objects) {
		auto *spec = static_cast<PublicationObjSpec *>(lfirst(lc));
		if (spec->pubobjtype == PUBLICATIONOBJ_TABLES_IN_SCHEMA && spec->name != nullptr)
			CheckSchemaByName(spec->name);
		else if (spec->pubobjtype == PUBLICATIONOBJ_TABLE && spec->pubtable != nullptr) {
			Oid relid = RangeVarGetRelid(spec->pubtable->relation, NoLock, true);
			if (OidIsValid(relid))
				CheckRelationTree(relid);
		}
	}
}

} // namespace

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
		else if (stmt->kind == REINDEX_OBJECT_DATABASE || stmt->kind == REINDEX_OBJECT_SYSTEM)
			ReportDatabaseWide("REINDEX");
		else if (stmt->relation != nullptr) {
			// A partitioned table or index reindexes every partition.
			Oid relid = RangeVarGetRelid(stmt->relation, NoLock, true);
			if (OidIsValid(relid))
				CheckRelationTree(relid);
		}
		break;
	}
	case T_VacuumStmt: {
		auto *stmt = reinterpret_cast<VacuumStmt *>(statement);
		if (stmt->rels == NIL)
			ReportDatabaseWide(stmt->is_vacuumcmd ? "VACUUM" : "ANALYZE");
		// VACUUM and ANALYZE of a parent reach its children (ANALYZE writes
		// statistics computed from their rows into the parent's).
		ListCell *lc;
		foreach (lc, stmt->rels) {
			auto *vrel = static_cast<VacuumRelation *>(lfirst(lc));
			if (vrel->relation == nullptr)
				continue;
			Oid relid = RangeVarGetRelid(vrel->relation, NoLock, true);
			if (OidIsValid(relid))
				CheckRelationTree(relid);
		}
		break;
	}
	case T_CopyStmt: {
		// COPY of a table reads it without the planner, so the query guard's
		// quals on the value-bearing catalogs do not apply.
		auto *stmt = reinterpret_cast<CopyStmt *>(statement);
		if (stmt->is_from && TenantContextInForce())
			CheckCopyFromExpressions(stmt, stmt->relation != nullptr ? RangeVarGetRelid(stmt->relation, NoLock, true)
			                                                         : InvalidOid);
		if (stmt->relation != nullptr && !stmt->is_from && TenantContextInForce()) {
			Oid relid = RangeVarGetRelid(stmt->relation, NoLock, true);
			if (relid == StatisticRelationId || relid == StatisticExtDataRelationId || relid == LargeObjectRelationId)
				ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				                errmsg("COPY from %s is not allowed in tenant context", get_rel_name(relid)),
				                errdetail("It holds values of every tenant's data."),
				                errhint("Query it with SELECT (rows of other tenants are left out), or work "
				                        "without a tenant set.")));
		}
		break;
	}
	case T_AlterTableStmt: {
		// ALTER TABLE ... ENABLE/DISABLE TRIGGER, ROW LEVEL SECURITY and the
		// like change no pg_class row: refuse them on the extension's tables
		// here.
		auto *stmt = reinterpret_cast<AlterTableStmt *>(statement);
		if (stmt->relation != nullptr && TenantContextInForce()) {
			Oid relid = RangeVarGetRelid(stmt->relation, NoLock, true);
			if (OidIsValid(relid))
				CheckExtensionRelationWrite(relid);
		}
		break;
	}
	case T_DropOwnedStmt:
		if (TenantContextInForce())
			ReportDatabaseWide("DROP OWNED");
		break;
	case T_ReassignOwnedStmt:
		if (TenantContextInForce())
			ReportDatabaseWide("REASSIGN OWNED");
		break;
	case T_AlterExtensionStmt:
	case T_AlterExtensionContentsStmt:
		if (TenantContextInForce())
			ReportPolicyChange("the extension");
		break;
	case T_DropStmt: {
		auto *stmt = reinterpret_cast<DropStmt *>(statement);
		if (stmt->removeType == OBJECT_EXTENSION && TenantContextInForce())
			ReportPolicyChange("the extension");
		break;
	}
	case T_CreatePublicationStmt: {
		auto *stmt = reinterpret_cast<CreatePublicationStmt *>(statement);
		if (stmt->for_all_tables)
			ReportDatabaseWide("CREATE PUBLICATION ... FOR ALL TABLES");
		CheckPublicationObjects(stmt->pubobjects);
		break;
	}
	case T_AlterPublicationStmt: {
		auto *stmt = reinterpret_cast<AlterPublicationStmt *>(statement);
		CheckPublicationObjects(stmt->pubobjects);
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
			auto *rv = static_cast<RangeVar *>(lfirst(lc));
			if (rv->inh)
				CheckRelationTree(relid);
			else
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


} // namespace wellness_tenancy
