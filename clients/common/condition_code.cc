#include "clients/common/condition_code.h"

#include <map>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace dystonia {

absl::StatusOr<v1::Condition> ParseConditionCode(absl::string_view value) {
  value = absl::StripAsciiWhitespace(value);
  const size_t bar = value.rfind('|');
  if (bar == absl::string_view::npos || bar == 0 || bar + 1 == value.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", value, "' is not SYSTEM|CODE (e.g. sct|49049000)"));
  }
  // The short names a person types for the code systems the service reads.
  static const auto* const kSystems = new std::map<std::string, std::string>{
      {"sct", "http://snomed.info/sct"},
      {"snomed", "http://snomed.info/sct"},
      {"icd10cm", "http://hl7.org/fhir/sid/icd-10-cm"},
      {"icd-10-cm", "http://hl7.org/fhir/sid/icd-10-cm"},
      {"icd10", "http://hl7.org/fhir/sid/icd-10"},
      {"icd-10", "http://hl7.org/fhir/sid/icd-10"}};
  const std::string system(absl::StripAsciiWhitespace(value.substr(0, bar)));
  v1::Condition condition;
  auto alias = kSystems->find(absl::AsciiStrToLower(system));
  condition.set_system(alias != kSystems->end() ? alias->second : system);
  condition.set_code(
      std::string(absl::StripAsciiWhitespace(value.substr(bar + 1))));
  return condition;
}

}  // namespace dystonia
