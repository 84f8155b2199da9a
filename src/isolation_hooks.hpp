// IsolationHooks: the executor, object-access and utility hooks that refuse
// every path into another tenant's schema.  Which hook catches what is in
// ../README.md ("How isolation is enforced").
#pragma once

namespace wellness_tenancy {

void InstallIsolationHooks();

} // namespace wellness_tenancy
