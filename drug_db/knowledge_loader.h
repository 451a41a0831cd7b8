#ifndef DYSTONIA_DRUG_DB_KNOWLEDGE_LOADER_H_
#define DYSTONIA_DRUG_DB_KNOWLEDGE_LOADER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dystonia/v1/knowledge.pb.h"

namespace dystonia {

// The top-level lists of a KnowledgeBundle, for naming where an entry is.
enum class EntryKind {
  kManifest,
  kCitation,
  kDrugClass,
  kDrug,
  kModifier,
  kInteraction,
  kRecommendation,
  kCondition,
  kCaution,
};

// How many EntryKind values there are.
inline constexpr int kEntryKindCount = 9;

// Tells where an entry (or one field of it) of a merged bundle was written,
// as "file:line", so validation errors point at the text a reviewer edits.
class KnowledgeLocator {
 public:
  virtual ~KnowledgeLocator() = default;
  // Returns "file:line" of entry `index` of `kind`, or of its field `field`
  // (element `field_index` when repeated) when `field` is not empty.
  // Returns "" when unknown.
  virtual std::string Locate(EntryKind kind, int index,
                             absl::string_view field = "",
                             int field_index = -1) const = 0;
};

// A knowledge bundle merged from text files, with the location of each entry.
class LoadedKnowledge final : public KnowledgeLocator {
 public:
  LoadedKnowledge();
  ~LoadedKnowledge() override;
  LoadedKnowledge(LoadedKnowledge&&) noexcept;
  LoadedKnowledge& operator=(LoadedKnowledge&&) noexcept;

  const v1::KnowledgeBundle& bundle() const { return bundle_; }
  v1::KnowledgeBundle* mutable_bundle() { return &bundle_; }

  // Parses `text` (protobuf text format of KnowledgeBundle) as the contents
  // of `file_name` and appends its entries. Returns kInvalidArgument naming
  // the file, line and column of a syntax error.
  absl::Status AddText(absl::string_view file_name, absl::string_view text);

  std::string Locate(EntryKind kind, int index, absl::string_view field = "",
                     int field_index = -1) const override;

 private:
  struct ParsedFile;
  v1::KnowledgeBundle bundle_;
  std::vector<std::unique_ptr<ParsedFile>> files_;
};

// Reads every *.textproto file of `directory`, in name order, into one bundle.
// Returns kNotFound if the directory does not exist or holds no such file,
// kInvalidArgument (file:line:column) on a syntax error.
absl::StatusOr<LoadedKnowledge> LoadKnowledgeDirectory(
    const std::string& directory);

}  // namespace dystonia

#endif  // DYSTONIA_DRUG_DB_KNOWLEDGE_LOADER_H_
