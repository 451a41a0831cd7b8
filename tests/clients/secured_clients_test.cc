// The command-line clients against a real server with mutual TLS and bearer
// tokens on: ClientConnection (clients/common) and the dystonia-check and
// dystonia-audit binaries with --tls_ca, --tls_cert/--tls_key and
// --token_file or DYSTONIA_TOKEN.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "clients/common/client_connection.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server/access_control.h"
#include "service/server/dystonia_server.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_pki.h"

namespace dystonia {
namespace {

using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kReaderToken[] = "secured-clients-reader";

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = testing::NewTempDir(name) + "/" + name;
  std::ofstream(path) << text;
  testing::MakeOwnerOnly(path);
  return path;
}

class SecuredClientsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const testing::Pki& pki = testing::TestPki();
    ServerOptions options = testing::LoopbackServerOptions("secured-db");
    options.tls_cert = pki.server_cert;
    options.tls_key = pki.server_key;
    options.tls_client_ca = pki.ca_cert;
    options.tokens_file = WriteFile(
        "tokens", absl::StrCat("ward reader ", Sha256Hex(kReaderToken), "\n"));
    auto server = DystoniaServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    token_file_ = new std::string(WriteFile("token", kReaderToken));
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete token_file_;
  }

  static std::string Address() {
    return absl::StrCat("127.0.0.1:", server_->port());
  }

  // CA, client certificate and token: everything the server asks for.
  static ClientSecurityOptions Everything() {
    const testing::Pki& pki = testing::TestPki();
    ClientSecurityOptions options;
    options.tls_ca = pki.ca_cert;
    options.tls_cert = pki.client_cert;
    options.tls_key = pki.client_key;
    options.token_file = *token_file_;
    return options;
  }

  static std::string SecurityFlags(const ClientSecurityOptions& options) {
    std::string flags =
        absl::StrCat("--tls_ca ", options.tls_ca, " --tls_cert ",
                     options.tls_cert, " --tls_key ", options.tls_key);
    if (!options.token_file.empty()) {
      absl::StrAppend(&flags, " --token_file ", options.token_file);
    }
    return flags;
  }

  static grpc::Status Check(const ClientConnection& connection) {
    v1::CheckRequest request;
    request.mutable_patient()->set_age_years(19);
    request.add_medications()->set_name("haloperidol");
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    connection.Authorize(&context);
    v1::CheckResponse response;
    return v1::RiskService::NewStub(connection.channel())
        ->Check(&context, request, &response);
  }

  static inline DystoniaServer* server_ = nullptr;
  static inline std::string* token_file_ = nullptr;
};

// ------------------------------------------------------- ClientConnection

TEST_F(SecuredClientsTest, CertificateAndTokenReachTheServer) {
  auto connection = ClientConnection::Open(Address(), Everything(), nullptr);
  ASSERT_THAT(connection.status(), IsOk());

  EXPECT_TRUE(Check(*connection).ok());
}

TEST_F(SecuredClientsTest, EnvironmentTokenServesWithoutTokenFile) {
  ClientSecurityOptions options = Everything();
  options.token_file.clear();

  auto connection = ClientConnection::Open(Address(), options, kReaderToken);
  ASSERT_THAT(connection.status(), IsOk());

  EXPECT_TRUE(connection->has_token());
  EXPECT_TRUE(Check(*connection).ok());
}

TEST_F(SecuredClientsTest, WithoutTokenIsUnauthenticated) {
  ClientSecurityOptions options = Everything();
  options.token_file.clear();

  auto connection = ClientConnection::Open(Address(), options, nullptr);
  ASSERT_THAT(connection.status(), IsOk());

  EXPECT_EQ(Check(*connection).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SecuredClientsTest, WithoutClientCertificateIsRefused) {
  ClientSecurityOptions options = Everything();
  options.tls_cert.clear();
  options.tls_key.clear();

  auto connection = ClientConnection::Open(Address(), options, nullptr);
  ASSERT_THAT(connection.status(), IsOk());

  EXPECT_EQ(Check(*connection).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(SecuredClientsTest, CertificateWithoutKeyIsInvalidArgument) {
  ClientSecurityOptions options = Everything();
  options.tls_key.clear();

  absl::Status status =
      ClientConnection::Open(Address(), options, nullptr).status();

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("--tls_key"));
}

TEST_F(SecuredClientsTest, ClientCertificateWithoutCaIsInvalidArgument) {
  ClientSecurityOptions options = Everything();
  options.tls_ca.clear();

  EXPECT_THAT(ClientConnection::Open(Address(), options, nullptr).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(SecuredClientsTest, MissingTokenFileIsNotFoundNamingTheFlag) {
  ClientSecurityOptions options = Everything();
  options.token_file = testing::NewTempDir("no-token") + "/token";

  absl::Status status =
      ClientConnection::Open(Address(), options, nullptr).status();

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(status.message(), HasSubstr("--token_file"));
}

TEST_F(SecuredClientsTest, EmptyTokenFileIsInvalidArgument) {
  ClientSecurityOptions options = Everything();
  options.token_file = WriteFile("empty-token", "\n");

  EXPECT_THAT(ClientConnection::Open(Address(), options, nullptr).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// ------------------------------------------------------------- binaries

TEST_F(SecuredClientsTest, CheckBinaryReachesTheSecuredServer) {
  int exit_code = -1;

  const std::string output = testing::RunCommand(
      absl::StrCat(DYSTONIA_BINARY_DIR, "/clients/check/dystonia-check ",
                   "--server ", Address(), " ", SecurityFlags(Everything()),
                   " --age 19 --sex male --med haloperidol --route im"),
      &exit_code);

  EXPECT_EQ(exit_code, 0) << output;
  EXPECT_THAT(output, HasSubstr("Acute dystonia:      HIGH"));
}

TEST_F(SecuredClientsTest, CheckBinaryTakesTheTokenFromTheEnvironment) {
  ClientSecurityOptions options = Everything();
  options.token_file.clear();
  int exit_code = -1;

  const std::string output = testing::RunCommand(
      absl::StrCat("DYSTONIA_TOKEN=", kReaderToken, " ", DYSTONIA_BINARY_DIR,
                   "/clients/check/dystonia-check --server ", Address(), " ",
                   SecurityFlags(options), " --age 19 --med haloperidol"),
      &exit_code);

  EXPECT_EQ(exit_code, 0) << output;
}

TEST_F(SecuredClientsTest, CheckBinaryWithoutTokenFails) {
  ClientSecurityOptions options = Everything();
  options.token_file.clear();
  int exit_code = -1;

  const std::string output = testing::RunCommand(
      absl::StrCat("env -u DYSTONIA_TOKEN ", DYSTONIA_BINARY_DIR,
                   "/clients/check/dystonia-check --timeout 5 --server ",
                   Address(), " ", SecurityFlags(options),
                   " --age 19 --med haloperidol"),
      &exit_code);

  EXPECT_EQ(exit_code, 1) << output;
}

TEST_F(SecuredClientsTest, AuditBinaryReachesTheSecuredServer) {
  const std::string out = testing::NewTempDir("secured-audit");
  int exit_code = -1;

  const std::string output = testing::RunCommand(
      absl::StrCat(DYSTONIA_BINARY_DIR, "/clients/audit/dystonia-audit ",
                   "--quiet --server ", Address(), " ",
                   SecurityFlags(Everything()), " --out ", out, " ",
                   DYSTONIA_SOURCE_DIR, "/clients/examples/prescriptions.csv"),
      &exit_code);

  // 5: every row answered; the example's misspelt "haloperidal" leaves one
  // prescription's levels incomplete.
  EXPECT_EQ(exit_code, 5) << output;
  EXPECT_THAT(output, HasSubstr("rows read 15 = assessed 15 + rejected 0"));
}

TEST_F(SecuredClientsTest, AuditBinaryWithoutTokenIsIncomplete) {
  ClientSecurityOptions options = Everything();
  options.token_file.clear();
  const std::string out = testing::NewTempDir("secured-audit-anonymous");
  int exit_code = -1;

  const std::string output = testing::RunCommand(
      absl::StrCat("env -u DYSTONIA_TOKEN ", DYSTONIA_BINARY_DIR,
                   "/clients/audit/dystonia-audit --quiet --server ", Address(),
                   " ", SecurityFlags(options), " --out ", out, " ",
                   DYSTONIA_SOURCE_DIR, "/clients/examples/prescriptions.csv"),
      &exit_code);

  EXPECT_EQ(exit_code, 3) << output;
}

}  // namespace
}  // namespace dystonia
