#include "drug_db/name_normalizer.h"

#include "absl/strings/ascii.h"

namespace dystonia {

std::string NormalizeName(absl::string_view name) {
  std::string out;
  NormalizeNameInto(name, &out);
  return out;
}

void NormalizeNameInto(absl::string_view name, std::string* out) {
  out->clear();
  out->reserve(name.size());
  bool pending_space = false;
  for (char raw : name) {
    const unsigned char c = static_cast<unsigned char>(raw);
    if (absl::ascii_isalnum(c) || c >= 0x80) {
      if (pending_space && !out->empty()) out->push_back(' ');
      pending_space = false;
      out->push_back(static_cast<char>(absl::ascii_tolower(c)));
    } else {
      pending_space = true;
    }
  }
}

std::string NormalizeAtcCode(absl::string_view code) {
  std::string out;
  out.reserve(code.size());
  for (char c : code) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) {
      out.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

std::string NormalizeRxcui(absl::string_view code) {
  return std::string(absl::StripAsciiWhitespace(code));
}

bool IsWellFormedAtcCode(absl::string_view code) {
  // Pattern by position: L DD L L DD.
  static constexpr char kShape[] = "LDDLLDD";
  if (code.empty() || code.size() > 7) return false;
  if (code.size() != 1 && code.size() != 3 && code.size() != 4 &&
      code.size() != 5 && code.size() != 7) {
    return false;
  }
  for (size_t i = 0; i < code.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(code[i]);
    const bool ok = kShape[i] == 'L' ? absl::ascii_isupper(c)
                                     : absl::ascii_isdigit(c);
    if (!ok) return false;
  }
  return true;
}

bool IsWellFormedRxcui(absl::string_view code) {
  if (code.empty() || code.size() > 9) return false;
  for (char c : code) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace dystonia
