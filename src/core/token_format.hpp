// TokenFormat: the signed tenant token, as pure C++ (no PostgreSQL headers;
// unit-tested on its own).  A token is
//
//     v1.<key id>.<tenant>.<expiry>.<nonce>.<signature>
//
// where the signature is base64url (no padding) of HMAC-SHA256, keyed with
// the key named by <key id>, over everything before the last dot.  Tenants
// are schema names ([a-z0-9_]), key ids and nonces [A-Za-z0-9_-], expiry is
// Unix seconds.  The server verifies; the application's backend mints
// (docs/recipes/mint_token.py, mint_token.js).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wellness_tenancy {

struct TenantToken {
	std::string key_id;
	std::string tenant;
	int64_t expiry = 0;
	std::string nonce;
	std::string signed_part;          // the bytes the signature covers
	std::vector<uint8_t> signature;   // decoded
};

// Parses a token; on failure returns false and says why in *error (never
// echoing the token).
bool ParseTenantToken(const std::string &text, TenantToken *token, std::string *error);

struct TokenKey {
	std::string id;
	std::vector<uint8_t> secret;
};

// Parses "id:hexsecret[,id:hexsecret...]" (spaces allowed around entries);
// secrets must be at least kMinKeyBytes long.  Empty text = no keys.
constexpr size_t kMinKeyBytes = 16;
bool ParseTokenKeys(const std::string &text, std::vector<TokenKey> *keys, std::string *error);

// base64url without padding.
std::string Base64UrlEncode(const std::vector<uint8_t> &bytes);
bool Base64UrlDecode(const std::string &text, std::vector<uint8_t> *bytes);

// Compares in time that depends on the lengths only.
bool ConstantTimeEquals(const std::vector<uint8_t> &a, const std::vector<uint8_t> &b);

} // namespace wellness_tenancy
