// SessionObjects: see session_objects.hpp.
#include "session_objects.hpp"

#include "tenant_context.hpp"
#include "tenant_registry.hpp"

namespace wellness_tenancy {

namespace {

// Backend-local: temporary objects exist in this backend only, so a hash in
// TopMemoryContext is the whole story.  Keyed by catalog and oid (oids are
// unique per catalog only).
struct ObjectKey {
	Oid class_id;
	Oid object_id;
};
struct ObjectTag {
	ObjectKey key; // hash key
	char tenant[NAMEDATALEN];
};
HTAB *temporary_objects = nullptr;

// SQL prepared statements of this backend, by name: the tenant they were
// prepared under and their prepare_time, which tells a statement prepared
// again under the same name (DEALLOCATE, or a driver's Parse) from this one.
struct StatementTag {
	char name[NAMEDATALEN]; // hash key
	TimestampTz prepared;
	char tenant[NAMEDATALEN];
};
HTAB *prepared_statements = nullptr;
// The one tenant every statement tagged so far was prepared under, while
// there is only one ("" before the first): the common case (one tenant per
// session, or statements prepared in one tenant's transaction) then needs
// no lookup per EXECUTE.  Tags of no tenant never refuse and do not count.
char tagged_tenant[NAMEDATALEN] = "";
bool tagged_tenants_mixed = false;
bool untagged_prepared = false; // a statement was prepared with no tenant in force

// wellness_tenancy.shared_prepared_statements
bool shared_prepared_statements = false;

HTAB *CreateTagTable(const char *name, Size keysize, Size entrysize, int flags) {
	HASHCTL ctl;
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = keysize;
	ctl.entrysize = entrysize;
	return hash_create(name, 32, &ctl, HASH_ELEM | flags);
}

const char *TenantLabel(const char *tenant) { return tenant[0] ? tenant : "(no tenant)"; }

// The tenant a scoped name ("acme:orders") is scoped to, when it is a
// registered tenant; nullptr otherwise.
const TenantEntry *ScopedTenant(const char *name) {
	const char *colon = strchr(name, ':');
	if (colon == nullptr || colon == name || colon - name >= NAMEDATALEN)
		return nullptr;
	char prefix[NAMEDATALEN];
	memcpy(prefix, name, colon - name);
	prefix[colon - name] = '\0';
	return TenantByName(prefix);
}

[[noreturn]] void ReportScopedName(const char *kind, const char *name, const char *why) {
	ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
	                errmsg("%s \"%s\" is refused in this tenant context", kind, name),
	                errdetail("%s", why),
	                errhint("Tenant sessions use unqualified names; they are scoped to their tenant "
	                        "automatically (\"<tenant>:<name>\").")));
	pg_unreachable();
}

// The name a tenant session's channel or global transaction id really has.
// Outside tenant context names are left alone (a DBA may name a scoped
// channel explicitly); with require_tenant and no tenant, scoped names are
// refused and unscoped ones are left alone, except LISTEN (below).
char *ScopedName(const char *kind, const char *name) {
	if (!TenantContextInForce())
		return nullptr;
	const char *tenant = CurrentTenantName();
	if (tenant[0] == '\0') {
		if (const TenantEntry *owner = ScopedTenant(name))
			ReportScopedName(kind, name,
			                 psprintf("It belongs to tenant \"%s\" and no tenant is set.", NameStr(owner->schema_name)));
		return nullptr;
	}
	char *scoped = psprintf("%s:%s", tenant, name);
	if (strlen(scoped) >= NAMEDATALEN)
		ereport(ERROR, (errcode(ERRCODE_NAME_TOO_LONG),
		                errmsg("%s \"%s\" is too long for tenant \"%s\"", kind, name, tenant),
		                errdetail("In tenant context it becomes \"%s\", longer than %d bytes.", scoped,
		                          NAMEDATALEN - 1),
		                errhint("Use a shorter name.")));
	return scoped;
}

} // namespace

char *ScopeChannelName(const char *channel) { return ScopedName("channel", channel); }

namespace {

// Scoped channels this backend has asked to LISTEN on ("<tenant>:<name>"),
// in TopMemoryContext.  A LISTEN that did not commit leaves a name here;
// unlistening it later is harmless.
List *scoped_listens = NIL;

void NoteScopedListen(const char *scoped) {
	ListCell *cell;
	foreach (cell, scoped_listens)
		if (strcmp(static_cast<const char *>(lfirst(cell)), scoped) == 0)
			return;
	MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
	scoped_listens = lappend(scoped_listens, pstrdup(scoped));
	MemoryContextSwitchTo(old);
}

// UNLISTEN of one scoped channel (or of all: nullptr).
void ForgetScopedListen(const char *scoped) {
	ListCell *cell;
	foreach (cell, scoped_listens) {
		char *name = static_cast<char *>(lfirst(cell));
		if (scoped == nullptr || strcmp(name, scoped) == 0) {
			scoped_listens = foreach_delete_current(scoped_listens, cell);
			pfree(name);
		}
	}
}

// Does the scoped name belong to the tenant?  ("<tenant>:...")
bool ScopedToTenant(const char *scoped, const char *tenant) {
	size_t length = strlen(tenant);
	return length > 0 && strncmp(scoped, tenant, length) == 0 && scoped[length] == ':';
}

} // namespace

void StopOtherTenantsChannels(const char *new_tenant) {
	ListCell *cell;
	foreach (cell, scoped_listens) {
		char *name = static_cast<char *>(lfirst(cell));
		if (ScopedToTenant(name, new_tenant))
			continue;
		Async_Unlisten(name);
		scoped_listens = foreach_delete_current(scoped_listens, cell);
		pfree(name);
	}
}

namespace {

void NoteTemporaryObject(Oid class_id, Oid object_id) {
	if (temporary_objects == nullptr)
		temporary_objects = CreateTagTable("wellness_tenancy temporary objects", sizeof(ObjectKey),
		                                   sizeof(ObjectTag), HASH_BLOBS);
	ObjectKey key = {class_id, object_id};
	auto *tag = static_cast<ObjectTag *>(hash_search(temporary_objects, &key, HASH_ENTER, nullptr));
	strlcpy(tag->tenant, CurrentTenantName(), NAMEDATALEN);
}

// The tenant a temporary object was created under ("": none, or created
// before the module was loaded).
const char *TemporaryObjectTenant(Oid class_id, Oid object_id) {
	if (temporary_objects == nullptr)
		return "";
	ObjectKey key = {class_id, object_id};
	auto *tag = static_cast<ObjectTag *>(hash_search(temporary_objects, &key, HASH_FIND, nullptr));
	return tag != nullptr ? tag->tenant : "";
}

[[noreturn]] void ReportTemporaryObject(const char *kind, const char *name, const char *created_under,
                                        const char *hint) {
	const char *current = CurrentTenantName();
	ereport(ERROR,
	        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
	         errmsg("%s \"%s\" was created under %s%s%s, not %s%s%s", kind, name,
	                created_under[0] ? "tenant \"" : "", TenantLabel(created_under), created_under[0] ? "\"" : "",
	                current[0] ? "tenant \"" : "", TenantLabel(current), current[0] ? "\"" : ""),
	         errdetail("Session objects belong to the tenant context they were created in: behind a "
	                   "connection pooler the next client of this connection may work for another tenant."),
	         errhint("%s", hint)));
	pg_unreachable();
}

} // namespace

void NoteTemporaryRelation(Oid relid) { NoteTemporaryObject(RelationRelationId, relid); }

void NoteTemporaryFunction(Oid funcid) { NoteTemporaryObject(ProcedureRelationId, funcid); }

bool TemporaryRelationReachable(Oid relid) {
	return strcmp(TemporaryObjectTenant(RelationRelationId, relid), CurrentTenantName()) == 0;
}

void CheckTemporaryRelation(Oid relid) {
	const char *created_under = TemporaryObjectTenant(RelationRelationId, relid);
	if (strcmp(created_under, CurrentTenantName()) == 0)
		return;
	const char *name = get_rel_name(relid);
	ReportTemporaryObject("temporary relation", name ? name : "?", created_under,
	                      "Create temporary tables inside the tenant's transaction, preferably ON COMMIT DROP.");
}

void CheckTemporaryFunction(Oid funcid) {
	const char *created_under = TemporaryObjectTenant(ProcedureRelationId, funcid);
	if (strcmp(created_under, CurrentTenantName()) == 0)
		return;
	// pg_temp_<n> varies with the backend: name it as the session does.
	const char *name = get_func_name(funcid);
	ReportTemporaryObject("temporary function", psprintf("pg_temp.%s", name ? name : "?"), created_under,
	                      "Create temporary functions inside the tenant's transaction, or as a DBA in a "
	                      "schema of their own.");
}

void DefineSessionObjectSettings() {
	DefineCustomBoolVariable(
	    "wellness_tenancy.shared_prepared_statements",
	    "Let an SQL prepared statement prepared under one tenant be executed under another.",
	    "Off: EXECUTE of a statement PREPAREd in another tenant's context is refused, because its text "
	    "may carry that tenant's data to the next client of a pooled connection. Turn it on only for "
	    "applications that PREPARE once and EXECUTE in every tenant's transaction, and write no data "
	    "into statement texts.",
	    &shared_prepared_statements, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
}

void NotePreparedStatement(const PrepareStmt *stmt) {
	if (stmt->name == nullptr || strlen(stmt->name) >= NAMEDATALEN)
		return;
	PreparedStatement *entry = FetchPreparedStatement(stmt->name, false);
	if (entry == nullptr)
		return;
	const char *tenant = CurrentTenantName();
	if (tenant[0] == '\0')
		untagged_prepared = true;
	if (prepared_statements == nullptr) {
		if (tenant[0] == '\0')
			return; // nothing tagged yet, and nothing to tag
		prepared_statements = CreateTagTable("wellness_tenancy prepared statements", NAMEDATALEN,
		                                     sizeof(StatementTag), HASH_STRINGS);
	}
	auto *tag = static_cast<StatementTag *>(hash_search(prepared_statements, stmt->name, HASH_ENTER, nullptr));
	tag->prepared = entry->prepare_time;
	strlcpy(tag->tenant, tenant, NAMEDATALEN);
	if (tenant[0] != '\0' && strcmp(tenant, tagged_tenant) != 0) {
		if (tagged_tenant[0] == '\0')
			strlcpy(tagged_tenant, tenant, NAMEDATALEN);
		else
			tagged_tenants_mixed = true;
	}
}

namespace {

void CheckExecuteStmt(const ExecuteStmt *stmt) {
	if (prepared_statements == nullptr || stmt->name == nullptr || strlen(stmt->name) >= NAMEDATALEN)
		return;
	auto *tag = static_cast<StatementTag *>(hash_search(prepared_statements, stmt->name, HASH_FIND, nullptr));
	if (tag == nullptr || tag->tenant[0] == '\0')
		return;
	PreparedStatement *entry = FetchPreparedStatement(stmt->name, false);
	if (entry == nullptr || entry->prepare_time != tag->prepared) {
		// Deallocated, or prepared again by a driver (Parse): not ours.
		(void)hash_search(prepared_statements, stmt->name, HASH_REMOVE, nullptr);
		return;
	}
	if (shared_prepared_statements || strcmp(tag->tenant, CurrentTenantName()) == 0 || !EnforcementActive())
		return;
	ReportTemporaryObject("prepared statement", stmt->name, tag->tenant,
	                      "PREPARE it again in this tenant's transaction (DEALLOCATE it first), or use the "
	                      "driver's protocol-level prepared statements.");
}

} // namespace

bool PreparedStatementsAllOf(const char *tenant) {
	return !untagged_prepared && !tagged_tenants_mixed && tagged_tenant[0] != '\0' &&
	       strcmp(tagged_tenant, tenant) == 0;
}

void CheckPreparedStatementUse(Node *statement) {
	if (prepared_statements == nullptr || shared_prepared_statements || tagged_tenant[0] == '\0')
		return;
	// Every tag is of the tenant in force: nothing to refuse.
	if (!tagged_tenants_mixed && strcmp(tagged_tenant, CurrentTenantName()) == 0)
		return;
	switch (nodeTag(statement)) {
	case T_ExecuteStmt:
		CheckExecuteStmt(reinterpret_cast<ExecuteStmt *>(statement));
		break;
	case T_ExplainStmt: {
		Node *query = reinterpret_cast<ExplainStmt *>(statement)->query;
		if (query != nullptr && IsA(query, Query) && reinterpret_cast<Query *>(query)->utilityStmt != nullptr)
			CheckPreparedStatementUse(reinterpret_cast<Query *>(query)->utilityStmt);
		else if (query != nullptr && IsA(query, ExecuteStmt))
			CheckExecuteStmt(reinterpret_cast<ExecuteStmt *>(query));
		break;
	}
	case T_CreateTableAsStmt: {
		Node *query = reinterpret_cast<CreateTableAsStmt *>(statement)->query;
		if (query != nullptr && IsA(query, Query) && reinterpret_cast<Query *>(query)->utilityStmt != nullptr)
			CheckPreparedStatementUse(reinterpret_cast<Query *>(query)->utilityStmt);
		else if (query != nullptr && IsA(query, ExecuteStmt))
			CheckExecuteStmt(reinterpret_cast<ExecuteStmt *>(query));
		break;
	}
	default:
		break;
	}
}

PlannedStmt *ScopeSessionNames(PlannedStmt *pstmt) {
	Node *statement = pstmt->utilityStmt;
	char *scoped = nullptr;
	switch (nodeTag(statement)) {
	case T_ListenStmt: {
		auto *stmt = reinterpret_cast<ListenStmt *>(statement);
		scoped = ScopedName("channel", stmt->conditionname);
		// A tenant-less session of an enforced role would hear every
		// tenant's unscoped notifications: it may not listen at all.
		if (scoped == nullptr && TenantContextInForce())
			ReportScopedName("channel", stmt->conditionname,
			                 "No tenant is set, and unscoped channels carry notifications of every tenant.");
		if (scoped == nullptr)
			return pstmt;
		// A LISTEN outlives the transaction.  Under local_tenant_only the
		// tenant does not: behind a transaction pooler the next client of
		// this connection, working for another tenant, would receive this
		// tenant's notifications.
		if (LocalTenantOnly())
			ereport(ERROR,
			        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			         errmsg("LISTEN is not allowed under wellness_tenancy.local_tenant_only"),
			         errdetail("A LISTEN lasts for the session, the tenant only for this transaction: the next "
			                   "client of a pooled connection would receive tenant \"%s\"'s notifications.",
			                   CurrentTenantName()),
			         errhint("Listen on a direct or session-pooled connection whose role does not have "
			                 "local_tenant_only, with the tenant set for the session.")));
		NoteScopedListen(scoped);
		PlannedStmt *copy = static_cast<PlannedStmt *>(copyObjectImpl(pstmt));
		reinterpret_cast<ListenStmt *>(copy->utilityStmt)->conditionname = scoped;
		return copy;
	}
	case T_UnlistenStmt: {
		auto *stmt = reinterpret_cast<UnlistenStmt *>(statement);
		if (stmt->conditionname == nullptr) {
			ForgetScopedListen(nullptr);
			return pstmt;
		}
		if ((scoped = ScopedName("channel", stmt->conditionname)) == nullptr)
			return pstmt;
		ForgetScopedListen(scoped);
		PlannedStmt *copy = static_cast<PlannedStmt *>(copyObjectImpl(pstmt));
		reinterpret_cast<UnlistenStmt *>(copy->utilityStmt)->conditionname = scoped;
		return copy;
	}
	case T_NotifyStmt: {
		auto *stmt = reinterpret_cast<NotifyStmt *>(statement);
		if ((scoped = ScopedName("channel", stmt->conditionname)) == nullptr)
			return pstmt;
		PlannedStmt *copy = static_cast<PlannedStmt *>(copyObjectImpl(pstmt));
		reinterpret_cast<NotifyStmt *>(copy->utilityStmt)->conditionname = scoped;
		return copy;
	}
	case T_TransactionStmt: {
		auto *stmt = reinterpret_cast<TransactionStmt *>(statement);
		if (stmt->kind != TRANS_STMT_PREPARE && stmt->kind != TRANS_STMT_COMMIT_PREPARED &&
		    stmt->kind != TRANS_STMT_ROLLBACK_PREPARED)
			return pstmt;
		if (stmt->gid == nullptr || (scoped = ScopedName("prepared transaction", stmt->gid)) == nullptr)
			return pstmt;
		PlannedStmt *copy = static_cast<PlannedStmt *>(copyObjectImpl(pstmt));
		reinterpret_cast<TransactionStmt *>(copy->utilityStmt)->gid = scoped;
		return copy;
	}
	default:
		return pstmt;
	}
}

} // namespace wellness_tenancy
