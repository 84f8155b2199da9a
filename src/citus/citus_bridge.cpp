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
		if (use_coordinated_transaction == nullptr || in_coordinated_transaction == nullptr)
			return;
	}
	if (!StatementRunsCitusScan(statement))
		return;
	const char *tenant = CurrentTenantName();
	if (tenant[0] == '\0')
		return;
	char *command = psprintf("SET LOCAL wellness_tenancy.tenant TO %s;", quote_literal_cstr(tenant));
	// Citus allocates the string in TopTransactionContext and forgets it at
	// transaction end (a subtransaction's commands at its abort): the same.
	if (*commands == nullptr) {
		MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
		*commands = makeStringInfo();
		MemoryContextSwitchTo(old);
	}
	// Already there, and the last tenant set (a switch within the transaction
	// appends the new one: connections begun later apply them in order)?
	size_t length = strlen(command);
	StringInfo text = *commands;
	if (static_cast<size_t>(text->len) >= length && strcmp(text->data + text->len - length, command) == 0) {
		pfree(command);
		if (!in_coordinated_transaction())
			use_coordinated_transaction();
		return;
	}
	MemoryContext old = MemoryContextSwitchTo(TopTransactionContext);
	appendStringInfoString(text, command);
	MemoryContextSwitchTo(old);
	pfree(command);
	// Shard queries of this statement begin a remote transaction, which
	// applies the commands (Citus would otherwise send a lone read bare).
	if (!in_coordinated_transaction())
		use_coordinated_transaction();
}

} // namespace wellness_tenancy
