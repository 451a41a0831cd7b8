// Who can reach a real server on 127.0.0.1 and how: TLS beyond loopback
// unless --allow_plaintext, key and token files the owner's only, the
// database directory 0700, reflection only when asked for, the admin service
// on its own listener, and modern cipher suites only (tried with the
// openssl command).
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dystonia/v1/admin.grpc.pb.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server/access_control.h"
#include "service/server/dystonia_server.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/test_pki.h"

namespace dystonia {
namespace {

using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kReaderToken[] = "transport-reader";
constexpr char kAdminToken[] = "transport-admin";

std::string TokensFile(mode_t mode) {
  const std::string path = testing::NewTempDir("transport-tokens") + "/tokens";
  std::ofstream(path) << "ward reader " << Sha256Hex(kReaderToken) << "\n"
                      << "curator admin " << Sha256Hex(kAdminToken) << "\n";
  chmod(path.c_str(), mode);
  return path;
}

std::shared_ptr<grpc::Channel> PlaintextChannel(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                             grpc::InsecureChannelCredentials());
}

std::unique_ptr<grpc::ClientContext> Context(const char* token) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(10));
  return context;
}

grpc::Status ListVersions(int port) {
  v1::ListVersionsResponse response;
  return v1::KnowledgeBaseAdmin::NewStub(PlaintextChannel(port))
      ->ListVersions(Context(kAdminToken).get(), v1::ListVersionsRequest(),
                     &response);
}

grpc::Status CheckHaloperidol(int port) {
  v1::CheckRequest request;
  request.mutable_patient()->set_age_years(19);
  request.add_medications()->set_name("haloperidol");
  v1::CheckResponse response;
  return v1::RiskService::NewStub(PlaintextChannel(port))
      ->Check(Context(kReaderToken).get(), request, &response);
}

// Asks for the list of services by gRPC reflection (v1alpha) with a generic
// stub, the request hand-encoded (list_services, field 7, empty). Returns
// the raw response or the call's status.
absl::StatusOr<std::string> ListServicesByReflection(int port) {
  grpc::GenericStub stub(PlaintextChannel(port));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  grpc::CompletionQueue queue;
  auto call = stub.PrepareCall(
      &context,
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &queue);
  void* tag = nullptr;
  bool ok = false;
  auto step = [&](intptr_t id) {
    EXPECT_TRUE(queue.Next(&tag, &ok));
    EXPECT_EQ(reinterpret_cast<intptr_t>(tag), id);
    return ok;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  step(1);
  grpc::Slice request_slice(std::string("\x3a\x00", 2));
  grpc::ByteBuffer request(&request_slice, 1);
  call->Write(request, reinterpret_cast<void*>(2));
  step(2);
  call->WritesDone(reinterpret_cast<void*>(3));
  step(3);
  grpc::ByteBuffer response;
  call->Read(&response, reinterpret_cast<void*>(4));
  const bool answered = step(4);
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(5));
  step(5);
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (!answered) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        status.error_message());
  }
  std::vector<grpc::Slice> slices;
  EXPECT_TRUE(response.Dump(&slices).ok());
  std::string bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return bytes;
}

// ------------------------------------------------- refused before serving

// A start that must be refused: what is wrong, the code and the flag named.
struct Refusal {
  const char* name;
  std::function<void(ServerOptions*)> spoil;
  absl::StatusCode code;
  const char* flag;
};

TEST(TransportPolicyTest, StartIsRefusedNamingTheFlag) {
  const std::vector<Refusal> refusals = {
      {"plaintext on all interfaces",
       [](ServerOptions* o) {
         o->listen = "0.0.0.0:0";
         o->tokens_file = TokensFile(0600);
       },
       absl::StatusCode::kInvalidArgument, "--listen"},
      {"plaintext admin listener beyond loopback",
       [](ServerOptions* o) {
         o->admin_listen = "0.0.0.0:0";
         o->tokens_file = TokensFile(0600);
       },
       absl::StatusCode::kInvalidArgument, "--admin_listen"},
      {"a name that looks like loopback, without tokens",
       [](ServerOptions* o) { o->http_listen = "127.0.0.1.nip.io:0"; },
       absl::StatusCode::kInvalidArgument, "--http_listen"},
      {"a world-readable tokens file",
       [](ServerOptions* o) { o->tokens_file = TokensFile(0644); },
       absl::StatusCode::kFailedPrecondition, "--tokens_file"},
  };
  for (const Refusal& refusal : refusals) {
    ServerOptions options = testing::LoopbackServerOptions("refused-db");
    refusal.spoil(&options);

    absl::Status status = DystoniaServer::Start(options).status();

    EXPECT_THAT(status, StatusIs(refusal.code)) << refusal.name;
    EXPECT_THAT(status.message(), HasSubstr(refusal.flag)) << refusal.name;
  }
}

TEST(TransportPolicyTest, WorldReadableKeyIsRefused) {
  const testing::Pki& pki = testing::TestPki();
  const std::string key = testing::NewTempDir("open-key") + "/server.key";
  std::ofstream(key) << std::ifstream(pki.server_key).rdbuf();
  chmod(key.c_str(), 0644);
  ServerOptions options = testing::LoopbackServerOptions("open-key-db");
  options.tls_cert = pki.server_cert;
  options.tls_key = key;

  absl::Status status = DystoniaServer::Start(options).status();

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(status.message(), HasSubstr("--tls_key"));
}

TEST(TransportPolicyTest, AllowPlaintextServesBeyondLoopback) {
  ServerOptions options = testing::LoopbackServerOptions("allow-plain-db");
  options.listen = "0.0.0.0:0";
  options.tokens_file = TokensFile(0600);
  options.allow_plaintext = true;

  auto server = DystoniaServer::Start(options);

  ASSERT_THAT(server.status(), IsOk());
  EXPECT_EQ((*server)->transport(), "plaintext");
  EXPECT_TRUE(CheckHaloperidol((*server)->port()).ok());
}

// ------------------------------------- one server, admin on its own port

class ReachabilityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ServerOptions options = testing::LoopbackServerOptions("reach-db");
    options.db_path = testing::NewTempDir("reach-parent") + "/new/db";
    options.tokens_file = TokensFile(0600);
    options.admin_listen = "127.0.0.1:0";
    db_path_ = new std::string(options.db_path);
    auto server = DystoniaServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete db_path_;
  }

  static inline DystoniaServer* server_ = nullptr;
  static inline std::string* db_path_ = nullptr;
};

TEST_F(ReachabilityTest, AdminOnTheReaderPortIsUnimplemented) {
  EXPECT_EQ(ListVersions(server_->port()).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(ReachabilityTest, AdminOnTheAdminPortWorks) {
  ASSERT_GT(server_->admin_port(), 0);

  EXPECT_TRUE(ListVersions(server_->admin_port()).ok());
}

TEST_F(ReachabilityTest, RiskServiceStaysOnTheReaderPort) {
  EXPECT_TRUE(CheckHaloperidol(server_->port()).ok());
  EXPECT_EQ(CheckHaloperidol(server_->admin_port()).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(ReachabilityTest, ReflectionIsOffByDefault) {
  EXPECT_THAT(ListServicesByReflection(server_->port()).status(),
              StatusIs(absl::StatusCode::kUnimplemented));
  EXPECT_THAT(ListServicesByReflection(server_->admin_port()).status(),
              StatusIs(absl::StatusCode::kUnimplemented));
}

TEST_F(ReachabilityTest, DatabaseDirectoryIsCreatedOwnerOnly) {
  struct stat info;
  ASSERT_EQ(stat(db_path_->c_str(), &info), 0);

  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST(ReflectionTest, ReflectionListsServicesWhenAsked) {
  ServerOptions options = testing::LoopbackServerOptions("reflection-db");
  options.reflection = true;
  auto server = DystoniaServer::Start(options);
  ASSERT_THAT(server.status(), IsOk());

  absl::StatusOr<std::string> services =
      ListServicesByReflection((*server)->port());

  ASSERT_THAT(services.status(), IsOk());
  EXPECT_THAT(*services, HasSubstr("dystonia.v1.RiskService"));
}

// ------------------------------------------------------- cipher suites

// True when `openssl s_client` completes a handshake with the given
// protocol and cipher options (ALPN h2, as gRPC clients offer).
bool Handshakes(int port, const std::string& tls_options) {
  const std::string command =
      absl::StrCat("openssl s_client -connect 127.0.0.1:", port, " -alpn h2 ",
                   tls_options, " </dev/null >/dev/null 2>&1");
  return std::system(command.c_str()) == 0;
}

// Both TLS ports, gRPC and HTTP, hold the same policy.
class CipherSuiteTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const testing::Pki& pki = testing::TestPki();
    ServerOptions options = testing::LoopbackServerOptions("cipher-db");
    options.http_listen = "127.0.0.1:0";
    options.tls_cert = pki.server_cert;
    options.tls_key = pki.server_key;
    auto server = DystoniaServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static std::vector<int> Ports() {
    return {server_->port(), server_->http_port()};
  }

  static inline DystoniaServer* server_ = nullptr;
};

TEST_F(CipherSuiteTest, EcdheWithAeadIsAccepted) {
  for (int port : Ports()) {
    EXPECT_TRUE(Handshakes(port, "-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256"))
        << "port " << port;
    EXPECT_TRUE(Handshakes(port, "-tls1_3")) << "port " << port;
  }
}

TEST_F(CipherSuiteTest, StaticRsaKeyExchangeIsRefused) {
  for (int port : Ports()) {
    EXPECT_FALSE(Handshakes(port, "-tls1_2 -cipher AES128-GCM-SHA256"))
        << "port " << port;
  }
}

TEST_F(CipherSuiteTest, CbcIsRefused) {
  for (int port : Ports()) {
    EXPECT_FALSE(Handshakes(port, "-tls1_2 -cipher ECDHE-RSA-AES128-SHA"))
        << "port " << port;
    EXPECT_FALSE(Handshakes(port, "-tls1_2 -cipher ECDHE-RSA-AES128-SHA256"))
        << "port " << port;
  }
}

TEST_F(CipherSuiteTest, TlsBelowOnePointTwoIsRefused) {
  for (int port : Ports()) {
    EXPECT_FALSE(Handshakes(port, "-tls1_1 -cipher 'DEFAULT:@SECLEVEL=0'"))
        << "port " << port;
  }
}

}  // namespace
}  // namespace dystonia
