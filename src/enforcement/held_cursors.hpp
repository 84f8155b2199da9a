// HeldCursors: WITH HOLD cursors of a pooled connection.  A held cursor is
// materialised at commit: a later FETCH reads stored rows without the
// executor, so the executor hooks cannot check it again.  The tenant each
// such cursor was opened under is remembered; FETCH/MOVE under another
// context is refused, and the portal is made unusable at the start of every
// statement of another context (so cursor_to_xml or PL/pgSQL FETCH cannot
// read it either).
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// ProcessUtility, after DECLARE ... WITH HOLD: remembers the cursor's tenant.
void RememberHeldCursor(const DeclareCursorStmt *stmt);

// Start of every statement (executor and utility): hides the held cursors of
// other tenant contexts, shows those of this one again.  One compare while
// the policy has not changed.
void SyncHeldCursors();

// ProcessUtility, FETCH/MOVE: refuses a held cursor of another tenant (42501).
void CheckHeldCursor(const FetchStmt *stmt);

} // namespace wellness_tenancy
