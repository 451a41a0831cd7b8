// Every error a handler returns reaches the gRPC caller with its own code
// and message (issue 20: the conversion was untested).
#include "service/server/status_conversion.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace dystonia {
namespace {

TEST(StatusConversionTest, OkIsOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(StatusConversionTest, EveryCodeKeepsItsNumberNameAndMessage) {
  const struct {
    absl::StatusCode absl_code;
    grpc::StatusCode grpc_code;
  } kCodes[] = {
      {absl::StatusCode::kCancelled, grpc::StatusCode::CANCELLED},
      {absl::StatusCode::kUnknown, grpc::StatusCode::UNKNOWN},
      {absl::StatusCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
      {absl::StatusCode::kDeadlineExceeded,
       grpc::StatusCode::DEADLINE_EXCEEDED},
      {absl::StatusCode::kNotFound, grpc::StatusCode::NOT_FOUND},
      {absl::StatusCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS},
      {absl::StatusCode::kPermissionDenied,
       grpc::StatusCode::PERMISSION_DENIED},
      {absl::StatusCode::kResourceExhausted,
       grpc::StatusCode::RESOURCE_EXHAUSTED},
      {absl::StatusCode::kFailedPrecondition,
       grpc::StatusCode::FAILED_PRECONDITION},
      {absl::StatusCode::kAborted, grpc::StatusCode::ABORTED},
      {absl::StatusCode::kOutOfRange, grpc::StatusCode::OUT_OF_RANGE},
      {absl::StatusCode::kUnimplemented, grpc::StatusCode::UNIMPLEMENTED},
      {absl::StatusCode::kInternal, grpc::StatusCode::INTERNAL},
      {absl::StatusCode::kUnavailable, grpc::StatusCode::UNAVAILABLE},
      {absl::StatusCode::kDataLoss, grpc::StatusCode::DATA_LOSS},
      {absl::StatusCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED},
  };
  for (const auto& code : kCodes) {
    const grpc::Status converted = ToGrpcStatus(
        absl::Status(code.absl_code, "medications[2].name: empty"));
    EXPECT_EQ(converted.error_code(), code.grpc_code)
        << absl::StatusCodeToString(code.absl_code);
    EXPECT_EQ(converted.error_message(), "medications[2].name: empty");
  }
}

}  // namespace
}  // namespace dystonia
