// The knowledge site in a real browser: headless Chromium from Debian's
// `chromium` package opens the written pages from file:// and prints the
// DOM it built (--dump-dom), so the assertions are on what a reader's
// browser shows, scripts run, including the client-side search.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "drug_db/site/knowledge_site.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/headless_chromium.h"
#include "tests/testing/html_references.h"
#include "tests/testing/knowledge_fixture.h"

namespace dystonia {
namespace {

using ::testing::HasSubstr;

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
  const std::string& dir = SiteDir();
  const testing::BrowserDom loaded_dom = testing::LoadInHeadlessChromium(
      absl::StrCat("file://", dir, "/site/", page), dir,
      absl::StrCat("chromium-", loaded->size(), ".log"));
  result.dom = loaded_dom.dom;
  result.error = loaded_dom.error;
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
