#include "drug_db/drug_store.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "drug_db/name_index.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/status.h"
#include "tests/drug_db/minimal_knowledge.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::drug_db_testing::MinimalBundle;
using ::dystonia::drug_db_testing::NewTempDir;
using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::google::protobuf::util::MessageDifferencer;
using ::testing::Not;

// A bundle the validator rejects: an RxCUI that is not a number.
v1::KnowledgeBundle InvalidBundle() {
  v1::KnowledgeBundle bundle = MinimalBundle("2.0");
  bundle.mutable_drug(1)->add_rxcuis("not-a-number");
  return bundle;
}

class DrugStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = NewTempDir("store");
    absl::StatusOr<std::unique_ptr<DrugStore>> store = DrugStore::Open(path_);
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
  }

  std::string path_;
  std::unique_ptr<DrugStore> store_;
};

// Acknowledged feedback is on disk: a reopened store has it, with the rule
// of the card it was about; card issues are found by uuid.
TEST_F(DrugStoreTest, FeedbackAndCardIssuesSurviveReopening) {
  v1::CardIssue issue;
  issue.set_card_uuid("c-1");
  issue.set_rule_id("acute-dystonia.haloperidol");
  ASSERT_THAT(store_->RecordCardIssues({issue}), IsOk());
  v1::CardFeedback feedback;
  feedback.set_card_uuid("c-1");
  feedback.set_rule_id("acute-dystonia.haloperidol");
  feedback.set_outcome(v1::FEEDBACK_OUTCOME_OVERRIDDEN);
  ASSERT_THAT(store_->RecordFeedback({feedback}), IsOk());
  store_.reset();

  auto reopened = DrugStore::Open(path_);
  ASSERT_THAT(reopened, IsOk());
  std::vector<v1::CardFeedback> read;
  ASSERT_THAT((*reopened)->ForEachFeedback(
                  [&](const v1::CardFeedback& entry) { read.push_back(entry); }),
              IsOk());

  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0].outcome(), v1::FEEDBACK_OUTCOME_OVERRIDDEN);
  auto found = (*reopened)->FindCardIssue("c-1");
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->rule_id(), "acute-dystonia.haloperidol");
  EXPECT_THAT((*reopened)->FindCardIssue("c-2").status(),
              StatusIs(absl::StatusCode::kNotFound));
  // Feedback records are not knowledge: the version list is untouched.
  auto versions = (*reopened)->ListVersions();
  ASSERT_THAT(versions, IsOk());
  EXPECT_TRUE(versions->empty());
}

// A replica's outbox keeps every entry, in order, across a restart, until
// it is delivered; two entries for one card are two entries.
TEST_F(DrugStoreTest, TheOutboxKeepsEntriesInOrderUntilDelivered) {
  v1::ForwardFeedbackRequest first;
  first.add_feedback()->set_card_uuid("c-1");
  v1::ForwardFeedbackRequest second;
  second.add_feedback()->set_card_uuid("c-1");
  second.mutable_feedback(0)->set_outcome(v1::FEEDBACK_OUTCOME_OVERRIDDEN);
  ASSERT_THAT(store_->AddToOutbox(first), IsOk());
  ASSERT_THAT(store_->AddToOutbox(second), IsOk());
  store_.reset();
  auto reopened = DrugStore::Open(path_);
  ASSERT_THAT(reopened, IsOk());

  auto entries = (*reopened)->ReadOutbox(10);
  ASSERT_THAT(entries, IsOk());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[1].second.feedback(0).outcome(),
            v1::FEEDBACK_OUTCOME_OVERRIDDEN);
  ASSERT_THAT((*reopened)->RemoveFromOutbox({(*entries)[0].first}), IsOk());
  auto left = (*reopened)->ReadOutbox(10);
  ASSERT_THAT(left, IsOk());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].first, (*entries)[1].first);
}

TEST_F(DrugStoreTest, ImportThenReadActiveReturnsTheSameContent) {
  const v1::KnowledgeBundle bundle = MinimalBundle();

  ASSERT_THAT(store_->Import(bundle, "test"), IsOk());
  absl::StatusOr<StoredKnowledge> stored = store_->ReadActive();

  ASSERT_THAT(stored, IsOk());
  std::string differences;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(stored->bundle, bundle)) << differences;
}

TEST_F(DrugStoreTest, ImportStoresTheNameIndex) {
  const v1::KnowledgeBundle bundle = MinimalBundle();
  const auto expected = BuildNameIndex(bundle);

  ASSERT_THAT(store_->Import(bundle, "test"), IsOk());
  absl::StatusOr<StoredKnowledge> stored = store_->ReadActive();

  ASSERT_THAT(stored, IsOk());
  ASSERT_EQ(stored->name_index.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(stored->name_index[i].first, expected[i].first);
    EXPECT_TRUE(MessageDifferencer::Equals(stored->name_index[i].second,
                                           expected[i].second))
        << expected[i].first;
  }
}

TEST_F(DrugStoreTest, ReadActiveReturnsEntriesInIdOrder) {
  v1::KnowledgeBundle bundle = MinimalBundle();
  bundle.mutable_drug()->SwapElements(0, 1);

  ASSERT_THAT(store_->Import(bundle, "test"), IsOk());
  absl::StatusOr<StoredKnowledge> stored = store_->ReadActive();

  ASSERT_THAT(stored, IsOk());
  ASSERT_EQ(stored->bundle.drug_size(), 2);
  EXPECT_EQ(stored->bundle.drug(0).id(), "alphazine");
  EXPECT_EQ(stored->bundle.drug(1).id(), "betazol");
}

TEST_F(DrugStoreTest, ActiveVersionIsNotFoundOnAnEmptyStore) {
  absl::StatusOr<v1::KnowledgeVersionInfo> active = store_->ActiveVersion();

  EXPECT_THAT(active, StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(DrugStoreTest, ReadActiveIsNotFoundOnAnEmptyStore) {
  absl::StatusOr<StoredKnowledge> stored = store_->ReadActive();

  EXPECT_THAT(stored, StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(DrugStoreTest, ListVersionsIsEmptyOnAnEmptyStore) {
  absl::StatusOr<std::vector<v1::KnowledgeVersionInfo>> versions =
      store_->ListVersions();

  ASSERT_THAT(versions, IsOk());
  EXPECT_TRUE(versions->empty());
}

TEST_F(DrugStoreTest, VersionIsManifestVersionPlusSequence) {
  const v1::KnowledgeBundle bundle = MinimalBundle("2026.01.02");

  absl::StatusOr<v1::KnowledgeVersionInfo> info =
      store_->Import(bundle, "import test");

  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->version(), "2026.01.02+1");
  EXPECT_EQ(info->sequence(), 1);
  EXPECT_EQ(info->manifest().version(), "2026.01.02");
  EXPECT_EQ(info->origin(), "import test");
  EXPECT_GT(info->imported_at_unix_seconds(), 0);
}

TEST_F(DrugStoreTest, ActiveVersionMatchesTheImport) {
  absl::StatusOr<v1::KnowledgeVersionInfo> imported =
      store_->Import(MinimalBundle(), "test");
  ASSERT_THAT(imported, IsOk());

  absl::StatusOr<v1::KnowledgeVersionInfo> active = store_->ActiveVersion();

  ASSERT_THAT(active, IsOk());
  EXPECT_TRUE(MessageDifferencer::Equals(*active, *imported));
}

TEST_F(DrugStoreTest, TwoImportsListTwoVersionsAndTheSecondIsActive) {
  ASSERT_THAT(store_->Import(MinimalBundle("1.0"), "first"), IsOk());
  ASSERT_THAT(store_->Import(MinimalBundle("2.0"), "second"), IsOk());

  absl::StatusOr<std::vector<v1::KnowledgeVersionInfo>> versions =
      store_->ListVersions();
  absl::StatusOr<v1::KnowledgeVersionInfo> active = store_->ActiveVersion();

  ASSERT_THAT(versions, IsOk());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].version(), "1.0+1");
  EXPECT_EQ((*versions)[1].version(), "2.0+2");
  ASSERT_THAT(active, IsOk());
  EXPECT_EQ(active->version(), "2.0+2");
  EXPECT_EQ(active->sequence(), 2);
}

TEST_F(DrugStoreTest, ReadVersionReadsAnOlderVersion) {
  ASSERT_THAT(store_->Import(MinimalBundle("1.0"), "first"), IsOk());
  v1::KnowledgeBundle second = MinimalBundle("2.0");
  second.mutable_drug()->RemoveLast();
  ASSERT_THAT(store_->Import(second, "second"), IsOk());

  absl::StatusOr<StoredKnowledge> first = store_->ReadVersion(1);

  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->info.version(), "1.0+1");
  EXPECT_EQ(first->bundle.manifest().version(), "1.0");
  EXPECT_EQ(first->bundle.drug_size(), 2);
}

TEST_F(DrugStoreTest, ReadVersionOfAnUnknownSequenceIsNotFound) {
  ASSERT_THAT(store_->Import(MinimalBundle(), "test"), IsOk());

  absl::StatusOr<StoredKnowledge> stored = store_->ReadVersion(2);

  EXPECT_THAT(stored, StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(DrugStoreTest, InvalidImportIsInvalidArgument) {
  absl::StatusOr<v1::KnowledgeVersionInfo> info =
      store_->Import(InvalidBundle(), "broken");

  EXPECT_THAT(info, StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(DrugStoreTest, FailedImportLeavesThePreviousVersionActive) {
  const v1::KnowledgeBundle good = MinimalBundle("1.0");
  ASSERT_THAT(store_->Import(good, "good"), IsOk());

  ASSERT_THAT(store_->Import(InvalidBundle(), "broken"), Not(IsOk()));

  absl::StatusOr<v1::KnowledgeVersionInfo> active = store_->ActiveVersion();
  ASSERT_THAT(active, IsOk());
  EXPECT_EQ(active->version(), "1.0+1");
  absl::StatusOr<StoredKnowledge> stored = store_->ReadActive();
  ASSERT_THAT(stored, IsOk());
  EXPECT_TRUE(MessageDifferencer::Equals(stored->bundle, good));
}

TEST_F(DrugStoreTest, FailedImportWritesNoVersion) {
  ASSERT_THAT(store_->Import(MinimalBundle("1.0"), "good"), IsOk());

  ASSERT_THAT(store_->Import(InvalidBundle(), "broken"), Not(IsOk()));

  absl::StatusOr<std::vector<v1::KnowledgeVersionInfo>> versions =
      store_->ListVersions();
  ASSERT_THAT(versions, IsOk());
  EXPECT_EQ(versions->size(), 1u);
}

TEST_F(DrugStoreTest, FailedImportUsesNoSequence) {
  ASSERT_THAT(store_->Import(InvalidBundle(), "broken"), Not(IsOk()));

  absl::StatusOr<v1::KnowledgeVersionInfo> info =
      store_->Import(MinimalBundle("1.0"), "good");

  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->sequence(), 1);
}

TEST_F(DrugStoreTest, DataSurvivesClosingAndReopening) {
  const v1::KnowledgeBundle bundle = MinimalBundle("3.0");
  ASSERT_THAT(store_->Import(bundle, "test"), IsOk());
  store_.reset();

  absl::StatusOr<std::unique_ptr<DrugStore>> reopened = DrugStore::Open(path_);

  ASSERT_THAT(reopened, IsOk());
  absl::StatusOr<StoredKnowledge> stored = (*reopened)->ReadActive();
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->info.version(), "3.0+1");
  EXPECT_TRUE(MessageDifferencer::Equals(stored->bundle, bundle));
}

TEST_F(DrugStoreTest, SequenceContinuesAfterReopening) {
  ASSERT_THAT(store_->Import(MinimalBundle("1.0"), "first"), IsOk());
  store_.reset();
  absl::StatusOr<std::unique_ptr<DrugStore>> reopened = DrugStore::Open(path_);
  ASSERT_THAT(reopened, IsOk());

  absl::StatusOr<v1::KnowledgeVersionInfo> info =
      (*reopened)->Import(MinimalBundle("2.0"), "second");

  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->version(), "2.0+2");
}

TEST_F(DrugStoreTest, StoreOfAnotherSchemaVersionIsRefused) {
  store_.reset();
  {
    rocksdb::DB* raw_db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), path_, &raw_db).ok());
    std::unique_ptr<rocksdb::DB> db(raw_db);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "meta/schema", "99").ok());
  }

  absl::StatusOr<std::unique_ptr<DrugStore>> store = DrugStore::Open(path_);

  EXPECT_THAT(store, StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(DrugStoreTest, OpeningTheSamePathTwiceFails) {
  absl::StatusOr<std::unique_ptr<DrugStore>> second = DrugStore::Open(path_);

  EXPECT_THAT(second, Not(IsOk()));
}

TEST(DrugStoreOpenTest, MissingDatabaseIsNotCreatedWhenAskedNotTo) {
  const std::string path = NewTempDir("store") + "/absent";
  DrugStoreOptions options;
  options.create_if_missing = false;

  absl::StatusOr<std::unique_ptr<DrugStore>> store =
      DrugStore::Open(path, options);

  EXPECT_THAT(store, Not(IsOk()));
}

// Disabled: fails today (2 versions listed). ListVersions takes every key
// ending in "/info" for version metadata, so the citation record
// kb/0000000001/citation/info is listed as a second version. Enable once
// ListVersions matches only kb/<sequence>/info.
TEST_F(DrugStoreTest, EntryWithIdInfoIsNotListedAsAVersion) {
  v1::KnowledgeBundle bundle = MinimalBundle();
  v1::Citation* citation = bundle.add_citation();
  citation->set_id("info");
  citation->set_kind(v1::Citation::REFERENCE);
  citation->set_title("Drug information handbook");
  ASSERT_THAT(store_->Import(bundle, "test"), IsOk());

  absl::StatusOr<std::vector<v1::KnowledgeVersionInfo>> versions =
      store_->ListVersions();

  ASSERT_THAT(versions, IsOk());
  EXPECT_EQ(versions->size(), 1u);
}

struct RocksDbStatusCase {
  rocksdb::Status status;
  absl::StatusCode expected;
};

TEST(FromRocksDbStatusTest, MapsEachRocksDbCode) {
  const std::vector<RocksDbStatusCase> cases = {
      {rocksdb::Status::OK(), absl::StatusCode::kOk},
      {rocksdb::Status::NotFound("k"), absl::StatusCode::kNotFound},
      {rocksdb::Status::Corruption("bad block"), absl::StatusCode::kDataLoss},
      {rocksdb::Status::Busy("busy"), absl::StatusCode::kUnavailable},
      {rocksdb::Status::TryAgain("again"), absl::StatusCode::kUnavailable},
      {rocksdb::Status::IOError("disk"), absl::StatusCode::kInternal},
      {rocksdb::Status::InvalidArgument("arg"), absl::StatusCode::kInternal},
  };

  for (const RocksDbStatusCase& c : cases) {
    absl::Status status = FromRocksDbStatus(c.status, "context");

    EXPECT_EQ(status.code(), c.expected) << c.status.ToString();
  }
}

}  // namespace
}  // namespace dystonia
