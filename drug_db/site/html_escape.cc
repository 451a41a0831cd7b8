#include "drug_db/site/html_escape.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"

namespace dystonia::site {

std::string EscapeHtml(absl::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&#39;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

std::string SafeHttpHref(absl::string_view url) {
  if (!absl::StartsWithIgnoreCase(url, "https://") &&
      !absl::StartsWithIgnoreCase(url, "http://")) {
    return "";
  }
  for (char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) return "";
  }
  return EscapeHtml(url);
}

std::string JsStringLiteral(absl::string_view text) {
  std::string literal = "\"";
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    // U+2028 and U+2029 (E2 80 A8/A9) end a line in older JavaScript.
    if (byte == 0xE2 && i + 2 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(text[i + 2]) & 0xFE) == 0xA8) {
      literal += static_cast<unsigned char>(text[i + 2]) == 0xA8 ? "\\u2028"
                                                                  : "\\u2029";
      i += 2;
      continue;
    }
    if (byte == '"' || byte == '\\') {
      literal += '\\';
      literal += text[i];
    } else if (byte < 0x20 || byte == '<' || byte == '>' || byte == '&' ||
               byte == 0x7f) {
      literal += absl::StrFormat("\\u%04x", byte);
    } else {
      literal += text[i];
    }
  }
  literal += '"';
  return literal;
}

std::string IdToFileStem(absl::string_view id) {
  std::string stem;
  for (char c : id) {
    const auto byte = static_cast<unsigned char>(c);
    if (absl::ascii_isalnum(byte) || c == '-' || c == '_') {
      stem += c;
    } else {
      stem += absl::StrFormat("~%02x", byte);
    }
  }
  return stem.empty() ? "~" : stem;
}

}  // namespace dystonia::site
