// Limits (request size, open streams, deadlines) and the Prometheus
// /metrics text, against a real server on 127.0.0.1.
#include <httplib.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server/dystonia_server.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/server_fixture.h"

namespace dystonia {
namespace {

using ::testing::HasSubstr;

class LimitsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ServerOptions options = testing::LoopbackServerOptions("limits-db");
    options.http_listen = "127.0.0.1:0";
    options.max_request_bytes = 64 * 1024;
    options.max_concurrent_streams = 2;
    auto server = DystoniaServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static std::unique_ptr<v1::RiskService::Stub> Stub() {
    return v1::RiskService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials()));
  }
  static v1::CheckRequest Haloperidol() {
    v1::CheckRequest request;
    request.mutable_patient()->set_age_years(19);
    request.mutable_patient()->set_sex(v1::SEX_MALE);
    request.add_medications()->set_name("haloperidol");
    return request;
  }
  static inline DystoniaServer* server_ = nullptr;
};

TEST_F(LimitsTest, OversizedRequestIsResourceExhausted) {
  v1::CheckRequest request = Haloperidol();
  request.set_request_id(std::string(100 * 1024, 'x'));
  grpc::ClientContext context;
  v1::CheckResponse response;

  grpc::Status status = Stub()->Check(&context, request, &response);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(LimitsTest, TooManyMedicationsIsInvalidArgument) {
  v1::CheckRequest request = Haloperidol();
  for (int i = 0; i < 100; ++i)
    request.add_medications()->set_name("metformin");
  grpc::ClientContext context;
  v1::CheckResponse response;

  grpc::Status status = Stub()->Check(&context, request, &response);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("medications"));
}

TEST_F(LimitsTest, StreamsBeyondTheCapAreResourceExhausted) {
  auto stub = Stub();
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<
      grpc::ClientReaderWriter<v1::CheckRequest, v1::CheckResponse>>>
      open;
  // Two streams, each proven open by one answered check.
  for (int i = 0; i < 2; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    open.push_back(stub->CheckStream(contexts.back().get()));
    ASSERT_TRUE(open.back()->Write(Haloperidol()));
    v1::CheckResponse response;
    ASSERT_TRUE(open.back()->Read(&response));
  }
  grpc::ClientContext third_context;
  auto third = stub->CheckStream(&third_context);
  third->Write(Haloperidol());
  third->WritesDone();
  v1::CheckResponse response;
  while (third->Read(&response)) {
  }
  grpc::Status status = third->Finish();

  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("limit 2"));
  // Closing one frees its place.
  open[0]->WritesDone();
  while (open[0]->Read(&response)) {
  }
  EXPECT_TRUE(open[0]->Finish().ok());
  grpc::ClientContext again_context;
  auto again = stub->CheckStream(&again_context);
  ASSERT_TRUE(again->Write(Haloperidol()));
  EXPECT_TRUE(again->Read(&response));
  again->WritesDone();
  while (again->Read(&response)) {
  }
  EXPECT_TRUE(again->Finish().ok());
  open[1]->WritesDone();
  while (open[1]->Read(&response)) {
  }
  open[1]->Finish();
}

TEST_F(LimitsTest, ExpiredDeadlineStopsTheCall) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() -
                       std::chrono::seconds(1));
  v1::CheckResponse response;

  grpc::Status status = Stub()->Check(&context, Haloperidol(), &response);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_F(LimitsTest, MetricsCountRequestsLatencyFindingsAndVersion) {
  for (int i = 0; i < 3; ++i) {
    grpc::ClientContext context;
    v1::CheckResponse response;
    ASSERT_TRUE(Stub()->Check(&context, Haloperidol(), &response).ok());
  }
  httplib::Client client("127.0.0.1", server_->http_port());

  auto answer = client.Get("/metrics");

  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 200);
  EXPECT_THAT(answer->get_header_value("Content-Type"),
              HasSubstr("text/plain"));
  const std::string& text = answer->body;
  EXPECT_THAT(text, HasSubstr("# TYPE dystonia_requests_total counter"));
  EXPECT_THAT(
      text, HasSubstr("dystonia_requests_total{method=\"Check\",code=\"OK\"}"));
  EXPECT_THAT(text, HasSubstr("dystonia_request_duration_seconds_bucket{method="
                              "\"Check\",le=\"+Inf\"}"));
  EXPECT_THAT(text, HasSubstr("dystonia_findings_total{level=\"HIGH\"}"));
  EXPECT_THAT(text,
              HasSubstr(absl::StrCat("dystonia_knowledge_base_info{version=\"",
                                     server_->knowledge_version(), "\"} 1")));
}

TEST_F(LimitsTest, OversizedHttpBodyIsRefused) {
  httplib::Client client("127.0.0.1", server_->http_port());

  auto answer = client.Post("/cds-services/dystonia-risk-order-sign",
                            std::string(100 * 1024, ' '), "application/json");

  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 413);
}

}  // namespace
}  // namespace dystonia
