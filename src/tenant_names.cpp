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

std::size_t Utf8Length(std::string_view text) {
	std::size_t chars = 0;
	for (std::size_t i = 0; i < text.size();) {
		auto lead = static_cast<unsigned char>(text[i]);
		std::size_t width;
		if (lead < 0x80)
			width = 1;
		else if ((lead & 0xE0) == 0xC0 && lead >= 0xC2)
			width = 2;
		else if ((lead & 0xF0) == 0xE0)
			width = 3;
		else if ((lead & 0xF8) == 0xF0 && lead <= 0xF4)
			width = 4;
		else
			return std::string_view::npos;
		if (i + width > text.size())
			return std::string_view::npos;
		for (std::size_t k = 1; k < width; ++k)
			if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80)
				return std::string_view::npos;
		i += width;
		++chars;
	}
	return chars;
}

CompanyNameProblem CheckCompanyName(std::string_view company_name) {
	bool only_space = true;
	for (char c : company_name) {
		auto u = static_cast<unsigned char>(c);
		if (u < 0x20 || u == 0x7F)
			return CompanyNameProblem::kControlCharacter;
		if (c != ' ')
			only_space = false;
	}
	if (only_space)
		return CompanyNameProblem::kEmpty;
	std::size_t length = Utf8Length(company_name);
	if (length == std::string_view::npos)
		return CompanyNameProblem::kInvalidEncoding;
	if (length > kMaxCompanyNameChars)
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
	if (!derived.empty() && IsDigit(derived[0]))
		derived.insert(0, "t_");
	if (derived.size() > kMaxSchemaNameBytes)
		derived.resize(kMaxSchemaNameBytes);
	while (!derived.empty() && derived.back() == '_')
		derived.pop_back();
	return derived;
}

} // namespace wellness_tenancy
