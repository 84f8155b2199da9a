// CitusBridge: see citus_bridge.hpp.
#include "citus_bridge.hpp"

#include <dlfcn.h>

#include "tenant_context.hpp"

namespace wellness_tenancy {

namespace {

// Citus's list of the transaction's SET LOCAL commands (StringInfo
// activeSetStmts in transaction_management.c), found once by name: Citus is
// loaded with RTLD_GLOBAL before any query runs.  nullptr: not Citus.
StringInfo *citus_set_commands = nullptr;
bool citus_looked_up = false;

StringInfo *CitusSetCommands() {
	if (!citus_looked_up) {
		citus_set_commands = static_cast<StringInfo *>(dlsym(RTLD_DEFAULT, "activeSetStmts"));
		citus_looked_up = true;
	}
	return citus_set_commands;
}

// Citus's UseCoordinatedTransaction() and InCoordinatedTransaction(): a
// statement outside a coordinated transaction sends its shard queries bare,
// without the BEGIN that carries the SET LOCAL commands.
using CitusVoidFunction = void (*)();
using CitusBoolFunction = bool (*)();
CitusVoidFunction use_coordinated_transaction = nullptr;
CitusBoolFunction in_coordinated_transaction = nullptr;

// Citus's PostprocessVariableSetStmt(): sends a SET LOCAL to every worker
// connection of the transaction and adds it to activeSetStmts (what Citus
// does after a top-level SET LOCAL with citus.propagate_set_commands =
// 'local').  nullptr: not exported; the command is then only appended.
using CitusSetFunction = void (*)(VariableSetStmt *, const char *);
CitusSetFunction propagate_set_command = nullptr;

const char *kTenantSetting = "wellness_tenancy.tenant";
const char *kForwardPrefix = "SET LOCAL wellness_tenancy.tenant TO ";

// The last tenant command this module forwarded in the transaction's list
// (a pointer into it), or nullptr when none.
const char *LastForwarded(const StringInfo commands) {
	if (commands == nullptr)
		return nullptr;
	const char *last = nullptr;
	for (const char *at = strstr(commands->data, kForwardPrefix); at != nullptr;
	     at = strstr(at + 1, kForwardPrefix))
		last = at;
	return last;
}

// Does the plan run a Citus distributed scan anywhere (its custom scans are
// named "Citus ...")?
bool PlanRunsCitusScan(const Plan *plan) {
	if (plan == nullptr)
		return false;
	check_stack_depth();
	if (IsA(plan, CustomScan)) {
		const char *name = reinterpret_cast<const CustomScan *>(plan)->methods->CustomName;
		if (name != nullptr && strncmp(name, "Citus", 5) == 0)
			return true;
	}
	if (PlanRunsCitusScan(plan->lefttree) || PlanRunsCitusScan(plan->righttree))
		return true;
	List *children = NIL;
	if (IsA(plan, Append))
		children = reinterpret_cast<const Append *>(plan)->appendplans;
	else if (IsA(plan, MergeAppend))
		children = reinterpret_cast<const MergeAppend *>(plan)->mergeplans;
	else if (IsA(plan, SubqueryScan))
		return PlanRunsCitusScan(reinterpret_cast<const SubqueryScan *>(plan)->subplan);
	else if (IsA(plan, CustomScan))
		children = reinterpret_cast<const CustomScan *>(plan)->custom_plans;
	ListCell *lc;
	foreach (lc, children)
		if (PlanRunsCitusScan(static_cast<const Plan *>(lfirst(lc))))
			return true;
	return false;
}

bool StatementRunsCitusScan(const PlannedStmt *statement) {
	if (PlanRunsCitusScan(statement->planTree))
		return true;
	ListCell *lc;
	foreach (lc, statement->subplans)
		if (PlanRunsCitusScan(static_cast<const Plan *>(lfirst(lc))))
			return true;
	return false;
}

} // namespace

void ForwardTenantToCitus(const PlannedStmt *statement) {
	StringInfo *commands = CitusSetCommands();
	if (commands == nullptr || !IsTransactionState())
		return;
	if (use_coordinated_transaction == nullptr) {
		use_coordinated_transaction = reinterpret_cast<CitusVoidFunction>(dlsym(RTLD_DEFAULT, "UseCoordinatedTransaction"));
		in_coordinated_transaction = reinterpret_cast<CitusBoolFunction>(dlsym(RTLD_DEFAULT, "InCoordinatedTransaction"));
		propagate_set_command =
		    reinterpret_cast<CitusSetFunction>(dlsym(RTLD_DEFAULT, "PostprocessVariableSetStmt"));
		if (use_coordinated_transaction == nullptr || in_coordinated_transaction == nullptr)
			return;
	}
	const char *tenant = CurrentTenantName();
	// No tenant and none forwarded in this transaction: nothing to carry.
	if (tenant[0] == '\0' && (*commands == nullptr || strstr((*commands)->data, kForwardPrefix) == nullptr))
		return;
	if (!StatementRunsCitusScan(statement))
		return;
	char *command = psprintf("%s%s;", kForwardPrefix, quote_literal_cstr(tenant));
	// The tenant the transaction's worker connections carry now: the last
	// one forwarded (Citus restores the list, and the workers their
	// settings, when a subtransaction rolls back).
	const char *last = LastForwarded(*commands);
	if (last != nullptr && strncmp(last, command, strlen(command)) == 0) {
		pfree(command);
		if (!in_coordinated_transaction())
			use_coordinated_transaction();
		return;
	}
	if (propagate_set_command != nullptr) {
		// Sent to every worker connection of the transaction open now (an
		// error there fails this statement) and recorded for those begun
		// later: Citus's own path for a top-level SET LOCAL.
		VariableSetStmt *set = makeNode(VariableSetStmt);
		set->kind = VAR_SET_VALUE;
		set->name = pstrdup(kTenantSetting);
		A_Const *value = makeNode(A_Const);
		value->val.sval.type = T_String;
		value->val.sval.sval = pstrdup(tenant);
		value->location = -1;
		set->args = list_make1(value);
		set->is_local = true;
		propagate_set_command(set, command);
	} else {
		// Citus allocates the string in TopTransactionContext and forgets it
		// at transaction end (a subtransaction's commands at its abort).
		// Connections begun later apply the commands in order; those open
		// now keep the earlier tenant, and the workers refuse the new
		// tenant's shards there (fail closed).
		if (*commands == nullptr) {
			MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
			*commands = makeStringInfo();
			MemoryContextSwitchTo(old);
		}
		appendStringInfoString(*commands, command);
	}
	pfree(command);
	// Shard queries of this statement begin a remote transaction, which
	// applies the commands (Citus would otherwise send a lone read bare).
	if (!in_coordinated_transaction())
		use_coordinated_transaction();
}

bool SendCommandToCitusWorkers(const char *command) {
	if (CitusSetCommands() == nullptr)
		return false;
	using CitusSendFunction = void (*)(const char *);
	static CitusSendFunction send = nullptr;
	if (send == nullptr)
		send = reinterpret_cast<CitusSendFunction>(dlsym(RTLD_DEFAULT, "SendCommandToWorkersWithMetadata"));
	if (send == nullptr)
		return false;
	send(command);
	return true;
}

} // namespace wellness_tenancy
