#include "drug_db/condition_codes.h"

#include "absl/strings/ascii.h"
#include "drug_db/name_normalizer.h"

namespace dystonia {

bool IsKnownConditionCodeSystem(absl::string_view system) {
  return system == kSnomedCtSystem || system == kIcd10CmSystem ||
         system == kIcd10System;
}

std::string NormalizeConditionCode(absl::string_view system,
                                   absl::string_view code) {
  const bool icd = system == kIcd10CmSystem || system == kIcd10System;
  std::string out;
  out.reserve(code.size());
  for (char raw : code) {
    const unsigned char c = static_cast<unsigned char>(raw);
    if (absl::ascii_isspace(c) || (icd && c == '.')) continue;
    out.push_back(icd ? absl::ascii_toupper(c) : raw);
  }
  return out;
}

bool IsWellFormedConditionCode(absl::string_view system,
                               absl::string_view code) {
  if (!IsKnownConditionCodeSystem(system)) return false;
  const std::string folded = NormalizeConditionCode(system, code);
  if (system == kSnomedCtSystem) {
    if (folded.size() < 6 || folded.size() > 18) return false;
    for (char c : folded) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
  }
  if (folded.size() < 3 || folded.size() > 8) return false;
  if (!absl::ascii_isupper(static_cast<unsigned char>(folded[0])) ||
      !absl::ascii_isdigit(static_cast<unsigned char>(folded[1]))) {
    return false;
  }
  for (size_t i = 2; i < folded.size(); ++i) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(folded[i]))) {
      return false;
    }
  }
  return true;
}

std::string NormalizeConditionName(absl::string_view name) {
  std::string without_apostrophes;
  without_apostrophes.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '\'') continue;
    // U+2019 RIGHT SINGLE QUOTATION MARK, as word processors type it.
    if (name.substr(i, 3) == "\xE2\x80\x99") {
      i += 2;
      continue;
    }
    without_apostrophes.push_back(name[i]);
  }
  return NormalizeName(without_apostrophes);
}

}  // namespace dystonia
