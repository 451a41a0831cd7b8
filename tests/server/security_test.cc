// Transport security and access control against real servers on
// 127.0.0.1: bearer tokens with roles on gRPC and HTTP, the loopback rule for
// running without tokens, TLS and mutual TLS with certificates made by the
// openssl command in the test.
#include <httplib.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server/access_control.h"
#include "service/server/dystonia_server.h"
#include "tests/testing/cds_hooks_requests.h"
#include "tests/testing/jws_signing.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_pki.h"

namespace dystonia {
namespace {

using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kReaderToken[] = "reader-secret-1";
constexpr char kAdminToken[] = "admin-secret-2";
constexpr char kMetricsToken[] = "metrics-secret-3";

std::string TokensFile() {
  const std::string path = testing::NewTempDir("tokens") + "/tokens";
  std::ofstream(path) << "# name role sha256(token)\n"
                      << "pharmacy-app reader " << Sha256Hex(kReaderToken)
                      << "\n"
                      << "\n"
                      << "kb-curator admin " << Sha256Hex(kAdminToken) << "\n"
                      << "prometheus metrics " << Sha256Hex(kMetricsToken)
                      << "\n";
  testing::MakeOwnerOnly(path);
  return path;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

v1::CheckRequest HaloperidolCheck() {
  v1::CheckRequest request;
  request.mutable_patient()->set_age_years(19);
  request.add_medications()->set_name("haloperidol");
  return request;
}

// ---------------------------------------------------------------- tokens

TEST(AccessControlTest, ReadsTokensAndChecksRoles) {
  auto access = AccessControl::FromTokensFile(TokensFile());
  ASSERT_THAT(access, IsOk());

  EXPECT_EQ(
      *access->Authorize(absl::StrCat("Bearer ", kReaderToken), Role::kReader),
      "pharmacy-app");
  EXPECT_EQ(
      *access->Authorize(absl::StrCat("Bearer ", kAdminToken), Role::kAdmin),
      "kb-curator");
  EXPECT_THAT(
      access->Authorize(absl::StrCat("Bearer ", kReaderToken), Role::kAdmin)
          .status(),
      StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(access->Authorize("Bearer wrong", Role::kReader).status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(access->Authorize("", Role::kReader).status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(access->Authorize(kReaderToken, Role::kReader).status(),
              StatusIs(absl::StatusCode::kUnauthenticated));  // no "Bearer "
}

// A replica token follows knowledge versions and reads; it cannot write.
TEST(AccessControlTest, AReplicaSitsBetweenReaderAndAdmin) {
  auto access = AccessControl::FromTokensText(absl::StrCat(
      "follower-1 replica ", Sha256Hex("replica-token"), "\n"));
  ASSERT_THAT(access, IsOk());

  EXPECT_THAT(access->Authorize("Bearer replica-token", Role::kReader), IsOk());
  EXPECT_THAT(access->Authorize("Bearer replica-token", Role::kReplica), IsOk());
  EXPECT_THAT(
      access->Authorize("Bearer replica-token", Role::kAdmin).status(),
      StatusIs(absl::StatusCode::kPermissionDenied));
}

// A Prometheus scraper's token: /metrics and nothing else.
TEST(AccessControlTest, AMetricsTokenReadsMetricsOnly) {
  auto access = AccessControl::FromTokensText(
      absl::StrCat("prometheus metrics ", Sha256Hex("metrics-token"), "\n"));
  ASSERT_THAT(access, IsOk());

  EXPECT_EQ(*access->Authorize("Bearer metrics-token", Role::kMetrics),
            "prometheus");
  for (Role role : {Role::kReader, Role::kReplica, Role::kAdmin}) {
    EXPECT_THAT(access->Authorize("Bearer metrics-token", role).status(),
                StatusIs(absl::StatusCode::kPermissionDenied))
        << RoleName(role);
  }
  EXPECT_EQ(RoleName(Role::kMetrics), "metrics");
}

// /metrics takes a metrics or an admin token, not a reader's or a replica's.
TEST(AccessControlTest, MetricsNeedAMetricsOrAdminToken) {
  auto access = AccessControl::FromTokensText(
      absl::StrCat("app reader ", Sha256Hex("reader-token"), "\n",
                   "follower replica ", Sha256Hex("replica-token"), "\n",
                   "curator admin ", Sha256Hex("admin-token"), "\n"));
  ASSERT_THAT(access, IsOk());

  EXPECT_THAT(access->Authorize("Bearer admin-token", Role::kMetrics), IsOk());
  EXPECT_THAT(
      access->Authorize("Bearer reader-token", Role::kMetrics).status(),
      StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(
      access->Authorize("Bearer replica-token", Role::kMetrics).status(),
      StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST(AccessControlTest, MalformedTokenFilesNameTheLine) {
  for (const auto& [text, expected] :
       std::vector<std::pair<std::string, std::string>>{
           {"a reader\n", "1: expected NAME ROLE"},
           {"a owner " + Sha256Hex("x") + "\n", "1: role 'owner'"},
           {"# c\na reader notahash\n", "2: the hash is not 64 hex digits"},
           {"a reader " + Sha256Hex("x") + "\na admin " + Sha256Hex("y") + "\n",
            "2: name 'a' twice"},
           {"# only comments\n", "no token"}}) {
    auto access = AccessControl::FromTokensText(text);
    EXPECT_THAT(access.status(), StatusIs(absl::StatusCode::kInvalidArgument))
        << text;
    EXPECT_THAT(std::string(access.status().message()), HasSubstr(expected))
        << text;
  }
}

TEST(AccessControlTest, WithoutTokensEveryoneIsAnonymous) {
  AccessControl open;

  EXPECT_FALSE(open.enabled());
  EXPECT_EQ(*open.Authorize("", Role::kAdmin), "anonymous");
}

TEST(ServerSecurityTest, WithoutTokensOnlyLoopbackListenersStart) {
  ServerOptions options;
  options.listen = "0.0.0.0:0";
  options.db_path = testing::NewTempDir("open-db");
  options.knowledge_dir = testing::BundledKnowledgeDir();

  auto server = DystoniaServer::Start(options);

  EXPECT_THAT(server.status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(server.status().message()), HasSubstr("loopback"));
}

class TokenServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ServerOptions options = testing::LoopbackServerOptions("token-db");
    options.http_listen = "127.0.0.1:0";
    options.tokens_file = TokensFile();
    auto server = DystoniaServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static grpc::Status Check(const std::string& token) {
    auto stub = v1::RiskService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    if (!token.empty())
      context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
    v1::CheckResponse response;
    return stub->Check(&context, HaloperidolCheck(), &response);
  }

  static inline DystoniaServer* server_ = nullptr;
};

TEST_F(TokenServerTest, GrpcNeedsAKnownToken) {
  EXPECT_EQ(Check("").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Check("wrong").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(Check(kReaderToken).ok());
  EXPECT_TRUE(Check(kAdminToken).ok());  // an admin may read too
  EXPECT_TRUE(server_->tokens_required());
}

TEST_F(TokenServerTest, CheckStreamWithoutATokenEndsUnauthenticated) {
  auto stub = v1::RiskService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                          grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  auto stream = stub->CheckStream(&context);
  stream->Write(HaloperidolCheck());
  stream->WritesDone();
  v1::CheckResponse response;
  while (stream->Read(&response)) {
  }

  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(TokenServerTest, HttpNeedsAKnownToken) {
  httplib::Client client("127.0.0.1", server_->http_port());

  auto anonymous = client.Get("/cds-services");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  auto reader =
      client.Get("/cds-services",
                 {{"Authorization", absl::StrCat("Bearer ", kReaderToken)}});
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->status, 200);
}

// ---------------------------------------------------------------- CDS Hooks
// JWT

// With --cds_jwks_file, CDS Hooks requests need the EHR's signed JWT:
// bearer tokens, unsigned (alg none) and HMAC tokens are refused with 401.
// (Accepted tokens and every other rejection are in jwt_validator_test.)
// The JSON Web Key Set of the CDS Hooks specification's JWT example, as a
// file.
std::string ExampleJwksFile() {
  std::ifstream in(
      std::string(DYSTONIA_SOURCE_DIR) +
      "/tests/cds_hooks/fixtures/jwt_header_payload_jwks_example.txt");
  std::string jwks;
  bool in_jwks = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("//", 0) == 0) {
      if (in_jwks && line.rfind("// JSON Web", 0) == 0) break;
      if (line.rfind("// JSON Web Key Set", 0) == 0) in_jwks = true;
      continue;
    }
    if (in_jwks) jwks += line + "\n";
  }
  const std::string jwks_path = testing::NewTempDir("jwks") + "/jwks.json";
  std::ofstream(jwks_path) << jwks;
  return jwks_path;
}

TEST(CdsJwtTest, CdsHooksRequestsNeedAValidJwt) {
  ServerOptions options = testing::LoopbackServerOptions("jwt-db");
  options.http_listen = "127.0.0.1:0";
  options.cds_jwks_file = ExampleJwksFile();
  options.cds_issuers = {"https://fhir-ehr.example.com/"};
  options.cds_audience = "https://cds.example.org/cds-services";
  auto server = DystoniaServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  httplib::Client client("127.0.0.1", (*server)->http_port());
  // base64url of {"alg":"none","typ":"JWT"} and of {"iss":"x"}.
  const std::string unsigned_token =
      "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJpc3MiOiJ4In0.";
  const std::string hmac_token =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl";

  for (const auto& [authorization, expected] :
       std::vector<std::pair<std::string, std::string>>{
           {"", "Authorization"},
           {absl::StrCat("Bearer ", kReaderToken), "refused"},
           {"Bearer " + unsigned_token, "refused"},
           {"Bearer " + hmac_token, "refused"}}) {
    httplib::Headers headers;
    if (!authorization.empty()) headers.emplace("Authorization", authorization);
    auto answer = client.Get("/cds-services", headers);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 401) << authorization;
    EXPECT_THAT(answer->body, HasSubstr(expected)) << authorization;
  }
}

// A deployment from before issuers were required learns it at start-up.
TEST(CdsJwtTest, JwksFileWithoutIssuersIsAStartUpError) {
  ServerOptions options = testing::LoopbackServerOptions("jwt-no-iss-db");
  options.http_listen = "127.0.0.1:0";
  options.cds_jwks_file = ExampleJwksFile();
  options.cds_audience = "https://cds.example.org/cds-services";

  auto server = DystoniaServer::Start(options);

  EXPECT_THAT(server.status(), StatusIs(absl::StatusCode::kInvalidArgument));
}

// A Prometheus scraper has a reader token, not an EHR's JWT: with both
// configured, /metrics takes the token and the CDS Hooks routes the JWT.
TEST(CdsJwtTest, MetricsTakeAMetricsTokenWhileCdsHooksTakeJwts) {
  ServerOptions options = testing::LoopbackServerOptions("jwt-metrics-db");
  options.http_listen = "127.0.0.1:0";
  options.tokens_file = TokensFile();
  options.cds_jwks_file = ExampleJwksFile();
  options.cds_issuers = {"https://fhir-ehr.example.com/"};
  options.cds_audience = "https://cds.example.org/cds-services";
  auto server = DystoniaServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  httplib::Client client("127.0.0.1", (*server)->http_port());
  auto bearer = [](const char* token) {
    return httplib::Headers{{"Authorization", absl::StrCat("Bearer ", token)}};
  };

  auto metrics = client.Get("/metrics", bearer(kMetricsToken));
  auto reader_metrics = client.Get("/metrics", bearer(kReaderToken));
  auto anonymous_metrics = client.Get("/metrics");
  auto discovery = client.Get("/cds-services", bearer(kReaderToken));
  auto metrics_discovery = client.Get("/cds-services", bearer(kMetricsToken));

  ASSERT_TRUE(metrics && reader_metrics && anonymous_metrics && discovery &&
              metrics_discovery);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_THAT(metrics->body, HasSubstr("dystonia_"));
  EXPECT_EQ(reader_metrics->status, 403);
  EXPECT_EQ(anonymous_metrics->status, 401);
  EXPECT_EQ(discovery->status, 401);  // a reader token is not the EHR's JWT
  EXPECT_EQ(metrics_discovery->status, 401);
}

// The whole path a real EHR takes (issue 20): a JWT it signed with a key of
// its JWK Set, for the endpoint it calls, is accepted by the HTTP port; the
// same token again is a replay; one for another service is refused (the
// discovery URL itself stands for every service of this server).
TEST(CdsJwtTest, AnEhrSignedJwtIsAcceptedOnceAndOnlyForItsEndpoint) {
  const testing::PkeyPtr key = testing::GenerateRsa(2048);
  ASSERT_NE(key, nullptr);
  const std::string jwks_path = testing::NewTempDir("ehr-jwks") + "/jwks.json";
  std::ofstream(jwks_path) << testing::JwksJson(
      {testing::RsaJwk(key.get(), "ehr-key-1")});
  constexpr char kIssuer[] = "https://ehr.hospital.test/";
  constexpr char kAudience[] = "https://cds.example.org/cds-services";
  ServerOptions options = testing::LoopbackServerOptions("jwt-accepted-db");
  options.http_listen = "127.0.0.1:0";
  options.cds_jwks_file = jwks_path;
  options.cds_issuers = {kIssuer};
  options.cds_audience = kAudience;
  auto server = DystoniaServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  httplib::Client client("127.0.0.1", (*server)->http_port());

  int next_jti = 0;
  auto token_for = [&](const std::string& audience) {
    google::protobuf::Struct claims;
    auto& fields = *claims.mutable_fields();
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    fields["iss"].set_string_value(kIssuer);
    fields["sub"].set_string_value("ehr-client");
    fields["aud"].set_string_value(audience);
    fields["iat"].set_number_value(static_cast<double>(now));
    fields["exp"].set_number_value(static_cast<double>(now + 60));
    fields["jti"].set_string_value(absl::StrCat("jti-", ++next_jti));
    return testing::Token(testing::Header("RS384", "ehr-key-1"), claims,
                          key.get());
  };
  auto bearer = [](const std::string& token) {
    return httplib::Headers{{"Authorization", "Bearer " + token}};
  };
  const std::string order_sign_url =
      std::string(kAudience) + "/dystonia-risk-order-sign";

  const std::string discovery_token = token_for(kAudience);
  auto discovery = client.Get("/cds-services", bearer(discovery_token));
  auto replayed = client.Get("/cds-services", bearer(discovery_token));
  auto order_sign =
      client.Post("/cds-services/dystonia-risk-order-sign",
                  bearer(token_for(order_sign_url)),
                  testing::HaloperidolImOrderSign(), "application/json");
  auto wrong_endpoint = client.Post(
      "/cds-services/dystonia-risk-order-sign",
      bearer(token_for(std::string(kAudience) + "/another-service")),
      testing::HaloperidolImOrderSign(), "application/json");

  ASSERT_TRUE(discovery && replayed && order_sign && wrong_endpoint);
  EXPECT_EQ(discovery->status, 200) << discovery->body;
  EXPECT_THAT(discovery->body, HasSubstr("dystonia-risk-order-sign"));
  EXPECT_EQ(replayed->status, 401);
  EXPECT_EQ(order_sign->status, 200) << order_sign->body;
  EXPECT_THAT(order_sign->body, HasSubstr("cards"));
  EXPECT_EQ(wrong_endpoint->status, 401) << wrong_endpoint->body;
}

// ---------------------------------------------------------------- TLS

std::unique_ptr<DystoniaServer> StartTls(bool mutual) {
  const testing::Pki& pki = testing::TestPki();
  ServerOptions options = testing::LoopbackServerOptions("tls-db");
  options.http_listen = "127.0.0.1:0";
  options.tls_cert = pki.server_cert;
  options.tls_key = pki.server_key;
  if (mutual) options.tls_client_ca = pki.ca_cert;
  auto server = DystoniaServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

grpc::Status CheckOver(const std::string& address,
                       std::shared_ptr<grpc::ChannelCredentials> credentials) {
  grpc::ChannelArguments arguments;
  arguments.SetSslTargetNameOverride("localhost");
  auto stub = v1::RiskService::NewStub(
      grpc::CreateCustomChannel(address, credentials, arguments));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(5));
  v1::CheckResponse response;
  return stub->Check(&context, HaloperidolCheck(), &response);
}

TEST(TlsTest, GrpcAndHttpServeTlsToClientsThatTrustTheCa) {
  auto server = StartTls(/*mutual=*/false);
  ASSERT_NE(server, nullptr);
  const testing::Pki& pki = testing::TestPki();
  const std::string address = absl::StrCat("127.0.0.1:", server->port());
  grpc::SslCredentialsOptions trusting;
  trusting.pem_root_certs = ReadText(pki.ca_cert);

  EXPECT_EQ(server->transport(), "TLS");
  EXPECT_TRUE(CheckOver(address, grpc::SslCredentials(trusting)).ok());
  // A plaintext client cannot talk to a TLS port.
  EXPECT_FALSE(CheckOver(address, grpc::InsecureChannelCredentials()).ok());

  httplib::SSLClient https("127.0.0.1", server->http_port());
  https.set_ca_cert_path(pki.ca_cert.c_str());
  https.enable_server_certificate_verification(true);
  auto answer = https.Get("/cds-services");
  ASSERT_TRUE(answer) << httplib::to_string(answer.error());
  EXPECT_EQ(answer->status, 200);
}

TEST(TlsTest, MutualTlsRequiresAClientCertificate) {
  auto server = StartTls(/*mutual=*/true);
  ASSERT_NE(server, nullptr);
  const testing::Pki& pki = testing::TestPki();
  const std::string address = absl::StrCat("127.0.0.1:", server->port());
  grpc::SslCredentialsOptions without_certificate;
  without_certificate.pem_root_certs = ReadText(pki.ca_cert);
  grpc::SslCredentialsOptions with_certificate = without_certificate;
  with_certificate.pem_cert_chain = ReadText(pki.client_cert);
  with_certificate.pem_private_key = ReadText(pki.client_key);

  EXPECT_EQ(server->transport(), "mutual TLS");
  EXPECT_FALSE(
      CheckOver(address, grpc::SslCredentials(without_certificate)).ok());
  EXPECT_TRUE(CheckOver(address, grpc::SslCredentials(with_certificate)).ok());

  httplib::SSLClient anonymous("127.0.0.1", server->http_port());
  anonymous.enable_server_certificate_verification(false);
  EXPECT_FALSE(anonymous.Get("/cds-services"));
  httplib::SSLClient known("127.0.0.1", server->http_port(), pki.client_cert,
                           pki.client_key);
  known.enable_server_certificate_verification(false);
  auto answer = known.Get("/cds-services");
  ASSERT_TRUE(answer) << httplib::to_string(answer.error());
  EXPECT_EQ(answer->status, 200);
}

TEST(TlsTest, KeyWithoutCertificateIsRefused) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.db_path = testing::NewTempDir("tls-bad-db");
  options.tls_key = testing::TestPki().server_key;

  EXPECT_THAT(DystoniaServer::Start(options).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace dystonia
