#ifndef DYSTONIA_SERVICE_CDS_HOOKS_JSON_VALUE_H_
#define DYSTONIA_SERVICE_CDS_HOOKS_JSON_VALUE_H_

// JSON as CDS Hooks and FHIR send it, held in an nlohmann::json: read
// leniently (a missing or mistyped field reads as empty, never an error, so
// that one odd element degrades one order, not the request) and written.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dystonia::cds_hooks::json {

using Value = nlohmann::json;

// How deeply arrays and objects may nest in a body. CDS Hooks requests and
// FHIR resources nest about a dozen levels; the limit keeps a hostile body
// from costing more than its length.
inline constexpr int kMaxNesting = 64;

// The field `name` of an object; null when absent or not an object.
const Value* Get(const Value& object, absl::string_view name);

// A string (or a number written as text); "" otherwise.
std::string Text(const Value* value);

// A number (or a string holding one); 0 otherwise.
double Number(const Value* value);

// The elements of a JSON array, or the one value when it is an object.
std::vector<const Value*> Elements(const Value* value);

// Sets `object[name]`; an `object` that is not an object becomes one.
void Put(Value* object, const std::string& name, Value value);
void Put(Value* object, const std::string& name, const std::string& text);

// A JSON string value.
Value String(const std::string& text);

// Parses a request body. kInvalidArgument for invalid UTF-8 or JSON, a
// number out of a double's range, or nesting deeper than kMaxNesting.
// Lenient with comments (the CDS Hooks specification's own examples carry
// "// ..." lines).
absl::StatusOr<Value> Parse(const std::string& text);

// `value` as compact JSON text. Invalid UTF-8 in a string is written as
// U+FFFD and a number that is not finite as null; kInternal only when the
// text cannot be produced at all.
absl::StatusOr<std::string> Print(const Value& value);

}  // namespace dystonia::cds_hooks::json

#endif  // DYSTONIA_SERVICE_CDS_HOOKS_JSON_VALUE_H_
