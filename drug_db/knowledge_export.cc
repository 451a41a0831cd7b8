#include "drug_db/knowledge_export.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "drug_db/knowledge_admin.h"
#include "google/protobuf/text_format.h"

namespace dystonia {
namespace {

constexpr absl::string_view kHeader =
    "# Exported by dystonia-kb: one file per kind, entries sorted by id.\n";

// Prints each entry as its own "<field> { ... }" block, blank-line
// separated, so an edit to one entry shows as one hunk in a diff.
template <typename Entries, typename Add>
std::string RenderEntries(const Entries& entries, Add add) {
  std::string text(kHeader);
  std::vector<const typename Entries::value_type*> sorted;
  for (const auto& entry : entries) sorted.push_back(&entry);
  std::sort(sorted.begin(), sorted.end(),
            [](const auto* a, const auto* b) { return a->id() < b->id(); });
  for (const auto* entry : sorted) {
    v1::KnowledgeBundle single;
    *add(&single) = *entry;
    absl::StrAppend(&text, "\n", ToText(single));
  }
  return text;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> RenderKnowledgeFiles(
    const v1::KnowledgeBundle& bundle) {
  std::vector<std::pair<std::string, std::string>> files;
  v1::KnowledgeBundle manifest;
  *manifest.mutable_manifest() = bundle.manifest();
  files.emplace_back("manifest.textproto",
                     absl::StrCat(kHeader, "\n", ToText(manifest)));
  files.emplace_back("citations.textproto",
                     RenderEntries(bundle.citation(),
                                   [](auto* b) { return b->add_citation(); }));
  files.emplace_back("classes.textproto",
                     RenderEntries(bundle.drug_class(), [](auto* b) {
                       return b->add_drug_class();
                     }));
  files.emplace_back(
      "drugs.textproto",
      RenderEntries(bundle.drug(), [](auto* b) { return b->add_drug(); }));
  files.emplace_back("modifiers.textproto",
                     RenderEntries(bundle.modifier(),
                                   [](auto* b) { return b->add_modifier(); }));
  files.emplace_back("interactions.textproto",
                     RenderEntries(bundle.interaction(), [](auto* b) {
                       return b->add_interaction();
                     }));
  files.emplace_back("recommendations.textproto",
                     RenderEntries(bundle.recommendation(), [](auto* b) {
                       return b->add_recommendation();
                     }));
  files.emplace_back("conditions.textproto",
                     RenderEntries(bundle.condition(),
                                   [](auto* b) { return b->add_condition(); }));
  files.emplace_back("cautions.textproto",
                     RenderEntries(bundle.caution(),
                                   [](auto* b) { return b->add_caution(); }));
  return files;
}

absl::StatusOr<v1::KnowledgeVersionInfo> ExportKnowledge(
    const DrugStore& store, int64_t sequence, const std::string& directory) {
  absl::StatusOr<StoredKnowledge> stored =
      sequence == 0 ? store.ReadActive() : store.ReadVersion(sequence);
  if (!stored.ok()) return stored.status();
  const std::vector<std::pair<std::string, std::string>> files =
      RenderKnowledgeFiles(stored->bundle);

  namespace fs = std::filesystem;
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create ", directory, ": ", error.message()));
  }
  absl::flat_hash_set<std::string> ours;
  for (const auto& file : files) ours.insert(file.first);
  for (const fs::directory_entry& entry :
       fs::directory_iterator(directory, error)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".textproto" && !ours.contains(name)) {
      return absl::FailedPreconditionError(
          absl::StrCat(directory, " already holds ", name,
                       ", which a re-import would merge in; export into an "
                       "empty directory"));
    }
  }
  if (error) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot list ", directory, ": ", error.message()));
  }
  for (const auto& [name, contents] : files) {
    const std::string path = (fs::path(directory) / name).string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << contents;
    out.close();
    if (!out) {
      return absl::PermissionDeniedError(absl::StrCat("cannot write ", path));
    }
  }
  return stored->info;
}

}  // namespace dystonia
