// Unit tests for the pure naming rules in src/tenant_names.hpp: which tenant
// schema names are accepted, which company names are, and how a schema name
// is derived from a company name.  No server needed.
#include "tenant_names.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

using namespace std::string_literals;
using namespace std::string_view_literals;

namespace wellness_tenancy {
namespace {

// The extension's schema in a default install.
constexpr std::string_view kExtSchema = "public";

NameProblem Check(std::string_view name) { return CheckSchemaName(name, kExtSchema); }

// Repeats a UTF-8 sequence n times.
std::string Repeat(std::string_view unit, std::size_t n) {
	std::string out;
	for (std::size_t i = 0; i < n; ++i)
		out.append(unit);
	return out;
}

// ---------------------------------------------------------------------------
// CheckSchemaName
// ---------------------------------------------------------------------------

TEST(CheckSchemaName, AcceptsLowercaseIdentifiers) {
	for (std::string_view name : {"innovate_inc", "globex_corporation", "a", "_", "_private",
	                              "t_3m", "acme2024", "a_b_c_1_2_3", "pg", "pgx", "publicity",
	                              "public_", "information", "x_public"})
		EXPECT_EQ(Check(name), NameProblem::kOk) << name;
}

TEST(CheckSchemaName, RejectsEmpty) { EXPECT_EQ(Check(""), NameProblem::kEmpty); }

TEST(CheckSchemaName, LengthLimitIs63Bytes) {
	EXPECT_EQ(kMaxSchemaNameBytes, 63u);
	EXPECT_EQ(Check(std::string(63, 'a')), NameProblem::kOk);
	EXPECT_EQ(Check(std::string(64, 'a')), NameProblem::kTooLong);
	EXPECT_EQ(Check(std::string(1000, 'a')), NameProblem::kTooLong);
	EXPECT_EQ(Check("t_" + std::string(61, '9')), NameProblem::kOk);
}

TEST(CheckSchemaName, RejectsUppercase) {
	for (std::string_view name : {"Innovate_inc", "INNOVATE", "innovate_Inc", "A"})
		EXPECT_EQ(Check(name), NameProblem::kNotLowercaseIdentifier) << name;
}

TEST(CheckSchemaName, RejectsLeadingDigit) {
	for (std::string_view name : {"3m", "0", "9_lives", "1abc"})
		EXPECT_EQ(Check(name), NameProblem::kNotLowercaseIdentifier) << name;
}

// Names that would change the meaning of SQL if ever spliced into a statement
// unquoted, or that PostgreSQL would fold or quote differently.
TEST(CheckSchemaName, RejectsInjectionAttempts) {
	for (std::string_view name : {
	         "innovate_inc; drop schema public cascade",
	         "innovate_inc;",
	         "a'b",
	         "a''b",
	         "a\"b",
	         "\"innovate_inc\"",
	         "a b",
	         " innovate_inc",
	         "innovate_inc ",
	         "innovate-inc",
	         "other.employees",
	         "a--b",
	         "a/*b*/",
	         "a$b",
	         "a\\b",
	         "a\tb",
	         "a\nb",
	         "caf\xc3\xa9",                      // café
	         "\xd0\xb0" "bc",                    // Cyrillic 'а' that looks like 'a'
	         "\xef\xbd\x89\xef\xbd\x8e\xef\xbd\x8e", // full-width 'inn'
	         "\xc3\xa9t\xc3\xa9",                // été: non-ASCII first byte
	     })
		EXPECT_EQ(Check(name), NameProblem::kNotLowercaseIdentifier) << name;
	// An embedded NUL would truncate the name in C; it must not be accepted.
	EXPECT_EQ(Check("abc\0def"sv), NameProblem::kNotLowercaseIdentifier);
	EXPECT_EQ(Check("\0"sv), NameProblem::kNotLowercaseIdentifier);
}

TEST(CheckSchemaName, TooLongWinsOverBadCharacters) {
	EXPECT_EQ(Check(std::string(64, 'A')), NameProblem::kTooLong);
}

TEST(CheckSchemaName, RejectsReservedNames) {
	for (std::string_view name : {"pg_", "pg_catalog", "pg_toast", "pg_temp", "pg_temp_3",
	                              "pg_innovate", "public", "information_schema"})
		EXPECT_EQ(Check(name), NameProblem::kReserved) << name;
}

TEST(CheckSchemaName, ReservesTheExtensionSchema) {
	EXPECT_EQ(CheckSchemaName("tenancy", "tenancy"), NameProblem::kReserved);
	EXPECT_EQ(CheckSchemaName("tenancy2", "tenancy"), NameProblem::kOk);
	EXPECT_EQ(CheckSchemaName("tenanc", "tenancy"), NameProblem::kOk);
	// public stays reserved when the extension lives elsewhere, and an empty
	// extension schema reserves nothing more.
	EXPECT_EQ(CheckSchemaName("public", "tenancy"), NameProblem::kReserved);
	EXPECT_EQ(CheckSchemaName("innovate_inc", ""), NameProblem::kOk);
	EXPECT_EQ(CheckSchemaName("", ""), NameProblem::kEmpty);
}

TEST(DescribeNameProblem, EveryProblemHasItsOwnSentence) {
	const NameProblem all[] = {NameProblem::kOk, NameProblem::kEmpty, NameProblem::kTooLong,
	                           NameProblem::kNotLowercaseIdentifier, NameProblem::kReserved};
	for (NameProblem a : all) {
		ASSERT_NE(DescribeNameProblem(a), nullptr);
		EXPECT_FALSE(std::string(DescribeNameProblem(a)).empty());
		for (NameProblem b : all)
			if (a != b) {
				EXPECT_STRNE(DescribeNameProblem(a), DescribeNameProblem(b));
			}
	}
	EXPECT_NE(std::string(DescribeNameProblem(NameProblem::kTooLong)).find("63"), std::string::npos);
	EXPECT_NE(std::string(DescribeNameProblem(NameProblem::kReserved)).find("pg_"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Utf8Length and CheckCompanyName
// ---------------------------------------------------------------------------

TEST(Utf8Length, CountsCharactersNotBytes) {
	EXPECT_EQ(Utf8Length(""), 0u);
	EXPECT_EQ(Utf8Length("Innovate Inc."), 13u);
	EXPECT_EQ(Utf8Length("\xc3\xa9"), 1u);                        // é, 2 bytes
	EXPECT_EQ(Utf8Length("\xe6\x97\xa5\xe6\x9c\xac"), 2u);        // 日本, 3 bytes each
	EXPECT_EQ(Utf8Length("\xf0\x9f\x98\x80"), 1u);                // emoji, 4 bytes
	EXPECT_EQ(Utf8Length("Caf\xc3\xa9 \xf0\x9f\x98\x80"), 6u);
	EXPECT_EQ(Utf8Length("\xf4\x8f\xbf\xbf"), 1u);                // U+10FFFF, the last code point
}

TEST(Utf8Length, RejectsInvalidUtf8) {
	constexpr auto npos = std::string_view::npos;
	EXPECT_EQ(Utf8Length("\x80"), npos);             // lone continuation byte
	EXPECT_EQ(Utf8Length("abc\xbf"), npos);
	EXPECT_EQ(Utf8Length("\xc3"), npos);             // truncated 2-byte sequence
	EXPECT_EQ(Utf8Length("\xe6\x97"), npos);         // truncated 3-byte sequence
	EXPECT_EQ(Utf8Length("\xf0\x9f\x98"), npos);     // truncated 4-byte sequence
	EXPECT_EQ(Utf8Length("\xc3\x28"), npos);         // bad continuation byte
	EXPECT_EQ(Utf8Length("\xc0\xaf"), npos);         // overlong '/'
	EXPECT_EQ(Utf8Length("\xc1\xbf"), npos);         // overlong
	EXPECT_EQ(Utf8Length("\xf5\x80\x80\x80"), npos); // beyond U+10FFFF
	EXPECT_EQ(Utf8Length("\xf8\x88\x80\x80\x80"), npos); // 5-byte form
	EXPECT_EQ(Utf8Length("\xfe"), npos);
	EXPECT_EQ(Utf8Length("\xff"), npos);
}

TEST(CheckCompanyName, AcceptsOrdinaryNames) {
	for (std::string_view name : {"Innovate Inc.", "Globex Corporation", "3M", "AT&T",
	                              "O'Reilly Media", "Procter & Gamble Co.", "x",
	                              "Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale", // Société Générale
	                              "\xe6\xa0\xaa\xe5\xbc\x8f\xe4\xbc\x9a\xe7\xa4\xbe", // 株式会社
	                              " Leading and trailing spaces "})
		EXPECT_EQ(CheckCompanyName(name), CompanyNameProblem::kOk) << name;
}

// The company name is stored, never spliced into SQL: quotes and semicolons
// are fine here; the derived schema name is what must be safe.
TEST(CheckCompanyName, AcceptsInjectionLookingTextAsData) {
	EXPECT_EQ(CheckCompanyName("x'; DROP TABLE t; --"), CompanyNameProblem::kOk);
	EXPECT_EQ(CheckCompanyName("Robert\"); DROP SCHEMA public CASCADE;--"), CompanyNameProblem::kOk);
}

TEST(CheckCompanyName, RejectsEmptyAndSpacesOnly) {
	EXPECT_EQ(CheckCompanyName(""), CompanyNameProblem::kEmpty);
	EXPECT_EQ(CheckCompanyName(" "), CompanyNameProblem::kEmpty);
	EXPECT_EQ(CheckCompanyName("        "), CompanyNameProblem::kEmpty);
}

TEST(CheckCompanyName, LimitIs255CharactersNotBytes) {
	EXPECT_EQ(kMaxCompanyNameChars, 255u);
	EXPECT_EQ(CheckCompanyName(std::string(255, 'a')), CompanyNameProblem::kOk);
	EXPECT_EQ(CheckCompanyName(std::string(256, 'a')), CompanyNameProblem::kTooLong);
	// 255 two-byte characters are 510 bytes and still fit; 256 do not.
	EXPECT_EQ(CheckCompanyName(Repeat("\xc3\xa9", 255)), CompanyNameProblem::kOk);
	EXPECT_EQ(CheckCompanyName(Repeat("\xc3\xa9", 256)), CompanyNameProblem::kTooLong);
	EXPECT_EQ(CheckCompanyName(Repeat("\xe6\x97\xa5", 255)), CompanyNameProblem::kOk);
	EXPECT_EQ(CheckCompanyName(Repeat("\xe6\x97\xa5", 256)), CompanyNameProblem::kTooLong);
	EXPECT_EQ(CheckCompanyName(Repeat("\xf0\x9f\x98\x80", 255)), CompanyNameProblem::kOk);
	EXPECT_EQ(CheckCompanyName(Repeat("\xf0\x9f\x98\x80", 256)), CompanyNameProblem::kTooLong);
	EXPECT_EQ(CheckCompanyName("A" + Repeat("\xc3\xa9", 254)), CompanyNameProblem::kOk);
	EXPECT_EQ(CheckCompanyName("A" + Repeat("\xc3\xa9", 255)), CompanyNameProblem::kTooLong);
}

TEST(CheckCompanyName, RejectsControlCharacters) {
	for (std::string_view name : {"Innovate\nInc.", "Innovate\tInc.", "Innovate Inc.\r",
	                              "\x1b[31mInnovate", "Innovate\x7f", "\x01", "\t", " \n "})
		EXPECT_EQ(CheckCompanyName(name), CompanyNameProblem::kControlCharacter) << name;
	EXPECT_EQ(CheckCompanyName("Innovate\0Inc."sv), CompanyNameProblem::kControlCharacter);
}

TEST(CheckCompanyName, RejectsInvalidUtf8) {
	for (std::string_view name : {"Innovate \xff Inc.", "Caf\xc3", "\x80", "Caf\xe9", // Latin-1 é
	                              "\xc0\xaf"})
		EXPECT_EQ(CheckCompanyName(name), CompanyNameProblem::kInvalidEncoding) << name;
}

TEST(DescribeCompanyNameProblem, EveryProblemHasItsOwnSentence) {
	const CompanyNameProblem all[] = {CompanyNameProblem::kOk, CompanyNameProblem::kEmpty,
	                                  CompanyNameProblem::kTooLong,
	                                  CompanyNameProblem::kControlCharacter,
	                                  CompanyNameProblem::kInvalidEncoding};
	for (CompanyNameProblem a : all) {
		ASSERT_NE(DescribeCompanyNameProblem(a), nullptr);
		EXPECT_FALSE(std::string(DescribeCompanyNameProblem(a)).empty());
		for (CompanyNameProblem b : all)
			if (a != b) {
				EXPECT_STRNE(DescribeCompanyNameProblem(a), DescribeCompanyNameProblem(b));
			}
	}
	EXPECT_NE(std::string(DescribeCompanyNameProblem(CompanyNameProblem::kTooLong)).find("255"),
	          std::string::npos);
}

// ---------------------------------------------------------------------------
// DeriveSchemaName
// ---------------------------------------------------------------------------

TEST(DeriveSchemaName, CaseStudyExamples) {
	EXPECT_EQ(DeriveSchemaName("Innovate Inc."), "innovate_inc");
	EXPECT_EQ(DeriveSchemaName("Globex Corporation"), "globex_corporation");
}

TEST(DeriveSchemaName, PunctuationRunsBecomeOneUnderscore) {
	EXPECT_EQ(DeriveSchemaName("Procter & Gamble Co."), "procter_gamble_co");
	EXPECT_EQ(DeriveSchemaName("AT&T"), "at_t");
	EXPECT_EQ(DeriveSchemaName("O'Reilly Media"), "o_reilly_media");
	EXPECT_EQ(DeriveSchemaName("a -- b"), "a_b");
	EXPECT_EQ(DeriveSchemaName("a___b"), "a_b");
	EXPECT_EQ(DeriveSchemaName("already_snake_case"), "already_snake_case");
	EXPECT_EQ(DeriveSchemaName("Mixed.Case-Name/42"), "mixed_case_name_42");
}

TEST(DeriveSchemaName, DropsLeadingAndTrailingSeparators) {
	EXPECT_EQ(DeriveSchemaName("  Innovate Inc.  "), "innovate_inc");
	EXPECT_EQ(DeriveSchemaName("...Innovate!!!"), "innovate");
	EXPECT_EQ(DeriveSchemaName("_x_"), "x");
}

TEST(DeriveSchemaName, LeadingDigitGetsPrefix) {
	EXPECT_EQ(DeriveSchemaName("3M"), "t_3m");
	EXPECT_EQ(DeriveSchemaName("7-Eleven, Inc."), "t_7_eleven_inc");
	EXPECT_EQ(DeriveSchemaName("  42"), "t_42");
	EXPECT_EQ(DeriveSchemaName("A1"), "a1"); // only a leading digit
}

TEST(DeriveSchemaName, NonAsciiCharactersAreSeparators) {
	EXPECT_EQ(DeriveSchemaName("Soci\xc3\xa9t\xc3\xa9 G\xc3\xa9n\xc3\xa9rale"), "soci_t_g_n_rale");
	EXPECT_EQ(DeriveSchemaName("M\xc3\xbcller GmbH"), "m_ller_gmbh");
	EXPECT_EQ(DeriveSchemaName("\xe6\xa0\xaa\xe5\xbc\x8f\xe4\xbc\x9a\xe7\xa4\xbe"), "");
}

TEST(DeriveSchemaName, NothingUsableGivesEmpty) {
	for (std::string_view name : {"", " ", "...", "&&& !!! ???", "'; --", "___"})
		EXPECT_EQ(DeriveSchemaName(name), "") << name;
}

TEST(DeriveSchemaName, InjectionAttemptBecomesPlainIdentifier) {
	std::string derived = DeriveSchemaName("x'; DROP TABLE t; --");
	EXPECT_EQ(derived, "x_drop_table_t");
	EXPECT_EQ(Check(derived), NameProblem::kOk);
	EXPECT_EQ(DeriveSchemaName("Robert\"); DROP SCHEMA public CASCADE;--"),
	          "robert_drop_schema_public_cascade");
}

TEST(DeriveSchemaName, TruncatesTo63BytesWithoutTrailingUnderscore) {
	EXPECT_EQ(DeriveSchemaName(std::string(63, 'a')), std::string(63, 'a'));
	EXPECT_EQ(DeriveSchemaName(std::string(64, 'A')), std::string(63, 'a'));
	EXPECT_EQ(DeriveSchemaName(std::string(255, 'x')), std::string(63, 'x'));

	// The 63rd byte would be the separator: it is cut, leaving 62 bytes.
	std::string name = std::string(62, 'a') + " Holdings";
	EXPECT_EQ(DeriveSchemaName(name), std::string(62, 'a'));

	// The "t_" prefix counts toward the limit.
	std::string digits(70, '1');
	EXPECT_EQ(DeriveSchemaName(digits), "t_" + std::string(61, '1'));

	std::string long_name;
	for (int i = 0; i < 20; ++i)
		long_name += "Word" + std::to_string(i) + " ";
	std::string derived = DeriveSchemaName(long_name);
	EXPECT_LE(derived.size(), kMaxSchemaNameBytes);
	EXPECT_NE(derived.back(), '_');
	EXPECT_EQ(derived.rfind("word0_word1_word2_", 0), 0u);
	EXPECT_EQ(Check(derived), NameProblem::kOk);
}

// Whatever the input, a derived name is empty or a well-formed lower-case
// identifier of at most 63 bytes that CheckSchemaName accepts.
TEST(DeriveSchemaName, AlwaysGivesAWellFormedIdentifier) {
	std::uint32_t state = 12345;
	auto next = [&state] {
		state = state * 1103515245u + 12345u;
		return static_cast<unsigned char>(state >> 16);
	};
	for (int round = 0; round < 5000; ++round) {
		std::string input;
		std::size_t length = next() % 200;
		for (std::size_t i = 0; i < length; ++i)
			input.push_back(static_cast<char>(next()));
		std::string derived = DeriveSchemaName(input);
		if (derived.empty())
			continue;
		NameProblem problem = CheckSchemaName(derived, "");
		EXPECT_EQ(problem, NameProblem::kOk) << "input #" << round << " derived '" << derived << "'";
		EXPECT_NE(derived.back(), '_') << derived;
		EXPECT_EQ(derived.find("__"), std::string::npos) << derived;
		EXPECT_FALSE(derived[0] >= '0' && derived[0] <= '9') << derived;
	}
}

// Names that would be reserved get the same "t_" prefix as leading digits.
TEST(DeriveSchemaName, AvoidsReservedNames) {
	EXPECT_EQ(DeriveSchemaName("PG&E"), "t_pg_e");
	EXPECT_EQ(DeriveSchemaName("Public"), "t_public");
	EXPECT_EQ(DeriveSchemaName("Information Schema"), "t_information_schema");
	EXPECT_EQ(DeriveSchemaName("PGA Tour"), "pga_tour");
}

// Only well-formed UTF-8 counts: overlong forms, surrogates and code points
// above U+10FFFF are rejected (a SQL_ASCII database would pass them through).
TEST(Utf8Length, RejectsMalformedSequences) {
	EXPECT_EQ(Utf8Length("\xC0\xAF"), std::string_view::npos);         // overlong '/'
	EXPECT_EQ(Utf8Length("\xE0\x80\xAF"), std::string_view::npos);     // overlong, 3 bytes
	EXPECT_EQ(Utf8Length("\xF0\x80\x80\xAF"), std::string_view::npos); // overlong, 4 bytes
	EXPECT_EQ(Utf8Length("\xED\xA0\x80"), std::string_view::npos);     // surrogate U+D800
	EXPECT_EQ(Utf8Length("\xF4\x90\x80\x80"), std::string_view::npos); // above U+10FFFF
	EXPECT_EQ(Utf8Length("\xF4\x8F\xBF\xBF"), 1u);                    // U+10FFFF itself
	EXPECT_EQ(Utf8Length("\xEF\xBF\xBD"), 1u);                         // U+FFFD
}

TEST(CheckCompanyName, RejectsC1ControlsAndBlankOnlyNames) {
	EXPECT_EQ(CheckCompanyName("Acme\xC2\x85" "Corp"), CompanyNameProblem::kControlCharacter); // NEL
	EXPECT_EQ(CheckCompanyName("\xC2\xA0\xC2\xA0"), CompanyNameProblem::kEmpty);          // no-break spaces
	EXPECT_EQ(CheckCompanyName("\xE3\x80\x80 "), CompanyNameProblem::kEmpty);             // ideographic space
	EXPECT_EQ(CheckCompanyName("\xC2\xA0" "Acme"), CompanyNameProblem::kOk);
	EXPECT_EQ(CheckCompanyName("Acme\xED\xA0\x80"), CompanyNameProblem::kInvalidEncoding);
}

} // namespace
} // namespace wellness_tenancy
