// Integration tests: a real server on 127.0.0.1 through the real client.
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/testing/raw_grpc_call.h"
#include "tests/testing/server_fixture.h"

namespace dystonia {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

class RiskServiceTest : public testing::ServerTest {};

v1::CheckRequest YoungManHaloperidolIm() {
  v1::CheckRequest request;
  request.set_request_id("rx-1");
  request.mutable_patient()->set_age_years(19);
  request.mutable_patient()->set_sex(v1::SEX_MALE);
  v1::Medication* medication = request.add_medications();
  medication->set_name("Haldol");
  medication->set_route(v1::ROUTE_INTRAMUSCULAR);
  medication->set_status(v1::MEDICATION_STATUS_PROPOSED);
  request.add_medications()->set_name("metformin");
  return request;
}

grpc::Status CallCheck(const v1::CheckRequest& request,
                       v1::CheckResponse* response) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  return testing::ServerTest::Stub()->Check(&context, request, response);
}

// Sends raw bytes to a unary method, bypassing client-side serialization.
grpc::Status CallRaw(const std::string& method, const std::string& bytes,
                     grpc::ByteBuffer* reply) {
  return testing::CallRawUnary(testing::ServerTest::Channel(), method, bytes,
                               reply);
}

TEST_F(RiskServiceTest, HealthIsServing) {
  auto health = grpc::health::v1::Health::NewStub(Channel());
  for (const char* service : {"", "dystonia.v1.RiskService"}) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;

    grpc::Status status = health->Check(&context, request, &response);

    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.status(),
              grpc::health::v1::HealthCheckResponse::SERVING);
  }
}

TEST_F(RiskServiceTest, CheckFlagsHaloperidolIntramuscularInYoungManHigh) {
  v1::CheckResponse response;

  grpc::Status status = CallCheck(YoungManHaloperidolIm(), &response);

  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.request_id(), "rx-1");
  EXPECT_EQ(response.acute_dystonia().level(), v1::RISK_LEVEL_HIGH);
  EXPECT_EQ(response.assessed_size(), 2);
  EXPECT_EQ(response.knowledge_base_version(), server_->knowledge_version());
}

struct BadRequest {
  std::string name;
  void (*mutate)(v1::CheckRequest*);
  std::string field;
};

class RiskServiceBadInputTest
    : public testing::ServerTest,
      public ::testing::WithParamInterface<BadRequest> {};

TEST_P(RiskServiceBadInputTest, IsInvalidArgumentNamingTheField) {
  v1::CheckRequest request = YoungManHaloperidolIm();
  GetParam().mutate(&request);
  v1::CheckResponse response;

  grpc::Status status = CallCheck(request, &response);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr(GetParam().field));
}

INSTANTIATE_TEST_SUITE_P(
    BadInputs, RiskServiceBadInputTest,
    ::testing::Values(BadRequest{"MissingAge",
                                 [](v1::CheckRequest* r) {
                                   r->mutable_patient()->clear_age_years();
                                 },
                                 "patient.age_years"},
                      BadRequest{"NegativeAge",
                                 [](v1::CheckRequest* r) {
                                   r->mutable_patient()->set_age_years(-2);
                                 },
                                 "patient.age_years"},
                      BadRequest{"AbsurdAge",
                                 [](v1::CheckRequest* r) {
                                   r->mutable_patient()->set_age_years(300);
                                 },
                                 "patient.age_years"},
                      BadRequest{"EmptyName",
                                 [](v1::CheckRequest* r) {
                                   r->mutable_medications(1)->set_name("");
                                 },
                                 "medications[1].name"},
                      BadRequest{"LongName",
                                 [](v1::CheckRequest* r) {
                                   r->mutable_medications(0)->set_name(
                                       std::string(250, 'x'));
                                 },
                                 "medications[0].name"},
                      BadRequest{"TooManyMedications",
                                 [](v1::CheckRequest* r) {
                                   for (int i = 0; i < 101; ++i) {
                                     r->add_medications()->set_name(
                                         "metformin");
                                   }
                                 },
                                 "medications"}),
    [](const ::testing::TestParamInfo<BadRequest>& info) {
      return info.param.name;
    });

TEST_F(RiskServiceTest, InvalidUtf8IsInvalidArgumentNamingTheField) {
  v1::CheckRequest request = YoungManHaloperidolIm();
  request.mutable_medications(1)->set_name("metforminX");
  std::string bytes = request.SerializeAsString();
  bytes[bytes.find("metforminX") + 9] = '\xff';
  grpc::ByteBuffer reply;

  grpc::Status status =
      CallRaw("/dystonia.v1.RiskService/Check", bytes, &reply);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("medications[1].name"));
}

TEST_F(RiskServiceTest, GarbageBytesAreInvalidArgument) {
  grpc::ByteBuffer reply;

  grpc::Status status = CallRaw("/dystonia.v1.RiskService/Check",
                                std::string("\xff\xff\xff\xff\x0f", 5), &reply);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(RiskServiceTest, CheckStreamAnswersEachRequestInOrder) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(30));
  auto stream = Stub()->CheckStream(&context);
  constexpr int kRequests = 200;
  std::thread writer([&stream] {
    for (int i = 0; i < kRequests; ++i) {
      v1::CheckRequest request = YoungManHaloperidolIm();
      request.set_request_id(absl::StrCat("rx-", i));
      if (i == 7) request.mutable_patient()->set_age_years(-1);
      if (!stream->Write(request)) break;
    }
    stream->WritesDone();
  });

  std::vector<v1::CheckResponse> responses;
  v1::CheckResponse response;
  while (stream->Read(&response)) responses.push_back(response);
  writer.join();
  grpc::Status status = stream->Finish();

  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(responses.size(), static_cast<size_t>(kRequests));
  for (int i = 0; i < kRequests; ++i) {
    EXPECT_EQ(responses[i].request_id(), absl::StrCat("rx-", i));
  }
  EXPECT_EQ(responses[7].error().code(), 3);  // INVALID_ARGUMENT
  EXPECT_THAT(responses[7].error().message(), HasSubstr("patient.age_years"));
  EXPECT_EQ(responses[8].acute_dystonia().level(), v1::RISK_LEVEL_HIGH);
  EXPECT_FALSE(responses[8].has_error());
}

TEST_F(RiskServiceTest, GetDrugByBrandRxcuiAndAtcCode) {
  for (const char* query : {"Haldol", "5093", "N05AD01"}) {
    grpc::ClientContext context;
    v1::GetDrugRequest request;
    request.set_query(query);
    v1::DrugProfile profile;

    grpc::Status status = Stub()->GetDrug(&context, request, &profile);

    ASSERT_TRUE(status.ok()) << query << ": " << status.error_message();
    EXPECT_EQ(profile.drug_id(), "haloperidol") << query;
  }
}

TEST_F(RiskServiceTest, GetDrugUnknownIsNotFoundWithSuggestion) {
  grpc::ClientContext context;
  v1::GetDrugRequest request;
  request.set_query("haloperidal");
  v1::DrugProfile profile;

  grpc::Status status = Stub()->GetDrug(&context, request, &profile);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("haloperidol"));
}

TEST_F(RiskServiceTest, GetDrugEmptyQueryIsInvalidArgument) {
  grpc::ClientContext context;
  v1::GetDrugRequest request;
  v1::DrugProfile profile;

  grpc::Status status = Stub()->GetDrug(&context, request, &profile);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("query"));
}

TEST_F(RiskServiceTest, SearchDrugsFindsPrefixAndNearMiss) {
  grpc::ClientContext context;
  v1::SearchDrugsRequest request;
  request.set_query("risperdal");
  request.set_limit(5);
  v1::SearchDrugsResponse response;

  grpc::Status status = Stub()->SearchDrugs(&context, request, &response);

  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_FALSE(response.matches().empty());
  EXPECT_EQ(response.matches(0).drug_id(), "risperidone");
  EXPECT_LE(response.matches_size(), 5);
}

TEST_F(RiskServiceTest, KnowledgeBaseInfoMatchesServingVersion) {
  grpc::ClientContext context;
  v1::KnowledgeBaseInfo info;

  grpc::Status status = Stub()->GetKnowledgeBaseInfo(
      &context, v1::GetKnowledgeBaseInfoRequest(), &info);

  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(info.version(), server_->knowledge_version());
  EXPECT_GT(info.drug_count(), 40);
  EXPECT_FALSE(info.sources().empty());
}

}  // namespace
}  // namespace dystonia
