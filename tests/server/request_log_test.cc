#include "service/server/request_log.h"

#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace dystonia {
namespace {

// The line is one JSON object with exactly the operational fields; a
// request id with quotes or control characters stays inside its string.
TEST(RequestLogTest, LineIsOneJsonObjectWithTheOperationalFields) {
  const std::string line = RequestLog::Line(
      absl::FromUnixSeconds(1795000000), "Check",
      absl::StatusCode::kInvalidArgument, absl::Microseconds(42),
      "2026.11.27.2+1", "rx-\"1\"\n\\");

  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &parsed).ok())
      << line;
  const auto& fields = parsed.fields();
  EXPECT_EQ(fields.size(), 6u);
  EXPECT_EQ(fields.at("method").string_value(), "Check");
  EXPECT_EQ(fields.at("status").string_value(), "INVALID_ARGUMENT");
  EXPECT_EQ(fields.at("latency_us").number_value(), 42);
  EXPECT_EQ(fields.at("knowledge_version").string_value(), "2026.11.27.2+1");
  EXPECT_EQ(fields.at("request_id").string_value(), "rx-\"1\"\n\\");
  EXPECT_THAT(fields.at("time").string_value(), ::testing::StartsWith("2026-"));
  EXPECT_EQ(line.find('\n'), std::string::npos);
}

// Bytes that are not UTF-8 (a hostile request id) still make one valid
// JSON line.
TEST(RequestLogTest, InvalidUtf8StaysOneValidJsonLine) {
  const std::string line = RequestLog::Line(
      absl::FromUnixSeconds(1795000000), "Check", absl::StatusCode::kOk,
      absl::Microseconds(1), "v", "rx-\xff\xfe-1");
  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &parsed).ok())
      << line;
  EXPECT_THAT(parsed.fields().at("request_id").string_value(),
              ::testing::StartsWith("rx-"));
}

}  // namespace
}  // namespace dystonia
