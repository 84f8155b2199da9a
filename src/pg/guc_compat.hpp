// GucCompat: the one place that reads PostgreSQL's private settings tables
// (utils/guc_tables.h: the settings array and each setting's stack of saved
// values).  They are not an API and change between major versions; when
// porting, this file is what to check.
#pragma once

namespace wellness_tenancy {

// A string setting defined by this module (or any), found by name; nullptr
// when there is none.  Look it up once, after defining it.
const void *FindStringSetting(const char *name);

// The value the setting will have once the current transaction commits: its
// session-level value, not a SET LOCAL in force now ("" when unset).
const char *StringSettingValueAfterCommit(const void *setting);

} // namespace wellness_tenancy
