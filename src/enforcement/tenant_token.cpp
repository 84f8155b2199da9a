// TenantToken: see tenant_token.hpp.
#include "tenant_token.hpp"

#include "cpp_boundary.hpp"
#include "tenant_context.hpp"
#include "token_format.hpp"

namespace wellness_tenancy {

namespace {

char *token_keys_setting = nullptr;

// Validated when set (postgresql.conf, ALTER SYSTEM): a reload with a bad
// key list keeps the old one and logs why.
bool CheckTokenKeys(char **newval, void **extra, GucSource source) {
	bool ok = true;
	char why[256] = "";
	const char *text = *newval ? *newval : "";
	CallCpp([&] {
		std::vector<TokenKey> keys;
		std::string error;
		if (!ParseTokenKeys(text, &keys, &error)) {
			ok = false;
			snprintf(why, sizeof(why), "%s", error.c_str());
		}
	});
	if (!ok) {
		GUC_check_errcode(ERRCODE_INVALID_PARAMETER_VALUE);
		GUC_check_errmsg("invalid wellness_tenancy.token_keys: %s", why);
		GUC_check_errhint("Use <key id>:<hex secret>[,<key id>:<hex secret>], secrets of at least %d bytes.",
		                  static_cast<int>(kMinKeyBytes));
	}
	return ok;
}

// Everything the checks need, copied out of the C++ objects so that no
// object with a destructor is alive when PostgreSQL reports an error.
struct TokenFacts {
	bool well_formed = false;
	char problem[256] = "";
	char key_id[40] = "";
	char tenant[NAMEDATALEN] = "";
	int64 expiry = 0;
	bool key_found = false;
	bool signature_ok = false;
	bool hmac_failed = false;
};

// HMAC-SHA256 of data under key with PostgreSQL's own implementation.
bool Hmac(const uint8 *key, size_t key_len, const char *data, size_t data_len, uint8 *digest) {
	pg_hmac_ctx *ctx = pg_hmac_create(PG_SHA256);
	if (ctx == nullptr)
		return false;
	bool ok = pg_hmac_init(ctx, key, key_len) == 0 &&
	          pg_hmac_update(ctx, reinterpret_cast<const uint8 *>(data), data_len) == 0 &&
	          pg_hmac_final(ctx, digest, PG_SHA256_DIGEST_LENGTH) == 0;
	pg_hmac_free(ctx);
	return ok;
}

void Examine(const char *text, TokenFacts *facts) {
	CallCpp([&] {
		TenantToken token;
		std::string error;
		if (!ParseTenantToken(text, &token, &error)) {
			snprintf(facts->problem, sizeof(facts->problem), "%s", error.c_str());
			return;
		}
		facts->well_formed = true;
		snprintf(facts->key_id, sizeof(facts->key_id), "%s", token.key_id.c_str());
		snprintf(facts->tenant, sizeof(facts->tenant), "%s", token.tenant.c_str());
		facts->expiry = token.expiry;
		std::vector<TokenKey> keys;
		if (!ParseTokenKeys(token_keys_setting ? token_keys_setting : "", &keys, &error))
			return;
		for (const TokenKey &key : keys) {
			if (key.id != token.key_id)
				continue;
			facts->key_found = true;
			std::vector<uint8_t> expected(PG_SHA256_DIGEST_LENGTH);
			if (!Hmac(key.secret.data(), key.secret.size(), token.signed_part.data(), token.signed_part.size(),
			          expected.data())) {
				facts->hmac_failed = true;
				return;
			}
			facts->signature_ok = ConstantTimeEquals(expected, token.signature);
		}
	});
}

[[noreturn]] void ReportBadToken(int sqlstate, const char *message, const char *detail) {
	ereport(ERROR, (errcode(sqlstate), errmsg("%s", message), errdetail("%s", detail),
	                errhint("Mint a new token in the application's backend (docs/recipes/); pass it as a "
	                        "bind parameter, never inside the SQL text.")));
	pg_unreachable();
}

} // namespace

void DefineTokenSettings() {
	DefineCustomStringVariable(
	    "wellness_tenancy.token_keys", "Keys that sign tenant tokens: <key id>:<hex secret>[,...].",
	    "Two keys at once allow rotation. Superuser-only; never shown to other roles.", &token_keys_setting, "",
	    PGC_SIGHUP, GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE, CheckTokenKeys, nullptr, nullptr);
}

} // namespace wellness_tenancy

using namespace wellness_tenancy;

extern "C" {

// wt_enter_tenant(token text, tenant text DEFAULT NULL, is_local boolean
// DEFAULT true) -> text: verifies the token and enters its tenant.  When
// tenant is given, the token must be for that tenant.
PG_FUNCTION_INFO_V1(wt_enter_tenant);
Datum wt_enter_tenant(PG_FUNCTION_ARGS) {
	// The token must not stay in this session's activity text for others to
	// read (pg_stat_activity shows it to DBAs).
	pgstat_report_activity(STATE_RUNNING, "SELECT wt_enter_tenant(<token redacted>)");
	if (PG_ARGISNULL(0))
		ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED), errmsg("tenant token must not be NULL"),
		                errhint("Pass the token minted for this request.")));
	char *token_text = text_to_cstring(PG_GETARG_TEXT_PP(0));
	bool is_local = PG_ARGISNULL(2) ? true : PG_GETARG_BOOL(2);
	TokenFacts facts;
	Examine(token_text, &facts);
	if (!facts.well_formed)
		ReportBadToken(ERRCODE_INVALID_PARAMETER_VALUE, "malformed tenant token", facts.problem);
	if (facts.hmac_failed)
		elog(ERROR, "wellness_tenancy: HMAC-SHA256 failed");
	if (!facts.key_found)
		ReportBadToken(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION, "tenant token signed with an unknown key",
		               psprintf("Key \"%s\" is not in wellness_tenancy.token_keys (removed by a rotation?).",
		                        facts.key_id));
	if (!facts.signature_ok)
		ReportBadToken(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION, "tenant token signature is invalid",
		               "The token was not signed with the key it names, or was altered.");
	int64 now = static_cast<int64>(time(nullptr));
	if (facts.expiry < now)
		ReportBadToken(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION, "tenant token has expired",
		               psprintf("It expired %lld seconds ago.", static_cast<long long>(now - facts.expiry)));
	if (!PG_ARGISNULL(1)) {
		char *wanted = text_to_cstring(PG_GETARG_TEXT_PP(1));
		if (strcmp(wanted, facts.tenant) != 0)
			ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
			                errmsg("tenant token is for tenant \"%s\", not \"%s\"", facts.tenant, wanted),
			                errdetail("A token enters only the tenant it was minted for."),
			                errhint("Mint a token for tenant \"%s\".", wanted)));
	}
	EnterVerifiedTenant(facts.tenant, is_local);
	PG_RETURN_TEXT_P(cstring_to_text(facts.tenant));
}

} // extern "C"
