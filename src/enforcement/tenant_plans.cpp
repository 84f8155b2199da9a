// TenantPlans: see tenant_plans.hpp.
#include "tenant_plans.hpp"
#include "session_objects.hpp"

#include "tenant_context.hpp"

namespace wellness_tenancy {

namespace {

int tenant_plans = 1024; // wellness_tenancy.tenant_plans; 0: off

struct MemoKey {
	char name[NAMEDATALEN];   // the prepared statement
	char tenant[NAMEDATALEN]; // the tenant in force at EXECUTE
};

// One tenant's copy of one statement's plan source.  original and
// prepare_time tell the statement it was copied from from one prepared
// again under the same name.
struct MemoEntry {
	MemoKey key; // hash key
	CachedPlanSource *original;
	TimestampTz prepare_time;
	CachedPlanSource *copy;
	int in_use; // swapped in by an EXECUTE still running (nested EXECUTEs), or
	            // in a protocol-level statement's entry now
	bool protocol; // a copy of a protocol-level statement (ProtocolStatement)
	MemoEntry *newer; // the recency list: most recently used at the head
	MemoEntry *older;
};

// dynahash never moves an entry, so the list links entries in place.
// (PostgreSQL's ilist.h macros do not compile as C++.)
HTAB *memo = nullptr;
MemoEntry *newest = nullptr;
MemoEntry *oldest = nullptr;

void Unlink(MemoEntry *entry) {
	(entry->newer ? entry->newer->older : newest) = entry->older;
	(entry->older ? entry->older->newer : oldest) = entry->newer;
	entry->newer = entry->older = nullptr;
}

void PushNewest(MemoEntry *entry) {
	entry->newer = nullptr;
	entry->older = newest;
	(newest ? newest->newer : oldest) = entry;
	newest = entry;
}

// The swaps of the EXECUTEs running now, innermost last.
constexpr int kMaxActiveSwaps = 16;
TenantPlanSwap *active_swaps[kMaxActiveSwaps];
int active_count = 0;

void Forget(MemoEntry *entry, bool drop_copy) {
	if (drop_copy)
		DropCachedPlan(entry->copy);
	Unlink(entry);
	(void)hash_search(memo, &entry->key, HASH_REMOVE, nullptr);
}

// Keeps the number of copies at the cap, dropping the least recently used
// ones that no EXECUTE is running.
void Evict() {
	long over = hash_get_num_entries(memo) - tenant_plans;
	for (MemoEntry *entry = oldest; over > 0 && entry != nullptr;) {
		MemoEntry *newer = entry->newer;
		if (entry->in_use == 0) {
			Forget(entry, true);
			over--;
		}
		entry = newer;
	}
}

// The table of copies, made on first use.
void EnsureMemo() {
	if (memo != nullptr)
		return;
	HASHCTL ctl;
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(MemoKey);
	ctl.entrysize = sizeof(MemoEntry);
	ctl.hcxt = TopMemoryContext;
	memo = hash_create("wellness_tenancy tenant plans", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

// Fills a new entry with a saved copy of the statement's plan source, most
// recently used.  Copying may fail (out of memory): then the entry goes
// again, so that none is left without a copy.
void FillNewEntry(MemoEntry *entry, CachedPlanSource *original, TimestampTz prepare_time, bool protocol) {
	entry->copy = nullptr;
	entry->in_use = 0;
	entry->protocol = protocol;
	PushNewest(entry);
	PG_TRY();
	{
		CachedPlanSource *copy = CopyCachedPlan(original);
		SaveCachedPlan(copy);
		entry->copy = copy;
	}
	PG_CATCH();
	{
		Unlink(entry);
		(void)hash_search(memo, &entry->key, HASH_REMOVE, nullptr);
		PG_RE_THROW();
	}
	PG_END_TRY();
	entry->original = original;
	entry->prepare_time = prepare_time;
}

// An entry found again: most recently used, and what the statement as a
// whole learnt about custom against generic plans passed on to the copy
// (a copy executed a few times only then moves to its generic plan when the
// statement would).
void TouchEntry(MemoEntry *entry, const CachedPlanSource *original) {
	if (entry != newest) {
		Unlink(entry);
		PushNewest(entry);
	}
	if (original->num_custom_plans > entry->copy->num_custom_plans) {
		entry->copy->num_custom_plans = original->num_custom_plans;
		entry->copy->total_custom_cost = original->total_custom_cost;
	}
}

// The prepared statement an EXECUTE (possibly under EXPLAIN) names.
const ExecuteStmt *ExecuteOf(Node *statement) {
	if (IsA(statement, ExecuteStmt))
		return reinterpret_cast<const ExecuteStmt *>(statement);
	if (IsA(statement, ExplainStmt)) {
		Node *query = reinterpret_cast<ExplainStmt *>(statement)->query;
		if (query != nullptr && IsA(query, Query))
			query = reinterpret_cast<Query *>(query)->utilityStmt;
		if (query != nullptr && IsA(query, ExecuteStmt))
			return reinterpret_cast<const ExecuteStmt *>(query);
	}
	return nullptr;
}

// --- protocol-level prepared statements ------------------------------------
//
// A driver's named statements (Parse once, then Bind/Execute) are bound in
// messages no hook sees.  So they follow the tenant instead: when a
// statement of this session sets the tenant, every protocol-level statement
// the session has executed gets the new tenant's copy of its plan source put
// into its entry (made at the first switch to the tenant), and keeps it
// until the tenant changes again.  A Bind then finds a plan source analysed
// for its tenant and re-uses its plan.  The statements are learnt at
// ExecutorStart (the portal names the statement it was bound from).
//
// Close (a protocol message, no hook either) drops whichever plan source is
// in the entry; the other versions are dropped the next time the statements
// are looked at (ReconcileProtocolStatement).

struct ProtocolStatement {
	char name[NAMEDATALEN]; // hash key
	PreparedStatement *entry; // as last seen; with prepare_time, the statement's identity
	TimestampTz prepare_time;
	CachedPlanSource *original; // the statement's own plan source
	MemoEntry *swapped;         // the tenant's copy in the entry now, or nullptr
};

HTAB *protocol_statements = nullptr;
// The plans the last few noted statements ran with: a statement executed
// again with the same plan (a session that keeps its tenant) is known
// already, and a pointer compare is all it costs.  A stale pointer can only
// make a new statement go unnoticed: then PostgreSQL plans it again at a
// switch, as without this feature.
constexpr int kRecentPlans = 8;
const void *recent_plans[kRecentPlans];
int recent_next = 0;

void ForgetRecentPlans() {
	memset(recent_plans, 0, sizeof(recent_plans));
}

// The version in the statement's entry now.
CachedPlanSource *InEntry(const ProtocolStatement *ps) {
	return ps->swapped != nullptr ? ps->swapped->copy : ps->original;
}

// Drops every copy of the statement, except `freed` (PostgreSQL dropped it
// with the statement), and its own plan source when a copy was in the entry
// (nothing else refers to it then).
void ForgetProtocolVersions(ProtocolStatement *ps, CachedPlanSource *freed) {
	for (MemoEntry *entry = newest; entry != nullptr;) {
		MemoEntry *older = entry->older;
		if (entry->protocol && strcmp(entry->key.name, ps->name) == 0)
			Forget(entry, entry->copy != freed);
		entry = older;
	}
	if (ps->original != nullptr && ps->original != freed)
		DropCachedPlan(ps->original);
	ps->entry = nullptr;
	ps->original = nullptr;
	ps->swapped = nullptr;
}

// The statement's entry if it still is the statement we track (else the
// versions we hold are dropped and tracking starts again); nullptr when it
// is gone or is an SQL prepared statement.
PreparedStatement *ReconcileProtocolStatement(ProtocolStatement *ps) {
	PreparedStatement *entry = FetchPreparedStatement(ps->name, false);
	if (ps->entry != nullptr) {
		bool same = entry == ps->entry && entry->prepare_time == ps->prepare_time && !entry->from_sql;
		if (!same)
			ForgetProtocolVersions(ps, InEntry(ps)); // closed: PostgreSQL dropped that one
		else if (entry->plansource != InEntry(ps))
			ForgetProtocolVersions(ps, entry->plansource); // changed behind our back: keep what is there
	}
	if (entry == nullptr || entry->from_sql)
		return nullptr;
	if (ps->entry == nullptr) {
		ps->entry = entry;
		ps->prepare_time = entry->prepare_time;
		ps->original = entry->plansource;
		ps->swapped = nullptr;
	}
	return entry;
}

// Puts the statement's own plan source back into its entry.
void PutOriginalBack(ProtocolStatement *ps) {
	if (ps->swapped == nullptr)
		return;
	CachedPlanSource *copy = ps->swapped->copy;
	ps->entry->plansource = ps->original;
	// What the copy learnt about custom against generic plans goes to the
	// statement's own plan source, and from there to the next copy made.
	if (copy->num_custom_plans > ps->original->num_custom_plans) {
		ps->original->num_custom_plans = copy->num_custom_plans;
		ps->original->total_custom_cost = copy->total_custom_cost;
	}
	ps->swapped->in_use--;
	ps->swapped = nullptr;
}

// Puts the tenant's copy (made now if needed) into the statement's entry.
void SwapInTenantCopy(ProtocolStatement *ps, const char *tenant) {
	MemoKey key;
	memset(&key, 0, sizeof(key));
	strlcpy(key.name, ps->name, NAMEDATALEN);
	strlcpy(key.tenant, tenant, NAMEDATALEN);
	if (ps->swapped != nullptr && memcmp(&ps->swapped->key, &key, sizeof(key)) == 0)
		return; // already
	PutOriginalBack(ps);
	EnsureMemo();
	bool found = false;
	auto *entry = static_cast<MemoEntry *>(hash_search(memo, &key, HASH_ENTER, &found));
	if (found && (!entry->protocol || entry->original != ps->original || entry->prepare_time != ps->prepare_time)) {
		if (entry->in_use > 0)
			return; // an SQL statement's copy still running under this name: leave the statement as it is
		Forget(entry, true);
		entry = static_cast<MemoEntry *>(hash_search(memo, &key, HASH_ENTER, &found));
	}
	if (!found)
		FillNewEntry(entry, ps->original, ps->prepare_time, true);
	else
		TouchEntry(entry, ps->original);
	entry->in_use++;
	ps->entry->plansource = entry->copy;
	ps->swapped = entry;
}

} // namespace

void NoteProtocolStatement(const char *name, const void *plan) {
	if (plan != nullptr)
		for (const void *recent : recent_plans)
			if (recent == plan)
				return;
	if (tenant_plans <= 0 || strlen(name) >= NAMEDATALEN)
		return;
	if (protocol_statements == nullptr) {
		HASHCTL ctl;
		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = NAMEDATALEN;
		ctl.entrysize = sizeof(ProtocolStatement);
		ctl.hcxt = TopMemoryContext;
		protocol_statements = hash_create("wellness_tenancy protocol statements", 32, &ctl,
		                                  HASH_ELEM | HASH_STRINGS | HASH_CONTEXT);
	}
	bool found = false;
	auto *ps = static_cast<ProtocolStatement *>(hash_search(protocol_statements, name, HASH_ENTER, &found));
	if (!found) {
		ps->entry = nullptr;
		ps->original = nullptr;
		ps->swapped = nullptr;
		ps->prepare_time = 0;
	}
	if (plan != nullptr)
		recent_plans[recent_next++ % kRecentPlans] = plan;
}

void FollowTenantWithProtocolStatements() {
	if (protocol_statements == nullptr || tenant_plans <= 0 || hash_get_num_entries(protocol_statements) == 0)
		return;
	const char *tenant = CurrentTenantName();
	bool swap = tenant[0] != '\0' && strlen(tenant) < NAMEDATALEN;
	HASH_SEQ_STATUS status;
	hash_seq_init(&status, protocol_statements);
	while (auto *ps = static_cast<ProtocolStatement *>(hash_seq_search(&status))) {
		if (ReconcileProtocolStatement(ps) == nullptr) {
			(void)hash_search(protocol_statements, ps->name, HASH_REMOVE, nullptr);
			continue;
		}
		if (swap)
			SwapInTenantCopy(ps, tenant);
		else
			PutOriginalBack(ps);
	}
	ForgetRecentPlans();
	Evict();
}

void RestoreProtocolStatements(const char *name) {
	if (protocol_statements == nullptr)
		return;
	HASH_SEQ_STATUS status;
	hash_seq_init(&status, protocol_statements);
	while (auto *ps = static_cast<ProtocolStatement *>(hash_seq_search(&status)))
		if ((name == nullptr || strcmp(name, ps->name) == 0) && ReconcileProtocolStatement(ps) != nullptr)
			PutOriginalBack(ps);
}

void ReconcileProtocolStatements() {
	if (protocol_statements == nullptr)
		return;
	HASH_SEQ_STATUS status;
	hash_seq_init(&status, protocol_statements);
	while (auto *ps = static_cast<ProtocolStatement *>(hash_seq_search(&status)))
		if (ReconcileProtocolStatement(ps) == nullptr)
			(void)hash_search(protocol_statements, ps->name, HASH_REMOVE, nullptr);
	ForgetRecentPlans();
}

void DefineTenantPlanSettings() {
	DefineCustomIntVariable(
	    "wellness_tenancy.tenant_plans",
	    "SQL prepared statements keep this many per-tenant plans per backend.",
	    "EXECUTE under a tenant uses that tenant's own copy of the statement's plan, so switching tenants "
	    "does not re-plan on every switch. A plan takes about 10-15 KB; the least recently used are dropped "
	    "beyond this number. 0 turns it off (PostgreSQL then re-plans when the tenant changes).",
	    &tenant_plans, 1024, 0, 100000, PGC_USERSET, 0, nullptr, nullptr, nullptr);
}

void BeginTenantPlan(Node *statement, TenantPlanSwap *swap) {
	swap->active = false;
	if (tenant_plans <= 0)
		return;
	const ExecuteStmt *execute = ExecuteOf(statement);
	if (execute == nullptr || execute->name == nullptr || strlen(execute->name) >= NAMEDATALEN)
		return;
	const char *tenant = CurrentTenantName();
	if (tenant[0] == '\0' || strlen(tenant) >= NAMEDATALEN)
		return;
	// Every statement was prepared in this tenant's context (a session
	// pinned to its tenant): each is analysed for it already.
	if (PreparedStatementsAllOf(tenant))
		return;
	PreparedStatement *prepared = FetchPreparedStatement(execute->name, false);
	if (prepared == nullptr || !prepared->from_sql || prepared->plansource->is_oneshot ||
	    !prepared->plansource->is_complete || active_count >= kMaxActiveSwaps)
		return;
	// The statement run again from inside its own execution: its plan
	// source is swapped already; the plain path.
	for (int i = 0; i < active_count; i++)
		if (active_swaps[i]->entry == prepared)
			return;
	// Analysed under the search path in force (prepared in this tenant's
	// context, the pinned case): PostgreSQL re-uses it as it is.
	if (prepared->plansource->search_path != nullptr &&
	    OverrideSearchPathMatchesCurrent(prepared->plansource->search_path))
		return;
	EnsureMemo();
	MemoKey key;
	memset(&key, 0, sizeof(key));
	strlcpy(key.name, execute->name, NAMEDATALEN);
	strlcpy(key.tenant, tenant, NAMEDATALEN);
	bool found = false;
	auto *entry = static_cast<MemoEntry *>(hash_search(memo, &key, HASH_ENTER, &found));
	if (found && (entry->protocol || entry->original != prepared->plansource ||
	              entry->prepare_time != prepared->prepare_time)) {
		// Prepared again under the same name since: the copy is of another
		// statement.
		if (entry->in_use > 0)
			return; // still running under its old statement: the plain path
		DropCachedPlan(entry->copy);
		Unlink(entry);
		found = false;
	}
	if (!found)
		FillNewEntry(entry, prepared->plansource, prepared->prepare_time, false);
	else
		TouchEntry(entry, prepared->plansource); // what the other tenants' copies learnt (EndTenantPlan)
	entry->in_use++; // before evicting: never this one
	Evict(); // also after the cap was lowered
	prepared->plansource = entry->copy;
	active_swaps[active_count++] = swap;
	swap->active = true;
	swap->restored = false;
	strlcpy(swap->name, key.name, NAMEDATALEN);
	swap->entry = prepared;
	swap->original = entry->original;
	swap->copy = entry->copy;
	swap->memo = entry;
}

void EndTenantPlan(TenantPlanSwap *swap) {
	if (!swap->active)
		return;
	swap->active = false;
	for (int i = active_count - 1; i >= 0; i--)
		if (active_swaps[i] == swap) {
			active_swaps[i] = active_swaps[--active_count];
			break;
		}
	auto *entry = static_cast<MemoEntry *>(swap->memo);
	entry->in_use--;
	if (!swap->restored) {
		auto *original = static_cast<CachedPlanSource *>(swap->original);
		auto *copy = static_cast<CachedPlanSource *>(swap->copy);
		static_cast<PreparedStatement *>(swap->entry)->plansource = original;
		// What the copies learnt about custom against generic plans goes to
		// the statement's own plan source, so that the next tenant's copy
		// (CopyCachedPlan copies it) starts from it instead of making five
		// custom plans first: a backend serving many tenants executes each
		// tenant's copy a few times only.
		if (copy->num_custom_plans > original->num_custom_plans) {
			original->num_custom_plans = copy->num_custom_plans;
			original->total_custom_cost = copy->total_custom_cost;
		}
		return;
	}
	// Deallocated while it ran: the statement's own plan source went with
	// it, and the copy belongs to nothing any more.
	if (entry->in_use == 0)
		Forget(entry, true);
}

void RestoreTenantPlansBefore(Node *statement) {
	const char *name = nullptr; // nullptr: every statement
	if (IsA(statement, DeallocateStmt))
		name = reinterpret_cast<DeallocateStmt *>(statement)->name;
	else if (!(IsA(statement, DiscardStmt) && reinterpret_cast<DiscardStmt *>(statement)->target == DISCARD_ALL))
		return;
	RestoreProtocolStatements(name);
	if (active_count == 0)
		return;
	for (int i = 0; i < active_count; i++) {
		TenantPlanSwap *swap = active_swaps[i];
		if (swap->restored || (name != nullptr && strcmp(name, swap->name) != 0))
			continue;
		static_cast<PreparedStatement *>(swap->entry)->plansource = static_cast<CachedPlanSource *>(swap->original);
		swap->restored = true;
	}
}

void ForgetStaleTenantPlans() {
	ReconcileProtocolStatements();
	if (memo == nullptr || hash_get_num_entries(memo) == 0)
		return;
	for (MemoEntry *entry = newest; entry != nullptr;) {
		MemoEntry *older = entry->older;
		if (entry->protocol) {
			entry = older;
			continue; // ReconcileProtocolStatements, below
		}
		PreparedStatement *prepared = FetchPreparedStatement(entry->key.name, false);
		if (entry->in_use == 0 && (prepared == nullptr || prepared->plansource != entry->original ||
		                           prepared->prepare_time != entry->prepare_time))
			Forget(entry, true);
		entry = older;
	}
}

} // namespace wellness_tenancy

extern "C" {

// wt_tenant_plans() -> setof (statement, tenant, generic_plans, custom_plans,
// valid): this backend's per-tenant plans, most recently used first.  In
// tenant context only the tenant's own.
PG_FUNCTION_INFO_V1(wt_tenant_plans);
Datum wt_tenant_plans(PG_FUNCTION_ARGS) {
	InitMaterializedSRF(fcinfo, 0);
	auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
	const char *tenant = wellness_tenancy::CurrentTenantName();
	bool own_only = wellness_tenancy::TenantContextInForce();
	for (wellness_tenancy::MemoEntry *entry = wellness_tenancy::newest; entry != nullptr; entry = entry->older) {
		if (own_only && strcmp(entry->key.tenant, tenant) != 0)
			continue;
		Datum values[5];
		bool nulls[5] = {false, false, false, false, false};
		values[0] = CStringGetTextDatum(entry->key.name);
		values[1] = CStringGetTextDatum(entry->key.tenant);
		values[2] = Int64GetDatum(entry->copy->num_generic_plans);
		values[3] = Int64GetDatum(entry->copy->num_custom_plans);
		values[4] = BoolGetDatum(entry->copy->is_valid);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum)0;
}

} // extern "C"
