#include "drug_db/knowledge_import.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "drug_db/knowledge_loader.h"
#include "drug_db/knowledge_validator.h"

namespace dystonia {

absl::StatusOr<v1::KnowledgeBundle> ReadAndValidateKnowledgeDirectory(
    const std::string& directory) {
  absl::StatusOr<LoadedKnowledge> loaded = LoadKnowledgeDirectory(directory);
  if (!loaded.ok()) return loaded.status();
  absl::Status valid = ValidateKnowledge(loaded->bundle(), &*loaded);
  if (!valid.ok()) return valid;
  return std::move(*loaded->mutable_bundle());
}

absl::StatusOr<v1::KnowledgeVersionInfo> ImportKnowledgeDirectory(
    DrugStore& store, const std::string& directory) {
  absl::StatusOr<v1::KnowledgeBundle> bundle =
      ReadAndValidateKnowledgeDirectory(directory);
  if (!bundle.ok()) return bundle.status();
  return store.Import(*bundle, absl::StrCat("import ", directory));
}

absl::StatusOr<v1::KnowledgeVersionInfo> SeedIfEmpty(
    DrugStore& store, const std::string& directory) {
  absl::StatusOr<v1::KnowledgeVersionInfo> active = store.ActiveVersion();
  if (active.ok() || !absl::IsNotFound(active.status())) return active;
  return ImportKnowledgeDirectory(store, directory);
}

}  // namespace dystonia
