// HeldCursors: see held_cursors.hpp.
#include "held_cursors.hpp"

#include "tenant_context.hpp"

namespace wellness_tenancy {

namespace {

// A WITH HOLD cursor is materialised at commit: a later FETCH reads stored rows
// without the executor, so ExecutorRun cannot re-check it.  Remember the tenant
// each such cursor was opened under and refuse FETCH/MOVE under another.
struct HeldCursor {
	char name[NAMEDATALEN]; // hash key: the portal name
	Portal portal;          // to tell a reused name from the same cursor
	TimestampTz created;
	char tenant[NAMEDATALEN];
	bool hidden; // we set the portal's status to PORTAL_FAILED
};
HTAB *held_cursors = nullptr;
uint64 held_cursors_epoch = 0;

} // namespace

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
	cursor->hidden = false;
	strlcpy(cursor->tenant, CurrentTenantName(), NAMEDATALEN);
	held_cursors_epoch = 0; // have the next statement look at it
}

// A held cursor's rows sit in its portal's holdStore; cursor_to_xml(), a
// PL/pgSQL FETCH or SPI read them without the executor and without the SQL
// FETCH statement.  So at the start of every statement after the tenant
// context changed, a held cursor opened under another tenant is made unusable
// (its portal's status becomes PORTAL_FAILED: "cursor ... cannot be run") and
// given back when its tenant is in force again.  Costs nothing while no held
// cursor exists.
void SyncHeldCursors() {
	if (held_cursors == nullptr || hash_get_num_entries(held_cursors) == 0 || !IsTransactionState())
		return;
	uint64 epoch = PolicyEpoch();
	if (epoch == held_cursors_epoch)
		return;
	held_cursors_epoch = epoch;
	bool active = TenantContextInForce();
	const char *current = CurrentTenantName();
	HASH_SEQ_STATUS status;
	hash_seq_init(&status, held_cursors);
	HeldCursor *cursor;
	while ((cursor = static_cast<HeldCursor *>(hash_seq_search(&status))) != nullptr) {
		Portal portal = GetPortalByName(cursor->name);
		if (!PortalIsValid(portal) || portal != cursor->portal || portal->creation_time != cursor->created) {
			(void)hash_search(held_cursors, cursor->name, HASH_REMOVE, nullptr);
			continue;
		}
		bool refuse = active && strcmp(cursor->tenant, current) != 0;
		if (refuse && !cursor->hidden && portal->status == PORTAL_READY) {
			portal->status = PORTAL_FAILED;
			cursor->hidden = true;
		} else if (!refuse && cursor->hidden && portal->status == PORTAL_FAILED) {
			portal->status = PORTAL_READY;
			cursor->hidden = false;
		}
	}
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
		                cursor->tenant[0] ? cursor->tenant : "(none)",
		                CurrentTenantName()[0] ? CurrentTenantName() : "(none)"),
		         errdetail("A WITH HOLD cursor keeps the rows it read under the tenant it was opened for."),
		         errhint("Fetch from it under that tenant, or close it and open it again.")));
}

} // namespace wellness_tenancy
