// The knowledge browser served live at /kb/ by the real dystonia-server on
// 127.0.0.1: a reader token is needed when tokens are on, none when they
// are off; paths are looked up in the generated site only, so unknown and
// traversal paths are 404; pages carry their security headers.
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "drug_db/knowledge_holder.h"
#include "service/server/access_control.h"
#include "service/server/knowledge_site_routes.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/raw_http.h"
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
