#include "service/engine/utf8_text.h"

namespace dystonia {
namespace {

bool IsContinuationByte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

}  // namespace

void TruncateUtf8(std::string* text, size_t max_characters) {
  // Walk to the start of character `max_characters`; stop early when the
  // text is shorter (the common case: no copy, no change).
  size_t characters = 0;
  size_t keep_end = std::string::npos;  // byte offset after max - 3 chars
  const size_t keep = max_characters >= 3 ? max_characters - 3 : 0;
  for (size_t i = 0; i < text->size(); ++i) {
    if (IsContinuationByte((*text)[i])) continue;
    if (characters == keep) keep_end = i;
    if (characters == max_characters) {
      text->resize(keep_end);
      text->append(max_characters >= 3 ? "..." : "");
      return;
    }
    ++characters;
  }
}

}  // namespace dystonia
