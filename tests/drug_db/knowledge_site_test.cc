// The knowledge browser's generator (drug_db/site): every page it promises
// is there, knowledge text is escaped, links stay inside the site, and a
// drug page carries its tiers per route and its citations.
#include "drug_db/site/knowledge_site.h"

#include <filesystem>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "drug_db/site/html_escape.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/html_references.h"
#include "tests/testing/knowledge_fixture.h"

namespace dystonia {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kHostile[] = "<script>document.title='pwned'</script>&\"'";

const KnowledgeSite& BundledSite() {
  static const KnowledgeSite* const site = new KnowledgeSite(
      BuildKnowledgeSite(testing::BundledKnowledge()->bundle(),
                         testing::BundledKnowledge()->info()));
  return *site;
}

const std::string& Page(const KnowledgeSite& site, const std::string& path) {
  static const std::string* const missing = new std::string;
  auto found = site.find(path);
  EXPECT_NE(found, site.end()) << path << " is missing";
  return found == site.end() ? *missing : found->second.bytes;
}

TEST(KnowledgeSiteTest, EveryDrugClassAndConditionHasAPage) {
  const KnowledgeSite& site = BundledSite();
  const auto& bundle = testing::BundledKnowledge()->bundle();
  ASSERT_GT(bundle.drug_size(), 100);
  for (const auto& drug : bundle.drug()) {
    const std::string path =
        absl::StrCat("drugs/", site::IdToFileStem(drug.id()), ".html");
    EXPECT_THAT(Page(site, path),
                HasSubstr(absl::StrCat("<h1 id=\"drug-name\">",
                                       site::EscapeHtml(drug.name()), "</h1>")));
  }
  for (const auto& drug_class : bundle.drug_class()) {
    EXPECT_TRUE(site.count(absl::StrCat(
        "classes/", site::IdToFileStem(drug_class.id()), ".html")))
        << drug_class.id();
  }
  for (const auto& condition : bundle.condition()) {
    EXPECT_TRUE(site.count(absl::StrCat(
        "conditions/", site::IdToFileStem(condition.id()), ".html")))
        << condition.id();
  }
  for (const char* path : {"index.html", "citations.html", "changes.html",
                           "site.css", "search.js", "search-index.js"}) {
    EXPECT_TRUE(site.count(path)) << path;
  }
  EXPECT_EQ(site.at("index.html").content_type, "text/html; charset=utf-8");
  EXPECT_EQ(site.at("site.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(site.at("search.js").content_type,
            "text/javascript; charset=utf-8");
}

TEST(KnowledgeSiteTest, IndexGivesVersionCountsAndSearch) {
  const auto& bundle = testing::BundledKnowledge()->bundle();
  const std::string& index = Page(BundledSite(), "index.html");
  EXPECT_THAT(index, HasSubstr(absl::StrCat(
                         "<span id=\"count-drugs\">", bundle.drug_size())));
  EXPECT_THAT(index, HasSubstr(absl::StrCat("<span id=\"count-citations\">",
                                            bundle.citation_size())));
  EXPECT_THAT(index, HasSubstr(testing::BundledKnowledge()->version()));
  EXPECT_THAT(index, HasSubstr("<input id=\"search\""));
  EXPECT_THAT(index, HasSubstr("The clinical model in brief"));
  EXPECT_THAT(Page(BundledSite(), "search-index.js"),
              HasSubstr("[\"Haldol\",\"brand\",\"haloperidol\",\"drugs/"
                        "haloperidol.html\"]"));
}

TEST(KnowledgeSiteTest, DrugPageShowsTiersPerRouteAndCitations) {
  const std::string& page = Page(BundledSite(), "drugs/haloperidol.html");
  EXPECT_THAT(page, HasSubstr("<table id=\"tiers\">"));
  EXPECT_THAT(page, HasSubstr("<td>default (every route)</td><td>acute "
                              "dystonia</td><td><span class=\"level "
                              "level-HIGH\">HIGH</span>"));
  EXPECT_THAT(page, HasSubstr("<td>intramuscular</td><td>acute dystonia</td>"));
  EXPECT_THAT(page, HasSubstr("<td>intravenous</td>"));
  EXPECT_THAT(page, HasSubstr("Haldol"));
  EXPECT_THAT(page, HasSubstr("<code>5093</code>"));  // its RxCUI
  // ... with the public source it was verified in, from its knowledge line.
  EXPECT_THAT(page, HasSubstr("<code>5093</code></td><td></td><td><span "
                              "class=\"verified-in\">cpicpgx/cpic-schema "
                              "drug.sql"));
  EXPECT_THAT(page, HasSubstr("id=\"c-label-haloperidol-us\""));
  EXPECT_THAT(page, HasSubstr("<a class=\"source\""));
  EXPECT_THAT(page, HasSubstr("../citations.html#c-label-haloperidol-us"));
}

// A pharmacist sees a drug's metabolizer-phenotype statements beside its
// other cautions, a contraindication said as one.
TEST(KnowledgeSiteTest, DrugPageShowsItsPhenotypeStatements) {
  const std::string& thioridazine =
      Page(BundledSite(), "drugs/thioridazine.html");
  EXPECT_THAT(thioridazine,
              HasSubstr("<strong>Contraindicated</strong> in a CYP2D6 poor "
                        "metabolizer"));
  const std::string& aripiprazole =
      Page(BundledSite(), "drugs/aripiprazole.html");
  EXPECT_THAT(aripiprazole,
              HasSubstr("Caution in a CYP2D6 poor metabolizer, whose exposure "
                        "it raises"));
  EXPECT_THAT(aripiprazole,
              HasSubstr("Caution in a CYP2D6 poor metabolizer with "));
}

TEST(KnowledgeSiteTest, EveryCodeOnItsPageSaysWhereItWasVerified) {
  for (const v1::Drug& drug : testing::BundledKnowledge()->bundle().drug()) {
    const std::string& page =
        Page(BundledSite(), absl::StrCat("drugs/", drug.id(), ".html"));
    EXPECT_THAT(page, Not(HasSubstr("<em>not recorded</em>"))) << drug.id();
  }
  const std::string& condition =
      Page(BundledSite(), "conditions/parkinsons-disease.html");
  EXPECT_THAT(condition, HasSubstr("<th>Verified in</th>"));
  EXPECT_THAT(condition, Not(HasSubstr("<em>not recorded</em>")));
  // An openFDA query written as the source is a link to it.
  const std::string& ndc_drug = Page(BundledSite(), "drugs/haloperidol.html");
  EXPECT_THAT(ndc_drug,
              HasSubstr("<code>68382008001</code>"));  // an NDC of Haldol's
  EXPECT_THAT(ndc_drug, HasSubstr("openFDA NDC directory <a class=\"source\" "
                                  "href=\"https://api.fda.gov/drug/"
                                  "ndc.json?search=product_ndc%3A%2268382-"
                                  "080%22\">"));
}

TEST(KnowledgeSiteTest, CitationsPageLinksBackToTheClaims) {
  const std::string& page = Page(BundledSite(), "citations.html");
  EXPECT_THAT(page, HasSubstr("<a href=\"drugs/haloperidol.html\">haloperidol: "
                              "tardive liability</a>"));
}

TEST(KnowledgeSiteTest, ChangesPageWithAndWithoutAFragment) {
  EXPECT_THAT(Page(BundledSite(), "changes.html"),
              HasSubstr("There is no earlier version to compare"));
  KnowledgeSiteOptions options;
  options.changes_html = "<p id=\"diff\">haloperidol: acute HIGH</p>";
  const KnowledgeSite site =
      BuildKnowledgeSite(testing::BundledKnowledge()->bundle(),
                         testing::BundledKnowledge()->info(), options);
  EXPECT_THAT(Page(site, "changes.html"),
              HasSubstr("<p id=\"diff\">haloperidol: acute HIGH</p>"));
}

TEST(KnowledgeSiteTest, LinksStayInsideTheSiteExceptCitationSources) {
  for (const auto& [path, file] : BundledSite()) {
    if (!absl::EndsWith(path, ".html")) continue;
    for (const auto& reference : testing::HtmlReferences(file.bytes)) {
      if (absl::StrContains(reference.tag, "class=\"source\"")) {
        EXPECT_TRUE(absl::StartsWith(reference.value, "https://") ||
                    absl::StartsWith(reference.value, "http://"))
            << path << ": " << reference.value;
        continue;
      }
      EXPECT_FALSE(absl::StartsWith(reference.value, "/")) << path << ": "
                                                           << reference.value;
      EXPECT_FALSE(absl::StrContains(reference.value, ":")) << path << ": "
                                                            << reference.value;
    }
  }
}

TEST(KnowledgeSiteTest, HostileKnowledgeTextIsEscaped) {
  v1::KnowledgeBundle bundle = testing::BundledKnowledge()->bundle();
  v1::Drug* drug = bundle.add_drug();
  drug->set_id("../../etc/passwd");
  drug->set_name(kHostile);
  drug->add_brands(kHostile);
  drug->mutable_acute()->set_level(v1::RISK_LEVEL_HIGH);
  drug->mutable_acute()->set_note(kHostile);
  drug->mutable_acute()->add_citation_ids("hostile-citation");
  v1::ProductCode* product = drug->add_products();
  product->set_code("1");
  product->set_verified_in(absl::StrCat("javascript:alert(1) ", kHostile));
  v1::Citation* citation = bundle.add_citation();
  citation->set_id("hostile-citation");
  citation->set_title(kHostile);
  citation->set_url("javascript:alert(1)");
  const KnowledgeSite site =
      BuildKnowledgeSite(bundle, testing::BundledKnowledge()->info());

  const std::string path = "drugs/~2e~2e~2f~2e~2e~2fetc~2fpasswd.html";
  const std::string& page = Page(site, path);
  EXPECT_THAT(page, Not(HasSubstr("<script>document")));
  EXPECT_THAT(page, HasSubstr("&lt;script&gt;document.title=&#39;pwned&#39;"
                              "&lt;/script&gt;&amp;&quot;&#39;"));
  EXPECT_THAT(page, Not(HasSubstr("href=\"javascript:")));
  EXPECT_THAT(Page(site, "citations.html"),
              Not(HasSubstr("href=\"javascript:")));
  EXPECT_THAT(Page(site, "index.html"), Not(HasSubstr("<script>document")));
  EXPECT_THAT(Page(site, "search-index.js"), Not(HasSubstr("</script>")));
  for (const auto& [name, file] : site) {
    EXPECT_FALSE(absl::StrContains(name, "..")) << name;
  }
}

TEST(KnowledgeSiteTest, WritesTheSiteToADirectory) {
  const std::string dir = testing::NewTempDir("knowledge-site-write");
  ASSERT_TRUE(WriteKnowledgeSite(BundledSite(), dir + "/site").ok());
  EXPECT_TRUE(std::filesystem::exists(dir + "/site/drugs/haloperidol.html"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/site/index.html"));
  KnowledgeSite escaping;
  escaping["../outside.html"] = SiteFile{"text/html", "x"};
  absl::Status refused = WriteKnowledgeSite(escaping, dir + "/site");
  EXPECT_TRUE(absl::IsInvalidArgument(refused)) << refused;
  EXPECT_THAT(std::string(refused.message()), HasSubstr("../outside.html"));
}

TEST(HtmlEscapeTest, OnlyHttpUrlsBecomeHrefs) {
  EXPECT_EQ(site::SafeHttpHref("https://dailymed.nlm.nih.gov/x?a=1&b=2"),
            "https://dailymed.nlm.nih.gov/x?a=1&amp;b=2");
  EXPECT_EQ(site::SafeHttpHref("HTTP://example.org/"), "HTTP://example.org/");
  EXPECT_EQ(site::SafeHttpHref("javascript:alert(1)"), "");
  EXPECT_EQ(site::SafeHttpHref("data:text/html,x"), "");
  EXPECT_EQ(site::SafeHttpHref("/relative"), "");
  EXPECT_EQ(site::SafeHttpHref("https://a b"), "");
  EXPECT_EQ(site::JsStringLiteral("</script>\"\\\n"),
            "\"\\u003c/script\\u003e\\\"\\\\\\u000a\"");
}

}  // namespace
}  // namespace dystonia
