#include "drug_db/code_provenance.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"

namespace dystonia {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::TextFormat;

// The comment on the line where element `index` of `field` starts, in the
// entry whose locations are `entry`.
std::string CommentAt(const std::vector<absl::string_view>& lines,
                      const TextFormat::ParseInfoTree& entry,
                      const FieldDescriptor* field, int index) {
  const auto location = entry.GetLocation(field, index);
  if (location.line < 0 || location.line >= static_cast<int>(lines.size())) {
    return "";
  }
  return std::string(TrailingComment(lines[location.line]));
}

void AttachToDrugs(const std::vector<absl::string_view>& lines,
                   const TextFormat::ParseInfoTree& locations,
                   v1::KnowledgeBundle* parsed) {
  const Descriptor* bundle = v1::KnowledgeBundle::descriptor();
  const FieldDescriptor* drug_field = bundle->FindFieldByName("drug");
  const Descriptor* drug = v1::Drug::descriptor();
  for (int i = 0; i < parsed->drug_size(); ++i) {
    const TextFormat::ParseInfoTree* entry =
        locations.GetTreeForNested(drug_field, i);
    if (entry == nullptr) continue;
    v1::Drug* record = parsed->mutable_drug(i);
    if (record->code_sources_size() == 0) {
      for (const auto& [field_name, codes] :
           {std::pair{"rxcuis", &record->rxcuis()},
            std::pair{"atc_codes", &record->atc_codes()}}) {
        const FieldDescriptor* field = drug->FindFieldByName(field_name);
        for (int j = 0; j < codes->size(); ++j) {
          std::string comment = CommentAt(lines, *entry, field, j);
          if (comment.empty()) continue;
          v1::CodeSource* source = record->add_code_sources();
          source->set_code(codes->Get(j));
          source->set_verified_in(std::move(comment));
        }
      }
    }
    const FieldDescriptor* products = drug->FindFieldByName("products");
    for (int j = 0; j < record->products_size(); ++j) {
      v1::ProductCode* product = record->mutable_products(j);
      if (product->verified_in().empty()) {
        product->set_verified_in(CommentAt(lines, *entry, products, j));
      }
    }
  }
}

void AttachToConditions(const std::vector<absl::string_view>& lines,
                        const TextFormat::ParseInfoTree& locations,
                        v1::KnowledgeBundle* parsed) {
  const FieldDescriptor* condition_field =
      v1::KnowledgeBundle::descriptor()->FindFieldByName("condition");
  const FieldDescriptor* codes =
      v1::ClinicalCondition::descriptor()->FindFieldByName("codes");
  for (int i = 0; i < parsed->condition_size(); ++i) {
    const TextFormat::ParseInfoTree* entry =
        locations.GetTreeForNested(condition_field, i);
    if (entry == nullptr) continue;
    v1::ClinicalCondition* condition = parsed->mutable_condition(i);
    for (int j = 0; j < condition->codes_size(); ++j) {
      v1::ConditionCode* code = condition->mutable_codes(j);
      if (code->verified_in().empty()) {
        code->set_verified_in(CommentAt(lines, *entry, codes, j));
      }
    }
  }
}

}  // namespace

absl::string_view TrailingComment(absl::string_view line) {
  bool quoted = false;
  char quote = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quoted = false;
      }
    } else if (c == '"' || c == '\'') {
      quoted = true;
      quote = c;
    } else if (c == '#') {
      return absl::StripAsciiWhitespace(line.substr(i + 1));
    }
  }
  return "";
}

void AttachCodeProvenance(absl::string_view text,
                          const TextFormat::ParseInfoTree& locations,
                          v1::KnowledgeBundle* parsed) {
  const std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  AttachToDrugs(lines, locations, parsed);
  AttachToConditions(lines, locations, parsed);
}

}  // namespace dystonia
