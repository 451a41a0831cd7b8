// The knowledge browser served live at /kb/ by the real dystonia-server on
// 127.0.0.1: a reader token is needed when tokens are on, none when they
// are off; paths are looked up in the generated site only, so unknown and
// traversal paths are 404; pages carry their security headers.
#include "service/server/knowledge_site_routes.h"

#include <sys/stat.h>

#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "drug_db/knowledge_holder.h"
#include "dystonia/v1/admin.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server/access_control.h"
#include "service/server/dystonia_server.h"
#include "tests/testing/headless_chromium.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/raw_http.h"
#include "tests/testing/server_fixture.h"
#include "tests/testing/server_process.h"

namespace dystonia {
namespace {

using ::dystonia::testing::BodyOf;
using ::dystonia::testing::HttpRequest;
using ::dystonia::testing::RawHttpConnection;
using ::dystonia::testing::StatusCodeOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kReaderToken[] = "kb-site-reader";
constexpr char kMetricsToken[] = "kb-site-metrics";

std::string Bearer(const std::string& token) {
  return absl::StrCat("Authorization: Bearer ", token, "\r\n");
}

// The head of a response, lower-cased, for header checks.
std::string HeadOf(const std::string& response) {
  return absl::AsciiStrToLower(response.substr(0, response.find("\r\n\r\n")));
}

class KnowledgeSiteRoutesTest : public ::testing::Test {
 protected:
  // Starts a server on the bundled knowledge, with tokens when `tokens`.
  void StartServer(bool tokens) {
    const std::string dir = testing::NewTempDir("kb-site-routes");
    std::vector<std::string> args = {
        "--listen=127.0.0.1:0", "--http_listen=127.0.0.1:0",
        "--db_path=" + dir + "/db",
        "--knowledge_dir=" + testing::BundledKnowledgeDir(),
        "--shutdown_grace_seconds=1"};
    if (tokens) {
      const std::string file = dir + "/tokens";
      std::ofstream(file) << "committee reader " << Sha256Hex(kReaderToken)
                          << "\nscraper metrics " << Sha256Hex(kMetricsToken)
                          << "\n";
      chmod(file.c_str(), 0600);
      args.push_back("--tokens_file=" + file);
    }
    ASSERT_TRUE(server_.Start(args, dir + "/server.log"));
    http_port_ = server_.HttpPort();
    ASSERT_GT(http_port_, 0);
  }

  std::string Get(const std::string& path, const std::string& headers = "",
                  const std::string& method = "GET") {
    RawHttpConnection connection(http_port_);
    EXPECT_TRUE(connection.Send(HttpRequest(method, path, "", headers)));
    return connection.ReadResponse();
  }

  testing::ServerProcess server_;
  int http_port_ = 0;
};

TEST_F(KnowledgeSiteRoutesTest, ReaderTokenRequiredWhenTokensAreOn) {
  StartServer(/*tokens=*/true);
  EXPECT_EQ(StatusCodeOf(Get("/kb/")), 401);
  EXPECT_EQ(StatusCodeOf(Get("/kb/drugs/haloperidol.html")), 401);
  EXPECT_EQ(StatusCodeOf(Get("/kb/", Bearer("not-a-token"))), 401);
  // A scraper's metrics token reads /metrics and nothing else.
  EXPECT_EQ(StatusCodeOf(Get("/kb/", Bearer(kMetricsToken))), 403);

  const std::string index = Get("/kb/", Bearer(kReaderToken));
  ASSERT_EQ(StatusCodeOf(index), 200) << index.substr(0, 300);
  EXPECT_THAT(HeadOf(index), HasSubstr("content-type: text/html; charset=utf-8"));
  EXPECT_THAT(HeadOf(index), HasSubstr("x-content-type-options: nosniff"));
  EXPECT_THAT(HeadOf(index),
              HasSubstr("content-security-policy: default-src 'none'"));
  EXPECT_THAT(BodyOf(index),
              HasSubstr(absl::StrCat(
                  "<span id=\"count-drugs\">",
                  testing::BundledKnowledge()->bundle().drug_size())));

  const std::string drug = Get("/kb/drugs/haloperidol.html", Bearer(kReaderToken));
  ASSERT_EQ(StatusCodeOf(drug), 200);
  EXPECT_THAT(BodyOf(drug), HasSubstr("<table id=\"tiers\">"));
  const std::string script = Get("/kb/search.js", Bearer(kReaderToken));
  ASSERT_EQ(StatusCodeOf(script), 200);
  EXPECT_THAT(HeadOf(script),
              HasSubstr("content-type: text/javascript; charset=utf-8"));
}

TEST_F(KnowledgeSiteRoutesTest, RedirectsUnknownAndTraversalPaths) {
  StartServer(/*tokens=*/true);
  const std::string reader = Bearer(kReaderToken);
  const std::string moved = Get("/kb", reader);
  EXPECT_EQ(StatusCodeOf(moved), 301);
  EXPECT_THAT(HeadOf(moved), HasSubstr("location: kb/"));
  EXPECT_EQ(StatusCodeOf(Get("/kb/no-such-page.html", reader)), 404);
  EXPECT_EQ(StatusCodeOf(Get("/kb/drugs/no-such-drug.html", reader)), 404);
  for (const char* path :
       {"/kb/../metrics", "/kb/drugs/../index.html", "/kb/%2e%2e/index.html",
        "/kb//etc/passwd", "/kb/../../../etc/passwd", "/kb/./index.html",
        "/kb/drugs"}) {
    const std::string response = Get(path, reader);
    EXPECT_EQ(StatusCodeOf(response), 404) << path;
    EXPECT_THAT(BodyOf(response), Not(HasSubstr("root:"))) << path;
  }
  EXPECT_EQ(StatusCodeOf(Get("/kb/", reader, "POST")), 405);
}

TEST_F(KnowledgeSiteRoutesTest, NoTokenNeededWhenTokensAreOff) {
  StartServer(/*tokens=*/false);
  const std::string index = Get("/kb/");
  ASSERT_EQ(StatusCodeOf(index), 200) << index.substr(0, 300);
  EXPECT_THAT(BodyOf(index), HasSubstr("The clinical model in brief"));
  EXPECT_EQ(StatusCodeOf(Get("/kb/citations.html")), 200);
}

TEST(KnowledgeSiteRoutesCacheTest, RebuildsWhenTheServingVersionChanges) {
  KnowledgeHolder holder;
  KnowledgeSiteRoutes routes(&holder);
  EXPECT_EQ(routes.Serve("/kb/").status, 503);

  v1::KnowledgeBundle bundle = testing::BundledKnowledge()->bundle();
  bundle.mutable_manifest()->set_version("committee-review-a");
  holder.Set(KnowledgeSnapshot::FromBundle(bundle));
  HttpAnswer first = routes.Serve("/kb/index.html");
  ASSERT_EQ(first.status, 200);
  EXPECT_THAT(first.body, HasSubstr("committee-review-a+0"));

  bundle.mutable_manifest()->set_version("committee-review-b");
  holder.Set(KnowledgeSnapshot::FromBundle(bundle));
  HttpAnswer second = routes.Serve("/kb/");
  ASSERT_EQ(second.status, 200);
  EXPECT_THAT(second.body, HasSubstr("committee-review-b+0"));
  EXPECT_THAT(second.body, Not(HasSubstr("committee-review-a")));
}

}  // namespace
}  // namespace dystonia

namespace dystonia {
namespace {

// What a pharmacy committee reviews (issue 19): a tier change made through
// the admin API appears on the live changes page, with the reason behind
// it, as a real browser renders the page the server serves.
TEST(KnowledgeSiteChangesTest, ATierChangeThroughTheAdminApiIsOnTheLivePage) {
  ServerOptions options = testing::LoopbackServerOptions("kb-changes-db");
  options.http_listen = "127.0.0.1:0";
  auto server = DystoniaServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();

  v1::UpsertDrugRequest upsert;
  for (const v1::Drug& drug : testing::BundledKnowledge()->bundle().drug()) {
    if (drug.id() == "haloperidol") *upsert.mutable_drug() = drug;
  }
  ASSERT_EQ(upsert.drug().id(), "haloperidol");
  ASSERT_EQ(upsert.drug().tardive().level(), v1::RISK_LEVEL_HIGH);
  upsert.mutable_drug()->mutable_tardive()->set_level(v1::RISK_LEVEL_MODERATE);
  upsert.set_reason("P&T committee review 12");
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*server)->port()),
                          grpc::InsecureChannelCredentials());
  grpc::ClientContext context;
  v1::AdminWriteResponse written;
  const grpc::Status status =
      v1::KnowledgeBaseAdmin::NewStub(channel)->UpsertDrug(&context, upsert,
                                                           &written);
  ASSERT_TRUE(status.ok()) << status.error_message();

  const std::string work = testing::NewTempDir("kb-changes-browser");
  const testing::BrowserDom page = testing::LoadInHeadlessChromium(
      absl::StrCat("http://127.0.0.1:", (*server)->http_port(),
                   "/kb/changes.html"),
      work);

  ASSERT_EQ(page.error, "");
  EXPECT_THAT(page.dom, HasSubstr("haloperidol"));
  EXPECT_THAT(page.dom, HasSubstr("tier down"));
  EXPECT_THAT(page.dom, HasSubstr("RISK_LEVEL_MODERATE"));
  EXPECT_THAT(page.dom, HasSubstr("P&amp;T committee review 12"));
}

// The check page served live beside the site, as a pharmacist tries the
// service: IM haloperidol in a 19-year-old man is a HIGH acute finding.
TEST(KnowledgeSiteChangesTest, TheLiveCheckPageShowsAHighAcuteFinding) {
  ServerOptions options = testing::LoopbackServerOptions("kb-check-db");
  options.http_listen = "127.0.0.1:0";
  auto server = DystoniaServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();

  const testing::BrowserDom page = testing::LoadInHeadlessChromium(
      absl::StrCat("http://127.0.0.1:", (*server)->http_port(),
                   "/kb/check.html?med=haloperidol&route=intramuscular"
                   "&age=19&sex=male&run=1"),
      testing::NewTempDir("kb-check-browser"));

  ASSERT_EQ(page.error, "");
  EXPECT_THAT(page.dom, HasSubstr("level-HIGH\">HIGH<"));
  EXPECT_THAT(page.dom, HasSubstr("data-kind=\"ACUTE_DYSTONIA\" "
                                  "data-level=\"HIGH\""));
}

}  // namespace
}  // namespace dystonia
