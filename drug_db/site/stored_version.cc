#include "drug_db/site/stored_version.h"

#include <cstdint>

#include "drug_db/knowledge_admin.h"
#include "drug_db/knowledge_diff.h"

namespace dystonia {

absl::StatusOr<StoredKnowledge> ReadNamedVersion(const DrugStore& store,
                                                 absl::string_view version) {
  if (version.empty()) {
    absl::StatusOr<StoredKnowledge> active = store.ReadActive();
    if (absl::IsNotFound(active.status())) {
      return absl::InvalidArgumentError(
          "the database holds no knowledge version yet (run dystonia-kb "
          "import first)");
    }
    return active;
  }
  absl::StatusOr<std::vector<v1::KnowledgeVersionInfo>> versions =
      store.ListVersions();
  if (!versions.ok()) return versions.status();
  KnowledgeVersions listed;
  listed.versions = *std::move(versions);
  // The same reading of a version as `dystonia-kb diff --from/--to`.
  absl::StatusOr<int64_t> sequence =
      ResolveVersion(listed, "--version", version);
  if (!sequence.ok()) {
    return absl::InvalidArgumentError(sequence.status().message());
  }
  return store.ReadVersion(*sequence);
}

}  // namespace dystonia
