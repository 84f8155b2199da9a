// Pure naming rules for tenants: which schema names are acceptable and how a
// schema name is derived from a company name.  No PostgreSQL headers here, so
// the rules are unit-tested without a server (test/unit/tenant_names_test.cpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace wellness_tenancy {

// PostgreSQL's NAMEDATALEN - 1: the longest identifier, in bytes.
constexpr std::size_t kMaxSchemaNameBytes = 63;
// The case study's company_name is VARCHAR(255): 255 characters, not bytes.
constexpr std::size_t kMaxCompanyNameChars = 255;

enum class NameProblem {
	kOk,
	kEmpty,                  // NULL or ""
	kTooLong,                // more than 63 bytes
	kNotLowercaseIdentifier, // anything but [a-z_][a-z0-9_]*
	kReserved,               // pg_*, public, information_schema, the extension's schema
};

// Checks a tenant schema name.  extension_schema is the schema the extension
// is installed in; it is reserved as well.
NameProblem CheckSchemaName(std::string_view name, std::string_view extension_schema);

// A one-line English explanation of a problem, for error details.
const char *DescribeNameProblem(NameProblem problem);

enum class CompanyNameProblem {
	kOk,
	kEmpty,            // NULL, "" or only blanks (spaces, no-break spaces, ...)
	kTooLong,          // more than 255 characters
	kControlCharacter, // C0 and C1 controls (newlines, tabs, ...): never part of a company name
	kInvalidEncoding,  // not valid UTF-8
};

CompanyNameProblem CheckCompanyName(std::string_view company_name);
const char *DescribeCompanyNameProblem(CompanyNameProblem problem);

// Number of characters in a UTF-8 string, or npos when it is not well-formed
// UTF-8 (overlong forms, surrogates and code points above U+10FFFF included).
std::size_t Utf8Length(std::string_view text);

// Derives a schema name from a company name: lower-case ASCII letters and
// digits are kept, every other run of characters becomes one '_', leading and
// trailing '_' are dropped, a name starting with a digit or reserved (pg_*,
// public, information_schema) gets a "t_" prefix, and the result is cut to 63
// bytes.  'Innovate Inc.' -> "innovate_inc".  Returns "" when
// nothing usable is left (the caller reports that).
std::string DeriveSchemaName(std::string_view company_name);

} // namespace wellness_tenancy
