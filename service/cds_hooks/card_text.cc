#include "service/cds_hooks/card_text.h"

#include <vector>

#include "absl/strings/match.h"
#include "service/engine/request_validator.h"

namespace dystonia::cds_hooks {
namespace {

constexpr char kEllipsis[] = "\u2026";

// Decodes the UTF-8 character at `text[*at]`, advancing `*at` past it.
// Returns -1 (and advances one byte) for an ill-formed sequence.
int DecodeUtf8(absl::string_view text, size_t* at) {
  const unsigned char lead = static_cast<unsigned char>(text[*at]);
  int length = 0;
  int code_point = 0;
  int minimum = 0;
  if (lead < 0x80) {
    ++*at;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, code_point = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code_point = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code_point = lead & 0x07, minimum = 0x10000;
  } else {
    ++*at;
    return -1;
  }
  if (*at + length > text.size()) {
    ++*at;
    return -1;
  }
  for (int i = 1; i < length; ++i) {
    const unsigned char next = static_cast<unsigned char>(text[*at + i]);
    if ((next & 0xC0) != 0x80) {
      ++*at;
      return -1;
    }
    code_point = (code_point << 6) | (next & 0x3F);
  }
  // Overlong forms, surrogates and values past Unicode are ill-formed.
  if (code_point < minimum || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    ++*at;
    return -1;
  }
  *at += length;
  return code_point;
}

// Characters that change how text around them is shown without being
// visible: direction marks, embeddings, overrides and isolates.
bool IsDirectionControl(int code_point) {
  return code_point == 0x200E || code_point == 0x200F || code_point == 0x061C ||
         (code_point >= 0x202A && code_point <= 0x202E) ||
         (code_point >= 0x2066 && code_point <= 0x2069);
}

// The escaped form of each character of `text`, in order; a character that
// is dropped has no entry.
std::vector<std::string> EscapedCharacters(absl::string_view text) {
  std::vector<std::string> out;
  out.reserve(text.size());
  size_t at = 0;
  while (at < text.size()) {
    const size_t start = at;
    const int code_point = DecodeUtf8(text, &at);
    if (code_point < 0) continue;
    if (code_point == '\n' || code_point == '\r' || code_point == '\t' ||
        code_point == 0x2028 || code_point == 0x2029) {
      out.emplace_back(" ");
      continue;
    }
    if (code_point < 0x20 || (code_point >= 0x7F && code_point <= 0x9F) ||
        IsDirectionControl(code_point)) {
      continue;
    }
    switch (code_point) {
      case '<':
        out.emplace_back("&lt;");
        continue;
      case '>':
        out.emplace_back("&gt;");
        continue;
      case '&':
        out.emplace_back("&amp;");
        continue;
      case '"':
        out.emplace_back("&quot;");
        continue;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '#':
      case '|':
      case '~':
        out.push_back(std::string{'\\', static_cast<char>(code_point)});
        continue;
      default:
        out.emplace_back(text.substr(start, at - start));
    }
  }
  return out;
}

}  // namespace

std::string EscapeCardText(absl::string_view text) {
  std::string out;
  for (const std::string& piece : EscapedCharacters(text)) out += piece;
  return out;
}

std::string BoundedCardText(absl::string_view text, size_t max_characters) {
  const std::vector<std::string> pieces = EscapedCharacters(text);
  size_t total = 0;
  for (const std::string& piece : pieces) total += static_cast<size_t>(CountCodePoints(piece));
  std::string out;
  if (total <= max_characters) {
    for (const std::string& piece : pieces) out += piece;
    return out;
  }
  if (max_characters == 0) return out;
  // Room for the ellipsis, then whole escaped characters only.
  size_t used = 0;
  for (const std::string& piece : pieces) {
    const size_t length = static_cast<size_t>(CountCodePoints(piece));
    if (used + length > max_characters - 1) break;
    out += piece;
    used += length;
  }
  out += kEllipsis;
  return out;
}

bool IsSafeCardUrl(absl::string_view url) {
  absl::string_view rest;
  if (absl::StartsWithIgnoreCase(url, "https://")) {
    rest = url.substr(8);
  } else if (absl::StartsWithIgnoreCase(url, "http://")) {
    rest = url.substr(7);
  } else {
    return false;
  }
  // A host must follow the scheme ("https:///x" and "https://" are not
  // addresses).
  if (rest.empty() || rest.front() == '/' || rest.front() == '?' ||
      rest.front() == '#') {
    return false;
  }
  for (char raw : url) {
    const unsigned char c = static_cast<unsigned char>(raw);
    if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' ||
        c == '\\' || c == '`') {
      return false;
    }
  }
  return true;
}

}  // namespace dystonia::cds_hooks
