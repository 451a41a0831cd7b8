#include "drug_db/knowledge_admin.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "drug_db/drug_store.h"
#include "drug_db/knowledge_holder.h"
#include "drug_db/knowledge_snapshot.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/drug_db/minimal_knowledge.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::drug_db_testing::MinimalBundle;
using ::dystonia::drug_db_testing::MinimalBundleText;
using ::dystonia::drug_db_testing::NewTempDir;
using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr absl::string_view kActor = "pharmacist-token";
constexpr absl::string_view kReason = "test edit";

// The minimal bundle plus a combination of both drugs and a recommendation
// scoped to alphazine, so deletions have something to collide with.
v1::KnowledgeBundle BundleWithReferences() {
  v1::KnowledgeBundle bundle = MinimalBundle();
  v1::Drug* combination = bundle.add_drug();
  combination->set_id("gammax");
  combination->set_name("gammax");
  combination->add_ingredient_ids("betazol");
  combination->add_ingredient_ids("alphazine");
  v1::Recommendation* recommendation = bundle.add_recommendation();
  recommendation->set_id("rec.alphazine");
  recommendation->set_syndrome(v1::SYNDROME_ACUTE_DYSTONIA);
  recommendation->set_min_level(v1::RISK_LEVEL_HIGH);
  recommendation->mutable_scope()->add_drug_ids("alphazine");
  recommendation->set_text("Consider prophylaxis");
  recommendation->add_citation_ids("label-alphazine");
  return bundle;
}

v1::Drug Deltazine() {
  v1::Drug drug;
  drug.set_id("deltazine");
  drug.set_name("deltazine");
  drug.add_brands("Deltax");
  drug.add_class_ids("fga");
  drug.add_atc_codes("N05AB09");
  drug.mutable_acute()->set_level(v1::RISK_LEVEL_MODERATE);
  drug.mutable_acute()->add_citation_ids("label-alphazine");
  drug.mutable_tardive()->set_level(v1::RISK_LEVEL_NONE);
  return drug;
}

class KnowledgeAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = NewTempDir("admin");
    DrugStoreOptions options;
    options.clock = [this] { return now_; };
    absl::StatusOr<std::unique_ptr<DrugStore>> store =
        DrugStore::Open(path_, options);
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
    ASSERT_THAT(store_->Import(BundleWithReferences(), "test"), IsOk());
    auto serving = KnowledgeSnapshot::Load(*store_);
    ASSERT_THAT(serving, IsOk());
    holder_.Set(*serving);
    KnowledgeAdminOptions admin_options;
    admin_options.holder = &holder_;
    admin_ = std::make_unique<KnowledgeAdmin>(store_.get(), admin_options);
  }

  // Versions and audit entries, to show a failed write left both alone.
  std::pair<size_t, size_t> Counts() {
    auto versions = admin_->ListVersions();
    auto audit = admin_->ReadAuditLog(0, 0, 1000);
    EXPECT_THAT(versions, IsOk());
    EXPECT_THAT(audit, IsOk());
    return {versions.ok() ? versions->versions.size() : 0,
            audit.ok() ? audit->size() : 0};
  }

  int64_t now_ = 1000;
  std::string path_;
  std::unique_ptr<DrugStore> store_;
  KnowledgeHolder holder_;
  std::unique_ptr<KnowledgeAdmin> admin_;
};

TEST_F(KnowledgeAdminTest, UpsertNewDrugMakesVersionWithAuditEntry) {
  absl::StatusOr<AuditedWrite> written =
      admin_->UpsertDrug(Deltazine(), kActor, "new product");

  ASSERT_THAT(written, IsOk());
  EXPECT_EQ(written->version.sequence(), 2);
  EXPECT_EQ(written->version.version(), "1.0+2");
  EXPECT_EQ(written->audit.actor(), kActor);
  EXPECT_EQ(written->audit.action(), "upsert_drug");
  EXPECT_EQ(written->audit.target(), "deltazine");
  EXPECT_EQ(written->audit.previous_value(), "");
  EXPECT_EQ(written->audit.new_value(), ToText(Deltazine()));
  EXPECT_EQ(written->audit.version_before(), "1.0+1");
  EXPECT_EQ(written->audit.version_after(), "1.0+2");
  EXPECT_EQ(written->audit.reason(), "new product");
  EXPECT_EQ(written->audit.at_unix_seconds(), 1000);
  auto active = store_->ReadActive();
  ASSERT_THAT(active, IsOk());
  EXPECT_EQ(active->info.sequence(), 2);
  EXPECT_EQ(active->bundle.drug_size(), 4);
}

TEST_F(KnowledgeAdminTest, UpsertingAnIdenticalEntryChangesNothing) {
  ASSERT_THAT(admin_->UpsertDrug(Deltazine(), kActor, "new product"), IsOk());
  const auto counts = Counts();

  absl::StatusOr<AuditedWrite> again =
      admin_->UpsertDrug(Deltazine(), kActor, "same again");

  ASSERT_THAT(again, IsOk());
  EXPECT_TRUE(again->unchanged);
  EXPECT_EQ(again->version.version(), "1.0+2");  // the active one
  EXPECT_EQ(again->audit.sequence(), 0);         // none recorded
  EXPECT_EQ(Counts(), counts);
  // A real change after it is a version again.
  v1::Drug changed = Deltazine();
  changed.add_brands("Deltax Depot");
  absl::StatusOr<AuditedWrite> written =
      admin_->UpsertDrug(changed, kActor, "depot brand");
  ASSERT_THAT(written, IsOk());
  EXPECT_FALSE(written->unchanged);
  EXPECT_EQ(written->version.version(), "1.0+3");
}

TEST_F(KnowledgeAdminTest, UpsertExistingDrugRecordsPreviousAndNewValues) {
  v1::Drug changed = MinimalBundle().drug(0);
  ASSERT_EQ(changed.id(), "alphazine");
  const std::string previous = ToText(changed);
  changed.add_brands("Alphax Rapid");

  absl::StatusOr<AuditedWrite> written =
      admin_->UpsertDrug(changed, kActor, "new brand");

  ASSERT_THAT(written, IsOk());
  EXPECT_EQ(written->audit.previous_value(), previous);
  EXPECT_EQ(written->audit.new_value(), ToText(changed));
  auto log = admin_->ReadAuditLog(0, 0, 0);
  ASSERT_THAT(log, IsOk());
  ASSERT_EQ(log->size(), 2u);  // the import, then the upsert
  EXPECT_TRUE(MessageDifferencer::Equals(log->back(), written->audit));
  // The old version is kept unchanged.
  auto first = store_->ReadVersion(1);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->bundle.drug(0).brands_size(), 2);
}

TEST_F(KnowledgeAdminTest, WriteSwapsTheServingSnapshot) {
  std::shared_ptr<const KnowledgeSnapshot> before = holder_.Current();

  ASSERT_THAT(admin_->UpsertDrug(Deltazine(), kActor, kReason), IsOk());

  std::shared_ptr<const KnowledgeSnapshot> after = holder_.Current();
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(after->version(), "1.0+2");
  EXPECT_GE(after->FindDrug("deltazine"), 0);
  EXPECT_NE(after->FindName("deltax"), nullptr);
  // A request that took the old snapshot finishes on its version.
  EXPECT_EQ(before->version(), "1.0+1");
  EXPECT_LT(before->FindDrug("deltazine"), 0);
  // The swapped-in snapshot is what the store would load.
  auto loaded = KnowledgeSnapshot::Load(*store_);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_TRUE(MessageDifferencer::Equals((*loaded)->bundle(), after->bundle()));
  EXPECT_EQ((*loaded)->sorted_names().size(), after->sorted_names().size());
}

TEST_F(KnowledgeAdminTest, InvalidUpsertWritesNothing) {
  const auto counts = Counts();
  v1::Drug drug = Deltazine();
  drug.add_rxcuis("not-a-number");

  EXPECT_THAT(admin_->UpsertDrug(drug, kActor, kReason),
              StatusIs(absl::StatusCode::kInvalidArgument));

  EXPECT_EQ(Counts(), counts);
  auto active = store_->ActiveSequence();
  ASSERT_THAT(active, IsOk());
  EXPECT_EQ(*active, 1);
  EXPECT_EQ(holder_.Current()->version(), "1.0+1");
}

TEST_F(KnowledgeAdminTest, UpsertClaimingAnotherDrugsBrandIsInvalidArgument) {
  const auto counts = Counts();
  v1::Drug drug = Deltazine();
  drug.add_brands("Alphax");

  absl::StatusOr<AuditedWrite> written = admin_->UpsertDrug(drug, kActor, kReason);

  EXPECT_THAT(written, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(written.status().message()),
              HasSubstr("brand 'Alphax' of 'deltazine' is already a brand of "
                        "'alphazine'"));
  EXPECT_EQ(Counts(), counts);
}

// alphazine comes before betazol in the bundle: the stored owner (betazol)
// is still the one named, not the drug being upserted.
TEST_F(KnowledgeAdminTest, ReplacingADrugWithAnotherDrugsBrandNamesTheOwner) {
  v1::Drug drug;
  for (const v1::Drug& candidate : holder_.Current()->bundle().drug()) {
    if (candidate.id() == "alphazine") drug = candidate;
  }
  ASSERT_EQ(drug.id(), "alphazine");
  drug.add_brands("Betax");

  absl::StatusOr<AuditedWrite> written =
      admin_->UpsertDrug(drug, kActor, kReason);

  EXPECT_THAT(written, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(written.status().message()),
              HasSubstr("brand 'Betax' of 'alphazine' is already a brand of "
                        "'betazol'"));
}

TEST_F(KnowledgeAdminTest, DeleteUnreferencedDrugRecordsPreviousValue) {
  ASSERT_THAT(admin_->UpsertDrug(Deltazine(), kActor, kReason), IsOk());

  absl::StatusOr<AuditedWrite> written =
      admin_->DeleteDrug("deltazine", kActor, "withdrawn", DropGuard::kForce);

  ASSERT_THAT(written, IsOk());
  EXPECT_EQ(written->audit.action(), "delete_drug");
  EXPECT_EQ(written->audit.target(), "deltazine");
  EXPECT_EQ(written->audit.previous_value(), ToText(Deltazine()));
  EXPECT_EQ(written->audit.new_value(), "");
  EXPECT_EQ(written->version.sequence(), 3);
  auto active = store_->ReadActive();
  ASSERT_THAT(active, IsOk());
  EXPECT_TRUE(MessageDifferencer::Equals(active->bundle,
                                         store_->ReadVersion(1)->bundle));
}

TEST_F(KnowledgeAdminTest, DeleteCombinationIngredientIsRefused) {
  const auto counts = Counts();

  absl::StatusOr<AuditedWrite> written =
      admin_->DeleteDrug("betazol", kActor, kReason);

  EXPECT_THAT(written, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(written.status().message()),
              HasSubstr("combination 'gammax'"));
  EXPECT_EQ(Counts(), counts);
}

TEST_F(KnowledgeAdminTest, DeleteDrugInRecommendationScopeIsRefused) {
  absl::StatusOr<AuditedWrite> written =
      admin_->DeleteDrug("alphazine", kActor, kReason);

  EXPECT_THAT(written, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(written.status().message()),
              HasSubstr("recommendation 'rec.alphazine'"));
}

TEST_F(KnowledgeAdminTest, DeleteUnknownDrugIsNotFound) {
  const auto counts = Counts();

  EXPECT_THAT(admin_->DeleteDrug("omegazine", kActor, kReason),
              StatusIs(absl::StatusCode::kNotFound));

  EXPECT_EQ(Counts(), counts);
}

TEST_F(KnowledgeAdminTest, UpsertClassRecordsPreviousAndNewValues) {
  v1::DrugClass changed = MinimalBundle().drug_class(0);
  const std::string previous = ToText(changed);
  changed.set_description("typical antipsychotics");

  absl::StatusOr<AuditedWrite> written =
      admin_->UpsertClass(changed, kActor, "describe");

  ASSERT_THAT(written, IsOk());
  EXPECT_EQ(written->audit.action(), "upsert_class");
  EXPECT_EQ(written->audit.target(), "fga");
  EXPECT_EQ(written->audit.previous_value(), previous);
  EXPECT_EQ(written->audit.new_value(), ToText(changed));
  EXPECT_EQ(store_->ReadActive()->bundle.drug_class(0).description(),
            "typical antipsychotics");
}

TEST_F(KnowledgeAdminTest, UpsertClassThatStrandsMembersIsInvalidArgument) {
  const auto counts = Counts();
  v1::DrugClass changed = MinimalBundle().drug_class(0);
  changed.clear_atc_prefixes();
  changed.add_atc_prefixes("N06A");  // alphazine's N05AD01 is not under it

  EXPECT_THAT(admin_->UpsertClass(changed, kActor, kReason),
              StatusIs(absl::StatusCode::kInvalidArgument));

  EXPECT_EQ(Counts(), counts);
}

TEST_F(KnowledgeAdminTest, ImportTextReplacesTheKnowledgeBase) {
  absl::StatusOr<AuditedWrite> written =
      admin_->ImportText(MinimalBundleText("2.0"), kActor, "release 2.0",
                         DropGuard::kForce);  // drops the combination gammax

  ASSERT_THAT(written, IsOk());
  EXPECT_EQ(written->version.version(), "2.0+2");
  EXPECT_EQ(written->audit.action(), "import");
  EXPECT_EQ(written->audit.target(), "2.0+2");
  EXPECT_THAT(written->audit.previous_value(), HasSubstr("\"1.0\""));
  EXPECT_THAT(written->audit.new_value(), HasSubstr("\"2.0\""));
  auto active = store_->ReadActive();
  ASSERT_THAT(active, IsOk());
  EXPECT_TRUE(MessageDifferencer::Equals(active->bundle, MinimalBundle("2.0")));
  EXPECT_EQ(holder_.Current()->version(), "2.0+2");
}

TEST_F(KnowledgeAdminTest, ImportTextWithProblemsNamesLinesAndWritesNothing) {
  const auto counts = Counts();
  std::string text = MinimalBundleText("2.0");
  text.replace(text.find("\"1111\""), 6, "\"x1\"");

  absl::StatusOr<AuditedWrite> written = admin_->ImportText(text, kActor, kReason);

  EXPECT_THAT(written, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(written.status().message()), HasSubstr("request:"));
  EXPECT_THAT(admin_->ImportText("drug { id: ", kActor, kReason),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(Counts(), counts);
}

TEST_F(KnowledgeAdminTest, ActivateRollsBackAndForwardWithAudit) {
  ASSERT_THAT(admin_->UpsertDrug(Deltazine(), kActor, kReason), IsOk());

  absl::StatusOr<AuditedWrite> back = admin_->Activate(1, kActor, "rollback");

  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->version.sequence(), 1);
  EXPECT_EQ(back->audit.action(), "activate");
  EXPECT_EQ(back->audit.target(), "1.0+1");
  EXPECT_EQ(back->audit.version_before(), "1.0+2");
  EXPECT_EQ(back->audit.version_after(), "1.0+1");
  EXPECT_EQ(holder_.Current()->version(), "1.0+1");
  EXPECT_LT(holder_.Current()->FindDrug("deltazine"), 0);
  auto versions = admin_->ListVersions();
  ASSERT_THAT(versions, IsOk());
  EXPECT_EQ(versions->versions.size(), 2u);  // no new version
  EXPECT_EQ(versions->active_sequence, 1);

  absl::StatusOr<AuditedWrite> forward =
      admin_->Activate(2, kActor, "roll forward");

  ASSERT_THAT(forward, IsOk());
  EXPECT_EQ(forward->audit.version_before(), "1.0+1");
  EXPECT_EQ(forward->audit.version_after(), "1.0+2");
  EXPECT_GE(holder_.Current()->FindDrug("deltazine"), 0);
  auto log = admin_->ReadAuditLog(0, 0, 0);
  ASSERT_THAT(log, IsOk());
  std::vector<std::string> actions;
  for (const v1::AuditEntry& entry : *log) actions.push_back(entry.action());
  EXPECT_THAT(actions,
              ElementsAre("import", "upsert_drug", "activate", "activate"));
}

TEST_F(KnowledgeAdminTest, EditAfterRollbackBuildsOnTheActiveVersion) {
  ASSERT_THAT(admin_->UpsertDrug(Deltazine(), kActor, kReason), IsOk());
  ASSERT_THAT(admin_->Activate(1, kActor, kReason), IsOk());
  v1::DrugClass changed = MinimalBundle().drug_class(0);
  changed.set_description("edited after rollback");

  absl::StatusOr<AuditedWrite> written =
      admin_->UpsertClass(changed, kActor, kReason);

  ASSERT_THAT(written, IsOk());
  EXPECT_EQ(written->version.sequence(), 3);
  EXPECT_EQ(written->audit.version_before(), "1.0+1");
  auto active = store_->ReadActive();
  ASSERT_THAT(active, IsOk());
  EXPECT_EQ(active->bundle.drug_size(), 3);  // deltazine stays rolled back
}

TEST_F(KnowledgeAdminTest, ActivateUnknownVersionIsNotFound) {
  const auto counts = Counts();

  EXPECT_THAT(admin_->Activate(7, kActor, kReason),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(admin_->Activate(0, kActor, kReason),
              StatusIs(absl::StatusCode::kNotFound));

  EXPECT_EQ(Counts(), counts);
}

// Every write, each given a blank reason: refused before anything is read
// or written.
TEST_F(KnowledgeAdminTest, EveryWriteWithoutReasonIsInvalidArgumentNamingReason) {
  const auto counts = Counts();
  v1::DrugClass drug_class = BundleWithReferences().drug_class(0);
  for (absl::string_view blank : {"", " \t\n"}) {
    std::vector<absl::Status> refused = {
        admin_->UpsertDrug(Deltazine(), kActor, blank).status(),
        admin_->DeleteDrug("gammax", kActor, blank, DropGuard::kForce).status(),
        admin_->UpsertClass(drug_class, kActor, blank).status(),
        admin_->ImportText(MinimalBundleText("2.0"), kActor, blank,
                           DropGuard::kForce)
            .status(),
        admin_->ImportBundle(MinimalBundle("2.0"), kActor, blank,
                             DropGuard::kForce)
            .status(),
        admin_->Activate(1, kActor, blank).status(),
    };

    for (const absl::Status& status : refused) {
      EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
      EXPECT_THAT(std::string(status.message()), HasSubstr("reason"));
    }
  }
  EXPECT_EQ(Counts(), counts);
}

// The reported attack: a bundle of nothing but a manifest would have
// replaced every drug.
TEST_F(KnowledgeAdminTest, ImportOfManifestOnlyIsFailedPreconditionNamingDrugs) {
  const auto counts = Counts();

  absl::StatusOr<AuditedWrite> written = admin_->ImportText(
      "manifest { version: \"9.9\" title: \"empty\" }", kActor, "update");

  EXPECT_THAT(written, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(written.status().message()),
              HasSubstr("3 of 3 drugs (alphazine, betazol, gammax)"));
  EXPECT_EQ(Counts(), counts);
  EXPECT_EQ(holder_.Current()->version(), "1.0+1");
}

TEST_F(KnowledgeAdminTest, ImportDroppingDrugsWithForceIsWritten) {
  absl::StatusOr<AuditedWrite> written = admin_->ImportText(
      "manifest { version: \"9.9\" }", kActor, "retire", DropGuard::kForce);

  ASSERT_THAT(written, IsOk());
  EXPECT_EQ(holder_.Current()->bundle().drug_size(), 0);
}

TEST_F(KnowledgeAdminTest, DeleteOfDopamineBlockerIsFailedPreconditionWithoutForce) {
  ASSERT_THAT(admin_->UpsertDrug(Deltazine(), kActor, kReason), IsOk());
  const auto counts = Counts();

  absl::StatusOr<AuditedWrite> refused =
      admin_->DeleteDrug("deltazine", kActor, "withdrawn");
  absl::StatusOr<AuditedWrite> forced =
      admin_->DeleteDrug("deltazine", kActor, "withdrawn", DropGuard::kForce);

  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("dopamine blockers (deltazine)"));
  ASSERT_THAT(forced, IsOk());
  EXPECT_EQ(Counts().second, counts.second + 1);
}

TEST_F(KnowledgeAdminTest, AuditLogFiltersByTimeAndKeepsNewestWithinLimit) {
  now_ = 2000;
  ASSERT_THAT(admin_->UpsertDrug(Deltazine(), kActor, "at 2000"), IsOk());
  now_ = 3000;
  ASSERT_THAT(admin_->DeleteDrug("deltazine", kActor, "at 3000",
                                  DropGuard::kForce), IsOk());
  now_ = 4000;
  ASSERT_THAT(admin_->Activate(2, kActor, "at 4000"), IsOk());

  auto range = admin_->ReadAuditLog(2000, 3000, 0);
  auto newest_two = admin_->ReadAuditLog(0, 0, 2);
  auto from = admin_->ReadAuditLog(3500, 0, 0);

  ASSERT_THAT(range, IsOk());
  ASSERT_EQ(range->size(), 2u);
  EXPECT_EQ((*range)[0].reason(), "at 2000");
  EXPECT_EQ((*range)[1].reason(), "at 3000");
  ASSERT_THAT(newest_two, IsOk());
  ASSERT_EQ(newest_two->size(), 2u);
  EXPECT_EQ((*newest_two)[0].reason(), "at 3000");
  EXPECT_EQ((*newest_two)[1].reason(), "at 4000");
  EXPECT_EQ((*newest_two)[0].sequence() + 1, (*newest_two)[1].sequence());
  ASSERT_THAT(from, IsOk());
  ASSERT_EQ(from->size(), 1u);
  EXPECT_EQ((*from)[0].action(), "activate");
}

TEST_F(KnowledgeAdminTest, AuditLogRejectsNegativeLimitAndReversedRange) {
  EXPECT_THAT(admin_->ReadAuditLog(0, 0, -1),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(admin_->ReadAuditLog(3000, 2000, 0),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(KnowledgeAdminTest, VersionsAndAuditSurviveReopening) {
  ASSERT_THAT(admin_->UpsertDrug(Deltazine(), kActor, "durable"), IsOk());
  admin_.reset();
  store_.reset();

  auto reopened = DrugStore::Open(path_);
  ASSERT_THAT(reopened, IsOk());
  KnowledgeAdmin admin(reopened->get());
  auto versions = admin.ListVersions();
  auto log = admin.ReadAuditLog(0, 0, 0);

  ASSERT_THAT(versions, IsOk());
  EXPECT_EQ(versions->versions.size(), 2u);
  EXPECT_EQ(versions->active_sequence, 2);
  ASSERT_THAT(log, IsOk());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ(log->back().reason(), "durable");
}

TEST_F(KnowledgeAdminTest, EditOnEmptyStoreIsNotFound) {
  auto empty = DrugStore::Open(NewTempDir("admin-empty"));
  ASSERT_THAT(empty, IsOk());
  KnowledgeAdmin admin(empty->get());

  EXPECT_THAT(admin.UpsertDrug(Deltazine(), kActor, kReason),
              StatusIs(absl::StatusCode::kNotFound));
  auto log = admin.ReadAuditLog(0, 0, 0);
  ASSERT_THAT(log, IsOk());
  EXPECT_THAT(*log, IsEmpty());
}

}  // namespace
}  // namespace dystonia
