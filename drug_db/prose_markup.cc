#include "drug_db/prose_markup.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace dystonia {
namespace {

// The text from `at`, at most `length` bytes, for the message.
std::string Excerpt(absl::string_view text, size_t at, size_t length) {
  return std::string(text.substr(at, std::min(length, text.size() - at)));
}

}  // namespace

std::string FindProseMarkup(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(text);
  for (const char* address :
       {"javascript:", "vbscript:", "data:text/", "data:image/"}) {
    const size_t at = lower.find(address);
    if (at != std::string::npos) {
      return absl::StrCat("a script or data address '",
                          Excerpt(text, at, 20), "'");
    }
  }
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    const char next = text[i + 1];
    if (text[i] == '<' &&
        (absl::ascii_isalpha(static_cast<unsigned char>(next)) ||
         next == '/' || next == '!' || next == '?')) {
      return absl::StrCat("an HTML tag '", Excerpt(text, i, 12), "'");
    }
    if (text[i] == ']' && next == '(') {
      const size_t open = text.rfind('[', i);
      return absl::StrCat(
          "a markdown link '",
          Excerpt(text, open == absl::string_view::npos ? i : open, 30), "'");
    }
    if (text[i] == '!' && next == '[') {
      return absl::StrCat("a markdown image '", Excerpt(text, i, 30), "'");
    }
  }
  return "";
}

}  // namespace dystonia
