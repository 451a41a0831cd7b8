#include "service/cds_hooks/fhir_patient.h"

#include "drug_db/condition_codes.h"
#include "service/cds_hooks/json_value.h"
#include "service/engine/request_validator.h"
#include "service/engine/utf8_text.h"

namespace dystonia::cds_hooks {
namespace {

using json::Elements;
using json::Get;
using json::Text;
using json::Value;

constexpr char kBirthSexExtension[] =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-birthsex";

// Whole years from `birth` to `on`.
int YearsBetween(absl::CivilDay birth, absl::CivilDay on) {
  int years = static_cast<int>(on.year() - birth.year());
  if (on.month() < birth.month() ||
      (on.month() == birth.month() && on.day() < birth.day())) {
    --years;
  }
  return years;
}

}  // namespace

std::optional<absl::CivilDay> ParseDay(const std::string& text) {
  if (text.size() < 10) return std::nullopt;
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text.substr(0, 10), &day)) return std::nullopt;
  return day;
}

AgeRange AgeFrom(const std::string& birth_date, absl::CivilDay on) {
  AgeRange range;
  absl::CivilYear year;
  absl::CivilMonth month;
  absl::CivilDay day;
  if (birth_date.size() >= 10 &&
      absl::ParseCivilTime(birth_date.substr(0, 10), &day)) {
    range.youngest = range.oldest = YearsBetween(day, on);
  } else if (birth_date.size() == 7 &&
             absl::ParseCivilTime(birth_date, &month)) {
    const absl::CivilDay first(month);
    const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
    range.youngest = YearsBetween(last, on);
    range.oldest = YearsBetween(first, on);
    range.partial = true;
  } else if (birth_date.size() == 4 &&
             absl::ParseCivilTime(birth_date, &year)) {
    range.youngest = YearsBetween(absl::CivilDay(year.year(), 12, 31), on);
    range.oldest = YearsBetween(absl::CivilDay(year.year(), 1, 1), on);
    range.partial = true;
  } else {
    return range;
  }
  // A birth date after the order (a data-entry slip) gives no age: judging
  // it as a newborn would raise infant contraindications on an adult.
  if (range.oldest < 0 || range.youngest < 0 ||
      range.oldest > kMaxAgeYears) {
    range = AgeRange();
    range.impossible = true;
    return range;
  }
  range.known = true;
  return range;
}

v1::Sex SexOf(const Value& patient) {
  for (const Value* extension : Elements(Get(patient, "extension"))) {
    if (Text(Get(*extension, "url")) == kBirthSexExtension) {
      const std::string code = Text(Get(*extension, "valueCode"));
      if (code == "M") return v1::SEX_MALE;
      if (code == "F") return v1::SEX_FEMALE;
      if (code == "UNK") return v1::SEX_UNKNOWN;
      return v1::SEX_OTHER;
    }
  }
  const std::string gender = Text(Get(patient, "gender"));
  if (gender == "male") return v1::SEX_MALE;
  if (gender == "female") return v1::SEX_FEMALE;
  if (gender == "other") return v1::SEX_OTHER;
  if (gender == "unknown") return v1::SEX_UNKNOWN;
  return v1::SEX_UNSPECIFIED;
}

std::optional<v1::Condition> ConditionFrom(const Value& resource) {
  // A refuted or mistaken entry is not the patient's condition. A resolved
  // one still counts: a past dystonic reaction or tardive dyskinesia is
  // exactly the history that matters.
  const Value* verification = Get(resource, "verificationStatus");
  for (const Value* coding : Elements(
           verification == nullptr ? nullptr : Get(*verification, "coding"))) {
    const std::string status = Text(Get(*coding, "code"));
    if (status == "refuted" || status == "entered-in-error") return std::nullopt;
  }
  const Value* code = Get(resource, "code");
  if (code == nullptr) return std::nullopt;
  v1::Condition condition;
  static constexpr absl::string_view kReadSystems[] = {
      kSnomedCtSystem, kIcd10CmSystem, kIcd10System};
  std::string display;
  for (absl::string_view wanted : kReadSystems) {
    for (const Value* coding : Elements(Get(*code, "coding"))) {
      if (Text(Get(*coding, "system")) != wanted) continue;
      const std::string value = Text(Get(*coding, "code"));
      if (value.empty()) continue;
      condition.set_system(std::string(wanted));
      condition.set_code(value);
      display = Text(Get(*coding, "display"));
      break;
    }
    if (!condition.code().empty()) break;
  }
  for (const Value* coding : Elements(Get(*code, "coding"))) {
    if (!display.empty()) break;
    display = Text(Get(*coding, "display"));
  }
  const std::string text = Text(Get(*code, "text"));
  condition.set_text(!text.empty() ? text : display);
  if (condition.text().empty() && condition.code().empty()) return std::nullopt;
  // The engine takes at most 200 characters: a longer text is cut rather
  // than the whole request refused.
  TruncateUtf8(condition.mutable_text(), kMaxNameCharacters);
  return condition;
}

}  // namespace dystonia::cds_hooks
