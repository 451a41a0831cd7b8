#ifndef DYSTONIA_TESTS_TESTING_SERVER_FIXTURE_H_
#define DYSTONIA_TESTS_TESTING_SERVER_FIXTURE_H_

#include <memory>
#include <string>

#include "dystonia/v1/risk_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server/dystonia_server.h"
#include "tests/testing/knowledge_fixture.h"

namespace dystonia::testing {

// Options for a real dystonia-server on 127.0.0.1 (an ephemeral port) over a
// fresh RocksDB store in a temp dir named after `db_name`, seeded from the
// bundled knowledge base. Tests add what they exercise (HTTP, limits, auth).
inline ServerOptions LoopbackServerOptions(const std::string& db_name) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.db_path = NewTempDir(db_name);
  options.knowledge_dir = BundledKnowledgeDir();
  return options;
}

// A real dystonia-server on 127.0.0.1 (ephemeral gRPC and HTTP ports) over a
// fresh RocksDB store seeded from the bundled knowledge base, shared by the
// tests of one suite.
class ServerTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    ServerOptions options = LoopbackServerOptions("server-db");
    options.http_listen = "127.0.0.1:0";
    auto server = DystoniaServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    channel_ = new std::shared_ptr<grpc::Channel>(
        grpc::CreateChannel(Address(), grpc::InsecureChannelCredentials()));
  }

  static void TearDownTestSuite() {
    delete channel_;
    channel_ = nullptr;
    delete server_;
    server_ = nullptr;
  }

  static std::string Address() {
    return "127.0.0.1:" + std::to_string(server_->port());
  }
  static std::shared_ptr<grpc::Channel> Channel() { return *channel_; }
  static std::unique_ptr<v1::RiskService::Stub> Stub() {
    return v1::RiskService::NewStub(Channel());
  }

  static inline DystoniaServer* server_ = nullptr;
  static inline std::shared_ptr<grpc::Channel>* channel_ = nullptr;
};

}  // namespace dystonia::testing

#endif  // DYSTONIA_TESTS_TESTING_SERVER_FIXTURE_H_
