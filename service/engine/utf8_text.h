#ifndef DYSTONIA_SERVICE_ENGINE_UTF8_TEXT_H_
#define DYSTONIA_SERVICE_ENGINE_UTF8_TEXT_H_

#include <cstddef>
#include <string>

namespace dystonia {

// Cuts well-formed UTF-8 `text` to at most `max_characters` code points,
// ending it with "..." when it was cut; never splits a character. A card
// summary is limited in characters (CDS Hooks: 140), not bytes.
void TruncateUtf8(std::string* text, size_t max_characters);

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_ENGINE_UTF8_TEXT_H_
