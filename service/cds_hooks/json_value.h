#ifndef DYSTONIA_SERVICE_CDS_HOOKS_JSON_VALUE_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_JSON_VALUE_H_

// JSON as CDS Hooks and FHIR send it, held in a protobuf Value: read
// leniently (a missing or mistyped field reads as empty, never an error, so
// that one odd element degrades one order, not the request) and written.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"

namespace dystonia::cds_hooks::json {

using google::protobuf::Value;

// The field `name` of an object; null when absent or not an object.
const Value* Get(const Value& object, absl::string_view name);

// A string (or a number written as text); "" otherwise.
std::string Text(const Value* value);

// A number (or a string holding one); 0 otherwise.
double Number(const Value* value);

// The elements of a JSON array, or the one value when it is an object.
std::vector<const Value*> Elements(const Value* value);

// Sets `object[name]`.
void Put(Value* object, const std::string& name, Value value);
void Put(Value* object, const std::string& name, const std::string& text);

// A JSON string value.
Value String(const std::string& text);

// Parses a request body. kInvalidArgument for invalid UTF-8 or JSON.
// Lenient with "// ..." line comments (the CDS Hooks specification's own
// examples carry them).
absl::StatusOr<Value> Parse(const std::string& text);

// `value` as JSON text. kInternal when it cannot be written (a number that
// is not finite).
absl::StatusOr<std::string> Print(const Value& value);

}  // namespace dystonia::cds_hooks::json

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_JSON_VALUE_H_
