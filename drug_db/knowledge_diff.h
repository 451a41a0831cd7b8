#ifndef DYSTONIA_DRUG_DB_KNOWLEDGE_DIFF_H_
#define DYSTONIA_DRUG_DB_KNOWLEDGE_DIFF_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dystonia/v1/admin.pb.h"
#include "dystonia/v1/knowledge.pb.h"
#include "drug_db/knowledge_admin.h"

namespace dystonia {

// What happened to one field of a changed entry.
enum class FieldChangeKind {
  kTierUp,                  // a RiskLevel rose (changes alerts)
  kTierDown,                // a RiskLevel fell
  kContraindicationAdded,   // `contraindicated` became true
  kContraindicationRemoved, // `contraindicated` became false
  kAdded,                   // a list value (citation, name, brand, code) added
  kRemoved,                 // a list value removed
  kChanged,                 // any other field: before and after shown
};

// One field-level change. `field` is a path such as "acute.level",
// "route_liabilities[ROUTE_PARENTERAL].tardive.level" or "brands".
struct FieldChange {
  std::string field;
  FieldChangeKind kind = FieldChangeKind::kChanged;
  std::string before;  // text; empty for kAdded
  std::string after;   // text; empty for kRemoved
};

enum class EntryChangeKind { kAdded, kRemoved, kChanged };

// One bundle entry (drug, drug_class, citation, ...) that differs.
struct EntryChange {
  // The KnowledgeBundle field name: "drug", "drug_class", "citation",
  // "modifier", "interaction", "recommendation", "condition", "caution",
  // "manifest".
  std::string entry_type;
  std::string id;
  EntryChangeKind kind = EntryChangeKind::kChanged;
  // For kChanged, every differing field; for kAdded/kRemoved, one kChanged
  // field "entry" holding the whole entry's text (after or before).
  std::vector<FieldChange> fields;
};

// The audit entries that produced one version.
struct VersionAudit {
  v1::KnowledgeVersionInfo version;
  std::vector<v1::AuditEntry> entries;  // oldest first
};

struct KnowledgeDiff {
  std::string from_version;
  std::string to_version;
  // Ordered by entry type (bundle field order), then id.
  std::vector<EntryChange> changes;
  // The versions after `from` up to and including `to`, oldest first.
  std::vector<VersionAudit> audit;
};

// Compares two bundles field by field with protobuf reflection, so fields
// this code does not know are still reported (as kChanged with text).
KnowledgeDiff DiffKnowledgeBundles(const v1::KnowledgeBundle& from,
                                   const v1::KnowledgeBundle& to);

// Counts field changes of `kind` over the whole diff.
int CountFieldChanges(const KnowledgeDiff& diff, FieldChangeKind kind);

// Returns the sequence of the stored version named by `value`: its sequence
// number or its version string as `dystonia-kb versions` prints it.
// kNotFound naming `flag` when no stored version matches.
absl::StatusOr<int64_t> ResolveVersion(const KnowledgeVersions& versions,
                                       absl::string_view flag,
                                       absl::string_view value);

// Diffs stored versions `from_sequence` and `to_sequence` and attaches the
// audit entries of the versions in between (after the lower, up to and
// including the higher sequence).
absl::StatusOr<KnowledgeDiff> DiffStoredVersions(const DrugStore& store,
                                                 int64_t from_sequence,
                                                 int64_t to_sequence);

// Compares stored version `sequence` with the knowledge files of
// `directory` (as `dystonia-kb import` would read them), so a database can be
// checked against drug_db/knowledge/ without an export: `directory_is_to`
// puts the directory on the "to" side. The directory side is named
// "<directory> (files, manifest <version>)"; no audit entries. kNotFound or
// kInvalidArgument from loading the directory.
absl::StatusOr<KnowledgeDiff> DiffStoredVersionWithDirectory(
    const DrugStore& store, int64_t sequence, const std::string& directory,
    bool directory_is_to);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_KNOWLEDGE_DIFF_H_
