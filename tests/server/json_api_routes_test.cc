// The /v1/ JSON routes against a real server on 127.0.0.1: the same
// validation and errors as gRPC, hostile bodies refused cheaply, calls
// counted in /metrics, and the percent-decoding of paths and queries.
// (proto/openapi.yaml's schemas are checked by the OpenApiDocument test.)

#include "service/server/json_api_routes.h"

#include <httplib.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/cds_hooks/json_value.h"
#include "service/engine/request_validator.h"
#include "service/server/dystonia_server.h"
#include "tests/testing/server_fixture.h"

namespace dystonia {
namespace {

using ::testing::HasSubstr;

// The shared loopback server (gRPC and HTTP ports) of testing::ServerTest.
class JsonApiRoutesTest : public testing::ServerTest {
 protected:
  static httplib::Client Http() {
    return httplib::Client("127.0.0.1", server_->http_port());
  }
  static cds_hooks::json::Value Error(const httplib::Result& answer) {
    auto body = cds_hooks::json::Parse(answer->body);
    EXPECT_TRUE(body.ok()) << answer->body;
    return body.ok() ? (*body)["error"] : cds_hooks::json::Value();
  }
};

TEST_F(JsonApiRoutesTest, TooManyMedicationsFailsAsOnGrpc) {
  v1::CheckRequest request;
  request.mutable_patient()->set_age_years(40);
  std::string json = R"({"patient":{"ageYears":40},"medications":[)";
  for (int i = 0; i <= kMaxMedications; ++i) {
    request.add_medications()->set_name("haloperidol");
    absl::StrAppend(&json, i == 0 ? "" : ",", R"({"name":"haloperidol"})");
  }
  json += "]}";
  auto stub = Stub();
  grpc::ClientContext context;
  v1::CheckResponse response;
  const grpc::Status grpc_status = stub->Check(&context, request, &response);
  ASSERT_FALSE(grpc_status.ok());

  auto answer = Http().Post("/v1/check", json, "application/json");

  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400);
  const cds_hooks::json::Value error = Error(answer);
  EXPECT_EQ(error["code"], 400);
  EXPECT_EQ(error["status"], "INVALID_ARGUMENT");
  EXPECT_EQ(error["message"], grpc_status.error_message());
}

TEST_F(JsonApiRoutesTest, DeeplyNestedBodyIsRefusedBeforeProtobufParsesIt) {
  std::string json = R"({"requestId":)";
  for (int i = 0; i < 5000; ++i) json += R"({"a":)";
  json += "1";
  for (int i = 0; i < 5000; ++i) json += "}";
  json += "}";

  auto answer = Http().Post("/v1/check", json, "application/json");

  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400);
  EXPECT_THAT(Error(answer)["message"].get<std::string>(), HasSubstr("body: "));
}

// Protobuf's parser names the field by its proto path, as the gRPC errors
// do ("medications[0].name: ...").
TEST_F(JsonApiRoutesTest, WrongTypeNamesTheField) {
  auto answer = Http().Post(
      "/v1/check", R"({"patient":{"ageYears":"old"},"medications":[]})",
      "application/json");

  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400);
  EXPECT_THAT(Error(answer)["message"].get<std::string>(),
              HasSubstr("patient.age_years"));
}

TEST_F(JsonApiRoutesTest, UnknownRouteUnderV1IsNotFound) {
  auto answer = Http().Get("/v1/nothing");

  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 404);
  EXPECT_EQ(Error(answer)["status"], "NOT_FOUND");
}

TEST_F(JsonApiRoutesTest, CallsAreCountedUnderTheGrpcMethodNames) {
  ASSERT_TRUE(Http().Get("/v1/drugs/haloperidol"));
  ASSERT_TRUE(Http().Get("/v1/drugs:search?q=halo"));

  auto metrics = Http().Get("/metrics");

  ASSERT_TRUE(metrics);
  EXPECT_THAT(
      metrics->body,
      HasSubstr("dystonia_requests_total{method=\"GetDrug\",code=\"OK\"}"));
  EXPECT_THAT(
      metrics->body,
      HasSubstr("dystonia_requests_total{method=\"SearchDrugs\",code=\"OK\"}"));
}

TEST(PercentDecodeTest, DecodesEscapesAndPlusOnlyInQueries) {
  EXPECT_EQ(*PercentDecode("Haldol%20Decanoate", false), "Haldol Decanoate");
  EXPECT_EQ(*PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(*PercentDecode("a+b", true), "a b");
  EXPECT_EQ(*PercentDecode("%c3%A9", false), "\xc3\xa9");
  EXPECT_FALSE(PercentDecode("%", false).ok());
  EXPECT_FALSE(PercentDecode("%4", false).ok());
  EXPECT_FALSE(PercentDecode("%zz", false).ok());
}

}  // namespace
}  // namespace dystonia
