// CDS Hooks JSON (service/cds_hooks/json_value): the lenient readers, the
// parser's refusals (invalid UTF-8, syntax, nesting deeper than 64 levels,
// refused while reading so a hostile body costs little) and compact writing.
#include "service/cds_hooks/json_value.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace dystonia::cds_hooks {
namespace {

using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::testing::HasSubstr;

constexpr size_t kHostileBytes = 200 * 1024;
// Far above what parsing ~65 levels takes, far below parsing 200 KB of
// nesting into a document (and generous for sanitizer builds).
constexpr absl::Duration kQuickly = absl::Milliseconds(250);

std::string Repeated(const std::string& piece, size_t times) {
  std::string out;
  out.reserve(piece.size() * times);
  for (size_t i = 0; i < times; ++i) out += piece;
  return out;
}

std::string NestedArrays(size_t depth) {
  return Repeated("[", depth) + Repeated("]", depth);
}

std::string NestedObjects(size_t depth) {
  return Repeated("{\"a\":", depth) + "1" + Repeated("}", depth);
}

// Parses `body`, expecting the nesting refusal, and that it came quickly.
void ExpectRefusedAsTooDeep(const std::string& body) {
  const absl::Time start = absl::Now();
  absl::StatusOr<json::Value> parsed = json::Parse(body);
  const absl::Duration took = absl::Now() - start;
  EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(parsed.status().message(),
              HasSubstr("the body nests deeper than 64 levels"));
  EXPECT_LT(took, kQuickly) << body.size() << " bytes";
}

TEST(CdsHooksJsonTest, HostileNestedArraysAreRefusedQuickly) {
  ExpectRefusedAsTooDeep(Repeated("[", kHostileBytes));  // never closed
  ExpectRefusedAsTooDeep(NestedArrays(kHostileBytes / 2));
}

TEST(CdsHooksJsonTest, HostileNestedObjectsAreRefusedQuickly) {
  const size_t depth = kHostileBytes / std::string("{\"a\":}").size();
  ExpectRefusedAsTooDeep(Repeated("{\"a\":", depth));  // never closed
  ExpectRefusedAsTooDeep(NestedObjects(depth));
}

TEST(CdsHooksJsonTest, SixtyFourLevelsAreAcceptedAndSixtyFiveAreNot) {
  EXPECT_THAT(json::Parse(NestedArrays(json::kMaxNesting)), IsOk());
  EXPECT_THAT(json::Parse(NestedObjects(json::kMaxNesting)), IsOk());
  // Mixed: an array of objects of arrays ...
  const std::string mixed =
      Repeated("[{\"a\":", json::kMaxNesting / 2) + "1" +
      Repeated("}]", json::kMaxNesting / 2);
  EXPECT_THAT(json::Parse(mixed), IsOk());
  ExpectRefusedAsTooDeep(NestedArrays(json::kMaxNesting + 1));
  ExpectRefusedAsTooDeep(NestedObjects(json::kMaxNesting + 1));
  ExpectRefusedAsTooDeep("[" + mixed + "]");
  // Siblings do not add up: depth, not count, is limited.
  std::string wide = "[";
  for (int i = 0; i < 1000; ++i)
    absl::StrAppend(&wide, i == 0 ? "" : ",", NestedArrays(json::kMaxNesting - 1));
  EXPECT_THAT(json::Parse(wide + "]"), IsOk());
}

TEST(CdsHooksJsonTest, SyntaxErrorsAndInvalidUtf8AreRefusedAsSuch) {
  for (const std::string& body :
       {std::string("{not json"), std::string(""), std::string("[1,]"),
        std::string("{\"a\":1} trailing"), std::string("[1e400]")}) {
    absl::StatusOr<json::Value> parsed = json::Parse(body);
    EXPECT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument)) << body;
    EXPECT_TRUE(absl::StartsWith(parsed.status().message(),
                                 "the body is not JSON: "))
        << body << ": " << parsed.status();
  }
  EXPECT_THAT(json::Parse("{\"a\":\"\xff\"}").status().message(),
              HasSubstr("not valid UTF-8"));
}

TEST(CdsHooksJsonTest, LineCommentsAreSkipped) {
  absl::StatusOr<json::Value> parsed = json::Parse(
      "{\n  // the hook\n  \"hook\": \"order-sign\", // trailing\n"
      "  \"url\": \"https://a.example//not-a-comment\"\n}");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(json::Text(json::Get(*parsed, "hook")), "order-sign");
  EXPECT_EQ(json::Text(json::Get(*parsed, "url")),
            "https://a.example//not-a-comment");
}

TEST(CdsHooksJsonTest, ReadersAreLenient) {
  absl::StatusOr<json::Value> parsed = json::Parse(
      R"({"integer": 12, "float": 0.5, "big": 12345678, "text": "2.5",
          "word": "x", "flag": true, "list": [{"a": 1}, 2], "one": {"a": 1}})");
  ASSERT_THAT(parsed, IsOk());
  const json::Value& body = *parsed;
  // Text: strings as they are, numbers as absl::StrCat(double) writes them.
  EXPECT_EQ(json::Text(json::Get(body, "integer")), "12");
  EXPECT_EQ(json::Text(json::Get(body, "float")), "0.5");
  EXPECT_EQ(json::Text(json::Get(body, "big")), "1.23457e+07");
  EXPECT_EQ(json::Text(json::Get(body, "flag")), "");
  EXPECT_EQ(json::Text(json::Get(body, "list")), "");
  EXPECT_EQ(json::Text(json::Get(body, "absent")), "");
  // Number: numbers, and strings holding one.
  EXPECT_EQ(json::Number(json::Get(body, "integer")), 12);
  EXPECT_EQ(json::Number(json::Get(body, "text")), 2.5);
  EXPECT_EQ(json::Number(json::Get(body, "word")), 0);
  EXPECT_EQ(json::Number(json::Get(body, "flag")), 0);
  EXPECT_EQ(json::Number(nullptr), 0);
  // Get: only of an object.
  EXPECT_EQ(json::Get(*json::Get(body, "list"), "a"), nullptr);
  EXPECT_EQ(json::Get(*json::Get(body, "integer"), "a"), nullptr);
  // Elements: an array's, an object as itself, nothing else.
  EXPECT_EQ(json::Elements(json::Get(body, "list")).size(), 2u);
  ASSERT_EQ(json::Elements(json::Get(body, "one")).size(), 1u);
  EXPECT_EQ(json::Elements(json::Get(body, "one"))[0], json::Get(body, "one"));
  EXPECT_TRUE(json::Elements(json::Get(body, "word")).empty());
  EXPECT_TRUE(json::Elements(nullptr).empty());
}

TEST(CdsHooksJsonTest, PrintIsCompactAndSurvivesInvalidUtf8) {
  json::Value body;
  json::Put(&body, "error", std::string("a \"quoted\" word"));
  json::Put(&body, "cards", json::Value::array());
  EXPECT_EQ(*json::Print(body), R"({"cards":[],"error":"a \"quoted\" word"})");
  // Put on a value that is not an object makes it one.
  json::Value list = json::Value::array();
  json::Put(&list, "a", std::string("b"));
  EXPECT_EQ(*json::Print(list), R"({"a":"b"})");
  // Invalid UTF-8 (never parsed, but a string built from engine text could
  // carry it) is replaced, not thrown.
  absl::StatusOr<std::string> printed =
      json::Print(json::String(std::string("bad \xff byte")));
  ASSERT_THAT(printed, IsOk());
  EXPECT_EQ(*printed, "\"bad \xEF\xBF\xBD byte\"");
}

}  // namespace
}  // namespace dystonia::cds_hooks
