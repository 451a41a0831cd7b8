#include "proto/vocabulary/enum_words.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "dystonia/v1/vocabulary.pb.h"

namespace dystonia {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;

// "ROUTE_" for Route: the zero value's name without "UNSPECIFIED" (every
// dystonia.v1 enum names its zero value so).
std::string Prefix(const EnumDescriptor& descriptor) {
  const EnumValueDescriptor* zero = descriptor.FindValueByNumber(0);
  if (zero == nullptr) return "";
  absl::string_view name = zero->name();
  if (!absl::ConsumeSuffix(&name, "UNSPECIFIED")) return "";
  return std::string(name);
}

std::vector<std::string> Words(const EnumValueDescriptor& value) {
  return absl::StrSplit(value.options().GetExtension(v1::words), ' ',
                        absl::SkipEmpty());
}

// "Long-acting injectable " -> "long_acting_injectable".
std::string Folded(absl::string_view word) {
  std::string folded = absl::AsciiStrToLower(absl::StripAsciiWhitespace(word));
  absl::StrReplaceAll({{"-", "_"}, {" ", "_"}}, &folded);
  return folded;
}

}  // namespace

std::string ShortEnumName(const EnumValueDescriptor& value) {
  absl::string_view name = value.name();
  const std::string prefix = Prefix(*value.type());
  absl::ConsumePrefix(&name, prefix);
  return absl::AsciiStrToLower(name);
}

std::optional<int> EnumValueOfWord(const EnumDescriptor& descriptor,
                                   absl::string_view word) {
  const std::string folded = Folded(word);
  if (folded.empty()) return std::nullopt;
  const std::string upper = absl::AsciiStrToUpper(folded);
  for (int i = 0; i < descriptor.value_count(); ++i) {
    const EnumValueDescriptor& value = *descriptor.value(i);
    if (value.number() == 0) continue;  // "unspecified" is not a word
    if (upper == value.name() || folded == ShortEnumName(value)) {
      return value.number();
    }
    for (const std::string& synonym : Words(value)) {
      if (folded == synonym) return value.number();
    }
  }
  return std::nullopt;
}

absl::StatusOr<int> ParseEnumWord(const EnumDescriptor& descriptor,
                                  absl::string_view field,
                                  absl::string_view word) {
  if (absl::StripAsciiWhitespace(word).empty()) return 0;
  std::optional<int> value = EnumValueOfWord(descriptor, word);
  if (value.has_value()) return *value;
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": '", word, "' is not one of ", AcceptedEnumWords(descriptor)));
}

std::vector<std::pair<std::string, int>> EnumWordList(
    const EnumDescriptor& descriptor) {
  std::vector<std::pair<std::string, int>> list;
  for (int i = 0; i < descriptor.value_count(); ++i) {
    const EnumValueDescriptor& value = *descriptor.value(i);
    if (value.number() == 0) continue;
    list.emplace_back(ShortEnumName(value), value.number());
    for (std::string& word : Words(value)) {
      list.emplace_back(std::move(word), value.number());
    }
  }
  return list;
}

absl::string_view RiskLevelWord(v1::RiskLevel level) {
  // Read once from the descriptor: the engine writes levels into every
  // finding's summary.
  static const auto* const words = [] {
    auto* by_number = new std::vector<std::string>;
    const EnumDescriptor& levels = *v1::RiskLevel_descriptor();
    for (int i = 0; i < levels.value_count(); ++i) {
      const EnumValueDescriptor& value = *levels.value(i);
      if (value.number() >= static_cast<int>(by_number->size())) {
        by_number->resize(value.number() + 1);
      }
      (*by_number)[value.number()] =
          absl::AsciiStrToUpper(ShortEnumName(value));
    }
    return by_number;
  }();
  const int number = static_cast<int>(level);
  if (number <= 0 || number >= static_cast<int>(words->size()) ||
      (*words)[number].empty()) {
    return (*words)[0];
  }
  return (*words)[number];
}

std::string AcceptedEnumWords(const EnumDescriptor& descriptor) {
  std::vector<std::string> accepted;
  for (int i = 0; i < descriptor.value_count(); ++i) {
    const EnumValueDescriptor& value = *descriptor.value(i);
    if (value.number() == 0) continue;
    std::string entry = ShortEnumName(value);
    const std::vector<std::string> words = Words(value);
    if (!words.empty())
      absl::StrAppend(&entry, " (", absl::StrJoin(words, ", "), ")");
    accepted.push_back(std::move(entry));
  }
  return absl::StrJoin(accepted, ", ");
}

}  // namespace dystonia
