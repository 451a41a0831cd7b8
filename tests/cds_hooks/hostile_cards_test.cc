// Hostile text in the knowledge base and in the request never reaches a
// card as markup. The knowledge is the bundled base with haloperidol's
// notes and first citation rewritten by an attacker (as in a database
// written before the validator refused markup: the validator is not run
// here); the orders are judged by the real engine and the cards recorded in
// a real RocksDB store.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "drug_db/drug_store.h"
#include "drug_db/knowledge_holder.h"
#include "drug_db/knowledge_import.h"
#include "drug_db/knowledge_snapshot.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/cds_hooks/cds_hooks.h"
#include "service/cds_hooks/discovery.h"
#include "service/cds_hooks/json_value.h"
#include "service/engine/request_validator.h"
#include "tests/testing/cds_hooks_requests.h"
#include "tests/testing/knowledge_fixture.h"

namespace dystonia::cds_hooks {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kImage[] = "<img src=x onerror=alert(1)>";
constexpr char kScriptLink[] = "[click](javascript:alert(1))";
constexpr char kRemoteImage[] = "![](https://evil/x.png)";
// The same, as the cards must show them.
constexpr char kEscapedImage[] = "&lt;img src=x onerror=alert(1)&gt;";
constexpr char kEscapedScriptLink[] = "\\[click\\](javascript:alert(1))";
constexpr char kEscapedRemoteImage[] = "!\\[\\](https://evil/x.png)";

std::string Hostile() {
  return absl::StrCat("Watch for ", kImage, " ", kScriptLink, " ",
                      kRemoteImage);
}

void MakeHostile(v1::Liability* liability) {
  if (liability->level() != v1::RISK_LEVEL_UNSPECIFIED)
    liability->set_note(Hostile());
}

// The bundled knowledge base with every haloperidol note hostile and its
// acute liability's first citation titled with markup and addressed to a
// script.
v1::KnowledgeBundle HostileKnowledge() {
  absl::StatusOr<v1::KnowledgeBundle> bundle =
      ReadAndValidateKnowledgeDirectory(testing::BundledKnowledgeDir());
  EXPECT_TRUE(bundle.ok()) << bundle.status();
  if (!bundle.ok()) return v1::KnowledgeBundle();
  std::string citation_id;
  for (v1::Drug& drug : *bundle->mutable_drug()) {
    if (drug.id() != "haloperidol") continue;
    MakeHostile(drug.mutable_acute());
    MakeHostile(drug.mutable_tardive());
    for (v1::RouteLiability& route : *drug.mutable_route_liabilities()) {
      MakeHostile(route.mutable_acute());
      MakeHostile(route.mutable_tardive());
    }
    if (!drug.acute().citation_ids().empty())
      citation_id = drug.acute().citation_ids(0);
  }
  EXPECT_FALSE(citation_id.empty());
  for (v1::Citation& citation : *bundle->mutable_citation()) {
    if (citation.id() != citation_id) continue;
    citation.set_title(absl::StrCat("Label ", kImage, kRemoteImage));
    citation.set_url("javascript:alert(1)");
  }
  return *bundle;
}

// An order-sign request for a 19-year-old man: IM haloperidol and an order
// whose medication text is hostile (so it is not recognized).
std::string Request() {
  const std::string hostile_name =
      json::Value(Hostile()).dump();  // a JSON string literal
  return testing::HaloperidolImOrderSign(absl::StrCat(
      R"({"resource":{"resourceType":"MedicationRequest","id":"m2","status":"draft",)"
      R"("intent":"order","medicationCodeableConcept":{"text":)",
      hostile_name, "}}}"));
}

class HostileCardsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = DrugStore::Open(testing::NewTempDir("hostile-cards-db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    knowledge_.Set(KnowledgeSnapshot::FromBundle(HostileKnowledge()));
  }

  json::Value Cards() {
    CdsHooksService service(&knowledge_, store_.get());
    absl::StatusOr<json::Value> cards =
        service.Hook(kOrderSignService, Request());
    EXPECT_TRUE(cards.ok()) << cards.status();
    return cards.ok() ? (*cards)["cards"] : json::Value::array();
  }

  KnowledgeHolder knowledge_;
  std::unique_ptr<DrugStore> store_;
};

// Every string in `value`, recursively.
void CollectStrings(const json::Value& value, std::vector<std::string>* out) {
  if (value.is_string()) {
    out->push_back(value.get<std::string>());
  } else if (value.is_structured()) {
    for (const json::Value& item : value) CollectStrings(item, out);
  }
}

TEST_F(HostileCardsTest, NoCardHoldsTheMarkupUnescaped) {
  const json::Value cards = Cards();

  ASSERT_GE(cards.size(), 3u) << cards.dump();
  std::vector<std::string> texts;
  CollectStrings(cards, &texts);
  for (const std::string& text : texts) {
    // No tag can open, and every bracket is escaped: no link, no image.
    EXPECT_THAT(text, Not(HasSubstr("<"))) << text;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '[' || text[i] == ']') {
        EXPECT_TRUE(i > 0 && text[i - 1] == '\\') << text;
      }
    }
    EXPECT_THAT(text, Not(HasSubstr(kScriptLink)));
    EXPECT_THAT(text, Not(HasSubstr(kRemoteImage)));
  }
}

TEST_F(HostileCardsTest, KnowledgeNoteIsShownEscapedInTheDetail) {
  const json::Value cards = Cards();

  bool found = false;
  for (const json::Value& card : cards) {
    const std::string detail = card.value("detail", "");
    if (!absl::StrContains(detail, "Watch for")) continue;
    found = true;
    EXPECT_THAT(detail, HasSubstr(absl::StrCat(
                            "Watch for ", kEscapedImage, " ",
                            kEscapedScriptLink, " ", kEscapedRemoteImage)));
  }
  EXPECT_TRUE(found) << cards.dump();
}

TEST_F(HostileCardsTest, CitationTitleIsEscapedAndItsScriptUrlIsNoLink) {
  const json::Value cards = Cards();

  bool titled = false;
  for (const json::Value& card : cards) {
    if (absl::StrContains(card.value("detail", ""),
                          absl::StrCat("Label ", kEscapedImage,
                                       kEscapedRemoteImage))) {
      titled = true;
    }
    for (const json::Value& link : card.value("links", json::Value::array())) {
      const std::string url = link.value("url", "");
      EXPECT_TRUE(absl::StartsWith(url, "https://") ||
                  absl::StartsWith(url, "http://"))
          << url;
    }
  }
  EXPECT_TRUE(titled) << cards.dump();
}

TEST_F(HostileCardsTest, UnrecognizedMedicationNameIsEscaped) {
  const json::Value cards = Cards();

  bool found = false;
  for (const json::Value& card : cards) {
    const std::string summary = card.value("summary", "");
    if (!absl::StartsWith(summary, "Not checked")) continue;
    found = true;
    EXPECT_THAT(card.value("detail", ""),
                HasSubstr(absl::StrCat("Watch for ", kEscapedImage, " ",
                                       kEscapedScriptLink, " ",
                                       kEscapedRemoteImage)));
    // The summary is cut under 140 characters on an escape's boundary.
    EXPECT_THAT(summary, HasSubstr(kEscapedImage));
    EXPECT_LT(CountCodePoints(summary), 140);
  }
  EXPECT_TRUE(found) << cards.dump();
}

}  // namespace
}  // namespace dystonia::cds_hooks
