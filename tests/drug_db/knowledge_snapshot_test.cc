#include "drug_db/knowledge_snapshot.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "drug_db/drug_store.h"
#include "drug_db/knowledge_import.h"
#include "drug_db/name_normalizer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/drug_db/minimal_knowledge.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::drug_db_testing::BundledKnowledgeDir;
using ::dystonia::drug_db_testing::MinimalBundle;
using ::dystonia::drug_db_testing::MinimalBundleText;
using ::dystonia::drug_db_testing::NewTempDir;
using ::dystonia::drug_db_testing::ParseBundle;
using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// The bundled knowledge base, read and indexed once for the whole binary.
std::shared_ptr<const KnowledgeSnapshot> Bundled() {
  static const std::shared_ptr<const KnowledgeSnapshot> snapshot = [] {
    absl::StatusOr<v1::KnowledgeBundle> bundle =
        ReadAndValidateKnowledgeDirectory(BundledKnowledgeDir());
    EXPECT_THAT(bundle, IsOk());
    return KnowledgeSnapshot::FromBundle(bundle.ok() ? *bundle
                                                     : v1::KnowledgeBundle());
  }();
  return snapshot;
}

// Returns the ids of the drugs at `indexes` of `snapshot`.
std::vector<std::string> DrugIds(const KnowledgeSnapshot& snapshot,
                                 const std::vector<int>& indexes) {
  std::vector<std::string> ids;
  for (int index : indexes) ids.push_back(snapshot.drugs()[index].drug->id());
  return ids;
}

// Returns the ids of the modifiers at `indexes` of `snapshot`.
std::vector<std::string> ModifierIds(const KnowledgeSnapshot& snapshot,
                                     const std::vector<int>& indexes) {
  std::vector<std::string> ids;
  for (int index : indexes) ids.push_back(snapshot.modifier(index).id());
  return ids;
}

// The minimal bundle with rules of every scope: a class, one drug, everyone.
v1::KnowledgeBundle BundleWithRules() {
  return ParseBundle(MinimalBundleText() + R"txt(
modifier {
  id: "fga-parenteral"
  syndrome: SYNDROME_ACUTE_DYSTONIA
  kind: CONTEXT
  scope { class_ids: "fga" }
  condition { routes: ROUTE_INTRAMUSCULAR }
  steps: 1
  factor: "parenteral first-generation antipsychotic"
  citation_ids: "label-alphazine"
}
modifier {
  id: "betazol-long-term"
  syndrome: SYNDROME_TARDIVE
  kind: CONTEXT
  scope { drug_ids: "betazol" }
  condition { min_days_on_therapy: 90 }
  steps: 1
  factor: "long-term use"
  citation_ids: "label-alphazine"
}
modifier {
  id: "young-male"
  syndrome: SYNDROME_ACUTE_DYSTONIA
  kind: PATIENT
  condition { sex: SEX_MALE max_age_years: 30 }
  steps: 1
  factor: "young males"
  citation_ids: "label-alphazine"
}
interaction {
  id: "betazol-raises-alphazine"
  substrate { drug_ids: "alphazine" }
  perpetrator { drug_ids: "betazol" }
  mechanism: "CYP2D6"
  level: RISK_LEVEL_MODERATE
  advice: "halve the alphazine dose"
  citation_ids: "label-alphazine"
}
recommendation {
  id: "tardive-monitoring"
  syndrome: SYNDROME_TARDIVE
  min_level: RISK_LEVEL_LOW
  scope { class_ids: "fga" }
  text: "examine for abnormal movements"
  citation_ids: "label-alphazine"
}
)txt");
}

TEST(KnowledgeSnapshotTest, FromBundleVersionIsManifestPlusZero) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot =
      KnowledgeSnapshot::FromBundle(MinimalBundle("7.1"));

  EXPECT_EQ(snapshot->version(), "7.1+0");
}

TEST(KnowledgeSnapshotTest, FindsANormalizedBrand) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot = Bundled();

  const NameHit* hit = snapshot->FindName(NormalizeName("HALDOL"));

  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(snapshot->drugs()[hit->drug].drug->id(), "haloperidol");
  EXPECT_EQ(hit->kind, v1::NameIndexEntry::BRAND);
  EXPECT_EQ(hit->display, "Haldol");
}

TEST(KnowledgeSnapshotTest, FindsADepotFormWithItsRoute) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot = Bundled();

  const NameHit* hit = snapshot->FindName(NormalizeName("HALDOL decanoate"));

  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(snapshot->drugs()[hit->drug].drug->id(), "haloperidol");
  EXPECT_EQ(hit->kind, v1::NameIndexEntry::FORM);
  EXPECT_EQ(hit->display, "Haldol Decanoate");
  EXPECT_EQ(hit->route, v1::ROUTE_LONG_ACTING_INJECTABLE);
}

TEST(KnowledgeSnapshotTest, FindsAGenericNameAndASynonym) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot = Bundled();

  const NameHit* name = snapshot->FindName("haloperidol");
  const NameHit* synonym = snapshot->FindName("haloperidol lactate");

  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->kind, v1::NameIndexEntry::NAME);
  ASSERT_NE(synonym, nullptr);
  EXPECT_EQ(synonym->kind, v1::NameIndexEntry::SYNONYM);
  EXPECT_EQ(synonym->drug, name->drug);
}

TEST(KnowledgeSnapshotTest, UnknownNameIsNotFound) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot = Bundled();

  const NameHit* hit = snapshot->FindName("no such drug");

  EXPECT_EQ(hit, nullptr);
}

TEST(KnowledgeSnapshotTest, FindsAnRxcui) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot = Bundled();

  const NameHit* hit = snapshot->FindRxcui("5093");

  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(snapshot->drugs()[hit->drug].drug->id(), "haloperidol");
  EXPECT_EQ(hit->kind, v1::NameIndexEntry::RXCUI);
}

TEST(KnowledgeSnapshotTest, FindsAnAtcCode) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot = Bundled();

  const NameHit* hit = snapshot->FindAtcCode("N05AD01");

  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(snapshot->drugs()[hit->drug].drug->id(), "haloperidol");
  EXPECT_EQ(hit->kind, v1::NameIndexEntry::ATC_CODE);
}

TEST(KnowledgeSnapshotTest, CodesAreNotNames) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot = Bundled();

  const NameHit* rxcui_as_name = snapshot->FindName("5093");
  const NameHit* prefixed_key = snapshot->FindName("rxcui:5093");
  const NameHit* name_as_code = snapshot->FindAtcCode("haloperidol");

  EXPECT_EQ(rxcui_as_name, nullptr);
  EXPECT_EQ(prefixed_key, nullptr);
  EXPECT_EQ(name_as_code, nullptr);
}

TEST(KnowledgeSnapshotTest, SortedNamesAreSortedAndHoldOnlyNames) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot = Bundled();

  const auto& names = snapshot->sorted_names();

  ASSERT_FALSE(names.empty());
  EXPECT_TRUE(std::is_sorted(
      names.begin(), names.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; }));
  for (const auto& [key, hit] : names) {
    EXPECT_NE(hit.kind, v1::NameIndexEntry::RXCUI) << key;
    EXPECT_NE(hit.kind, v1::NameIndexEntry::ATC_CODE) << key;
    EXPECT_EQ(key, NormalizeName(key));
  }
}

TEST(KnowledgeSnapshotTest, HaloperidolIsADopamineBlockingAntipsychotic) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot = Bundled();

  const int index = snapshot->FindDrug("haloperidol");

  ASSERT_GE(index, 0);
  const DrugEntry& entry = snapshot->drugs()[index];
  EXPECT_TRUE(entry.dopamine_blocker);
  EXPECT_TRUE(entry.antipsychotic);
  EXPECT_FALSE(entry.anticholinergic_prophylaxis);
  EXPECT_FALSE(entry.classes.empty());
}

TEST(KnowledgeSnapshotTest, BenztropineIsAnticholinergicProphylaxis) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot = Bundled();

  const int index = snapshot->FindDrug("benztropine");

  ASSERT_GE(index, 0);
  const DrugEntry& entry = snapshot->drugs()[index];
  EXPECT_TRUE(entry.anticholinergic_prophylaxis);
  EXPECT_FALSE(entry.dopamine_blocker);
  EXPECT_FALSE(entry.antipsychotic);
}

TEST(KnowledgeSnapshotTest, OlanzapineFluoxetineHasTwoIngredients) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot = Bundled();

  const int index = snapshot->FindDrug("olanzapine-fluoxetine");

  ASSERT_GE(index, 0);
  EXPECT_THAT(DrugIds(*snapshot, snapshot->drugs()[index].ingredients),
              UnorderedElementsAre("olanzapine", "fluoxetine"));
}

TEST(KnowledgeSnapshotTest, UnknownDrugIdIsMinusOne) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot = Bundled();

  const int index = snapshot->FindDrug("no-such-drug");

  EXPECT_EQ(index, -1);
}

TEST(KnowledgeSnapshotTest, FindsCitationsAndClasses) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot =
      KnowledgeSnapshot::FromBundle(MinimalBundle());

  const v1::Citation* citation = snapshot->FindCitation("label-alphazine");
  const v1::DrugClass* drug_class = snapshot->FindClass("fga");

  ASSERT_NE(citation, nullptr);
  EXPECT_EQ(citation->title(), "Alphazine prescribing information");
  ASSERT_NE(drug_class, nullptr);
  EXPECT_EQ(drug_class->name(), "first-generation antipsychotic");
  EXPECT_EQ(snapshot->FindCitation("no-such-citation"), nullptr);
  EXPECT_EQ(snapshot->FindClass("no-such-class"), nullptr);
}

TEST(KnowledgeSnapshotTest, ModifiersInScopeAreResolvedPerSyndrome) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot =
      KnowledgeSnapshot::FromBundle(BundleWithRules());

  const DrugEntry& alphazine =
      snapshot->drugs()[snapshot->FindDrug("alphazine")];
  const DrugEntry& betazol = snapshot->drugs()[snapshot->FindDrug("betazol")];

  EXPECT_THAT(ModifierIds(*snapshot, alphazine.modifiers[kAcute]),
              ElementsAre("fga-parenteral", "young-male"));
  EXPECT_THAT(alphazine.modifiers[kTardive], IsEmpty());
  EXPECT_THAT(ModifierIds(*snapshot, betazol.modifiers[kAcute]),
              ElementsAre("young-male"));
  EXPECT_THAT(ModifierIds(*snapshot, betazol.modifiers[kTardive]),
              ElementsAre("betazol-long-term"));
}

TEST(KnowledgeSnapshotTest, RecommendationsInScopeAreResolvedPerSyndrome) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot =
      KnowledgeSnapshot::FromBundle(BundleWithRules());

  const DrugEntry& alphazine =
      snapshot->drugs()[snapshot->FindDrug("alphazine")];
  const DrugEntry& betazol = snapshot->drugs()[snapshot->FindDrug("betazol")];

  EXPECT_THAT(alphazine.recommendations[kTardive], ElementsAre(0));
  EXPECT_THAT(alphazine.recommendations[kAcute], IsEmpty());
  EXPECT_THAT(betazol.recommendations[kTardive], IsEmpty());
}

TEST(KnowledgeSnapshotTest, InteractionsKnowSubstrateAndPerpetrator) {
  std::shared_ptr<const KnowledgeSnapshot> snapshot =
      KnowledgeSnapshot::FromBundle(BundleWithRules());

  const DrugEntry& alphazine =
      snapshot->drugs()[snapshot->FindDrug("alphazine")];
  const DrugEntry& betazol = snapshot->drugs()[snapshot->FindDrug("betazol")];

  EXPECT_THAT(alphazine.substrate_of, ElementsAre(0));
  EXPECT_THAT(alphazine.perpetrator_of, IsEmpty());
  EXPECT_THAT(betazol.substrate_of, IsEmpty());
  EXPECT_THAT(betazol.perpetrator_of, ElementsAre(0));
}

TEST(KnowledgeSnapshotTest, UnknownReferencesAreSkipped) {
  v1::KnowledgeBundle bundle = MinimalBundle();
  bundle.mutable_drug(0)->add_class_ids("no-such-class");
  bundle.mutable_drug(1)->add_ingredient_ids("no-such-drug");

  std::shared_ptr<const KnowledgeSnapshot> snapshot =
      KnowledgeSnapshot::FromBundle(bundle);

  const DrugEntry& alphazine =
      snapshot->drugs()[snapshot->FindDrug("alphazine")];
  const DrugEntry& betazol = snapshot->drugs()[snapshot->FindDrug("betazol")];
  ASSERT_EQ(alphazine.classes.size(), 1u);
  EXPECT_EQ(alphazine.classes[0]->id(), "fga");
  EXPECT_THAT(betazol.ingredients, IsEmpty());
}

TEST(KnowledgeSnapshotTest, LoadReadsTheActiveVersionOfAStore) {
  absl::StatusOr<std::unique_ptr<DrugStore>> store =
      DrugStore::Open(NewTempDir("store"));
  ASSERT_THAT(store, IsOk());
  ASSERT_THAT((*store)->Import(MinimalBundle("1.0"), "test"), IsOk());

  absl::StatusOr<std::shared_ptr<const KnowledgeSnapshot>> snapshot =
      KnowledgeSnapshot::Load(**store);

  ASSERT_THAT(snapshot, IsOk());
  EXPECT_EQ((*snapshot)->version(), "1.0+1");
  EXPECT_EQ((*snapshot)->drugs().size(), 2u);
  const NameHit* brand = (*snapshot)->FindName(NormalizeName("Alphax Depot"));
  ASSERT_NE(brand, nullptr);
  EXPECT_EQ((*snapshot)->drugs()[brand->drug].drug->id(), "alphazine");
  const NameHit* rxcui = (*snapshot)->FindRxcui("2222");
  ASSERT_NE(rxcui, nullptr);
  EXPECT_EQ((*snapshot)->drugs()[rxcui->drug].drug->id(), "betazol");
  const NameHit* atc = (*snapshot)->FindAtcCode("A03FA01");
  ASSERT_NE(atc, nullptr);
  EXPECT_EQ((*snapshot)->drugs()[atc->drug].drug->id(), "betazol");
}

TEST(KnowledgeSnapshotTest, LoadOfAnEmptyStoreIsNotFound) {
  absl::StatusOr<std::unique_ptr<DrugStore>> store =
      DrugStore::Open(NewTempDir("store"));
  ASSERT_THAT(store, IsOk());

  absl::StatusOr<std::shared_ptr<const KnowledgeSnapshot>> snapshot =
      KnowledgeSnapshot::Load(**store);

  EXPECT_THAT(snapshot, StatusIs(absl::StatusCode::kNotFound));
}

TEST(KnowledgeSnapshotTest, LoadedAndUnstoredSnapshotsResolveAlike) {
  absl::StatusOr<std::unique_ptr<DrugStore>> store =
      DrugStore::Open(NewTempDir("store"));
  ASSERT_THAT(store, IsOk());
  ASSERT_THAT((*store)->Import(BundleWithRules(), "test"), IsOk());

  absl::StatusOr<std::shared_ptr<const KnowledgeSnapshot>> loaded =
      KnowledgeSnapshot::Load(**store);
  std::shared_ptr<const KnowledgeSnapshot> unstored =
      KnowledgeSnapshot::FromBundle(BundleWithRules());

  ASSERT_THAT(loaded, IsOk());
  ASSERT_EQ((*loaded)->sorted_names().size(), unstored->sorted_names().size());
  for (size_t i = 0; i < unstored->sorted_names().size(); ++i) {
    EXPECT_EQ((*loaded)->sorted_names()[i].first,
              unstored->sorted_names()[i].first);
  }
  const DrugEntry& alphazine =
      (*loaded)->drugs()[(*loaded)->FindDrug("alphazine")];
  EXPECT_THAT(ModifierIds(**loaded, alphazine.modifiers[kAcute]),
              ElementsAre("fga-parenteral", "young-male"));
}

}  // namespace
}  // namespace dystonia
