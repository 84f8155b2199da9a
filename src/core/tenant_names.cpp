// Pure naming rules; see tenant_names.hpp.  This file must never include
// postgres.h: it is compiled into the unit tests as well as the extension.
#include "tenant_names.hpp"

namespace wellness_tenancy {

namespace {

bool IsLowerAlpha(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool StartsWith(std::string_view text, std::string_view prefix) {
	return text.substr(0, prefix.size()) == prefix;
}

} // namespace

NameProblem CheckSchemaName(std::string_view name, std::string_view extension_schema) {
	if (name.empty())
		return NameProblem::kEmpty;
	if (name.size() > kMaxSchemaNameBytes)
		return NameProblem::kTooLong;
	if (!(IsLowerAlpha(name[0]) || name[0] == '_'))
		return NameProblem::kNotLowercaseIdentifier;
	for (char c : name)
		if (!(IsLowerAlpha(c) || IsDigit(c) || c == '_'))
			return NameProblem::kNotLowercaseIdentifier;
	if (StartsWith(name, "pg_") || name == "public" || name == "information_schema" ||
	    (!extension_schema.empty() && name == extension_schema))
		return NameProblem::kReserved;
	return NameProblem::kOk;
}

const char *DescribeNameProblem(NameProblem problem) {
	switch (problem) {
	case NameProblem::kOk:
		return "The name is valid.";
	case NameProblem::kEmpty:
		return "A tenant schema name must not be empty.";
	case NameProblem::kTooLong:
		return "A tenant schema name is at most 63 bytes long.";
	case NameProblem::kNotLowercaseIdentifier:
		return "A tenant schema name starts with a lower-case letter or underscore and "
		       "contains only lower-case letters, digits and underscores.";
	case NameProblem::kReserved:
		return "Names starting with pg_, public, information_schema and the extension's own "
		       "schema are reserved.";
	}
	return "Unknown problem.";
}

namespace {

// Decodes one UTF-8 character at text[i]; returns its width, or 0 when the
// bytes are not well-formed UTF-8 (overlong forms, surrogates, code points
// above U+10FFFF and truncated sequences included).
std::size_t DecodeUtf8(std::string_view text, std::size_t i, char32_t &code_point) {
	auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
	unsigned char lead = byte(0);
	std::size_t width;
	char32_t minimum;
	if (lead < 0x80) {
		code_point = lead;
		return 1;
	} else if ((lead & 0xE0) == 0xC0) {
		width = 2, minimum = 0x80, code_point = lead & 0x1F;
	} else if ((lead & 0xF0) == 0xE0) {
		width = 3, minimum = 0x800, code_point = lead & 0x0F;
	} else if ((lead & 0xF8) == 0xF0) {
		width = 4, minimum = 0x10000, code_point = lead & 0x07;
	} else {
		return 0;
	}
	if (i + width > text.size())
		return 0;
	for (std::size_t k = 1; k < width; ++k) {
		if ((byte(k) & 0xC0) != 0x80)
			return 0;
		code_point = (code_point << 6) | (byte(k) & 0x3F);
	}
	if (code_point < minimum || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF))
		return 0;
	return width;
}

bool IsControl(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

// Characters that print as nothing: a name made only of these is empty.
bool IsBlank(char32_t c) {
	return c == ' ' || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200B) || c == 0x202F ||
	       c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

} // namespace

std::size_t Utf8Length(std::string_view text) {
	std::size_t chars = 0;
	for (std::size_t i = 0; i < text.size(); ++chars) {
		char32_t code_point;
		std::size_t width = DecodeUtf8(text, i, code_point);
		if (width == 0)
			return std::string_view::npos;
		i += width;
	}
	return chars;
}

CompanyNameProblem CheckCompanyName(std::string_view company_name) {
	bool only_blank = true;
	std::size_t chars = 0;
	for (std::size_t i = 0; i < company_name.size(); ++chars) {
		char32_t code_point;
		std::size_t width = DecodeUtf8(company_name, i, code_point);
		if (width == 0)
			return CompanyNameProblem::kInvalidEncoding;
		if (IsControl(code_point))
			return CompanyNameProblem::kControlCharacter;
		if (!IsBlank(code_point))
			only_blank = false;
		i += width;
	}
	if (only_blank)
		return CompanyNameProblem::kEmpty;
	if (chars > kMaxCompanyNameChars)
		return CompanyNameProblem::kTooLong;
	return CompanyNameProblem::kOk;
}

const char *DescribeCompanyNameProblem(CompanyNameProblem problem) {
	switch (problem) {
	case CompanyNameProblem::kOk:
		return "The company name is valid.";
	case CompanyNameProblem::kEmpty:
		return "A company name must contain at least one visible character.";
	case CompanyNameProblem::kTooLong:
		return "A company name is at most 255 characters long.";
	case CompanyNameProblem::kControlCharacter:
		return "A company name must not contain control characters such as newlines or tabs.";
	case CompanyNameProblem::kInvalidEncoding:
		return "A company name must be valid UTF-8.";
	}
	return "Unknown problem.";
}

std::string DeriveSchemaName(std::string_view company_name) {
	std::string derived;
	bool pending_separator = false;
	for (char c : company_name) {
		char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
		if (IsLowerAlpha(lower) || IsDigit(lower)) {
			if (pending_separator && !derived.empty())
				derived.push_back('_');
			pending_separator = false;
			derived.push_back(lower);
		} else {
			pending_separator = true;
		}
	}
	// A name that would start with a digit or be reserved gets a "t_" prefix
	// ('3M' -> t_3m, 'PG&E' -> t_pg_e, 'Public' -> t_public).
	if (!derived.empty() && (IsDigit(derived[0]) || StartsWith(derived, "pg_") || derived == "public" ||
	                         derived == "information_schema"))
		derived.insert(0, "t_");
	if (derived.size() > kMaxSchemaNameBytes)
		derived.resize(kMaxSchemaNameBytes);
	while (!derived.empty() && derived.back() == '_')
		derived.pop_back();
	return derived;
}

} // namespace wellness_tenancy

#include "pure.hpp" // last: no PostgreSQL header above
