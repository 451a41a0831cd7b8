// The primary-source rule for citations, on citations made here.
#include "drug_db/citation_sources.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dystonia {
namespace {

using ::testing::HasSubstr;

v1::Citation UsLabel() {
  v1::Citation citation;
  citation.set_id("label-haloperidol-us");
  citation.set_kind(v1::Citation::LABEL);
  citation.set_set_id("1a0e38cb-fd9f-4962-9f81-5c0023ca6b4c");
  citation.set_url(
      "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid="
      "1a0e38cb-fd9f-4962-9f81-5c0023ca6b4c");
  return citation;
}

v1::Citation Paper() {
  v1::Citation citation;
  citation.set_id("leucht-2013-lancet");
  citation.set_kind(v1::Citation::LITERATURE);
  citation.set_doi("10.1016/S0140-6736(13)60733-3");
  citation.set_url("https://doi.org/10.1016/S0140-6736(13)60733-3");
  return citation;
}

std::string Why(const v1::Citation& citation) {
  return std::string(CheckPrimarySource(citation).message());
}

TEST(CitationSourcesTest, OfficialLabelsAndIndexedPapersPass) {
  EXPECT_TRUE(CheckPrimarySource(UsLabel()).ok()) << Why(UsLabel());
  EXPECT_TRUE(CheckPrimarySource(Paper()).ok()) << Why(Paper());
  v1::Citation uk = UsLabel();
  uk.clear_set_id();
  uk.set_regulator_document("PL 00101/0423");
  uk.set_url("https://www.medicines.org.uk/emc/product/1234/smpc");
  EXPECT_TRUE(CheckPrimarySource(uk).ok()) << Why(uk);
  v1::Citation pubmed = Paper();
  pubmed.clear_doi();
  pubmed.set_pmid("23810019");
  pubmed.set_url("https://pubmed.ncbi.nlm.nih.gov/23810019/");
  EXPECT_TRUE(CheckPrimarySource(pubmed).ok()) << Why(pubmed);
}

TEST(CitationSourcesTest, AMirrorIsNotASource) {
  v1::Citation mirror = UsLabel();
  mirror.set_url("https://www.drugs.com/pro/haloperidol.html");
  EXPECT_THAT(Why(mirror), HasSubstr("www.drugs.com is not an official"));
  v1::Citation copy = Paper();
  copy.set_url("https://docslib.org/doc/123");
  EXPECT_THAT(Why(copy), HasSubstr("docslib.org"));
  v1::Citation plain = Paper();
  plain.set_url("http://doi.org/10.1016/S0140-6736(13)60733-3");
  EXPECT_THAT(Why(plain), HasSubstr("https"));
}

TEST(CitationSourcesTest, ALabelNeedsItsIdentityAndAPaperItsIndex) {
  v1::Citation anonymous = UsLabel();
  anonymous.clear_set_id();
  EXPECT_THAT(Why(anonymous), HasSubstr("set_id or regulator_document"));
  v1::Citation other_label = UsLabel();
  other_label.set_set_id("00000000-0000-0000-0000-000000000000");
  EXPECT_THAT(Why(other_label), HasSubstr("names the label's set_id"));
  v1::Citation not_uuid = UsLabel();
  not_uuid.set_set_id("haloperidol");
  EXPECT_THAT(Why(not_uuid), HasSubstr("UUID"));
  v1::Citation unindexed = Paper();
  unindexed.clear_doi();
  EXPECT_THAT(Why(unindexed), HasSubstr("doi.org link"));
  unindexed.set_url("https://pubmed.ncbi.nlm.nih.gov/");
  EXPECT_THAT(Why(unindexed), HasSubstr("doi or pmid"));
}

TEST(CitationSourcesTest, EveryTrustedHostSaysWhoseItIs) {
  for (v1::Citation::Kind kind :
       {v1::Citation::LABEL, v1::Citation::LITERATURE, v1::Citation::GUIDELINE,
        v1::Citation::REGULATORY, v1::Citation::REFERENCE}) {
    ASSERT_FALSE(TrustedHosts(kind).empty()) << kind;
    for (const TrustedHost& host : TrustedHosts(kind)) {
      EXPECT_FALSE(host.whose.empty()) << host.host;
      EXPECT_EQ(UrlHost(absl::StrCat("https://", host.host, "/x")), host.host);
    }
  }
}

}  // namespace
}  // namespace dystonia
