#ifndef DYSTONIA_DRUG_DB_NAME_NORMALIZER_H_
#define DYSTONIA_DRUG_DB_NAME_NORMALIZER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace dystonia {

// Folds a drug name to its index key: ASCII letters lower-cased, every run of
// other characters (spaces, punctuation, "/", "-") collapsed to one space,
// no leading or trailing space. "Haloperidol  Lactate" and "haloperidol-lactate"
// both become "haloperidol lactate". Bytes >= 0x80 are kept as they are, so
// non-ASCII names stay distinct rather than being mangled.
std::string NormalizeName(absl::string_view name);

// The same, written into `out` (cleared first), so a caller can reuse the
// buffer.
void NormalizeNameInto(absl::string_view name, std::string* out);

// Folds an ATC code to upper case without spaces: " n05ad01 " -> "N05AD01".
std::string NormalizeAtcCode(absl::string_view code);

// Strips spaces from an RxCUI: " 5093 " -> "5093".
std::string NormalizeRxcui(absl::string_view code);

// True for a well-formed WHO ATC code at any level: "N", "N05", "N05A",
// "N05AD", "N05AD01" (letter, 2 digits, letter, letter, 2 digits).
bool IsWellFormedAtcCode(absl::string_view code);

// True for a well-formed RxCUI: 1 to 9 digits.
bool IsWellFormedRxcui(absl::string_view code);

// The 11-digit (5-4-2) forms an NDC as written may stand for, with spaces
// dropped: one for a hyphenated 10-digit code (4-4-2, 5-3-2 or 5-4-1, the
// short segment padded with a leading zero) or any 11-digit code; three for
// 10 digits without hyphens, whose segments cannot be told apart. Empty when
// `ndc` is not an NDC.
std::vector<std::string> NdcCandidates(absl::string_view ndc);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_NAME_NORMALIZER_H_
