#include "service/cds_hooks/json_value.h"

#include <cstddef>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "service/engine/request_validator.h"

namespace dystonia::cds_hooks::json {
namespace {

// nlohmann's own document builder, stopped as soon as a body nests deeper
// than kMaxNesting: a hostile "[[[[..." is refused after reading a few bytes
// of it, not after building its length in nested arrays.
class BoundedDocumentBuilder
    : public nlohmann::detail::json_sax_dom_parser<Value> {
  using Builder = nlohmann::detail::json_sax_dom_parser<Value>;

 public:
  explicit BoundedDocumentBuilder(Value* root)
      : Builder(*root, /*allow_exceptions_=*/false) {}

  // nlohmann's parser calls these by name (a template, not virtuals).
  bool start_object(std::size_t size) {
    return Enter() && Builder::start_object(size);
  }
  bool end_object() {
    --depth_;
    return Builder::end_object();
  }
  bool start_array(std::size_t size) {
    return Enter() && Builder::start_array(size);
  }
  bool end_array() {
    --depth_;
    return Builder::end_array();
  }
  template <class Exception>
  bool parse_error(std::size_t position, const std::string& last_token,
                   const Exception& error) {
    error_ = WithoutExceptionId(error.what());
    return Builder::parse_error(position, last_token, error);
  }

  bool too_deep() const { return too_deep_; }
  // Why the text is not JSON; empty when it is.
  const std::string& error() const { return error_; }

 private:
  // "[json.exception.parse_error.101] parse error at ..." without the
  // bracketed id, which means nothing to the EHR reading the answer.
  static std::string WithoutExceptionId(const std::string& what) {
    const size_t end = what.find("] ");
    return end == std::string::npos ? what : what.substr(end + 2);
  }

  bool Enter() {
    if (++depth_ <= kMaxNesting) return true;
    too_deep_ = true;
    return false;
  }

  int depth_ = 0;
  bool too_deep_ = false;
  std::string error_;
};

}  // namespace

const Value* Get(const Value& object, absl::string_view name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

std::string Text(const Value* value) {
  if (value == nullptr) return "";
  if (const auto* text = value->get_ptr<const Value::string_t*>()) return *text;
  // Every number reads as a double however it was written: 12, 12.0 and
  // 1.2e1 give the same text.
  if (value->is_number()) return absl::StrCat(value->get<double>());
  return "";
}

double Number(const Value* value) {
  if (value == nullptr) return 0;
  if (value->is_number()) return value->get<double>();
  double parsed = 0;
  if (const auto* text = value->get_ptr<const Value::string_t*>();
      text != nullptr && absl::SimpleAtod(*text, &parsed)) {
    return parsed;
  }
  return 0;
}

std::vector<const Value*> Elements(const Value* value) {
  std::vector<const Value*> out;
  if (value == nullptr) return out;
  if (value->is_array()) {
    out.reserve(value->size());
    for (const Value& element : *value) out.push_back(&element);
  } else if (value->is_object()) {
    out.push_back(value);
  }
  return out;
}

void Put(Value* object, const std::string& name, Value value) {
  if (!object->is_object()) *object = Value::object();
  (*object)[name] = std::move(value);
}

void Put(Value* object, const std::string& name, const std::string& text) {
  Put(object, name, String(text));
}

Value String(const std::string& text) { return Value(text); }

absl::StatusOr<Value> Parse(const std::string& text) {
  // JSON is UTF-8 (RFC 8259): said plainly rather than as a syntax error.
  if (!IsValidUtf8(text)) {
    return absl::InvalidArgumentError(
        "the body is not valid UTF-8 (JSON must be UTF-8, RFC 8259)");
  }
  Value value;
  BoundedDocumentBuilder builder(&value);
  bool parsed = false;
  try {
    parsed = Value::sax_parse(text, &builder, Value::input_format_t::json,
                              /*strict=*/true, /*ignore_comments=*/true);
  } catch (const Value::exception& error) {
    // The builder reports errors instead of throwing; this is a guard.
    return absl::InvalidArgumentError(
        absl::StrCat("the body is not JSON: ", error.what()));
  }
  if (builder.too_deep()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the body nests deeper than ", kMaxNesting, " levels"));
  }
  if (!parsed) {
    return absl::InvalidArgumentError(
        absl::StrCat("the body is not JSON: ", builder.error()));
  }
  return value;
}

absl::StatusOr<std::string> Print(const Value& value) {
  try {
    return value.dump(/*indent=*/-1, /*indent_char=*/' ',
                      /*ensure_ascii=*/false, Value::error_handler_t::replace);
  } catch (const Value::exception& error) {
    return absl::InternalError(absl::StrCat(
        "the answer cannot be written as JSON: ", error.what()));
  }
}

}  // namespace dystonia::cds_hooks::json
