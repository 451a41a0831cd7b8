#include "drug_db/name_index.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/drug_db/minimal_knowledge.h"

namespace dystonia {
namespace {

using ::dystonia::drug_db_testing::MinimalBundle;
using ::testing::ElementsAre;

using NameIndex = std::vector<std::pair<std::string, v1::NameIndexEntry>>;

std::vector<std::string> Keys(const NameIndex& index) {
  std::vector<std::string> keys;
  for (const auto& [key, entry] : index) keys.push_back(key);
  return keys;
}

const v1::NameIndexEntry* Find(const NameIndex& index, const std::string& key) {
  for (const auto& [k, entry] : index) {
    if (k == key) return &entry;
  }
  return nullptr;
}

TEST(NameIndexTest, IndexesNamesBrandsAndCodesInKeyOrder) {
  const v1::KnowledgeBundle bundle = MinimalBundle();

  const NameIndex index = BuildNameIndex(bundle);

  EXPECT_THAT(Keys(index),
              ElementsAre("alphax", "alphax depot", "alphazine",
                          "alphazine lactate", "atc:A03FA01", "atc:N05AD01",
                          "betax", "betazol", "rxcui:1111", "rxcui:2222"));
}

TEST(NameIndexTest, EntriesSayWhichDrugAndWhatKind) {
  const v1::KnowledgeBundle bundle = MinimalBundle();

  const NameIndex index = BuildNameIndex(bundle);

  const v1::NameIndexEntry* brand = Find(index, "alphax depot");
  ASSERT_NE(brand, nullptr);
  EXPECT_EQ(brand->drug_id(), "alphazine");
  EXPECT_EQ(brand->kind(), v1::NameIndexEntry::BRAND);
  EXPECT_EQ(brand->display(), "Alphax Depot");
  const v1::NameIndexEntry* synonym = Find(index, "alphazine lactate");
  ASSERT_NE(synonym, nullptr);
  EXPECT_EQ(synonym->kind(), v1::NameIndexEntry::SYNONYM);
  const v1::NameIndexEntry* rxcui = Find(index, "rxcui:2222");
  ASSERT_NE(rxcui, nullptr);
  EXPECT_EQ(rxcui->drug_id(), "betazol");
  EXPECT_EQ(rxcui->kind(), v1::NameIndexEntry::RXCUI);
  const v1::NameIndexEntry* atc = Find(index, "atc:N05AD01");
  ASSERT_NE(atc, nullptr);
  EXPECT_EQ(atc->kind(), v1::NameIndexEntry::ATC_CODE);
}

TEST(NameIndexTest, KeyWrittenTwiceByOneDrugIsIndexedOnceAsItsName) {
  v1::KnowledgeBundle bundle = MinimalBundle();
  bundle.mutable_drug(0)->add_synonyms("ALPHAZINE");

  const NameIndex index = BuildNameIndex(bundle);

  const std::vector<std::string> keys = Keys(index);
  EXPECT_EQ(std::count(keys.begin(), keys.end(), "alphazine"), 1);
  const v1::NameIndexEntry* entry = Find(index, "alphazine");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->kind(), v1::NameIndexEntry::NAME);
  EXPECT_EQ(entry->display(), "alphazine");
}

TEST(NameIndexTest, NameThatFoldsToNothingIsSkipped) {
  v1::KnowledgeBundle bundle = MinimalBundle();
  bundle.mutable_drug(1)->add_brands("--");

  const NameIndex index = BuildNameIndex(bundle);

  EXPECT_EQ(Find(index, ""), nullptr);
  EXPECT_EQ(index.size(), 10u);
}

}  // namespace
}  // namespace dystonia
