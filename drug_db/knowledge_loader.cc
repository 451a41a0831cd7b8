#include "drug_db/knowledge_loader.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "drug_db/code_provenance.h"
#include "drug_db/file_text.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"

namespace dystonia {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::TextFormat;

const char* BundleFieldName(EntryKind kind) {
  switch (kind) {
    case EntryKind::kManifest:
      return "manifest";
    case EntryKind::kCitation:
      return "citation";
    case EntryKind::kDrugClass:
      return "drug_class";
    case EntryKind::kDrug:
      return "drug";
    case EntryKind::kModifier:
      return "modifier";
    case EntryKind::kInteraction:
      return "interaction";
    case EntryKind::kRecommendation:
      return "recommendation";
    case EntryKind::kCondition:
      return "condition";
    case EntryKind::kCaution:
      return "caution";
  }
  return "";
}

// Keeps the first syntax error with its position (0-based from protobuf).
class FirstErrorCollector final : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!has_error_) {
      has_error_ = true;
      line_ = line;
      column_ = column;
      message_ = message;
    }
  }
  bool has_error_ = false;
  int line_ = 0;
  int column_ = 0;
  std::string message_;
};

}  // namespace

struct LoadedKnowledge::ParsedFile {
  std::string name;
  TextFormat::ParseInfoTree tree;
  // Entries of each kind before this file's were added.
  int offsets[kEntryKindCount] = {};
  int counts[kEntryKindCount] = {};
};

LoadedKnowledge::LoadedKnowledge() = default;
LoadedKnowledge::~LoadedKnowledge() = default;
LoadedKnowledge::LoadedKnowledge(LoadedKnowledge&&) noexcept = default;
LoadedKnowledge& LoadedKnowledge::operator=(LoadedKnowledge&&) noexcept =
    default;

absl::Status LoadedKnowledge::AddText(absl::string_view file_name,
                                      absl::string_view text) {
  auto file = std::make_unique<ParsedFile>();
  file->name = std::string(file_name);
  v1::KnowledgeBundle parsed;
  FirstErrorCollector errors;
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&file->tree);
  if (!parser.ParseFromString(std::string(text), &parsed)) {
    return absl::InvalidArgumentError(
        absl::StrCat(file_name, ":", errors.line_ + 1, ":", errors.column_ + 1,
                     ": ", errors.message_.empty() ? "syntax error"
                                                   : errors.message_));
  }
  AttachCodeProvenance(text, file->tree, &parsed);
  const google::protobuf::Descriptor* descriptor = parsed.GetDescriptor();
  const google::protobuf::Reflection* reflection = parsed.GetReflection();
  for (int k = 0; k < kEntryKindCount; ++k) {
    const FieldDescriptor* field =
        descriptor->FindFieldByName(BundleFieldName(static_cast<EntryKind>(k)));
    if (field->is_repeated()) {
      file->offsets[k] = bundle_.GetReflection()->FieldSize(bundle_, field);
      file->counts[k] = reflection->FieldSize(parsed, field);
    } else {
      file->counts[k] = reflection->HasField(parsed, field) ? 1 : 0;
    }
  }
  if (parsed.has_manifest() && bundle_.has_manifest()) {
    return absl::InvalidArgumentError(absl::StrCat(
        file_name, ": a second manifest (only one file may hold it)"));
  }
  bundle_.MergeFrom(parsed);
  files_.push_back(std::move(file));
  return absl::OkStatus();
}

std::string LoadedKnowledge::Locate(EntryKind kind, int index,
                                    absl::string_view field,
                                    int field_index) const {
  const int k = static_cast<int>(kind);
  const FieldDescriptor* bundle_field =
      v1::KnowledgeBundle::descriptor()->FindFieldByName(BundleFieldName(kind));
  for (const auto& file : files_) {
    const int local = index - file->offsets[k];
    if (local < 0 || local >= file->counts[k]) continue;
    const int tree_index = bundle_field->is_repeated() ? local : -1;
    auto location = file->tree.GetLocation(bundle_field, tree_index);
    if (!field.empty()) {
      const FieldDescriptor* inner =
          bundle_field->message_type()->FindFieldByName(std::string(field));
      const TextFormat::ParseInfoTree* nested =
          file->tree.GetTreeForNested(bundle_field, tree_index);
      if (inner != nullptr && nested != nullptr) {
        auto inner_location = nested->GetLocation(
            inner, inner->is_repeated() ? std::max(field_index, 0) : -1);
        if (inner_location.line >= 0) location = inner_location;
      }
    }
    if (location.line < 0) return file->name;
    return absl::StrCat(file->name, ":", location.line + 1);
  }
  return "";
}

absl::StatusOr<LoadedKnowledge> LoadKnowledgeDirectory(
    const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    return absl::NotFoundError(
        absl::StrCat("knowledge directory ", directory, " does not exist"));
  }
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".textproto") {
      paths.push_back(entry.path());
    }
  }
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot list ", directory, ": ", error.message()));
  }
  if (paths.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no *.textproto file in ", directory));
  }
  std::sort(paths.begin(), paths.end());
  LoadedKnowledge loaded;
  for (const fs::path& path : paths) {
    absl::StatusOr<std::string> text = ReadFileText(path.string());
    if (!text.ok()) return absl::UnavailableError(text.status().message());
    absl::Status status = loaded.AddText(path.string(), *text);
    if (!status.ok()) return status;
  }
  return loaded;
}

}  // namespace dystonia
