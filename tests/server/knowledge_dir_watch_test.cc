// --watch_knowledge_dir: a new bundle that appears in --knowledge_dir is
// imported and served; one that does not validate is refused and the
// server keeps serving what it had. A real server on 127.0.0.1.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dystonia/v1/risk_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server/dystonia_server.h"
#include "tests/testing/server_fixture.h"

namespace dystonia {
namespace {

std::string Resolve(const DystoniaServer& server, const std::string& name) {
  auto stub = v1::RiskService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", server.port()),
                          grpc::InsecureChannelCredentials()));
  v1::CheckRequest request;
  request.mutable_patient()->set_age_years(40);
  request.add_medications()->set_name(name);
  v1::CheckResponse response;
  grpc::ClientContext context;
  if (!stub->Check(&context, request, &response).ok() ||
      response.assessed_size() != 1) {
    return "";
  }
  return response.assessed(0).drug_id();
}

bool WaitFor(const DystoniaServer& server, const std::string& name,
             const std::string& drug_id) {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (absl::Now() < deadline) {
    if (Resolve(server, name) == drug_id) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

// Writes `text` as `name` in `directory` the way a ConfigMap update lands:
// complete, then renamed into place.
void Place(const std::string& directory, const std::string& name,
           const std::string& text) {
  const std::string temporary = directory + "/." + name + ".tmp";
  std::ofstream(temporary) << text;
  std::filesystem::rename(temporary, directory + "/" + name);
}

constexpr char kWatchazine[] = R"(
drug {
  id: "watchazine"
  name: "watchazine"
  acute { level: RISK_LEVEL_NONE evidence: EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION }
  tardive { level: RISK_LEVEL_NONE evidence: EVIDENCE_LEVEL_NO_KNOWN_ASSOCIATION }
}
)";

TEST(KnowledgeDirWatchTest, ANewBundleIsServedAndABrokenOneRefused) {
  const std::string directory = testing::NewTempDir("watched-knowledge");
  std::filesystem::copy(testing::BundledKnowledgeDir(), directory,
                        std::filesystem::copy_options::recursive |
                            std::filesystem::copy_options::overwrite_existing);
  ServerOptions options = testing::LoopbackServerOptions("watch-db");
  options.knowledge_dir = directory;
  options.watch_knowledge_dir = true;
  options.watch_period = absl::Milliseconds(100);
  auto server = DystoniaServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_EQ(Resolve(**server, "watchazine"), "");

  Place(directory, "zz_watch.textproto", kWatchazine);
  EXPECT_TRUE(WaitFor(**server, "watchazine", "watchazine"));
  const std::string served = (*server)->knowledge_version();

  // A duplicate id does not validate: refused, the last version served.
  Place(directory, "zz_broken.textproto", kWatchazine);
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(Resolve(**server, "watchazine"), "watchazine");
  EXPECT_EQ((*server)->knowledge_version(), served);
}

TEST(KnowledgeDirWatchTest, AReplicaDoesNotWatchADirectory) {
  ServerOptions options = testing::LoopbackServerOptions("watch-replica-db");
  options.watch_knowledge_dir = true;
  options.follow = "127.0.0.1:1";

  EXPECT_FALSE(DystoniaServer::Start(options).ok());
}

}  // namespace
}  // namespace dystonia
