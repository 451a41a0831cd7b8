// KnowledgeBaseAdmin over gRPC against a real server with tokens: roles,
// every RPC, the audit trail naming the caller, rollback, and a hot swap
// under concurrent Check load with no failed call.
#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "dystonia/v1/admin.grpc.pb.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server/access_control.h"
#include "service/server/dystonia_server.h"
#include "service/server/knowledge_watch.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/raw_grpc_call.h"
#include "tests/testing/server_fixture.h"

namespace dystonia {
namespace {

using ::testing::HasSubstr;

constexpr char kReaderToken[] = "reader-token-a";
constexpr char kAdminToken[] = "admin-token-b";
constexpr char kReplicaToken[] = "replica-token-c";

class AdminServiceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string tokens = testing::NewTempDir("admin-tokens") + "/tokens";
    std::ofstream(tokens) << "ward-app reader " << Sha256Hex(kReaderToken)
                          << "\n"
                          << "kb-curator admin " << Sha256Hex(kAdminToken)
                          << "\n"
                          << "follower-1 replica " << Sha256Hex(kReplicaToken)
                          << "\n";
    testing::MakeOwnerOnly(tokens);
    ServerOptions options = testing::LoopbackServerOptions("admin-db");
    options.tokens_file = tokens;
    auto server = DystoniaServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
    channel_ = new std::shared_ptr<grpc::Channel>(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials()));
  }
  static void TearDownTestSuite() {
    delete channel_;
    delete server_;
  }

  static std::unique_ptr<grpc::ClientContext> Context(const char* token) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (token != nullptr)
      context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
    return context;
  }
  static std::unique_ptr<v1::KnowledgeBaseAdmin::Stub> Admin() {
    return v1::KnowledgeBaseAdmin::NewStub(*channel_);
  }
  static v1::CheckResponse Check(const std::string& name,
                                 grpc::Status* status = nullptr) {
    auto stub = v1::RiskService::NewStub(*channel_);
    v1::CheckRequest request;
    request.mutable_patient()->set_age_years(40);
    request.add_medications()->set_name(name);
    v1::CheckResponse response;
    grpc::Status result =
        stub->Check(Context(kReaderToken).get(), request, &response);
    if (status != nullptr) *status = result;
    return response;
  }
  static v1::Drug Testazine(const std::string& brand) {
    v1::Drug drug;
    drug.set_id("testazine");
    drug.set_name("testazine");
    drug.add_brands(brand);
    drug.mutable_acute()->set_level(v1::RISK_LEVEL_NONE);
    drug.mutable_acute()->set_evidence(v1::EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION);
    drug.mutable_tardive()->set_level(v1::RISK_LEVEL_NONE);
    drug.mutable_tardive()->set_evidence(
        v1::EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION);
    return drug;
  }

  static inline DystoniaServer* server_ = nullptr;
  static inline std::shared_ptr<grpc::Channel>* channel_ = nullptr;
};

TEST_F(AdminServiceTest, ReadersAndStrangersCannotWrite) {
  v1::UpsertDrugRequest request;
  *request.mutable_drug() = Testazine("Testax");
  v1::AdminWriteResponse response;

  EXPECT_EQ(Admin()
                ->UpsertDrug(Context(nullptr).get(), request, &response)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Admin()
                ->UpsertDrug(Context(kReaderToken).get(), request, &response)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::GetAuditLogResponse log;
  EXPECT_EQ(Admin()
                ->GetAuditLog(Context(kReaderToken).get(),
                              v1::GetAuditLogRequest(), &log)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// A KnowledgeBaseAdmin call with the admin token, its request as raw bytes.
grpc::Status CallAdminRaw(const std::shared_ptr<grpc::Channel>& channel,
                          const std::string& method, const std::string& bytes) {
  grpc::ByteBuffer reply;
  return testing::CallRawUnary(
      channel, absl::StrCat("/dystonia.v1.KnowledgeBaseAdmin/", method), bytes,
      &reply, kAdminToken);
}

TEST_F(AdminServiceTest, InvalidUtf8InAWriteIsInvalidArgumentNamingTheField) {
  v1::UpsertDrugRequest request;
  *request.mutable_drug() = Testazine("Brokenax");
  request.mutable_drug()->add_synonyms("testazine base");
  request.mutable_drug()->add_synonyms("testazineX");
  request.set_reason("a synonym with a broken byte");
  std::string bytes = request.SerializeAsString();
  bytes[bytes.find("testazineX") + 9] = '\xff';

  grpc::Status status = CallAdminRaw(*channel_, "UpsertDrug", bytes);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("drug.synonyms[1]"));
  EXPECT_THAT(status.error_message(), HasSubstr("not valid UTF-8"));
  EXPECT_EQ(Check("Brokenax").unrecognized_size(), 1) << "nothing written";
}

TEST_F(AdminServiceTest, GarbageBytesAreInvalidArgumentNamingTheMessage) {
  grpc::Status status = CallAdminRaw(*channel_, "ListVersions",
                                     std::string("\xff\xff\xff\xff\x0f", 5));

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("ListVersionsRequest"));
}

// The reported attack: a bundle holding only a manifest, first with no
// reason, then with one but without force. Neither changes what is served.
TEST_F(AdminServiceTest, ImportThatWouldWipeTheKnowledgeBaseIsRefused) {
  const std::string before = server_->knowledge_version();
  v1::ImportKnowledgeBaseRequest wipe;
  wipe.set_text("manifest { version: \"wipe\" title: \"empty\" }\n");
  v1::AdminWriteResponse response;

  grpc::Status no_reason =
      Admin()->ImportKnowledgeBase(Context(kAdminToken).get(), wipe, &response);
  wipe.set_reason("routine update");
  grpc::Status no_force =
      Admin()->ImportKnowledgeBase(Context(kAdminToken).get(), wipe, &response);

  EXPECT_EQ(no_reason.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(no_reason.error_message(), HasSubstr("reason"));
  EXPECT_EQ(no_force.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(no_force.error_message(), HasSubstr("dopamine blockers"));
  EXPECT_THAT(no_force.error_message(), HasSubstr("force"));
  EXPECT_EQ(server_->knowledge_version(), before);
  EXPECT_EQ(Check("haloperidol").assessed_size(), 1);
}

// A replica follows the active version: sent at once, then after every
// write, each bundle with the SHA-256 it can check. A reader may not.
TEST_F(AdminServiceTest, WatchKnowledgeStreamsEveryActivation) {
  grpc::ClientContext refused_context;
  refused_context.AddMetadata("authorization",
                              absl::StrCat("Bearer ", kReaderToken));
  auto refused =
      Admin()->WatchKnowledge(&refused_context, v1::WatchKnowledgeRequest());
  v1::KnowledgeVersionUpdate nothing;
  EXPECT_FALSE(refused->Read(&nothing));
  EXPECT_EQ(refused->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);

  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", kReplicaToken));
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto watch = Admin()->WatchKnowledge(&context, v1::WatchKnowledgeRequest());
  v1::KnowledgeVersionUpdate first;
  ASSERT_TRUE(watch->Read(&first));
  EXPECT_EQ(first.version(), server_->knowledge_version());
  EXPECT_GT(first.bundle().drug_size(), 600);
  EXPECT_EQ(first.sha256(), BundleSha256(first.bundle()));

  v1::UpsertDrugRequest upsert;
  *upsert.mutable_drug() = Testazine("Watchax");
  upsert.set_reason("watch test");
  v1::AdminWriteResponse added;
  ASSERT_TRUE(
      Admin()->UpsertDrug(Context(kAdminToken).get(), upsert, &added).ok());
  v1::KnowledgeVersionUpdate second;
  ASSERT_TRUE(watch->Read(&second));
  EXPECT_EQ(second.version(), added.version().version());
  EXPECT_EQ(second.sha256(), BundleSha256(second.bundle()));
  EXPECT_NE(second.sha256(), first.sha256());
  context.TryCancel();
}

TEST_F(AdminServiceTest, UpsertDeleteActivateAndAuditEndToEnd) {
  const std::string before = server_->knowledge_version();
  v1::UpsertDrugRequest upsert;
  *upsert.mutable_drug() = Testazine("Testax");
  upsert.set_reason("pilot formulary addition");
  v1::AdminWriteResponse added;

  ASSERT_TRUE(
      Admin()->UpsertDrug(Context(kAdminToken).get(), upsert, &added).ok());
  // Serving before the write was acknowledged, and stamped on answers.
  v1::CheckResponse after = Check("Testax");
  EXPECT_EQ(after.knowledge_base_version(), added.version().version());
  ASSERT_EQ(after.assessed_size(), 1);
  EXPECT_EQ(after.assessed(0).drug_id(), "testazine");
  EXPECT_THAT(added.audit().actor(), HasSubstr("kb-curator"));
  EXPECT_EQ(added.audit().action(), "upsert_drug");
  EXPECT_EQ(added.audit().version_before(), before);
  EXPECT_THAT(added.audit().new_value(), HasSubstr("Testax"));
  EXPECT_FALSE(added.unchanged());

  // The same entry again is no write: said so, no version, nothing audited.
  v1::AdminWriteResponse same;
  ASSERT_TRUE(
      Admin()->UpsertDrug(Context(kAdminToken).get(), upsert, &same).ok());
  EXPECT_TRUE(same.unchanged());
  EXPECT_EQ(same.version().version(), added.version().version());
  EXPECT_FALSE(same.has_audit());
  EXPECT_EQ(server_->knowledge_version(), added.version().version());

  // A write that does not validate changes nothing.
  v1::UpsertDrugRequest invalid;
  *invalid.mutable_drug() = Testazine("Haldol");  // another drug's brand
  invalid.set_reason("pilot formulary addition");
  v1::AdminWriteResponse refused;
  grpc::Status status =
      Admin()->UpsertDrug(Context(kAdminToken).get(), invalid, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("Haldol"));
  EXPECT_EQ(server_->knowledge_version(), added.version().version());

  v1::UpsertClassRequest class_request;
  class_request.mutable_drug_class()->set_id("test-class");
  class_request.mutable_drug_class()->set_name("Test class");
  class_request.set_reason("pilot class");
  v1::AdminWriteResponse class_added;
  ASSERT_TRUE(
      Admin()
          ->UpsertClass(Context(kAdminToken).get(), class_request, &class_added)
          .ok());

  v1::DeleteDrugRequest remove;
  remove.set_drug_id("testazine");
  remove.set_reason("pilot ended");
  v1::AdminWriteResponse removed;
  ASSERT_TRUE(
      Admin()->DeleteDrug(Context(kAdminToken).get(), remove, &removed).ok());
  EXPECT_EQ(Check("Testax").unrecognized_size(), 1);

  // Roll back to the version that had testazine.
  v1::ActivateVersionRequest rollback;
  rollback.set_sequence(added.version().sequence());
  rollback.set_reason("undo the delete");
  v1::AdminWriteResponse activated;
  ASSERT_TRUE(
      Admin()
          ->ActivateVersion(Context(kAdminToken).get(), rollback, &activated)
          .ok());
  EXPECT_EQ(Check("Testax").assessed_size(), 1);

  v1::ListVersionsResponse versions;
  ASSERT_TRUE(Admin()
                  ->ListVersions(Context(kAdminToken).get(),
                                 v1::ListVersionsRequest(), &versions)
                  .ok());
  EXPECT_EQ(versions.active_sequence(), added.version().sequence());
  EXPECT_GE(versions.versions_size(), 4);

  v1::GetAuditLogRequest log_request;
  v1::GetAuditLogResponse log;
  ASSERT_TRUE(
      Admin()->GetAuditLog(Context(kAdminToken).get(), log_request, &log).ok());
  std::vector<std::string> actions;
  for (const v1::AuditEntry& entry : log.entries())
    actions.push_back(entry.action());
  EXPECT_THAT(actions, ::testing::IsSupersetOf({"upsert_drug", "upsert_class",
                                                "delete_drug", "activate"}));
}

TEST_F(AdminServiceTest, ImportKnowledgeBaseReplacesTheWholeBundle) {
  v1::ImportKnowledgeBaseRequest bad;
  bad.set_text(
      "manifest { version: \"9\" }\ndrug { id: \"x\" name: \"x\" class_ids: "
      "\"nope\" "
      "acute { level: RISK_LEVEL_NONE } tardive { level: RISK_LEVEL_NONE } "
      "}\n");
  bad.set_reason("pilot bundle");
  v1::AdminWriteResponse refused;
  grpc::Status status =
      Admin()->ImportKnowledgeBase(Context(kAdminToken).get(), bad, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("nope"));

  v1::ImportKnowledgeBaseRequest good;
  good.set_text(
      "manifest { version: \"pilot-1\" }\n"
      "drug { id: \"alphazine\" name: \"alphazine\" "
      "acute { level: RISK_LEVEL_NONE evidence: "
      "EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION } "
      "tardive { level: RISK_LEVEL_NONE evidence: "
      "EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION } }\n");
  good.set_reason("pilot bundle");
  good.set_force(true);  // it drops every bundled drug
  v1::AdminWriteResponse imported;
  ASSERT_TRUE(
      Admin()
          ->ImportKnowledgeBase(Context(kAdminToken).get(), good, &imported)
          .ok());

  EXPECT_THAT(imported.version().version(), ::testing::StartsWith("pilot-1+"));
  EXPECT_EQ(imported.audit().action(), "import");
  v1::CheckResponse response = Check("alphazine");
  EXPECT_EQ(response.knowledge_base_version(), imported.version().version());
  EXPECT_EQ(response.assessed_size(), 1);
  EXPECT_EQ(Check("haloperidol").unrecognized_size(),
            1);  // the old bundle is gone
}

// Requests keep flowing while the knowledge base is swapped: no call fails
// and every answer names a version that really served.
TEST_F(AdminServiceTest, HotSwapUnderLoadLosesNoCall) {
  // The load checks a drug of its own: an earlier test may have replaced
  // the bundled knowledge base.
  v1::UpsertDrugRequest load_drug;
  *load_drug.mutable_drug() = Testazine("Loadax");
  load_drug.mutable_drug()->set_id("loadazine");
  load_drug.mutable_drug()->set_name("loadazine");
  load_drug.set_reason("the drug the load checks");
  v1::AdminWriteResponse loaded;
  ASSERT_TRUE(
      Admin()->UpsertDrug(Context(kAdminToken).get(), load_drug, &loaded).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  absl::Mutex mu;
  std::set<std::string> seen;
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&] {
      while (!stop) {
        grpc::Status status;
        v1::CheckResponse response = Check("loadazine", &status);
        if (!status.ok() || response.assessed_size() != 1) {
          ++failures;
        }
        absl::MutexLock lock(&mu);
        seen.insert(response.knowledge_base_version());
      }
    });
  }
  std::set<std::string> produced = {server_->knowledge_version()};
  for (int i = 0; i < 5; ++i) {
    v1::UpsertDrugRequest request;
    *request.mutable_drug() = Testazine(absl::StrCat("Swapax", i));
    request.set_reason("hot swap");
    v1::AdminWriteResponse response;
    ASSERT_TRUE(Admin()
                    ->UpsertDrug(Context(kAdminToken).get(), request, &response)
                    .ok());
    produced.insert(response.version().version());
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  stop = true;
  for (std::thread& client : clients) client.join();

  EXPECT_EQ(failures, 0);
  absl::MutexLock lock(&mu);
  EXPECT_GE(seen.size(), 2u) << "the swaps should be visible to the clients";
  for (const std::string& version : seen) {
    EXPECT_TRUE(produced.count(version)) << version << " never served";
  }
}

}  // namespace
}  // namespace dystonia
