#ifndef DYSTONIA_DRUG_DB_SITE_STORED_VERSION_H_
#define DYSTONIA_DRUG_DB_SITE_STORED_VERSION_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "drug_db/drug_store.h"

namespace dystonia {

// Reads the knowledge version `version` names: "" the active one, digits a
// sequence number ("3"), anything else a version string as `dystonia-kb
// versions` prints it ("2026.11.27+3"). kInvalidArgument naming --version
// when it names no stored version (or the store holds none); kDataLoss when
// a record does not parse.
absl::StatusOr<StoredKnowledge> ReadNamedVersion(const DrugStore& store,
                                                 absl::string_view version);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_SITE_STORED_VERSION_H_
