#ifndef DYSTONIA_DRUG_DB_KNOWLEDGE_IMPORT_H_
#define DYSTONIA_DRUG_DB_KNOWLEDGE_IMPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "drug_db/drug_store.h"
#include "dystonia/v1/knowledge.pb.h"

namespace dystonia {

// Reads and validates the text knowledge base in `directory` without
// storing it. Returns kInvalidArgument with "file:line: problem" lines.
absl::StatusOr<v1::KnowledgeBundle> ReadAndValidateKnowledgeDirectory(
    const std::string& directory);

// Reads, validates and imports `directory` into `store` as its new active
// version, atomically: on error the previous version stays active.
absl::StatusOr<v1::KnowledgeVersionInfo> ImportKnowledgeDirectory(
    DrugStore& store, const std::string& directory);

// Imports `directory` only when `store` holds no knowledge base yet (a
// server's first start). Returns the active version either way.
absl::StatusOr<v1::KnowledgeVersionInfo> SeedIfEmpty(
    DrugStore& store, const std::string& directory);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_KNOWLEDGE_IMPORT_H_
