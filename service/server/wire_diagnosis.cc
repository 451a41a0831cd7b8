#include "service/server/wire_diagnosis.h"

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "service/engine/request_validator.h"

namespace dystonia {
namespace {

using google::protobuf::FieldDescriptor;

// The wire types of the protobuf encoding (the low three bits of a tag), as
// the encoding specification numbers them; spelled out here so that only
// protobuf's public API is used.
enum WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kFixed32 = 5,
};

// Nesting deeper than this is not a message of ours.
constexpr int kMaxDepth = 16;

// Returns an error for the first bad string under `path`, OK when the
// message is well-formed, or kInvalidArgument "malformed" when the wire
// format itself is broken.
absl::Status Walk(const google::protobuf::Descriptor& type,
                  absl::string_view bytes, const std::string& path, int depth) {
  const absl::Status malformed = absl::InvalidArgumentError(
      absl::StrCat(path.empty() ? "request" : path, ": is not a well-formed ",
                   type.full_name(), " message"));
  if (depth > kMaxDepth) return malformed;
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(bytes.data()),
      static_cast<int>(bytes.size()));
  absl::flat_hash_map<int, int> seen_count;
  while (true) {
    const uint32_t tag = in.ReadTag();
    if (tag == 0)
      return in.ConsumedEntireMessage() || in.BytesUntilLimit() <= 0
                 ? absl::OkStatus()
                 : malformed;
    const int number = static_cast<int>(tag >> 3);
    const FieldDescriptor* field = type.FindFieldByNumber(number);
    switch (tag & 7) {
      case kVarint: {
        uint64_t value;
        if (!in.ReadVarint64(&value)) return malformed;
        break;
      }
      case kFixed64: {
        uint64_t value;
        if (!in.ReadLittleEndian64(&value)) return malformed;
        break;
      }
      case kFixed32: {
        uint32_t value;
        if (!in.ReadLittleEndian32(&value)) return malformed;
        break;
      }
      case kLengthDelimited: {
        uint32_t length;
        std::string value;
        if (!in.ReadVarint32(&length) ||
            !in.ReadString(&value, static_cast<int>(length))) {
          return malformed;
        }
        if (field == nullptr) break;
        std::string field_path =
            absl::StrCat(path, path.empty() ? "" : ".", field->name());
        if (field->is_repeated()) {
          absl::StrAppend(&field_path, "[", seen_count[number]++, "]");
        }
        if (field->type() == FieldDescriptor::TYPE_STRING &&
            !IsValidUtf8(value)) {
          return absl::InvalidArgumentError(
              absl::StrCat(field_path, ": is not valid UTF-8"));
        }
        if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
          absl::Status inner =
              Walk(*field->message_type(), value, field_path, depth + 1);
          if (!inner.ok()) return inner;
        }
        break;
      }
      default:
        return malformed;
    }
  }
}

}  // namespace

absl::Status DiagnoseUnparsableMessage(const google::protobuf::Descriptor& type,
                                       absl::string_view bytes) {
  absl::Status status = Walk(type, bytes, "", 0);
  if (!status.ok()) return status;
  return absl::InvalidArgumentError(
      absl::StrCat("request: is not a valid ", type.full_name(), " message"));
}

}  // namespace dystonia
