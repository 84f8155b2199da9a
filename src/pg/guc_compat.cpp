// GucCompat: see guc_compat.hpp.
#include "guc_compat.hpp"

#include "postgres_api.hpp"

extern "C" {
#include "utils/guc_tables.h"
}

namespace wellness_tenancy {

const void *FindStringSetting(const char *name) {
	config_generic **settings = get_guc_variables();
	int count = GetNumConfigOptions();
	for (int i = 0; i < count; i++)
		if (strcmp(settings[i]->name, name) == 0 && settings[i]->vartype == PGC_STRING)
			return settings[i];
	return nullptr;
}

const char *StringSettingValueAfterCommit(const void *handle) {
	const auto *setting = static_cast<const config_string *>(handle);
	const char *value = *setting->variable;
	const GucStack *stack = setting->gen.stack;
	if (stack != nullptr) {
		switch (stack->state) {
		case GUC_SAVE:
		case GUC_LOCAL:
			value = stack->prior.val.stringval;
			break;
		case GUC_SET_LOCAL:
			value = stack->masked.val.stringval;
			break;
		case GUC_SET:
			break;
		}
	}
	return value ? value : "";
}

} // namespace wellness_tenancy
