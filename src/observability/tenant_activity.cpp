// TenantActivity: see tenant_activity.hpp.
//
// Shared memory, laid out once at server start:
//   ActivityShared   the lock, counters, and one TenantSlot per backend
//   stats hash       StatsKey (database, tenant) -> StatsEntry, sized by
//                    wellness_tenancy.stats_max_tenants plus the overflow entry
//
// Backend slots follow PgBackendStatus: only the owning backend writes its
// slot, bracketing the write with a change count (odd while writing), and
// readers copy the slot until they see the same even count before and after.
// Statistics follow pg_stat_statements: the lock is held shared while an
// entry's counters are bumped under the entry's spinlock, exclusive only to
// add an entry or to reset.
#include "tenant_activity.hpp"

#include "tenant_context.hpp"

namespace wellness_tenancy {

namespace {

constexpr const char *kTrancheName = "wellness_tenancy";
constexpr const char *kOverflowTenant = "(overflow)";

struct TenantSlot {
	uint32 changecount; // odd while the owner writes
	int pid;
	Oid database;
	TimestampTz since;
	char tenant[NAMEDATALEN]; // "" = no tenant in force
};

struct ActivityShared {
	LWLock *lock;                // guards the statistics hash (entries, not counters)
	pg_atomic_uint64 refusals;   // isolation refusals raised since server start
	pg_atomic_uint64 generation; // bumped by every reset: cached entry pointers die
	int64 entries;               // tenant entries in the hash (not the overflow one)
	TimestampTz stats_reset;     // last reset, or server start
	int slot_count;              // MaxBackends at start
	TenantSlot slots[FLEXIBLE_ARRAY_MEMBER];
};

struct StatsKey {
	Oid database; // InvalidOid for the overflow entry
	char tenant[NAMEDATALEN];
};

struct StatsEntry {
	StatsKey key; // hash key: keep first
	slock_t mutex;
	int64 calls;
	double total_time_ms;
	int64 rows;
	TimestampTz since;
};

int stats_max_tenants = 10000;
bool track_tenant_stats = true;

ActivityShared *shared = nullptr;
HTAB *stats_hash = nullptr;

shmem_request_hook_type previous_shmem_request = nullptr;
shmem_startup_hook_type previous_shmem_startup = nullptr;
ExecutorRun_hook_type previous_executor_run = nullptr;
ExecutorFinish_hook_type previous_executor_finish = nullptr;
ExecutorEnd_hook_type previous_executor_end = nullptr;

// What this backend last published, to write the slot only on a change.
char published_tenant[NAMEDATALEN];
bool slot_claimed = false; // written at least once: cleared on exit

// The statistics entry of the tenant in force, and what it was found for.
StatsEntry *cached_entry = nullptr;
uint64 cached_epoch = PG_UINT64_MAX;
uint64 cached_generation = PG_UINT64_MAX;
Oid cached_database = InvalidOid;
char cached_tenant[NAMEDATALEN];

// Executor nesting (ExecutorRun/ExecutorFinish), as pg_stat_statements: only
// top-level statements count, a function's queries (and the foreign-key
// checks of AFTER triggers) are part of their caller.  An error that leaves
// a nested level is repaired at (sub)transaction abort, not with PG_TRY per
// statement: the level in force when each subtransaction began is kept.
int nesting_level = 0;
constexpr int kSavedLevels = 64;
int subxact_levels[kSavedLevels];

// The top-level statement being timed: from its first ExecutorRun to its
// ExecutorEnd (for a cursor, from the first fetch to its close).
bool statement_timed = false;
instr_time statement_start;

// Counted here, added to the shared entry once per transaction (at its end)
// or when the tenant changes: the shared lock is taken once per transaction.
int64 pending_calls = 0;
int64 pending_rows = 0;
double pending_time_ms = 0;

Size SharedSize(int slot_count) {
	return add_size(offsetof(ActivityShared, slots), mul_size(slot_count, sizeof(TenantSlot)));
}

void RequestActivityShmem() {
	if (previous_shmem_request != nullptr)
		previous_shmem_request();
	RequestAddinShmemSpace(SharedSize(MaxBackends));
	RequestAddinShmemSpace(hash_estimate_size(stats_max_tenants + 1, sizeof(StatsEntry)));
	RequestNamedLWLockTranche(kTrancheName, 1);
}

void StartupActivityShmem() {
	if (previous_shmem_startup != nullptr)
		previous_shmem_startup();
	LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
	bool found = false;
	shared = static_cast<ActivityShared *>(
	    ShmemInitStruct("wellness_tenancy activity", SharedSize(MaxBackends), &found));
	if (!found) {
		memset(shared, 0, SharedSize(MaxBackends));
		shared->lock = &(GetNamedLWLockTranche(kTrancheName))->lock;
		pg_atomic_init_u64(&shared->refusals, 0);
		pg_atomic_init_u64(&shared->generation, 1);
		shared->stats_reset = GetCurrentTimestamp();
		shared->slot_count = MaxBackends;
	}
	HASHCTL info;
	memset(&info, 0, sizeof(info));
	info.keysize = sizeof(StatsKey);
	info.entrysize = sizeof(StatsEntry);
	stats_hash = ShmemInitHash("wellness_tenancy tenant statistics", stats_max_tenants + 1,
	                           stats_max_tenants + 1, &info, HASH_ELEM | HASH_BLOBS);
	if (!found) {
		StatsKey key;
		memset(&key, 0, sizeof(key));
		strlcpy(key.tenant, kOverflowTenant, NAMEDATALEN);
		bool entry_found = false;
		auto *entry = static_cast<StatsEntry *>(hash_search(stats_hash, &key, HASH_ENTER, &entry_found));
		SpinLockInit(&entry->mutex);
		entry->calls = 0;
		entry->total_time_ms = 0;
		entry->rows = 0;
		entry->since = shared->stats_reset;
	}
	LWLockRelease(AddinShmemInitLock);
}

TenantSlot *MySlot() {
	if (shared == nullptr || MyBackendId == InvalidBackendId || MyBackendId > shared->slot_count)
		return nullptr;
	return &shared->slots[MyBackendId - 1];
}

// Writes this backend's slot (PgBackendStatus's begin/end write protocol).
void WriteSlot(TenantSlot *slot, const char *tenant) {
	TimestampTz now = GetCurrentTimestamp();
	START_CRIT_SECTION();
	slot->changecount++;
	pg_write_barrier();
	slot->pid = MyProcPid;
	slot->database = MyDatabaseId;
	slot->since = now;
	strlcpy(slot->tenant, tenant, NAMEDATALEN);
	pg_write_barrier();
	slot->changecount++;
	END_CRIT_SECTION();
}

// Copies another backend's slot consistently.
void ReadSlot(const TenantSlot *slot, TenantSlot *copy) {
	for (;;) {
		uint32 before = *reinterpret_cast<const volatile uint32 *>(&slot->changecount);
		pg_read_barrier();
		memcpy(copy, slot, sizeof(TenantSlot));
		pg_read_barrier();
		uint32 after = *reinterpret_cast<const volatile uint32 *>(&slot->changecount);
		if (before == after && (before & 1) == 0)
			break;
		CHECK_FOR_INTERRUPTS();
	}
	copy->tenant[NAMEDATALEN - 1] = '\0';
}

// Backend exit: the slot says no tenant (a later backend with the same id
// starts from an empty slot).
void ClearSlotAtExit(int, Datum) {
	TenantSlot *slot = MySlot();
	if (slot != nullptr)
		WriteSlot(slot, "");
	published_tenant[0] = '\0';
}

[[noreturn]] void ReportNotPreloaded() {
	ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
	                errmsg("wellness_tenancy shared memory is not available"),
	                errdetail("Live tenant sessions and per-tenant statistics live in shared memory, which only a "
	                          "module loaded at server start can reserve."),
	                errhint("add wellness_tenancy to shared_preload_libraries and restart the server")));
	pg_unreachable();
}

// Finds or adds the statistics entry of (database, tenant); the overflow
// entry when the table is full.  Called with the lock held shared; may
// switch it to exclusive and back to shared (returns with it shared).
StatsEntry *FindOrAddEntry(Oid database, const char *tenant) {
	StatsKey key;
	memset(&key, 0, sizeof(key));
	key.database = database;
	strlcpy(key.tenant, tenant, NAMEDATALEN);
	auto *entry = static_cast<StatsEntry *>(hash_search(stats_hash, &key, HASH_FIND, nullptr));
	if (entry != nullptr)
		return entry;
	LWLockRelease(shared->lock);
	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	bool found = false;
	if (shared->entries < stats_max_tenants)
		entry = static_cast<StatsEntry *>(hash_search(stats_hash, &key, HASH_ENTER_NULL, &found));
	else
		entry = static_cast<StatsEntry *>(hash_search(stats_hash, &key, HASH_FIND, &found));
	if (entry != nullptr && !found) {
		SpinLockInit(&entry->mutex);
		entry->calls = 0;
		entry->total_time_ms = 0;
		entry->rows = 0;
		entry->since = GetCurrentTimestamp();
		shared->entries++;
	}
	if (entry == nullptr) {
		StatsKey overflow;
		memset(&overflow, 0, sizeof(overflow));
		strlcpy(overflow.tenant, kOverflowTenant, NAMEDATALEN);
		entry = static_cast<StatsEntry *>(hash_search(stats_hash, &overflow, HASH_FIND, nullptr));
		// Say so, once per backend: the figures of this tenant are lumped.
		static bool overflow_reported = false;
		if (!overflow_reported) {
			overflow_reported = true;
			ereport(LOG, (errmsg("wellness_tenancy: tenant statistics are full (%d tenants): statements of tenant "
			                     "\"%s\" are counted in the \"(overflow)\" entry",
			                     stats_max_tenants, tenant),
			              errhint("Raise wellness_tenancy.stats_max_tenants (restart), or reset the statistics "
			                      "with wt_tenant_activity_reset() to forget dropped tenants.")));
		}
	}
	LWLockRelease(shared->lock);
	LWLockAcquire(shared->lock, LW_SHARED);
	// A reset may have run while the lock was free: the caller checks the
	// generation again.
	return entry;
}

// Adds what this backend counted to the tenant's shared entry (cached
// per tenant; found again after a reset).
void FlushPending() {
	if (pending_calls == 0 || shared == nullptr || cached_tenant[0] == '\0') {
		pending_calls = pending_rows = 0;
		pending_time_ms = 0;
		return;
	}
	LWLockAcquire(shared->lock, LW_SHARED);
	uint64 generation = pg_atomic_read_u64(&shared->generation);
	if (cached_entry == nullptr || cached_generation != generation) {
		cached_entry = FindOrAddEntry(cached_database, cached_tenant);
		cached_generation = generation;
		if (pg_atomic_read_u64(&shared->generation) != generation)
			cached_entry = nullptr; // reset meanwhile: these counts go with it
	}
	if (cached_entry != nullptr) {
		volatile StatsEntry *entry = cached_entry;
		SpinLockAcquire(&entry->mutex);
		entry->calls += pending_calls;
		entry->total_time_ms += pending_time_ms;
		entry->rows += pending_rows;
		SpinLockRelease(&entry->mutex);
	}
	LWLockRelease(shared->lock);
	pending_calls = pending_rows = 0;
	pending_time_ms = 0;
}

// Is a statement of this backend counted now?  Tracking on, shared memory
// present, not a parallel worker (the leader counts the statement), and an
// active registered tenant in force.  Memoised per policy epoch: no catalog
// access per statement.
bool TenantTracked() {
	uint64 epoch = PolicyEpoch();
	if (epoch == cached_epoch)
		return cached_tenant[0] != '\0';
	if (!track_tenant_stats || shared == nullptr || IsParallelWorker())
		return false;
	cached_epoch = epoch;
	const char *tenant = "";
	if (TenantContextInForce() && CurrentTenantName()[0] != '\0' && OidIsValid(CurrentTenantNamespace()))
		tenant = CurrentTenantName();
	// The same tenant again (a switch per transaction): keep the entry.
	if (strcmp(tenant, cached_tenant) != 0 || cached_database != MyDatabaseId) {
		FlushPending(); // the counts of the tenant before
		strlcpy(cached_tenant, tenant, NAMEDATALEN);
		cached_database = MyDatabaseId;
		cached_entry = nullptr;
	}
	return cached_tenant[0] != '\0';
}

void ActivityExecutorRun(QueryDesc *query, ScanDirection direction, uint64 count, bool execute_once) {
	if (nesting_level == 0 && !statement_timed && track_tenant_stats && TenantTracked()) {
		INSTR_TIME_SET_CURRENT(statement_start);
		statement_timed = true;
	}
	nesting_level++;
	if (previous_executor_run != nullptr)
		previous_executor_run(query, direction, count, execute_once);
	else
		standard_ExecutorRun(query, direction, count, execute_once);
	nesting_level--;
}

void ActivityExecutorFinish(QueryDesc *query) {
	nesting_level++;
	if (previous_executor_finish != nullptr)
		previous_executor_finish(query);
	else
		standard_ExecutorFinish(query);
	nesting_level--;
}

void ActivityExecutorEnd(QueryDesc *query) {
	if (nesting_level == 0 && track_tenant_stats && TenantTracked()) {
		pending_calls++;
		pending_rows += static_cast<int64>(query->estate != nullptr ? query->estate->es_processed : 0);
		if (statement_timed) {
			instr_time now;
			INSTR_TIME_SET_CURRENT(now);
			INSTR_TIME_SUBTRACT(now, statement_start);
			pending_time_ms += INSTR_TIME_GET_MILLISEC(now);
		}
	}
	if (nesting_level == 0)
		statement_timed = false;
	if (previous_executor_end != nullptr)
		previous_executor_end(query);
	else
		standard_ExecutorEnd(query);
}

// Transaction end: the counts go to shared memory; an error's leftover
// nesting is forgotten.
void ActivityXactCallback(XactEvent event, void *) {
	switch (event) {
	case XACT_EVENT_ABORT:
	case XACT_EVENT_PARALLEL_ABORT:
		nesting_level = 0;
		statement_timed = false;
		FlushPending();
		break;
	case XACT_EVENT_COMMIT:
	case XACT_EVENT_PARALLEL_COMMIT:
	case XACT_EVENT_PREPARE:
		nesting_level = 0; // no executor runs across a commit (belt and braces)
		statement_timed = false;
		FlushPending();
		break;
	default:
		break;
	}
}

// A subtransaction that aborts (an exception block, a savepoint) returns to
// the nesting it began at.
void ActivitySubXactCallback(SubXactEvent event, SubTransactionId, SubTransactionId, void *) {
	int depth = GetCurrentTransactionNestLevel();
	if (depth <= 0 || depth > kSavedLevels)
		return;
	if (event == SUBXACT_EVENT_START_SUB)
		subxact_levels[depth - 1] = nesting_level;
	else if (event == SUBXACT_EVENT_ABORT_SUB) {
		nesting_level = subxact_levels[depth - 1];
		if (nesting_level == 0)
			statement_timed = false;
	}
}

// May the caller see every tenant's rows?  Not while a tenant context is in
// force.  Otherwise the caller's own tenant filters.
enum class ReaderScope { kAll, kOwnTenant, kNothing };

ReaderScope CallerScope(const char **own_tenant) {
	*own_tenant = CurrentTenantName();
	if ((*own_tenant)[0] != '\0')
		return ReaderScope::kOwnTenant;
	return TenantContextInForce() ? ReaderScope::kNothing : ReaderScope::kAll;
}

} // namespace

void DefineTenantActivitySettings() {
	DefineCustomIntVariable(
	    "wellness_tenancy.stats_max_tenants", "Tenants whose activity statistics shared memory holds.",
	    "One entry per (database, tenant); statements of tenants beyond it are counted in the \"(overflow)\" entry.",
	    &stats_max_tenants, 10000, 100, 10000000, PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);
	DefineCustomBoolVariable(
	    "wellness_tenancy.track_tenant_stats", "Collect per-tenant statement statistics (wt_tenant_activity).",
	    "Counts top-level statements, their execution time and rows for the tenant in force.",
	    &track_tenant_stats, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);
}

void InstallTenantActivity() {
	previous_shmem_request = shmem_request_hook;
	shmem_request_hook = RequestActivityShmem;
	previous_shmem_startup = shmem_startup_hook;
	shmem_startup_hook = StartupActivityShmem;
	previous_executor_run = ExecutorRun_hook;
	ExecutorRun_hook = ActivityExecutorRun;
	previous_executor_finish = ExecutorFinish_hook;
	ExecutorFinish_hook = ActivityExecutorFinish;
	previous_executor_end = ExecutorEnd_hook;
	ExecutorEnd_hook = ActivityExecutorEnd;
	RegisterXactCallback(ActivityXactCallback, nullptr);
	RegisterSubXactCallback(ActivitySubXactCallback, nullptr);
}

void PublishTenant(const char *tenant) {
	if (tenant == nullptr)
		tenant = "";
	if (strncmp(published_tenant, tenant, NAMEDATALEN - 1) == 0)
		return;
	TenantSlot *slot = MySlot();
	if (slot == nullptr)
		return;
	if (!slot_claimed) {
		before_shmem_exit(ClearSlotAtExit, (Datum)0);
		slot_claimed = true;
	}
	WriteSlot(slot, tenant);
	strlcpy(published_tenant, tenant, NAMEDATALEN);
}

void CountTenantRefusal() {
	if (shared != nullptr)
		pg_atomic_fetch_add_u64(&shared->refusals, 1);
}

} // namespace wellness_tenancy

using namespace wellness_tenancy;

namespace wellness_tenancy {
namespace {
// One backend working for a tenant, as wt_tenant_backends() found it.
struct TenantBackend {
	int pid;
	TimestampTz since;
	char tenant[NAMEDATALEN];
};

int CompareTenantBackendPid(const void *a, const void *b) {
	int pa = static_cast<const TenantBackend *>(a)->pid, pb = static_cast<const TenantBackend *>(b)->pid;
	return pa < pb ? -1 : (pa > pb ? 1 : 0);
}

const char *BackendStateName(BackendState state) {
	switch (state) {
	case STATE_IDLE:
		return "idle";
	case STATE_RUNNING:
		return "active";
	case STATE_IDLEINTRANSACTION:
		return "idle in transaction";
	case STATE_FASTPATH:
		return "fastpath function call";
	case STATE_IDLEINTRANSACTION_ABORTED:
		return "idle in transaction (aborted)";
	case STATE_DISABLED:
		return "disabled";
	case STATE_UNDEFINED:
		break;
	}
	return nullptr;
}

bool CallerIsStatsReader() { return superuser() || has_privs_of_role(GetUserId(), ROLE_PG_READ_ALL_STATS); }

} // namespace
} // namespace wellness_tenancy

extern "C" {

// wt_internal.tenant_backends() -> (pid, tenant, tenant_since, state,
// backend_start, xact_start, query_start, query, role_name,
// application_name, backend_type): backends of this database working for a
// tenant, with their activity (read here, not through pg_stat_get_activity,
// which the query guard narrows to the session's own row in tenant context).
// A tenant session sees the backends of its own tenant; a session under
// require_tenant without a tenant only itself.  The statement text only for
// a DBA (superuser, pg_read_all_stats) without a tenant context; state and
// times as pg_stat_activity shows them, and to sessions of the same tenant.
PG_FUNCTION_INFO_V1(wt_tenant_backends);
Datum wt_tenant_backends(PG_FUNCTION_ARGS) {
	if (shared == nullptr)
		ReportNotPreloaded();
	InitMaterializedSRF(fcinfo, 0);
	auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
	const char *own = nullptr;
	ReaderScope scope = CallerScope(&own);
	bool stats_reader = CallerIsStatsReader();
	bool queries_visible = scope == ReaderScope::kAll && stats_reader;
	// The slots that pass the filter, sorted by pid.
	auto *found = static_cast<TenantBackend *>(palloc0(sizeof(TenantBackend) * (shared->slot_count + 1)));
	int count = 0;
	if (scope == ReaderScope::kNothing) {
		// Fail-closed session without a tenant: only its own row.
		found[count].pid = MyProcPid;
		found[count].since = DT_NOBEGIN;
		count++;
	} else {
		for (int i = 0; i < shared->slot_count; i++) {
			TenantSlot copy;
			ReadSlot(&shared->slots[i], &copy);
			if (copy.database != MyDatabaseId || copy.pid == 0 || copy.tenant[0] == '\0')
				continue;
			if (scope == ReaderScope::kOwnTenant && strcmp(copy.tenant, own) != 0)
				continue;
			found[count].pid = copy.pid;
			found[count].since = copy.since;
			strlcpy(found[count].tenant, copy.tenant, NAMEDATALEN);
			count++;
		}
	}
	qsort(found, count, sizeof(TenantBackend), CompareTenantBackendPid);
	int backends = pgstat_fetch_stat_numbackends();
	for (int i = 1; i <= backends; i++) {
		LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(i);
		if (local == nullptr)
			continue;
		const PgBackendStatus *be = &local->backendStatus;
		TenantBackend key;
		key.pid = be->st_procpid;
		auto *match = static_cast<TenantBackend *>(
		    bsearch(&key, found, count, sizeof(TenantBackend), CompareTenantBackendPid));
		if (match == nullptr)
			continue;
		// State and times: to the same tenant's sessions, to DBAs, and to
		// the roles pg_stat_activity shows them to.
		bool details = scope != ReaderScope::kAll || stats_reader || has_privs_of_role(GetUserId(), be->st_userid);
		Datum values[11];
		bool nulls[11];
		memset(nulls, true, sizeof(nulls));
		values[0] = Int32GetDatum(be->st_procpid);
		nulls[0] = false;
		if (match->tenant[0] != '\0') {
			values[1] = CStringGetTextDatum(match->tenant);
			nulls[1] = false;
		}
		if (match->since != DT_NOBEGIN) {
			values[2] = TimestampTzGetDatum(match->since);
			nulls[2] = false;
		}
		if (details) {
			const char *state = BackendStateName(be->st_state);
			if (state != nullptr) {
				values[3] = CStringGetTextDatum(state);
				nulls[3] = false;
			}
			TimestampTz times[3] = {be->st_proc_start_timestamp, be->st_xact_start_timestamp,
			                        be->st_activity_start_timestamp};
			for (int t = 0; t < 3; t++)
				if (times[t] != 0) {
					values[4 + t] = TimestampTzGetDatum(times[t]);
					nulls[4 + t] = false;
				}
			if (queries_visible && be->st_activity_raw != nullptr) {
				char *clipped = pgstat_clip_activity(be->st_activity_raw);
				values[7] = CStringGetTextDatum(clipped);
				nulls[7] = false;
			}
			char *role = GetUserNameFromId(be->st_userid, true);
			if (role != nullptr) {
				values[8] = CStringGetTextDatum(role);
				nulls[8] = false;
			}
			if (be->st_appname != nullptr) {
				values[9] = CStringGetTextDatum(be->st_appname);
				nulls[9] = false;
			}
		}
		values[10] = CStringGetTextDatum(GetBackendTypeDesc(be->st_backendType));
		nulls[10] = false;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	PG_RETURN_NULL();
}

// wt_internal.tenant_activity() -> (tenant, calls, total_exec_time, rows,
// stats_since): the statistics entries of this database (and the overflow
// entry), filtered like wt_tenant_backends().
PG_FUNCTION_INFO_V1(wt_tenant_activity);
Datum wt_tenant_activity(PG_FUNCTION_ARGS) {
	if (shared == nullptr)
		ReportNotPreloaded();
	InitMaterializedSRF(fcinfo, 0);
	auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
	const char *own = nullptr;
	ReaderScope scope = CallerScope(&own);
	if (scope == ReaderScope::kNothing)
		PG_RETURN_NULL();
	LWLockAcquire(shared->lock, LW_SHARED);
	HASH_SEQ_STATUS status;
	hash_seq_init(&status, stats_hash);
	StatsEntry *entry;
	while ((entry = static_cast<StatsEntry *>(hash_seq_search(&status))) != nullptr) {
		bool overflow = entry->key.database == InvalidOid;
		if (!overflow && entry->key.database != MyDatabaseId)
			continue;
		if (scope == ReaderScope::kOwnTenant && (overflow || strcmp(entry->key.tenant, own) != 0))
			continue;
		int64 calls, rows;
		double time_ms;
		TimestampTz since;
		{
			volatile StatsEntry *e = entry;
			SpinLockAcquire(&e->mutex);
			calls = e->calls;
			rows = e->rows;
			time_ms = e->total_time_ms;
			since = e->since;
			SpinLockRelease(&e->mutex);
		}
		Datum values[5];
		bool nulls[5] = {false, false, false, false, false};
		values[0] = CStringGetTextDatum(entry->key.tenant);
		values[1] = Int64GetDatum(calls);
		values[2] = Float8GetDatum(time_ms);
		values[3] = Int64GetDatum(rows);
		values[4] = TimestampTzGetDatum(since);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	LWLockRelease(shared->lock);
	PG_RETURN_NULL();
}

// wt_tenant_activity_reset(): forgets every tenant's statistics (all
// databases).  EXECUTE is revoked from PUBLIC; refused in tenant context.
PG_FUNCTION_INFO_V1(wt_tenant_activity_reset);
Datum wt_tenant_activity_reset(PG_FUNCTION_ARGS) {
	if (shared == nullptr)
		ReportNotPreloaded();
	RequireNoTenantContext("reset tenant activity statistics");
	LWLockAcquire(shared->lock, LW_EXCLUSIVE);
	TimestampTz now = GetCurrentTimestamp();
	HASH_SEQ_STATUS status;
	hash_seq_init(&status, stats_hash);
	StatsEntry *entry;
	while ((entry = static_cast<StatsEntry *>(hash_seq_search(&status))) != nullptr) {
		if (entry->key.database == InvalidOid) {
			volatile StatsEntry *e = entry;
			SpinLockAcquire(&e->mutex);
			e->calls = 0;
			e->total_time_ms = 0;
			e->rows = 0;
			e->since = now;
			SpinLockRelease(&e->mutex);
			continue;
		}
		hash_search(stats_hash, &entry->key, HASH_REMOVE, nullptr);
	}
	shared->entries = 0;
	shared->stats_reset = now;
	pg_atomic_fetch_add_u64(&shared->generation, 1);
	LWLockRelease(shared->lock);
	PG_RETURN_VOID();
}

// wt_internal.activity_counters() -> (refusals, stats_entries, stats_max,
// stats_reset): the counters wt_metrics reports.
PG_FUNCTION_INFO_V1(wt_activity_counters);
Datum wt_activity_counters(PG_FUNCTION_ARGS) {
	if (shared == nullptr)
		ReportNotPreloaded();
	TupleDesc desc;
	if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("return type must be a row type"),
		                errdetail("wt_internal.activity_counters() returns a record."),
		                errhint("Call it in FROM.")));
	LWLockAcquire(shared->lock, LW_SHARED);
	int64 entries = shared->entries;
	TimestampTz reset = shared->stats_reset;
	LWLockRelease(shared->lock);
	Datum values[4];
	bool nulls[4] = {false, false, false, false};
	values[0] = Int64GetDatum(static_cast<int64>(pg_atomic_read_u64(&shared->refusals)));
	values[1] = Int64GetDatum(entries);
	values[2] = Int64GetDatum(stats_max_tenants);
	values[3] = TimestampTzGetDatum(reset);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(BlessTupleDesc(desc), values, nulls)));
}

} // extern "C"
