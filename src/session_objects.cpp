// SessionObjects: see session_objects.hpp.
#include "session_objects.hpp"

#include "tenant_context.hpp"
#include "tenant_registry.hpp"

namespace wellness_tenancy {

namespace {

// Backend-local: temporary relations exist in this backend only, so a hash in TopMemoryContext is the whole story.
struct RelationTag {
	Oid relid; // hash key
	char tenant[NAMEDATALEN];
};
HTAB *temporary_relations = nullptr;

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

void NoteTemporaryRelation(Oid relid) {
	if (temporary_relations == nullptr)
		temporary_relations = CreateTagTable("wellness_tenancy temporary relations", sizeof(Oid),
		                                     sizeof(RelationTag), HASH_BLOBS);
	auto *tag = static_cast<RelationTag *>(hash_search(temporary_relations, &relid, HASH_ENTER, nullptr));
	strlcpy(tag->tenant, CurrentTenantName(), NAMEDATALEN);
}

bool TemporaryRelationReachable(Oid relid) {
	const char *created_under = "";
	if (temporary_relations != nullptr)
		if (auto *tag = static_cast<RelationTag *>(hash_search(temporary_relations, &relid, HASH_FIND, nullptr)))
			created_under = tag->tenant;
	return strcmp(created_under, CurrentTenantName()) == 0;
}

void CheckTemporaryRelation(Oid relid) {
	const char *created_under = "";
	if (temporary_relations != nullptr)
		if (auto *tag = static_cast<RelationTag *>(hash_search(temporary_relations, &relid, HASH_FIND, nullptr)))
			created_under = tag->tenant;
	const char *current = CurrentTenantName();
	if (strcmp(created_under, current) == 0)
		return;
	const char *name = get_rel_name(relid);
	ereport(ERROR,
	        (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
	         errmsg("temporary relation \"%s\" was created under %s%s%s, not %s%s%s", name ? name : "?",
	                created_under[0] ? "tenant \"" : "", TenantLabel(created_under), created_under[0] ? "\"" : "",
	                current[0] ? "tenant \"" : "", TenantLabel(current), current[0] ? "\"" : ""),
	         errdetail("Temporary relations belong to the tenant context they were created in: behind a "
	                   "connection pooler the next client of this connection may work for another tenant."),
	         errhint("Create temporary tables inside the tenant's transaction, preferably ON COMMIT DROP.")));
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
		PlannedStmt *copy = static_cast<PlannedStmt *>(copyObjectImpl(pstmt));
		reinterpret_cast<ListenStmt *>(copy->utilityStmt)->conditionname = scoped;
		return copy;
	}
	case T_UnlistenStmt: {
		auto *stmt = reinterpret_cast<UnlistenStmt *>(statement);
		if (stmt->conditionname == nullptr || (scoped = ScopedName("channel", stmt->conditionname)) == nullptr)
			return pstmt;
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
