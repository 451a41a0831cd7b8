// The server's start-up and shutdown: seeding, restart on an existing store,
// a bad knowledge base, and the dystonia-server binary's SIGTERM handling.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "dystonia/v1/admin.grpc.pb.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "service/server/dystonia_server.h"
#include "tests/testing/knowledge_fixture.h"

namespace dystonia {
namespace {

using ::dystonia::testing::BundledKnowledgeDir;
using ::grpc::health::v1::HealthCheckResponse;
using ::dystonia::testing::NewTempDir;

ServerOptions LocalOptions(const std::string& db_path) {
  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.db_path = db_path;
  options.knowledge_dir = BundledKnowledgeDir();
  return options;
}

// What grpc.health.v1 says for the whole server.
HealthCheckResponse::ServingStatus Health(const DystoniaServer& server) {
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", server.port()),
                          grpc::InsecureChannelCredentials());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  HealthCheckResponse response;
  grpc::Status status = grpc::health::v1::Health::NewStub(channel)->Check(
      &context, grpc::health::v1::HealthCheckRequest(), &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.status();
}

TEST(DystoniaServerTest, RestartServesTheStoredVersionWithoutReimport) {
  const std::string db_path = NewTempDir("restart-db");
  std::string first_version;
  {
    auto server = DystoniaServer::Start(LocalOptions(db_path));
    ASSERT_TRUE(server.ok()) << server.status();
    first_version = (*server)->knowledge_version();
  }

  auto restarted = DystoniaServer::Start(LocalOptions(db_path));

  ASSERT_TRUE(restarted.ok()) << restarted.status();
  EXPECT_EQ((*restarted)->knowledge_version(), first_version);
}

// Two servers on one port answered alternately from different knowledge
// versions (gRPC's SO_REUSEPORT). A port in use, on either listener, is a
// start-up error naming the flag; the first server keeps serving.
TEST(DystoniaServerTest, ASecondServerOnAPortInUseFailsToStart) {
  ServerOptions first_options = LocalOptions(NewTempDir("first-db"));
  first_options.http_listen = "127.0.0.1:0";
  auto first = DystoniaServer::Start(first_options);
  ASSERT_TRUE(first.ok()) << first.status();

  ServerOptions same_grpc = LocalOptions(NewTempDir("second-db"));
  same_grpc.listen = absl::StrCat("127.0.0.1:", (*first)->port());
  auto second = DystoniaServer::Start(same_grpc);
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(), ::testing::HasSubstr("--listen"));

  ServerOptions same_http = LocalOptions(NewTempDir("third-db"));
  same_http.http_listen = absl::StrCat("127.0.0.1:", (*first)->http_port());
  auto third = DystoniaServer::Start(same_http);
  ASSERT_FALSE(third.ok());
  EXPECT_THAT(third.status().message(), ::testing::HasSubstr("--http_listen"));

  EXPECT_EQ(Health(**first), HealthCheckResponse::SERVING);
}

TEST(DystoniaServerTest, EmptyStoreWithBrokenKnowledgeFailsToStart) {
  const std::string knowledge = NewTempDir("broken-kb");
  FILE* file = fopen((knowledge + "/bad.textproto").c_str(), "w");
  ASSERT_NE(file, nullptr);
  fputs("drug { id: \"x\" name: ", file);
  fclose(file);
  ServerOptions options = LocalOptions(NewTempDir("broken-db"));
  options.knowledge_dir = knowledge;

  auto server = DystoniaServer::Start(options);

  EXPECT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
}

// A call in flight when shutdown starts is answered within the grace
// period; new calls are refused.
TEST(DystoniaServerTest, ShutdownLetsACallInFlightFinish) {
  auto server = DystoniaServer::Start(LocalOptions(NewTempDir("inflight-db")));
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                          grpc::InsecureChannelCredentials());
  auto stub = v1::RiskService::NewStub(channel);
  grpc::ClientContext context;
  auto stream = stub->CheckStream(&context);
  v1::CheckRequest request;
  request.mutable_patient()->set_age_years(19);
  request.add_medications()->set_name("haloperidol");
  v1::CheckResponse response;
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));  // the stream is open and serving

  std::thread shutdown([&] { (*server)->Shutdown(absl::Seconds(5)); });
  // Still in flight: the open stream keeps being answered during the grace.
  ASSERT_TRUE(stream->Write(request));
  EXPECT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.acute_dystonia().level(), v1::RISK_LEVEL_HIGH);
  stream->WritesDone();
  while (stream->Read(&response)) {
  }
  EXPECT_TRUE(stream->Finish().ok());
  shutdown.join();
  (*server)->Wait();

  grpc::ClientContext late;
  late.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  EXPECT_FALSE(stub->Check(&late, request, &response).ok());
}

TEST(DystoniaServerTest, ShutdownTurnsHealthNotServing) {
  auto server = DystoniaServer::Start(LocalOptions(NewTempDir("health-db")));
  ASSERT_TRUE(server.ok()) << server.status();
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                          grpc::InsecureChannelCredentials());

  (*server)->Shutdown(absl::ZeroDuration());
  (*server)->Wait();

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(2));
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = grpc::health::v1::Health::NewStub(channel)->Check(
      &context, grpc::health::v1::HealthCheckRequest(), &response);
  EXPECT_FALSE(status.ok() &&
               response.status() ==
                   grpc::health::v1::HealthCheckResponse::SERVING);
}

// Runs the real binary, waits for SERVING, sends `signal`, expects exit 0.
void ExpectCleanExitOn(int signal_number) {
  const std::string binary =
      std::string(DYSTONIA_BINARY_DIR) + "/service/server/dystonia-server";
  const std::string db_path = NewTempDir("binary-db");
  // A fixed port derived from the pid keeps parallel runs apart.
  const int port = 20000 + (getpid() * 7 + signal_number) % 20000;
  const std::string listen = absl::StrCat("127.0.0.1:", port);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Dies with the test, even one a sanitizer stops.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    execl(binary.c_str(), binary.c_str(), ("--listen=" + listen).c_str(),
          ("--db_path=" + db_path).c_str(),
          ("--knowledge_dir=" + BundledKnowledgeDir()).c_str(),
          "--shutdown_grace_seconds=1", static_cast<char*>(nullptr));
    _exit(127);
  }
  auto channel =
      grpc::CreateChannel(listen, grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  bool serving = false;
  for (int attempt = 0; attempt < 100 && !serving; ++attempt) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::milliseconds(200));
    grpc::health::v1::HealthCheckResponse response;
    serving =
        health
            ->Check(&context, grpc::health::v1::HealthCheckRequest(), &response)
            .ok() &&
        response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
    if (!serving) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(serving) << "dystonia-server did not become SERVING";

  kill(pid, signal_number);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);

  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(DystoniaServerBinaryTest, SigtermExitsCleanly) {
  ExpectCleanExitOn(SIGTERM);
}

TEST(DystoniaServerBinaryTest, SigintExitsCleanly) {
  ExpectCleanExitOn(SIGINT);
}

// The bundled knowledge base holds 659 drugs.
TEST(DystoniaServerTest, KnowledgeBelowTheDrugFloorIsNotServing) {
  ServerOptions above = LocalOptions(NewTempDir("floor-above-db"));
  above.min_drugs = 100;
  ServerOptions below = LocalOptions(NewTempDir("floor-below-db"));
  below.min_drugs = 1000;

  auto serving = DystoniaServer::Start(above);
  auto not_serving = DystoniaServer::Start(below);

  ASSERT_TRUE(serving.ok()) << serving.status();
  ASSERT_TRUE(not_serving.ok()) << not_serving.status();
  EXPECT_EQ(Health(**serving), HealthCheckResponse::SERVING);
  EXPECT_EQ(Health(**not_serving), HealthCheckResponse::NOT_SERVING);
}

// A forced import that leaves too few drugs is written, but the server
// stops looking healthy until a complete version is active again.
TEST(DystoniaServerTest, ImportBelowTheDrugFloorTurnsHealthNotServing) {
  ServerOptions options = LocalOptions(NewTempDir("floor-import-db"));
  options.min_drugs = 100;
  auto server = DystoniaServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  auto admin = v1::KnowledgeBaseAdmin::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                          grpc::InsecureChannelCredentials()));
  v1::ImportKnowledgeBaseRequest wipe;
  wipe.set_text("manifest { version: \"wipe\" }\n");
  wipe.set_reason("floor test");
  wipe.set_force(true);
  v1::ActivateVersionRequest restore;
  restore.set_sequence(1);
  restore.set_reason("undo the wipe");
  v1::AdminWriteResponse response;

  grpc::ClientContext wipe_context;
  ASSERT_TRUE(admin->ImportKnowledgeBase(&wipe_context, wipe, &response).ok());
  const HealthCheckResponse::ServingStatus after_wipe = Health(**server);
  grpc::ClientContext restore_context;
  ASSERT_TRUE(
      admin->ActivateVersion(&restore_context, restore, &response).ok());

  EXPECT_EQ(after_wipe, HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Health(**server), HealthCheckResponse::SERVING);
}

// An audit entry removed while no server held the store: the server refuses
// to start, naming the entry, rather than serve on an untrustworthy trail.
TEST(DystoniaServerTest, BrokenAuditTrailFailsToStartNamingTheEntry) {
  const std::string db_path = NewTempDir("broken-audit-db");
  {
    auto server = DystoniaServer::Start(LocalOptions(db_path));
    ASSERT_TRUE(server.ok()) << server.status();
  }
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), db_path, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(
        db->Delete(rocksdb::WriteOptions(), "audit/00000000000000000001").ok());
  }

  auto server = DystoniaServer::Start(LocalOptions(db_path));

  EXPECT_EQ(server.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(server.status().message()),
              ::testing::HasSubstr("audit entry 1 is missing"));
}

}  // namespace
}  // namespace dystonia
