#ifndef DYSTONIA_DRUG_DB_FILE_TEXT_H_
#define DYSTONIA_DRUG_DB_FILE_TEXT_H_

#include <string>

#include "absl/status/statusor.h"

namespace dystonia {

// A whole file's bytes. NotFound, naming the path and the reason, when it
// cannot be opened or read through (a directory, an I/O error): never a
// silently empty or partial text. Every layer reads files through this
// (knowledge, tokens, keys, JWKS, the clients' flag files); it depends on
// nothing but Abseil.
absl::StatusOr<std::string> ReadFileText(const std::string& path);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_FILE_TEXT_H_
