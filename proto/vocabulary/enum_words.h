#ifndef DYSTONIA_PROTO_VOCABULARY_ENUM_WORDS_H_
#define DYSTONIA_PROTO_VOCABULARY_ENUM_WORDS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "dystonia/v1/common.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/generated_enum_reflection.h"

namespace dystonia {

// The one reading of the words for Sex, Route and MedicationStatus (and any
// enum of dystonia.v1), from the descriptors: a value's name
// ("ROUTE_INTRAMUSCULAR"), its name without the enum's prefix
// ("intramuscular"; any case, '-' or ' ' for '_': "long-acting injectable")
// or one of the words common.proto gives it ("im"). Surrounding spaces are
// ignored. The empty word is nothing: nullopt, as is an unknown word.
std::optional<int> EnumValueOfWord(
    const google::protobuf::EnumDescriptor& descriptor, absl::string_view word);

// As EnumValueOfWord, with "" meaning the enum's zero value (unspecified)
// and an unknown word an InvalidArgument error naming `field` and the
// accepted words.
absl::StatusOr<int> ParseEnumWord(
    const google::protobuf::EnumDescriptor& descriptor, absl::string_view field,
    absl::string_view word);

// "oral (po, mouth), intramuscular (im), ...": every value but the zero one,
// by its short name, with its words.
std::string AcceptedEnumWords(
    const google::protobuf::EnumDescriptor& descriptor);

// Every lowercase word EnumValueOfWord understands for `descriptor` (short
// names and their words, not the prefixed names), with its value: for a
// caller that looks words up in a hot path and builds its own table.
std::vector<std::pair<std::string, int>> EnumWordList(
    const google::protobuf::EnumDescriptor& descriptor);

// The value's name without the enum's prefix, lowercased ("intramuscular").
std::string ShortEnumName(const google::protobuf::EnumValueDescriptor& value);

// How a risk level is written in text, reports and metrics: "HIGH",
// "MODERATE", "LOW", "NONE"; "UNSPECIFIED" for the zero value or a number
// the API does not define.
absl::string_view RiskLevelWord(v1::RiskLevel level);

template <typename Enum>
std::optional<Enum> EnumOfWord(absl::string_view word) {
  std::optional<int> value =
      EnumValueOfWord(*google::protobuf::GetEnumDescriptor<Enum>(), word);
  if (!value.has_value()) return std::nullopt;
  return static_cast<Enum>(*value);
}

template <typename Enum>
absl::StatusOr<Enum> ParseEnumWord(absl::string_view field,
                                   absl::string_view word) {
  absl::StatusOr<int> value =
      ParseEnumWord(*google::protobuf::GetEnumDescriptor<Enum>(), field, word);
  if (!value.ok()) return value.status();
  return static_cast<Enum>(*value);
}

template <typename Enum>
std::string AcceptedEnumWords() {
  return AcceptedEnumWords(*google::protobuf::GetEnumDescriptor<Enum>());
}

}  // namespace dystonia

#endif  // DYSTONIA_PROTO_VOCABULARY_ENUM_WORDS_H_
