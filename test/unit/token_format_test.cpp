// Unit tests of the signed tenant token's pure parts.
#include "token_format.hpp"

#include <gtest/gtest.h>

using namespace wellness_tenancy;

namespace {

const std::string kSig = Base64UrlEncode(std::vector<uint8_t>(32, 7));

TEST(TokenFormat, Base64UrlRoundTrips) {
	for (size_t n = 0; n < 40; n++) {
		std::vector<uint8_t> bytes(n);
		for (size_t i = 0; i < n; i++)
			bytes[i] = static_cast<uint8_t>(i * 37 + 11);
		std::vector<uint8_t> back;
		ASSERT_TRUE(Base64UrlDecode(Base64UrlEncode(bytes), &back));
		EXPECT_EQ(bytes, back);
	}
	std::vector<uint8_t> out;
	EXPECT_FALSE(Base64UrlDecode("ab+c", &out));  // '+' is base64, not base64url
	EXPECT_FALSE(Base64UrlDecode("abc=", &out));  // no padding
	EXPECT_FALSE(Base64UrlDecode("a", &out));     // impossible length
	EXPECT_FALSE(Base64UrlDecode("AB", &out));    // non-zero unused bits
}

TEST(TokenFormat, ParsesAValidToken) {
	TenantToken t;
	std::string error;
	std::string text = "v1.k1.innovate_inc.1893456000.n0nce-_12." + kSig;
	ASSERT_TRUE(ParseTenantToken(text, &t, &error)) << error;
	EXPECT_EQ(t.key_id, "k1");
	EXPECT_EQ(t.tenant, "innovate_inc");
	EXPECT_EQ(t.expiry, 1893456000);
	EXPECT_EQ(t.nonce, "n0nce-_12");
	EXPECT_EQ(t.signed_part, "v1.k1.innovate_inc.1893456000.n0nce-_12");
	EXPECT_EQ(t.signature.size(), 32u);
}

TEST(TokenFormat, RefusesMalformedTokens) {
	TenantToken t;
	std::string error;
	const std::string bad[] = {
	    "",
	    "v2.k1.acme.1.nonce123." + kSig,
	    "v1.k1.acme.1.nonce123",                  // five parts
	    "v1.k1.acme.1.nonce123." + kSig + ".x",   // seven parts
	    "v1..acme.1.nonce123." + kSig,            // empty key id
	    "v1.k1.Acme.1.nonce123." + kSig,          // upper case tenant
	    "v1.k1.ac'me.1.nonce123." + kSig,         // quote in tenant
	    "v1.k1.acme.-1.nonce123." + kSig,         // negative expiry
	    "v1.k1.acme.1.short." + kSig,             // nonce too short
	    "v1.k1.acme.1.nonce123.AAAA",             // signature too short
	    "v1.k1.acme.1.nonce123." + kSig + "AA",   // signature too long
	};
	for (const std::string &text : bad) {
		error.clear();
		EXPECT_FALSE(ParseTenantToken(text, &t, &error)) << text;
		EXPECT_FALSE(error.empty());
		EXPECT_EQ(error.find(kSig), std::string::npos) << "the error must not echo the token";
	}
}

TEST(TokenFormat, ParsesKeyLists) {
	std::vector<TokenKey> keys;
	std::string error;
	ASSERT_TRUE(ParseTokenKeys("", &keys, &error));
	EXPECT_TRUE(keys.empty());
	ASSERT_TRUE(ParseTokenKeys("k1:00112233445566778899aabbccddeeff, k2:FFEEDDCCBBAA99887766554433221100ff",
	                           &keys, &error))
	    << error;
	ASSERT_EQ(keys.size(), 2u);
	EXPECT_EQ(keys[0].id, "k1");
	EXPECT_EQ(keys[0].secret.size(), 16u);
	EXPECT_EQ(keys[1].secret[0], 0xFF);
	EXPECT_FALSE(ParseTokenKeys("k1:0011", &keys, &error));                                      // too short
	EXPECT_FALSE(ParseTokenKeys("k1:zz112233445566778899aabbccddeeff", &keys, &error));          // not hex
	EXPECT_FALSE(ParseTokenKeys("00112233445566778899aabbccddeeff", &keys, &error));             // no id
	EXPECT_FALSE(ParseTokenKeys("k1:00112233445566778899aabbccddeeff,k1:00112233445566778899aabbccddeeff",
	                            &keys, &error)); // duplicate id
	EXPECT_FALSE(ParseTokenKeys("k1:00112233445566778899aabbccddeeff,", &keys, &error));         // empty entry
}

TEST(TokenFormat, ComparesInConstantTime) {
	std::vector<uint8_t> a(32, 1), b(32, 1), c(32, 1), d(31, 1);
	c[31] = 2;
	EXPECT_TRUE(ConstantTimeEquals(a, b));
	EXPECT_FALSE(ConstantTimeEquals(a, c));
	EXPECT_FALSE(ConstantTimeEquals(a, d));
}

} // namespace
