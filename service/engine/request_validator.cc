#include "service/engine/request_validator.h"

#include <cmath>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "drug_db/name_normalizer.h"
#include "proto/vocabulary/phenotype_words.h"

namespace dystonia {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
}

// "medications[3].name": built only when there is an error to report, so a
// valid request costs no allocation here.
std::string FieldPath(int index, absl::string_view field) {
  return absl::StrCat("medications[", index, "].", field);
}

absl::Status ValidateMedication(const v1::Medication& medication, int index) {
  for (auto [field, text] :
       {std::pair<const char*, const std::string*>{"name", &medication.name()},
        {"rxcui", &medication.rxcui()},
        {"atc_code", &medication.atc_code()}}) {
    if (!IsValidUtf8(*text)) {
      return Invalid(FieldPath(index, field), "is not valid UTF-8");
    }
  }
  const bool has_code = !medication.rxcui().empty() ||
                        !medication.atc_code().empty() ||
                        !medication.ndc().empty();
  if (absl::StripAsciiWhitespace(medication.name()).empty() && !has_code) {
    return Invalid(FieldPath(index, "name"),
                   "is empty (give a name, an rxcui, an ndc or an atc_code)");
  }
  if (!medication.ndc().empty() && NdcCandidates(medication.ndc()).empty()) {
    return Invalid(FieldPath(index, "ndc"),
                   "is not an NDC (10 digits with hyphens 4-4-2, 5-3-2 or "
                   "5-4-1, or 10 or 11 digits)");
  }
  const int characters = CountCodePoints(medication.name());
  if (characters > kMaxNameCharacters) {
    return Invalid(
        FieldPath(index, "name"),
        absl::StrCat(characters, " characters, at most ", kMaxNameCharacters));
  }
  if (!medication.rxcui().empty() &&
      !IsWellFormedRxcui(NormalizeRxcui(medication.rxcui()))) {
    return Invalid(FieldPath(index, "rxcui"),
                   "is not an RxCUI (1 to 9 digits)");
  }
  if (!medication.atc_code().empty() &&
      !IsWellFormedAtcCode(NormalizeAtcCode(medication.atc_code()))) {
    return Invalid(FieldPath(index, "atc_code"),
                   "is not an ATC code (e.g. N05AD01)");
  }
  if (!v1::Route_IsValid(medication.route())) {
    return Invalid(FieldPath(index, "route"),
                   absl::StrCat("unknown value ", medication.route()));
  }
  if (!v1::MedicationStatus_IsValid(medication.status())) {
    return Invalid(FieldPath(index, "status"),
                   absl::StrCat("unknown value ", medication.status()));
  }
  const double dose = medication.daily_dose_mg();
  if (!std::isfinite(dose) || dose < 0) {
    return Invalid(FieldPath(index, "daily_dose_mg"),
                   absl::StrCat(dose, " is not a dose (0 = not given)"));
  }
  // A century of therapy is the plausible ceiling.
  constexpr int kMaxDays = 36600;
  if (medication.days_on_therapy() < 0 ||
      medication.days_on_therapy() > kMaxDays) {
    return Invalid(FieldPath(index, "days_on_therapy"),
                   absl::StrCat(medication.days_on_therapy(),
                                " is out of range 0..", kMaxDays));
  }
  if (medication.dose_increased_days_ago() < 0 ||
      medication.dose_increased_days_ago() > kMaxDays) {
    return Invalid(FieldPath(index, "dose_increased_days_ago"),
                   absl::StrCat(medication.dose_increased_days_ago(),
                                " is out of range 0..", kMaxDays));
  }
  return absl::OkStatus();
}

absl::Status ValidateCondition(const v1::Condition& condition, int index) {
  auto path = [index](absl::string_view field) {
    return absl::StrCat("patient.conditions[", index, "].", field);
  };
  for (auto [field, text] :
       {std::pair<const char*, const std::string*>{"text", &condition.text()},
        {"system", &condition.system()},
        {"code", &condition.code()}}) {
    if (!IsValidUtf8(*text)) return Invalid(path(field), "is not valid UTF-8");
  }
  const bool has_code = !absl::StripAsciiWhitespace(condition.code()).empty();
  if (absl::StripAsciiWhitespace(condition.text()).empty() && !has_code) {
    return Invalid(path("text"), "is empty (give a text, or a system and code)");
  }
  if (has_code && condition.system().empty()) {
    return Invalid(path("system"),
                   "is required with a code (e.g. http://snomed.info/sct)");
  }
  const int characters = CountCodePoints(condition.text());
  if (characters > kMaxNameCharacters) {
    return Invalid(path("text"), absl::StrCat(characters, " characters, at most ",
                                              kMaxNameCharacters));
  }
  if (condition.system().size() > static_cast<size_t>(kMaxConditionCodeBytes) ||
      condition.code().size() > static_cast<size_t>(kMaxConditionCodeBytes)) {
    return Invalid(path(condition.code().size() > condition.system().size()
                            ? "code"
                            : "system"),
                   absl::StrCat("longer than ", kMaxConditionCodeBytes,
                                " bytes"));
  }
  return absl::OkStatus();
}

// One result per gene: two that agree are one result sent twice, two that
// differ are a contradiction the caller must resolve (the record holds both;
// the service cannot tell which the laboratory meant).
absl::Status ValidatePharmacogenomics(const v1::Patient& patient) {
  auto path = [](int index, absl::string_view field) {
    return absl::StrCat("patient.pharmacogenomics[", index, "].", field);
  };
  if (patient.pharmacogenomics_size() > kMaxPharmacogenomicResults) {
    return Invalid(
        "patient.pharmacogenomics",
        absl::StrCat(patient.pharmacogenomics_size(), " given, at most ",
                     kMaxPharmacogenomicResults));
  }
  for (int i = 0; i < patient.pharmacogenomics_size(); ++i) {
    const v1::PharmacogenomicResult& result = patient.pharmacogenomics(i);
    if (!IsWellFormedGeneSymbol(NormalizeGeneSymbol(result.gene()))) {
      return Invalid(path(i, "gene"),
                     result.gene().empty()
                         ? "is empty (give the HGNC symbol, e.g. CYP2D6)"
                         : "is not an HGNC gene symbol (e.g. CYP2D6)");
    }
    if (result.phenotype() ==
            v1::PharmacogenomicResult::PHENOTYPE_UNSPECIFIED ||
        !v1::PharmacogenomicResult::Phenotype_IsValid(result.phenotype())) {
      return Invalid(path(i, "phenotype"),
                     "is required (POOR, INTERMEDIATE, NORMAL, RAPID, "
                     "ULTRARAPID or INDETERMINATE)");
    }
    for (int j = 0; j < i; ++j) {
      const v1::PharmacogenomicResult& earlier = patient.pharmacogenomics(j);
      if (NormalizeGeneSymbol(earlier.gene()) ==
              NormalizeGeneSymbol(result.gene()) &&
          earlier.phenotype() != result.phenotype()) {
        return Invalid(path(i, "phenotype"),
                       absl::StrCat("contradicts patient.pharmacogenomics[", j,
                                    "] for the same gene (send one result "
                                    "per gene)"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool IsValidUtf8(absl::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int length = 0;
    uint32_t code_point = 0;
    if ((c & 0xE0) == 0xC0) {
      length = 2;
      code_point = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3;
      code_point = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4;
      code_point = c & 0x07;
    } else {
      return false;
    }
    if (i + length > n) return false;
    for (int k = 1; k < length; ++k) {
      const unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid.
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinForLength[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

int CountCodePoints(absl::string_view text) {
  int count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

absl::Status ValidateCheckRequest(const v1::CheckRequest& request) {
  if (!IsValidUtf8(request.request_id())) {
    return Invalid("request_id", "is not valid UTF-8");
  }
  if (request.request_id().size() > static_cast<size_t>(kMaxRequestIdBytes)) {
    return Invalid("request_id",
                   absl::StrCat(request.request_id().size(), " bytes, at most ",
                                kMaxRequestIdBytes));
  }
  if (!request.has_patient()) return Invalid("patient", "is required");
  const v1::Patient& patient = request.patient();
  if (!patient.has_age_years()) {
    return Invalid("patient.age_years", "is required");
  }
  const double age = patient.age_years();
  if (!std::isfinite(age))
    return Invalid("patient.age_years", "is not a number");
  if (age < 0) {
    return Invalid("patient.age_years", absl::StrCat(age, " is negative"));
  }
  if (age > kMaxAgeYears) {
    return Invalid("patient.age_years",
                   absl::StrCat(age, " is over ", kMaxAgeYears));
  }
  if (!v1::Sex_IsValid(patient.sex())) {
    return Invalid("patient.sex",
                   absl::StrCat("unknown value ", patient.sex()));
  }
  if (patient.has_weight_kg()) {
    const double weight = patient.weight_kg();
    if (!std::isfinite(weight) || weight <= 0 || weight > kMaxWeightKg) {
      return Invalid("patient.weight_kg",
                     absl::StrCat(weight, " is out of range (above 0, at most ",
                                  kMaxWeightKg, ")"));
    }
  }
  if (patient.conditions_size() > kMaxConditions) {
    return Invalid("patient.conditions",
                   absl::StrCat(patient.conditions_size(), " given, at most ",
                                kMaxConditions));
  }
  for (int i = 0; i < patient.conditions_size(); ++i) {
    absl::Status status = ValidateCondition(patient.conditions(i), i);
    if (!status.ok()) return status;
  }
  absl::Status pharmacogenomics = ValidatePharmacogenomics(patient);
  if (!pharmacogenomics.ok()) return pharmacogenomics;
  if (request.medications_size() > kMaxMedications) {
    return Invalid("medications",
                   absl::StrCat(request.medications_size(), " given, at most ",
                                kMaxMedications));
  }
  for (int i = 0; i < request.medications_size(); ++i) {
    absl::Status status = ValidateMedication(request.medications(i), i);
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

}  // namespace dystonia
