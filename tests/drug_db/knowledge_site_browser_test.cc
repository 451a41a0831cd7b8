// The knowledge site in a real browser: headless Chromium from Debian's
// `chromium` package opens the written pages from file:// and prints the
// DOM it built (--dump-dom), so the assertions are on what a reader's
// browser shows, scripts run, including the client-side search.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "drug_db/site/knowledge_site.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/html_references.h"
#include "tests/testing/knowledge_fixture.h"

namespace dystonia {
namespace {

using ::testing::HasSubstr;

constexpr char kChromium[] = "/usr/bin/chromium";

struct BrowserResult {
  std::string dom;
  std::string error;
};

// The written site's directory (once per test binary).
const std::string& SiteDir() {
  static const std::string* const dir = [] {
    auto* dir = new std::string(testing::NewTempDir("kb-site-browser"));
    const auto snapshot = testing::BundledKnowledge();
    absl::Status written = WriteKnowledgeSite(
        BuildKnowledgeSite(snapshot->bundle(), snapshot->info()),
        *dir + "/site");
    EXPECT_TRUE(written.ok()) << written;
    return dir;
  }();
  return *dir;
}

// The DOM Chromium built from `page` (a site path with an optional
// fragment), once per page.
const BrowserResult& Load(const std::string& page) {
  static auto* const loaded = new std::map<std::string, BrowserResult>;
  auto found = loaded->find(page);
  if (found != loaded->end()) return found->second;
  BrowserResult& result = (*loaded)[page];
  if (!std::filesystem::exists(kChromium)) {
    result.error = absl::StrCat(kChromium,
                                " is missing: install Debian's chromium "
                                "package (deploy/setup.sh does)");
    return result;
  }
  const std::string& dir = SiteDir();
  const std::string log = absl::StrCat(dir, "/chromium-", loaded->size(), ".log");
  // As root Chromium refuses to start without --no-sandbox; its own profile
  // keeps it away from the user's. The virtual time budget lets the scripts
  // run before the DOM is printed.
  const std::string command = absl::StrCat(
      "timeout 60 ", kChromium,
      " --headless=new --no-sandbox --disable-gpu --no-first-run"
      " --virtual-time-budget=3000 --user-data-dir='",
      dir, "/profile' --dump-dom 'file://", dir, "/site/", page, "' 2>'", log,
      "'");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    result.error = absl::StrCat("cannot run: ", command);
    return result;
  }
  char buffer[4096];
  size_t read;
  while ((read = fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    result.dom.append(buffer, read);
  }
  const int status = pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    result.error = absl::StrCat("`", command, "` failed (status ", status,
                                "; 124 = timed out); see ", log);
  } else if (result.dom.empty()) {
    result.error = absl::StrCat("Chromium printed no DOM; see ", log);
  }
  return result;
}

// Every src and href value in `dom` that points outside the site (an
// absolute URL or path), except citation source links.
std::vector<std::string> ExternalReferences(const std::string& dom) {
  std::vector<std::string> external;
  for (const auto& reference : testing::HtmlReferences(dom)) {
    const bool outside = absl::StrContains(reference.value, ":") ||
                         absl::StartsWith(reference.value, "/");
    if (outside && !absl::StrContains(reference.tag, "class=\"source\"")) {
      external.push_back(reference.value);
    }
  }
  return external;
}

TEST(KnowledgeSiteBrowserTest, IndexRendersWithItsCounts) {
  const BrowserResult& browser = Load("index.html");
  ASSERT_EQ(browser.error, "");
  const auto& bundle = testing::BundledKnowledge()->bundle();
  EXPECT_THAT(browser.dom, HasSubstr(absl::StrCat(
                               "<span id=\"count-drugs\">", bundle.drug_size(),
                               "</span>")));
  EXPECT_THAT(browser.dom,
              HasSubstr(absl::StrCat("<span id=\"count-classes\">",
                                     bundle.drug_class_size(), "</span>")));
  EXPECT_THAT(browser.dom,
              HasSubstr(absl::StrCat("<strong id=\"version\">",
                                     testing::BundledKnowledge()->version())));
  EXPECT_THAT(ExternalReferences(browser.dom), ::testing::IsEmpty());
}

TEST(KnowledgeSiteBrowserTest, SearchFindsABrandFromTheUrl) {
  const BrowserResult& browser = Load("index.html#q=Haldol");
  ASSERT_EQ(browser.error, "");
  // search.js built the hit: a link to haloperidol's page, and the brand.
  EXPECT_THAT(browser.dom,
              HasSubstr("<li class=\"search-hit\"><a href=\"drugs/"
                        "haloperidol.html\">haloperidol</a> — brand: Haldol"));
  EXPECT_THAT(browser.dom, ::testing::Not(HasSubstr("id=\"search-none\"")));
}

TEST(KnowledgeSiteBrowserTest, SearchSaysWhenNothingMatches) {
  const BrowserResult& browser = Load("index.html#q=zzzz-no-such-drug");
  ASSERT_EQ(browser.error, "");
  EXPECT_THAT(browser.dom, HasSubstr("id=\"search-none\""));
}

TEST(KnowledgeSiteBrowserTest, DrugPageShowsTiersAndCitations) {
  const BrowserResult& browser = Load("drugs/haloperidol.html");
  ASSERT_EQ(browser.error, "");
  EXPECT_THAT(browser.dom, HasSubstr("<h1 id=\"drug-name\">haloperidol</h1>"));
  EXPECT_THAT(browser.dom,
              HasSubstr("<td>intramuscular</td><td>acute dystonia</td><td><span "
                        "class=\"level level-HIGH\">HIGH</span></td>"));
  EXPECT_THAT(browser.dom, HasSubstr("id=\"c-label-haloperidol-us\""));
  EXPECT_THAT(browser.dom, HasSubstr("<a class=\"source\""));
  EXPECT_THAT(ExternalReferences(browser.dom), ::testing::IsEmpty());
}

}  // namespace
}  // namespace dystonia
