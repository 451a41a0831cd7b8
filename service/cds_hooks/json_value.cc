#include "service/cds_hooks/json_value.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "service/engine/request_validator.h"

namespace dystonia::cds_hooks::json {
namespace {

// Drops "// ..." line comments outside strings: the CDS Hooks specification's
// own examples carry them, and being lenient on input costs nothing.
std::string WithoutLineComments(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < text.size()) {
        out.push_back(text[++i]);
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      while (i < text.size() && text[i] != '\n') ++i;
      out.push_back('\n');
    } else {
      if (c == '"') in_string = true;
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

const Value* Get(const Value& object, absl::string_view name) {
  if (object.kind_case() != Value::kStructValue) return nullptr;
  const auto& fields = object.struct_value().fields();
  auto it = fields.find(std::string(name));
  return it == fields.end() ? nullptr : &it->second;
}

std::string Text(const Value* value) {
  if (value == nullptr) return "";
  if (value->kind_case() == Value::kStringValue) return value->string_value();
  if (value->kind_case() == Value::kNumberValue)
    return absl::StrCat(value->number_value());
  return "";
}

double Number(const Value* value) {
  if (value == nullptr) return 0;
  if (value->kind_case() == Value::kNumberValue) return value->number_value();
  double parsed = 0;
  if (value->kind_case() == Value::kStringValue &&
      absl::SimpleAtod(value->string_value(), &parsed)) {
    return parsed;
  }
  return 0;
}

// The elements of a JSON array, or the one value when it is not an array.
std::vector<const Value*> Elements(const Value* value) {
  std::vector<const Value*> out;
  if (value == nullptr) return out;
  if (value->kind_case() == Value::kListValue) {
    for (const Value& element : value->list_value().values())
      out.push_back(&element);
  } else if (value->kind_case() == Value::kStructValue) {
    out.push_back(value);
  }
  return out;
}

void Put(Value* object, const std::string& name, Value value) {
  (*object->mutable_struct_value()->mutable_fields())[name] = std::move(value);
}

void Put(Value* object, const std::string& name, const std::string& text) {
  Put(object, name, String(text));
}

Value String(const std::string& text) {
  Value value;
  value.set_string_value(text);
  return value;
}

absl::StatusOr<Value> Parse(const std::string& text) {
  // JSON is UTF-8 (RFC 8259); protobuf's parser lets invalid bytes through
  // into strings that cards would echo, making the answer invalid JSON.
  if (!IsValidUtf8(text)) {
    return absl::InvalidArgumentError(
        "the body is not valid UTF-8 (JSON must be UTF-8, RFC 8259)");
  }
  Value value;
  auto status = google::protobuf::util::JsonStringToMessage(
      WithoutLineComments(text), &value);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the body is not JSON: ", std::string(status.message())));
  }
  return value;
}

absl::StatusOr<std::string> Print(const Value& value) {
  std::string text;
  auto status = google::protobuf::util::MessageToJsonString(value, &text);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("the answer cannot be written as JSON: ",
                     std::string(status.message())));
  }
  return text;
}

}  // namespace dystonia::cds_hooks::json
