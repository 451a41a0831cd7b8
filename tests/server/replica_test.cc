// One writer and its replicas, real servers on 127.0.0.1: every replica
// serves the writer's active version (an admin write, a rollback), refuses
// admin writes naming the writer, and keeps serving its version when it is
// sent a tampered one.
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dystonia/v1/admin.grpc.pb.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server/access_control.h"
#include "service/server/dystonia_server.h"
#include "service/server/knowledge_watch.h"
#include "tests/testing/cds_hooks_requests.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/server_process.h"

namespace dystonia {
namespace {

using ::testing::HasSubstr;

constexpr char kReaderToken[] = "replica-test-reader";
constexpr char kAdminToken[] = "replica-test-admin";
constexpr char kReplicaToken[] = "replica-test-replica";
// Generous for sanitizer builds on two cores; the figure itself is measured
// in bench/, not here.
constexpr absl::Duration kConvergence = absl::Seconds(20);

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = testing::NewTempDir(name) + "/" + name;
  std::ofstream(path) << text;
  testing::MakeOwnerOnly(path);
  return path;
}

const std::string& TokensFile() {
  static const std::string* path = new std::string(WriteFile(
      "tokens",
      absl::StrCat("ward reader ", Sha256Hex(kReaderToken), "\n",
                   "curator admin ", Sha256Hex(kAdminToken), "\n",
                   "follower replica ", Sha256Hex(kReplicaToken), "\n")));
  return *path;
}

std::unique_ptr<grpc::ClientContext> Context(const char* token) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::seconds(30));
  return context;
}

std::shared_ptr<grpc::Channel> ChannelTo(const DystoniaServer& server) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", server.port()),
                             grpc::InsecureChannelCredentials());
}

std::unique_ptr<DystoniaServer> StartServer(const std::string& name,
                                            const std::string& follow,
                                            bool http = false,
                                            ServerOptions* used = nullptr,
                                            bool restart = false) {
  // A restart reuses the options (store and port) a first start recorded.
  ServerOptions options =
      restart ? *used : testing::LoopbackServerOptions(name);
  if (http) options.http_listen = "127.0.0.1:0";
  options.tokens_file = TokensFile();
  options.follow = follow;
  if (!follow.empty()) {
    options.follow_token_file = WriteFile("replica-token", kReplicaToken);
  }
  auto server = DystoniaServer::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  if (used != nullptr) *used = options;
  return server.ok() ? *std::move(server) : nullptr;
}

// The drug id `name` resolves to on `server` ("" when unrecognized or the
// server is not serving yet).
std::string Resolve(const DystoniaServer& server, const std::string& name) {
  auto stub = v1::RiskService::NewStub(ChannelTo(server));
  v1::CheckRequest request;
  request.mutable_patient()->set_age_years(40);
  request.add_medications()->set_name(name);
  v1::CheckResponse response;
  if (!stub->Check(Context(kReaderToken).get(), request, &response).ok() ||
      response.assessed_size() != 1) {
    return "";
  }
  return response.assessed(0).drug_id();
}

// Waits until every server resolves `name` to `drug_id`; false on timeout.
bool Converge(const std::vector<std::unique_ptr<DystoniaServer>>& servers,
              const std::string& name, const std::string& drug_id) {
  const absl::Time deadline = absl::Now() + kConvergence;
  while (absl::Now() < deadline) {
    bool all = true;
    for (const auto& server : servers) all = all && Resolve(*server, name) == drug_id;
    if (all) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

v1::Drug Replicazine() {
  v1::Drug drug;
  drug.set_id("replicazine");
  drug.set_name("replicazine");
  drug.mutable_acute()->set_level(v1::RISK_LEVEL_NONE);
  drug.mutable_acute()->set_evidence(v1::EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION);
  drug.mutable_tardive()->set_level(v1::RISK_LEVEL_NONE);
  drug.mutable_tardive()->set_evidence(v1::EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION);
  return drug;
}

TEST(ReplicaTest, EveryReplicaServesTheWritersActiveVersion) {
  auto writer = StartServer("writer-db", "");
  ASSERT_NE(writer, nullptr);
  const std::string writer_address = absl::StrCat("127.0.0.1:", writer->port());
  std::vector<std::unique_ptr<DystoniaServer>> replicas;
  for (int i = 0; i < 3; ++i) {
    replicas.push_back(
        StartServer(absl::StrCat("replica-db-", i), writer_address, i == 0));
    ASSERT_NE(replicas.back(), nullptr);
  }
  // Replicas start empty and serve the writer's version once it arrives.
  ASSERT_TRUE(Converge(replicas, "haloperidol", "haloperidol"));
  auto admin = v1::KnowledgeBaseAdmin::NewStub(ChannelTo(*writer));
  v1::ListVersionsResponse before;
  ASSERT_TRUE(admin->ListVersions(Context(kAdminToken).get(),
                                  v1::ListVersionsRequest(), &before)
                  .ok());

  v1::UpsertDrugRequest upsert;
  *upsert.mutable_drug() = Replicazine();
  upsert.set_reason("replica test");
  v1::AdminWriteResponse added;
  ASSERT_TRUE(admin->UpsertDrug(Context(kAdminToken).get(), upsert, &added).ok());
  EXPECT_TRUE(Converge(replicas, "replicazine", "replicazine"))
      << "an admin write on the writer reaches every replica";
  // A replica's /metrics says which writer version it last saw and when.
  httplib::Client http("127.0.0.1", replicas[0]->http_port());
  // (Prometheus's token is the metrics role's; an admin token also reads.)
  auto metrics = http.Get("/metrics", {{"Authorization",
                                        absl::StrCat("Bearer ", kAdminToken)}});
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body,
              HasSubstr(absl::StrCat("dystonia_writer_version_info{writer=\"",
                                     writer_address, "\",version=\"",
                                     added.version().version(), "\"} 1")));
  EXPECT_THAT(metrics->body, HasSubstr("dystonia_writer_last_heard_seconds "));

  v1::ActivateVersionRequest rollback;
  rollback.set_sequence(before.active_sequence());
  rollback.set_reason("replica rollback test");
  v1::AdminWriteResponse rolled_back;
  ASSERT_TRUE(admin->ActivateVersion(Context(kAdminToken).get(), rollback,
                                     &rolled_back)
                  .ok());
  EXPECT_TRUE(Converge(replicas, "replicazine", ""))
      << "a rollback on the writer rolls every replica back";
}

// A replica whose writer has not answered yet holds no version: health says
// NOT_SERVING, so a load balancer sends it nothing.
TEST(ReplicaTest, AReplicaIsNotServingUntilItHoldsAVersion) {
  auto replica = StartServer("replica-alone-db", "127.0.0.1:1");
  ASSERT_NE(replica, nullptr);
  auto health = grpc::health::v1::Health::NewStub(ChannelTo(*replica));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext context;

  ASSERT_TRUE(health->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(replica->knowledge_version(), "");
}

TEST(ReplicaTest, AReplicaRefusesAdminWritesNamingTheWriter) {
  auto writer = StartServer("writer-refuse-db", "");
  ASSERT_NE(writer, nullptr);
  const std::string writer_address = absl::StrCat("127.0.0.1:", writer->port());
  auto replica = StartServer("replica-refuse-db", writer_address);
  ASSERT_NE(replica, nullptr);
  auto admin = v1::KnowledgeBaseAdmin::NewStub(ChannelTo(*replica));
  v1::UpsertDrugRequest upsert;
  *upsert.mutable_drug() = Replicazine();
  v1::AdminWriteResponse response;

  grpc::Status status =
      admin->UpsertDrug(Context(kAdminToken).get(), upsert, &response);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr(writer_address));
}

// The card uuids of one order-sign call at `server` (a 19-year-old man
// given IM haloperidol: two cards).
std::vector<std::string> IssueCards(const DystoniaServer& server) {
  httplib::Client client("127.0.0.1", server.http_port());
  const std::string body = testing::HaloperidolImOrderSign();
  auto answer = client.Post("/cds-services/dystonia-risk-order-sign",
                            {{"Authorization", absl::StrCat("Bearer ", kReaderToken)}},
                            body, "application/json");
  std::vector<std::string> uuids;
  if (!answer || answer->status != 200) {
    ADD_FAILURE() << (answer ? answer->body : "no answer");
    return uuids;
  }
  size_t at = 0;
  while ((at = answer->body.find("\"uuid\":\"", at)) != std::string::npos) {
    at += 8;
    uuids.push_back(answer->body.substr(at, 36));
  }
  return uuids;
}

int PostFeedback(const DystoniaServer& server, const std::string& uuid,
                 bool overridden) {
  httplib::Client client("127.0.0.1", server.http_port());
  const std::string body = absl::StrCat(
      R"({"feedback":[{"card":")", uuid, R"(","outcome":")",
      overridden ? "overridden" : "accepted",
      R"(","outcomeTimestamp":"2026-12-04T10:00:00Z"}]})");
  auto answer = client.Post("/cds-services/dystonia-risk-order-sign/feedback",
                            {{"Authorization", absl::StrCat("Bearer ", kReaderToken)}},
                            body, "application/json");
  return answer ? answer->status : 0;
}

int64_t FeedbackCount(int port) {
  auto stub = v1::RiskService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port),
                          grpc::InsecureChannelCredentials()));
  v1::FeedbackSummary summary;
  grpc::Status status = stub->GetFeedbackSummary(
      Context(kReaderToken).get(), v1::GetFeedbackSummaryRequest(), &summary);
  return status.ok() ? summary.feedback_count() : -1;
}

// 1,000 feedback posts spread over two replicas, each on a card the other
// replica issued, with the writer (a dystonia-server process) killed and
// restarted in the middle: the writer ends with exactly 1,000, and a
// replica reports the writer's totals.
TEST(ReplicaTest, FeedbackTakenByReplicasEndsOnTheWriterOnce) {
  const std::string writer_db = testing::NewTempDir("writer-feedback-db");
  const std::string logs = testing::NewTempDir("writer-feedback-logs");
  auto writer_args = [&](const std::string& listen) {
    return std::vector<std::string>{
        "--listen=" + listen, "--db_path=" + writer_db,
        "--knowledge_dir=" + testing::BundledKnowledgeDir(),
        "--tokens_file=" + TokensFile()};
  };
  auto writer = std::make_unique<testing::ServerProcess>();
  ASSERT_TRUE(writer->Start(writer_args("127.0.0.1:0"), logs + "/writer-1.log"));
  const int writer_port = writer->port();
  const std::string writer_address = absl::StrCat("127.0.0.1:", writer_port);
  std::vector<std::unique_ptr<DystoniaServer>> replicas;
  for (int i = 0; i < 2; ++i) {
    replicas.push_back(StartServer(absl::StrCat("replica-feedback-db-", i),
                                   writer_address, true));
    ASSERT_NE(replicas.back(), nullptr);
  }
  ASSERT_TRUE(Converge(replicas, "haloperidol", "haloperidol"));

  constexpr int kPosts = 1000;
  int posted = 0;
  for (int call = 0; posted < kPosts; ++call) {
    if (posted >= kPosts / 2 && writer != nullptr) {
      writer.reset();  // SIGKILL: the writer goes away mid-stream
    }
    if (posted >= 3 * kPosts / 4 && writer == nullptr) {
      writer = std::make_unique<testing::ServerProcess>();
      ASSERT_TRUE(writer->Start(writer_args(writer_address), logs + "/writer-2.log"));
    }
    for (const std::string& uuid : IssueCards(*replicas[call % 2])) {
      if (posted == kPosts) break;
      ASSERT_EQ(PostFeedback(*replicas[(call + 1) % 2], uuid, posted % 3 == 0), 200);
      ++posted;
    }
  }
  const absl::Time deadline = absl::Now() + kConvergence;
  while (absl::Now() < deadline && FeedbackCount(writer_port) != kPosts) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(FeedbackCount(writer_port), kPosts);
  EXPECT_EQ(FeedbackCount(replicas[0]->port()), kPosts);
}

// A replica cannot know its peers' cards, so it forwards feedback on any
// card uuid; the writer counts only feedback on a card some server issued,
// whenever that card's record arrives.
TEST(ReplicaTest, WriterCountsNoFeedbackOnACardNoServerIssued) {
  auto writer = StartServer("writer-unknown-card-db", "");
  ASSERT_NE(writer, nullptr);
  auto admin = v1::KnowledgeBaseAdmin::NewStub(ChannelTo(*writer));
  v1::ForwardFeedbackRequest forward;
  for (const char* uuid : {"11111111-1111-4111-8111-111111111111",
                           "22222222-2222-4222-8222-222222222222"}) {
    v1::CardFeedback* feedback = forward.add_feedback();
    feedback->set_card_uuid(uuid);
    feedback->set_outcome(v1::FEEDBACK_OUTCOME_ACCEPTED);
  }
  v1::ForwardFeedbackResponse response;
  ASSERT_TRUE(admin->ForwardFeedback(Context(kReplicaToken).get(), forward,
                                     &response)
                  .ok());
  v1::ForwardFeedbackRequest late_issue;  // the issuing replica's record
  v1::CardIssue* issue = late_issue.add_issues();
  issue->set_card_uuid("11111111-1111-4111-8111-111111111111");
  issue->set_rule_id("acute-dystonia.haloperidol");

  ASSERT_TRUE(admin->ForwardFeedback(Context(kReplicaToken).get(), late_issue,
                                     &response)
                  .ok());

  auto stub = v1::RiskService::NewStub(ChannelTo(*writer));
  v1::FeedbackSummary summary;
  ASSERT_TRUE(stub->GetFeedbackSummary(Context(kReaderToken).get(),
                                       v1::GetFeedbackSummaryRequest(), &summary)
                  .ok());
  EXPECT_EQ(summary.feedback_count(), 1);
  ASSERT_EQ(summary.rules_size(), 1);
  EXPECT_EQ(summary.rules(0).rule_id(), "acute-dystonia.haloperidol");
}

// A writer that sends a tampered bundle: the right version name and
// checksum of the real bundle, but a bundle changed on the way.
class TamperingWriter final : public v1::KnowledgeBaseAdmin::CallbackService {
 public:
  explicit TamperingWriter(v1::KnowledgeBundle genuine)
      : genuine_(std::move(genuine)) {}

  grpc::ServerWriteReactor<v1::KnowledgeVersionUpdate>* WatchKnowledge(
      grpc::CallbackServerContext*, const v1::WatchKnowledgeRequest*) override {
    class Reactor : public grpc::ServerWriteReactor<v1::KnowledgeVersionUpdate> {
     public:
      explicit Reactor(const v1::KnowledgeBundle& genuine) {
        update_.set_version("tampered+1");
        update_.set_sha256(BundleSha256(genuine));
        *update_.mutable_bundle() = genuine;
        *update_.mutable_bundle()->add_drug() = Replicazine();
        StartWrite(&update_);
      }
      void OnWriteDone(bool) override { Finish(grpc::Status::OK); }
      void OnDone() override { delete this; }

     private:
      v1::KnowledgeVersionUpdate update_;
    };
    return new Reactor(genuine_);
  }

 private:
  const v1::KnowledgeBundle genuine_;
};

TEST(ReplicaTest, ATamperedBundleIsRefusedAndTheOldVersionServed) {
  // The replica first follows a real writer, then the writer is replaced by
  // one that tampers with the bundle on the same port.
  auto writer = StartServer("writer-tamper-db", "");
  ASSERT_NE(writer, nullptr);
  const int port = writer->port();
  const std::string writer_address = absl::StrCat("127.0.0.1:", port);
  std::vector<std::unique_ptr<DystoniaServer>> replicas;
  replicas.push_back(StartServer("replica-tamper-db", writer_address));
  ASSERT_TRUE(Converge(replicas, "haloperidol", "haloperidol"));
  v1::KnowledgeBundle genuine = testing::BundledKnowledge()->bundle();
  writer.reset();

  TamperingWriter tampering(genuine);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(writer_address, grpc::InsecureServerCredentials());
  builder.RegisterService(&tampering);
  std::unique_ptr<grpc::Server> tamperer = builder.BuildAndStart();
  ASSERT_NE(tamperer, nullptr);
  // Give the replica time to reconnect and be sent the tampered bundle.
  absl::SleepFor(absl::Seconds(3));

  EXPECT_EQ(Resolve(*replicas[0], "haloperidol"), "haloperidol");
  EXPECT_EQ(Resolve(*replicas[0], "replicazine"), "")
      << "the tampered bundle's drug must not be served";
  tamperer->Shutdown();
}

}  // namespace
}  // namespace dystonia
