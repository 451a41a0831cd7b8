#include "drug_db/site/stored_version.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

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
  int64_t sequence = 0;
  const bool numeric = absl::SimpleAtoi(version, &sequence) &&
                       absl::ascii_isdigit(static_cast<unsigned char>(version[0]));
  for (const auto& info : *versions) {
    if ((numeric && info.sequence() == sequence) || info.version() == version) {
      return store.ReadVersion(info.sequence());
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--version '", version,
      "' names no stored version (give a sequence number or a version as "
      "`dystonia-kb versions` prints it)"));
}

}  // namespace dystonia
