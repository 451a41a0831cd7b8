#include "drug_db/knowledge_diff.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "drug_db/knowledge_loader.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"

namespace dystonia {
namespace {

using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;

// One line of text format, so before/after fit a terminal line.
std::string OneLineText(const Message& message) {
  google::protobuf::TextFormat::Printer printer;
  printer.SetSingleLineMode(true);
  std::string text;
  printer.PrintToString(message, &text);
  absl::StripTrailingAsciiWhitespace(&text);
  return text;
}

std::string ScalarText(const Message& message, const FieldDescriptor* field,
                       int index) {
  std::string text;
  google::protobuf::TextFormat::PrintFieldValueToString(message, field, index,
                                                        &text);
  return text;
}

std::string ElementText(const Message& message, const FieldDescriptor* field,
                        int index) {
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    return OneLineText(
        message.GetReflection()->GetRepeatedMessage(message, field, index));
  }
  return ScalarText(message, field, index);
}

// The field identifying an element of a repeated message list, if any:
// entries have ids, route liabilities a route, codes a code.
const FieldDescriptor* KeyField(const google::protobuf::Descriptor* type) {
  for (const char* name : {"id", "route", "syndrome", "code", "name"}) {
    const FieldDescriptor* field = type->FindFieldByName(name);
    if (field != nullptr && !field->is_repeated() &&
        field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      return field;
    }
  }
  return nullptr;
}

std::string KeyOf(const Message& element, const FieldDescriptor* key) {
  std::string text;
  google::protobuf::TextFormat::PrintFieldValueToString(element, key, -1,
                                                        &text);
  if (key->type() == FieldDescriptor::TYPE_STRING && text.size() >= 2) {
    text = text.substr(1, text.size() - 2);  // drop the quotes
  }
  return text;
}

void DiffMessages(const Message& before, const Message& after,
                  const std::string& prefix, std::vector<FieldChange>* out);

FieldChange ScalarChange(const Message& before, const Message& after,
                         const FieldDescriptor* field,
                         const std::string& path) {
  FieldChange change{path, FieldChangeKind::kChanged,
                     ScalarText(before, field, -1),
                     ScalarText(after, field, -1)};
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM &&
      field->enum_type()->full_name() == "dystonia.v1.RiskLevel") {
    const int was = before.GetReflection()->GetEnumValue(before, field);
    const int now = after.GetReflection()->GetEnumValue(after, field);
    change.kind = now > was ? FieldChangeKind::kTierUp
                            : FieldChangeKind::kTierDown;
  } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_BOOL &&
             field->name() == "contraindicated") {
    change.kind = after.GetReflection()->GetBool(after, field)
                      ? FieldChangeKind::kContraindicationAdded
                      : FieldChangeKind::kContraindicationRemoved;
  }
  return change;
}

// Lists without a key compare as sets of values: each value added or
// removed (citations on a claim, names, brands, codes).
void DiffValueLists(const Message& before, const Message& after,
                    const FieldDescriptor* field, const std::string& path,
                    std::vector<FieldChange>* out) {
  auto values = [&](const Message& message) {
    std::set<std::string> set;
    const int size = message.GetReflection()->FieldSize(message, field);
    for (int i = 0; i < size; ++i) set.insert(ElementText(message, field, i));
    return set;
  };
  const std::set<std::string> was = values(before);
  const std::set<std::string> now = values(after);
  for (const std::string& value : was) {
    if (now.count(value) == 0) {
      out->push_back({path, FieldChangeKind::kRemoved, value, ""});
    }
  }
  for (const std::string& value : now) {
    if (was.count(value) == 0) {
      out->push_back({path, FieldChangeKind::kAdded, "", value});
    }
  }
}

void DiffKeyedLists(const Message& before, const Message& after,
                    const FieldDescriptor* field, const FieldDescriptor* key,
                    const std::string& path, std::vector<FieldChange>* out) {
  auto by_key = [&](const Message& message) {
    std::map<std::string, const Message*> map;
    const Reflection* reflection = message.GetReflection();
    for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
      const Message& element = reflection->GetRepeatedMessage(message, field, i);
      map.emplace(KeyOf(element, key), &element);
    }
    return map;
  };
  const auto was = by_key(before);
  const auto now = by_key(after);
  std::set<std::string> keys;
  for (const auto& [k, unused] : was) keys.insert(k);
  for (const auto& [k, unused] : now) keys.insert(k);
  for (const std::string& k : keys) {
    const std::string element_path = absl::StrCat(path, "[", k, "]");
    auto old_it = was.find(k);
    auto new_it = now.find(k);
    if (old_it == was.end()) {
      out->push_back({element_path, FieldChangeKind::kAdded, "",
                      OneLineText(*new_it->second)});
    } else if (new_it == now.end()) {
      out->push_back({element_path, FieldChangeKind::kRemoved,
                      OneLineText(*old_it->second), ""});
    } else {
      DiffMessages(*old_it->second, *new_it->second, element_path, out);
    }
  }
}

void DiffMessages(const Message& before, const Message& after,
                  const std::string& prefix, std::vector<FieldChange>* out) {
  const google::protobuf::Descriptor* type = before.GetDescriptor();
  const Reflection* was = before.GetReflection();
  const Reflection* now = after.GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    const std::string path =
        prefix.empty() ? field->name() : absl::StrCat(prefix, ".", field->name());
    if (field->is_repeated()) {
      const FieldDescriptor* key =
          field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE
              ? KeyField(field->message_type())
              : nullptr;
      if (key != nullptr) {
        DiffKeyedLists(before, after, field, key, path, out);
      } else {
        DiffValueLists(before, after, field, path, out);
      }
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      DiffMessages(was->GetMessage(before, field), now->GetMessage(after, field),
                   path, out);
    } else if (ScalarText(before, field, -1) != ScalarText(after, field, -1)) {
      out->push_back(ScalarChange(before, after, field, path));
    }
  }
}

}  // namespace

KnowledgeDiff DiffKnowledgeBundles(const v1::KnowledgeBundle& from,
                                   const v1::KnowledgeBundle& to) {
  KnowledgeDiff diff;
  diff.from_version = from.manifest().version();
  diff.to_version = to.manifest().version();
  const google::protobuf::Descriptor* type = v1::KnowledgeBundle::descriptor();
  const Reflection* reflection = from.GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (!field->is_repeated()) {
      // The manifest (and any future singular part): one entry.
      EntryChange entry{field->name(), "", EntryChangeKind::kChanged, {}};
      DiffMessages(reflection->GetMessage(from, field),
                   reflection->GetMessage(to, field), "", &entry.fields);
      if (!entry.fields.empty()) diff.changes.push_back(std::move(entry));
      continue;
    }
    const FieldDescriptor* key = KeyField(field->message_type());
    std::vector<FieldChange> fields;
    if (key == nullptr) {
      DiffValueLists(from, to, field, field->name(), &fields);
      for (FieldChange& change : fields) {
        diff.changes.push_back({field->name(), "", EntryChangeKind::kChanged,
                                {std::move(change)}});
      }
      continue;
    }
    DiffKeyedLists(from, to, field, key, "", &fields);
    // DiffKeyedLists paths start with "[id]"; split them into entries.
    std::map<std::string, EntryChange> entries;
    for (FieldChange& change : fields) {
      const size_t close = change.field.find(']');
      const std::string id = change.field.substr(1, close - 1);
      std::string rest = change.field.substr(close + 1);
      if (!rest.empty() && rest[0] == '.') rest = rest.substr(1);
      EntryChange& entry = entries[id];
      entry.entry_type = field->name();
      entry.id = id;
      if (rest.empty()) {
        entry.kind = change.kind == FieldChangeKind::kAdded
                         ? EntryChangeKind::kAdded
                         : EntryChangeKind::kRemoved;
        change.kind = FieldChangeKind::kChanged;
        rest = "entry";
      }
      change.field = rest;
      entry.fields.push_back(std::move(change));
    }
    for (auto& [id, entry] : entries) diff.changes.push_back(std::move(entry));
  }
  return diff;
}

int CountFieldChanges(const KnowledgeDiff& diff, FieldChangeKind kind) {
  int count = 0;
  for (const EntryChange& entry : diff.changes) {
    for (const FieldChange& field : entry.fields) {
      if (field.kind == kind) ++count;
    }
  }
  return count;
}

absl::StatusOr<int64_t> ResolveVersion(const KnowledgeVersions& versions,
                                       absl::string_view flag,
                                       absl::string_view value) {
  int64_t sequence = 0;
  const bool numeric = absl::SimpleAtoi(value, &sequence);
  for (const v1::KnowledgeVersionInfo& info : versions.versions) {
    if (info.version() == value || (numeric && info.sequence() == sequence)) {
      return info.sequence();
    }
  }
  return absl::NotFoundError(absl::StrCat(
      flag, ": no stored version \"", value,
      "\" (give a sequence number or a version as `dystonia-kb versions` "
      "prints it)"));
}

absl::StatusOr<KnowledgeDiff> DiffStoredVersions(const DrugStore& store,
                                                 int64_t from_sequence,
                                                 int64_t to_sequence) {
  absl::StatusOr<StoredKnowledge> from = store.ReadVersion(from_sequence);
  if (!from.ok()) return from.status();
  absl::StatusOr<StoredKnowledge> to = store.ReadVersion(to_sequence);
  if (!to.ok()) return to.status();
  KnowledgeDiff diff = DiffKnowledgeBundles(from->bundle, to->bundle);
  diff.from_version = from->info.version();
  diff.to_version = to->info.version();

  absl::StatusOr<std::vector<v1::KnowledgeVersionInfo>> versions =
      store.ListVersions();
  if (!versions.ok()) return versions.status();
  absl::StatusOr<std::vector<v1::AuditEntry>> trail =
      store.ReadAuditLog(0, 0, std::numeric_limits<int>::max());
  if (!trail.ok()) return trail.status();
  const int64_t low = std::min(from_sequence, to_sequence);
  const int64_t high = std::max(from_sequence, to_sequence);
  for (const v1::KnowledgeVersionInfo& info : *versions) {
    if (info.sequence() <= low || info.sequence() > high) continue;
    VersionAudit version{info, {}};
    for (const v1::AuditEntry& entry : *trail) {
      if (entry.version_after() == info.version() &&
          entry.action() != "activate") {
        version.entries.push_back(entry);
      }
    }
    diff.audit.push_back(std::move(version));
  }
  return diff;
}

absl::StatusOr<KnowledgeDiff> DiffStoredVersionWithDirectory(
    const DrugStore& store, int64_t sequence, const std::string& directory,
    bool directory_is_to) {
  absl::StatusOr<StoredKnowledge> stored = store.ReadVersion(sequence);
  if (!stored.ok()) return stored.status();
  absl::StatusOr<LoadedKnowledge> files = LoadKnowledgeDirectory(directory);
  if (!files.ok()) return files.status();
  const std::string files_name =
      absl::StrCat(directory, " (files, manifest ",
                   files->bundle().manifest().version(), ")");
  KnowledgeDiff diff =
      directory_is_to ? DiffKnowledgeBundles(stored->bundle, files->bundle())
                      : DiffKnowledgeBundles(files->bundle(), stored->bundle);
  diff.from_version = directory_is_to ? stored->info.version() : files_name;
  diff.to_version = directory_is_to ? files_name : stored->info.version();
  return diff;
}

}  // namespace dystonia
