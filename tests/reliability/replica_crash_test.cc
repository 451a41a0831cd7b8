// SIGKILL in a writer/replica deployment, with the real dystonia-server
// binary: a writer killed during a stream of admin writes leaves its
// replicas answering, and after its restart every replica serves its
// active version with no acknowledged write lost; a replica killed while it
// imports restarts on a consistent version and catches up.
#include <atomic>
#include <chrono>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "dystonia/v1/admin.grpc.pb.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server/access_control.h"
#include "service/server/dystonia_server.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/server_process.h"

namespace dystonia {
namespace {

constexpr char kAdminToken[] = "replica-crash-admin";
constexpr char kReplicaToken[] = "replica-crash-replica";
constexpr absl::Duration kConvergence = absl::Seconds(30);

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = testing::NewTempDir(name) + "/" + name;
  std::ofstream(path) << text;
  testing::MakeOwnerOnly(path);
  return path;
}

const std::string& TokensFile() {
  static const std::string* path = new std::string(WriteTemp(
      "tokens", absl::StrCat("curator admin ", Sha256Hex(kAdminToken), "\n",
                             "follower replica ", Sha256Hex(kReplicaToken),
                             "\n")));
  return *path;
}

const std::string& ReplicaTokenFile() {
  static const std::string* path =
      new std::string(WriteTemp("replica-token", kReplicaToken));
  return *path;
}

std::shared_ptr<grpc::Channel> Channel(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                             grpc::InsecureChannelCredentials());
}

std::unique_ptr<grpc::ClientContext> Context(const char* token, int seconds) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(seconds));
  return context;
}

// The drug `name` resolves to at `port`, "" when unrecognized; `ok` false
// when the call failed.
std::string Resolve(int port, const std::string& name, bool* ok = nullptr) {
  v1::CheckRequest request;
  request.mutable_patient()->set_age_years(40);
  request.add_medications()->set_name(name);
  v1::CheckResponse response;
  grpc::Status status = v1::RiskService::NewStub(Channel(port))->Check(
      Context(kAdminToken, 5).get(), request, &response);
  if (ok != nullptr) *ok = status.ok();
  return status.ok() && response.assessed_size() == 1
             ? response.assessed(0).drug_id()
             : "";
}

bool Converge(const std::vector<int>& ports, const std::string& name) {
  const absl::Time deadline = absl::Now() + kConvergence;
  while (absl::Now() < deadline) {
    bool all = true;
    for (int port : ports) all = all && Resolve(port, name) == name;
    if (all) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

// Letters only: the name normalizer turns digits into spaces.
std::string Name(int n) {
  std::string out = "crashzine";
  for (int i = 0; i < 4; ++i) {
    out.push_back(static_cast<char>('a' + n % 26));
    n /= 26;
  }
  return out;
}

bool Upsert(int port, const std::string& name) {
  v1::UpsertDrugRequest request;
  v1::Drug* drug = request.mutable_drug();
  drug->set_id(name);
  drug->set_name(name);
  drug->mutable_acute()->set_level(v1::RISK_LEVEL_NONE);
  drug->mutable_acute()->set_evidence(v1::EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION);
  drug->mutable_tardive()->set_level(v1::RISK_LEVEL_NONE);
  drug->mutable_tardive()->set_evidence(v1::EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION);
  request.set_reason("replica crash test");
  v1::AdminWriteResponse response;
  return v1::KnowledgeBaseAdmin::NewStub(Channel(port))
      ->UpsertDrug(Context(kAdminToken, 5).get(), request, &response)
      .ok();
}

std::vector<std::string> ServerArgs(const std::string& listen,
                                    const std::string& db) {
  return {"--listen=" + listen, "--db_path=" + db,
          "--knowledge_dir=" + testing::BundledKnowledgeDir(),
          "--tokens_file=" + TokensFile()};
}

std::unique_ptr<DystoniaServer> StartReplica(const std::string& name,
                                             int writer_port) {
  ServerOptions options = testing::LoopbackServerOptions(name);
  options.tokens_file = TokensFile();
  options.follow = absl::StrCat("127.0.0.1:", writer_port);
  options.follow_token_file = ReplicaTokenFile();
  auto server = DystoniaServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

TEST(ReplicaCrashTest, AWriterKilledMidWritesLosesNothingItAcknowledged) {
  const std::string writer_db = testing::NewTempDir("crash-writer-db");
  const std::string logs = testing::NewTempDir("crash-logs");
  testing::ServerProcess writer;
  ASSERT_TRUE(writer.Start(ServerArgs("127.0.0.1:0", writer_db),
                           logs + "/writer-1.log"));
  const int writer_port = writer.port();
  std::vector<std::unique_ptr<DystoniaServer>> replicas;
  std::vector<int> replica_ports;
  for (int i = 0; i < 2; ++i) {
    replicas.push_back(StartReplica(absl::StrCat("crash-replica-", i), writer_port));
    ASSERT_NE(replicas.back(), nullptr);
    replica_ports.push_back(replicas.back()->port());
  }
  ASSERT_TRUE(Converge(replica_ports, "haloperidol"));

  // Checks go on at the replicas the whole time; admin writes go on at the
  // writer until it is killed. Both threads are joined on every way out.
  std::atomic<bool> running{true};
  std::atomic<int> failed_checks{0};
  absl::Mutex mutex;
  std::vector<std::string> acknowledged;
  std::thread checker([&] {
    while (running) {
      for (int port : replica_ports) {
        bool ok = false;
        if (Resolve(port, "haloperidol", &ok) != "haloperidol" || !ok) ++failed_checks;
      }
    }
  });
  std::thread writer_client([&] {
    for (int n = 0; running; ++n) {
      if (Upsert(writer_port, Name(n))) {
        absl::MutexLock lock(&mutex);
        acknowledged.push_back(Name(n));
      }
    }
  });
  struct JoinOnExit {
    std::atomic<bool>& running;
    std::thread& a;
    std::thread& b;
    ~JoinOnExit() {
      running = false;
      a.join();
      b.join();
    }
  } join_on_exit{running, checker, writer_client};
  auto acknowledged_count = [&] {
    absl::MutexLock lock(&mutex);
    return acknowledged.size();
  };
  // Killed mid-stream: after a few acknowledged writes (a sanitizer build is
  // slow), at a random moment.
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (acknowledged_count() < 3 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  std::mt19937 random(20261204);
  absl::SleepFor(absl::Milliseconds(random() % 300));
  writer.Kill();
  absl::SleepFor(absl::Milliseconds(300));
  std::vector<std::string> written;
  {
    absl::MutexLock lock(&mutex);
    written = acknowledged;
  }
  ASSERT_GE(written.size(), 3u);

  testing::ServerProcess restarted;
  ASSERT_TRUE(restarted.Start(
      ServerArgs(absl::StrCat("127.0.0.1:", writer_port), writer_db),
      logs + "/writer-2.log"));
  std::vector<int> everyone = replica_ports;
  everyone.push_back(writer_port);
  EXPECT_TRUE(Converge(everyone, written.back()))
      << "every replica serves the restarted writer's active version";
  for (const std::string& name : written) {
    for (int port : everyone) {
      EXPECT_EQ(Resolve(port, name), name) << "acknowledged write lost: " << name;
    }
  }
  EXPECT_EQ(failed_checks, 0) << "a replica failed a check while the writer was away";
}

TEST(ReplicaCrashTest, AReplicaKilledWhileImportingRestartsConsistent) {
  ServerOptions writer_options = testing::LoopbackServerOptions("crash-writer2-db");
  writer_options.tokens_file = TokensFile();
  auto writer = DystoniaServer::Start(writer_options);
  ASSERT_TRUE(writer.ok()) << writer.status();
  const int writer_port = (*writer)->port();
  const std::string replica_db = testing::NewTempDir("crash-replica-db");
  const std::string logs = testing::NewTempDir("crash-replica-logs");
  const std::vector<std::string> replica_args = {
      "--listen=127.0.0.1:0", "--db_path=" + replica_db,
      absl::StrCat("--follow=127.0.0.1:", writer_port),
      "--follow_token_file=" + ReplicaTokenFile(), "--tokens_file=" + TokensFile()};

  std::mt19937 random(4);
  std::string last;
  for (int round = 0; round < 3; ++round) {
    testing::ServerProcess replica;
    ASSERT_TRUE(replica.Start(replica_args,
                              absl::StrCat(logs, "/replica-", round, ".log")));
    // Writes make the replica import version after version; it is killed
    // somewhere in the middle of one.
    for (int n = 0; n < 5; ++n) {
      last = Name(100 * round + n);
      ASSERT_TRUE(Upsert(writer_port, last));
    }
    absl::SleepFor(absl::Milliseconds(random() % 150));
    replica.Kill();
  }
  testing::ServerProcess replica;
  ASSERT_TRUE(replica.Start(replica_args, logs + "/replica-final.log"));
  // It opens on a consistent version (any whole one), then catches up.
  EXPECT_TRUE(Converge({replica.port()}, last));
  EXPECT_EQ(Resolve(replica.port(), "haloperidol"), "haloperidol");
}

}  // namespace
}  // namespace dystonia
