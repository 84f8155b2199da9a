// TokenFormat: see token_format.hpp.
#include "token_format.hpp"

#include <cstring>

namespace wellness_tenancy {

namespace {

const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int Base64Value(char c) {
	const char *p = c ? strchr(kAlphabet, c) : nullptr;
	return p ? static_cast<int>(p - kAlphabet) : -1;
}

bool IsIdChar(char c) {
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool IsTenantChar(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

template <typename Pred>
bool AllOf(const std::string &s, Pred pred, size_t min_len, size_t max_len) {
	if (s.size() < min_len || s.size() > max_len)
		return false;
	for (char c : s)
		if (!pred(c))
			return false;
	return true;
}

int HexValue(char c) {
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

std::string Trim(const std::string &s) {
	size_t b = s.find_first_not_of(" \t");
	size_t e = s.find_last_not_of(" \t");
	return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

} // namespace

std::string Base64UrlEncode(const std::vector<uint8_t> &bytes) {
	std::string out;
	size_t i = 0;
	for (; i + 2 < bytes.size(); i += 3) {
		uint32_t v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
		out += kAlphabet[(v >> 18) & 63];
		out += kAlphabet[(v >> 12) & 63];
		out += kAlphabet[(v >> 6) & 63];
		out += kAlphabet[v & 63];
	}
	if (i + 1 == bytes.size()) {
		uint32_t v = bytes[i] << 16;
		out += kAlphabet[(v >> 18) & 63];
		out += kAlphabet[(v >> 12) & 63];
	} else if (i + 2 == bytes.size()) {
		uint32_t v = (bytes[i] << 16) | (bytes[i + 1] << 8);
		out += kAlphabet[(v >> 18) & 63];
		out += kAlphabet[(v >> 12) & 63];
		out += kAlphabet[(v >> 6) & 63];
	}
	return out;
}

bool Base64UrlDecode(const std::string &text, std::vector<uint8_t> *bytes) {
	bytes->clear();
	if (text.size() % 4 == 1)
		return false;
	uint32_t buffer = 0;
	int bits = 0;
	for (char c : text) {
		int v = Base64Value(c);
		if (v < 0)
			return false;
		buffer = (buffer << 6) | static_cast<uint32_t>(v);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bytes->push_back(static_cast<uint8_t>((buffer >> bits) & 0xFF));
		}
	}
	// Unused low bits must be zero (one encoding per byte string).
	return (buffer & ((1u << bits) - 1)) == 0;
}

bool ConstantTimeEquals(const std::vector<uint8_t> &a, const std::vector<uint8_t> &b) {
	if (a.size() != b.size())
		return false;
	uint8_t diff = 0;
	for (size_t i = 0; i < a.size(); i++)
		diff |= static_cast<uint8_t>(a[i] ^ b[i]);
	return diff == 0;
}

bool ParseTenantToken(const std::string &text, TenantToken *token, std::string *error) {
	std::vector<std::string> parts;
	size_t start = 0;
	for (;;) {
		size_t dot = text.find('.', start);
		parts.push_back(text.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
		if (dot == std::string::npos)
			break;
		start = dot + 1;
	}
	if (parts.size() != 6 || parts[0] != "v1") {
		*error = "a token has six dot-separated parts and starts with \"v1\"";
		return false;
	}
	if (!AllOf(parts[1], IsIdChar, 1, 32)) {
		*error = "the key id must be 1 to 32 characters [A-Za-z0-9_-]";
		return false;
	}
	if (!AllOf(parts[2], IsTenantChar, 1, 63)) {
		*error = "the tenant must be a schema name of 1 to 63 characters [a-z0-9_]";
		return false;
	}
	if (!AllOf(parts[3], [](char c) { return c >= '0' && c <= '9'; }, 1, 12)) {
		*error = "the expiry must be Unix seconds";
		return false;
	}
	if (!AllOf(parts[4], IsIdChar, 8, 64)) {
		*error = "the nonce must be 8 to 64 characters [A-Za-z0-9_-]";
		return false;
	}
	if (!Base64UrlDecode(parts[5], &token->signature) || token->signature.size() != 32) {
		*error = "the signature must be 32 bytes of base64url";
		return false;
	}
	token->key_id = parts[1];
	token->tenant = parts[2];
	token->expiry = std::stoll(parts[3]);
	token->nonce = parts[4];
	token->signed_part = text.substr(0, text.rfind('.'));
	return true;
}

bool ParseTokenKeys(const std::string &text, std::vector<TokenKey> *keys, std::string *error) {
	keys->clear();
	size_t start = 0;
	while (start <= text.size()) {
		size_t comma = text.find(',', start);
		std::string entry = Trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
		start = comma == std::string::npos ? text.size() + 1 : comma + 1;
		if (entry.empty()) {
			if (comma == std::string::npos && keys->empty() && Trim(text).empty())
				return true;
			*error = "empty key entry";
			return false;
		}
		size_t colon = entry.find(':');
		TokenKey key;
		key.id = colon == std::string::npos ? std::string() : entry.substr(0, colon);
		if (!AllOf(key.id, IsIdChar, 1, 32)) {
			*error = "each entry is <key id>:<hex secret>, the key id 1 to 32 characters [A-Za-z0-9_-]";
			return false;
		}
		std::string hex = entry.substr(colon + 1);
		if (hex.size() % 2 != 0 || hex.size() / 2 < kMinKeyBytes) {
			*error = "a secret is an even number of hex digits, at least " + std::to_string(kMinKeyBytes * 2);
			return false;
		}
		for (size_t i = 0; i < hex.size(); i += 2) {
			int hi = HexValue(hex[i]), lo = HexValue(hex[i + 1]);
			if (hi < 0 || lo < 0) {
				*error = "a secret is hex digits";
				return false;
			}
			key.secret.push_back(static_cast<uint8_t>(hi * 16 + lo));
		}
		for (const TokenKey &other : *keys)
			if (other.id == key.id) {
				*error = "key id \"" + key.id + "\" appears twice";
				return false;
			}
		keys->push_back(key);
	}
	return true;
}

} // namespace wellness_tenancy

#include "pure.hpp" // last: no PostgreSQL header above
