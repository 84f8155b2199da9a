// TenantLabel: see tenant_label.hpp.
#include "tenant_label.hpp"

#include "tenant_registry.hpp"

namespace wellness_tenancy {

namespace {

// SECURITY LABEL FOR wellness_tenancy ON ...: only schemas, only the label
// 'tenant' (or NULL to remove it), only superusers -- removing the label from
// a restored tenant schema would make it an ordinary, readable schema.
void CheckTenantLabel(const ObjectAddress *object, const char *label) {
	if (object->classId != NamespaceRelationId && object->classId != LargeObjectRelationId)
		ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
		                errmsg("security label provider \"%s\" labels schemas and large objects only", kLabelProvider),
		                errhint("Tenant schemas are labelled '%s' by provisioning.", kTenantLabel)));
	if (object->classId == LargeObjectRelationId) {
		// 'tenant:<schema>', set when a large object is created in a tenant
		// context; only superusers may move one between tenants.
		if (label != nullptr && strncmp(label, "tenant:", 7) != 0)
			ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			                errmsg("invalid security label \"%s\" for a large object", label),
			                errhint("Large objects are labelled 'tenant:<schema>'.")));
	} else if (label != nullptr && strcmp(label, kTenantLabel) != 0)
		ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
		                errmsg("invalid security label \"%s\" for provider \"%s\"", label, kLabelProvider),
		                errhint("The only label is '%s'.", kTenantLabel)));
	if (!superuser())
		ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
		                errmsg("only superusers may change the tenant label of a schema"),
		                errdetail("The label marks a schema as a tenant's even where the registry does not list it."),
		                errhint("Register a restored tenant schema with INSERT INTO tenants, or drop it.")));
	// Which schemas are tenant schemas just changed: every backend rebuilds
	// its registry cache at commit.
	InvalidateRegistryEverywhere();
}

} // namespace

void RegisterTenantLabelProvider() {
	register_label_provider(kLabelProvider, CheckTenantLabel);
}

void LabelTenantSchema(Oid namespace_oid) {
	ObjectAddress address;
	ObjectAddressSet(address, NamespaceRelationId, namespace_oid);
	SetSecurityLabel(&address, kLabelProvider, kTenantLabel);
}

} // namespace wellness_tenancy
