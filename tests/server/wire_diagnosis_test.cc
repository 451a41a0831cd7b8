#include "service/server/wire_diagnosis.h"

#include <string>

#include "dystonia/v1/risk_service.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::testing::StatusIs;
using ::testing::HasSubstr;

TEST(WireDiagnosisTest, NamesTheRepeatedStringFieldWithBadUtf8) {
  v1::CheckRequest request;
  request.add_medications()->set_name("ok");
  request.add_medications()->set_name("badX");
  std::string bytes = request.SerializeAsString();
  bytes[bytes.find("badX") + 3] = '\xc3';

  absl::Status status =
      DiagnoseUnparsableMessage(*v1::CheckRequest::descriptor(), bytes);

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()), HasSubstr("medications[1].name"));
}

TEST(WireDiagnosisTest, TruncatedBytesAreMalformed) {
  absl::Status status = DiagnoseUnparsableMessage(
      *v1::CheckRequest::descriptor(), std::string("\x1a\x10\x0a", 3));

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace dystonia
