// The raw unary adapter on its own: parsing split and broken bytes,
// serializing, and the order in which a call's status is decided.
#include "service/server/raw_unary.h"

#include <string>
#include <vector>

#include "dystonia/v1/risk_service.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "gtest/gtest.h"

namespace dystonia {
namespace {

using ::testing::HasSubstr;

// A buffer holding `bytes` in slices of at most `slice_size` bytes, as gRPC
// hands over a request that arrived in several frames.
grpc::ByteBuffer Buffer(const std::string& bytes, size_t slice_size) {
  std::vector<grpc::Slice> slices;
  for (size_t at = 0; at < bytes.size(); at += slice_size) {
    const std::string part = bytes.substr(at, slice_size);
    slices.emplace_back(part.data(), part.size());
  }
  return grpc::ByteBuffer(slices.data(), slices.size());
}

v1::CheckRequest TwoMedications() {
  v1::CheckRequest request;
  request.set_request_id("req-1");
  request.add_medications()->set_name("haloperidol");
  request.add_medications()->set_name("metforminX");
  return request;
}

TEST(RawUnaryTest, ParsesARequestSplitAcrossSlices) {
  const v1::CheckRequest sent = TwoMedications();
  v1::CheckRequest parsed;

  ASSERT_TRUE(
      ParseRawRequest(Buffer(sent.SerializeAsString(), 3), &parsed).ok());

  EXPECT_EQ(parsed.SerializeAsString(), sent.SerializeAsString());
}

TEST(RawUnaryTest, InvalidUtf8SplitAcrossSlicesNamesTheField) {
  std::string bytes = TwoMedications().SerializeAsString();
  bytes[bytes.find("metforminX") + 9] = '\xff';
  v1::CheckRequest parsed;

  absl::Status status = ParseRawRequest(Buffer(bytes, 5), &parsed);

  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("medications[1].name"));
}

TEST(RawUnaryTest, SerializedResponseReadsBack) {
  v1::CheckResponse response;
  response.set_request_id("req-2");
  response.set_knowledge_base_version(std::string(3 << 20, 'v'));  // > 1 block
  grpc::ByteBuffer bytes;

  ASSERT_TRUE(SerializeRawResponse(response, &bytes).ok());

  grpc::ProtoBufferReader reader(&bytes);
  v1::CheckResponse read;
  ASSERT_TRUE(read.ParseFromZeroCopyStream(&reader));
  EXPECT_EQ(read.request_id(), "req-2");
  EXPECT_EQ(read.knowledge_base_version().size(), size_t{3 << 20});
}

TEST(RawUnaryTest, ARefusedCallIsNeitherParsedNorHandled) {
  v1::CheckRequest request;
  request.set_request_id("left from an earlier call");
  v1::CheckResponse response;
  grpc::ByteBuffer answer;
  bool handled = false;

  absl::Status status = AnswerRawUnary(
      absl::UnauthenticatedError("no token"),
      Buffer(TwoMedications().SerializeAsString(), 64), &request,
      [&] {
        handled = true;
        return absl::OkStatus();
      },
      response, &answer);

  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_FALSE(handled);
  EXPECT_EQ(request.request_id(), "") << "cleared, not kept from before";
  EXPECT_EQ(answer.Length(), 0u);
}

TEST(RawUnaryTest, AnUnparsableRequestIsNotHandled) {
  v1::CheckRequest request;
  v1::CheckResponse response;
  grpc::ByteBuffer answer;
  bool handled = false;

  absl::Status status = AnswerRawUnary(
      absl::OkStatus(), Buffer(std::string("\xff\xff\xff\xff\x0f", 5), 64),
      &request,
      [&] {
        handled = true;
        return absl::OkStatus();
      },
      response, &answer);

  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("dystonia.v1.CheckRequest"));
  EXPECT_FALSE(handled);
}

TEST(RawUnaryTest, AHandlerErrorIsTheCallsStatusAndNothingIsSent) {
  v1::CheckRequest request;
  v1::CheckResponse response;
  response.set_request_id("not to be sent");
  grpc::ByteBuffer answer;

  absl::Status status = AnswerRawUnary(
      absl::OkStatus(), Buffer(TwoMedications().SerializeAsString(), 64),
      &request, [] { return absl::NotFoundError("no such drug"); }, response,
      &answer);

  EXPECT_EQ(status, absl::NotFoundError("no such drug"));
  EXPECT_EQ(request.request_id(), "req-1");
  EXPECT_EQ(answer.Length(), 0u);
}

}  // namespace
}  // namespace dystonia
