#ifndef DYSTONIA_DRUG_DB_KNOWLEDGE_EXPORT_H_
#define DYSTONIA_DRUG_DB_KNOWLEDGE_EXPORT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "drug_db/drug_store.h"
#include "dystonia/v1/knowledge.pb.h"

namespace dystonia {

// Renders `bundle` as the text files of a knowledge directory, one per kind:
// manifest, citations, classes, drugs, modifiers, interactions and
// recommendations ("<kind>.textproto"), each in KnowledgeBundle text format
// with its entries sorted by id, so `diff -r` between two exports shows only
// what changed. Returns (file name, contents) pairs in that order; every
// file is present, empty kinds included.
std::vector<std::pair<std::string, std::string>> RenderKnowledgeFiles(
    const v1::KnowledgeBundle& bundle);

// Writes version `sequence` of `store` (the active one when 0) into
// `directory` as RenderKnowledgeFiles does, creating the directory when
// missing and replacing earlier exports. Importing the directory again
// (ImportKnowledgeDirectory) gives the same bundle. Returns the version
// exported; kNotFound when it is not stored; kFailedPrecondition when the
// directory holds other *.textproto files, which a re-import would merge in.
absl::StatusOr<v1::KnowledgeVersionInfo> ExportKnowledge(
    const DrugStore& store, int64_t sequence, const std::string& directory);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_KNOWLEDGE_EXPORT_H_
