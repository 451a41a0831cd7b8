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

std::vector<std::string> NdcCandidates(absl::string_view ndc) {
  std::vector<std::string> segments(1);
  for (char c : ndc) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) continue;
    if (c == '-') {
      segments.emplace_back();
    } else if (absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      segments.back().push_back(c);
    } else {
      return {};
    }
  }
  if (segments.size() == 3) {
    const size_t a = segments[0].size(), b = segments[1].size(),
                 c = segments[2].size();
    if (a == 4 && b == 4 && c == 2) return {"0" + segments[0] + segments[1] + segments[2]};
    if (a == 5 && b == 3 && c == 2) return {segments[0] + "0" + segments[1] + segments[2]};
    if (a == 5 && b == 4 && c == 1) return {segments[0] + segments[1] + "0" + segments[2]};
    if (a == 5 && b == 4 && c == 2) return {segments[0] + segments[1] + segments[2]};
    return {};
  }
  if (segments.size() != 1) return {};
  const std::string& digits = segments[0];
  if (digits.size() == 11) return {digits};
  if (digits.size() != 10) return {};
  return {"0" + digits, digits.substr(0, 5) + "0" + digits.substr(5),
          digits.substr(0, 9) + "0" + digits.substr(9)};
}

}  // namespace dystonia
