// TenantToken: the signed tenant context.  wt_enter_tenant(token) verifies a
// token (token_format.hpp) against wellness_tenancy.token_keys (a superuser-
// only, reload-time setting holding one or two keys, for rotation) and enters
// its tenant; with wellness_tenancy.require_signed_tenant on for a role, that
// is the only way the role enters a tenant.
#pragma once

#include "postgres_api.hpp"

namespace wellness_tenancy {

// Defines wellness_tenancy.token_keys; called once from _PG_init.
void DefineTokenSettings();

} // namespace wellness_tenancy
