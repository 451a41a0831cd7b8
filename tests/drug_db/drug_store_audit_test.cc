// The audit trail and version pointer primitives of DrugStore; the edits on
// top of them are tested in knowledge_admin_test.cc.
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "drug_db/drug_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/drug_db/minimal_knowledge.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::drug_db_testing::MinimalBundle;
using ::dystonia::drug_db_testing::NewTempDir;
using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;

class DrugStoreAuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DrugStoreOptions options;
    options.clock = [] { return int64_t{1700000000}; };
    absl::StatusOr<std::unique_ptr<DrugStore>> store =
        DrugStore::Open(NewTempDir("store-audit"), options);
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
  }

  std::unique_ptr<DrugStore> store_;
};

TEST_F(DrugStoreAuditTest, ImportRecordsAnUnattributedAuditEntry) {
  ASSERT_THAT(store_->Import(MinimalBundle(), "import knowledge"), IsOk());

  auto log = store_->ReadAuditLog(0, 0, 10);

  ASSERT_THAT(log, IsOk());
  ASSERT_EQ(log->size(), 1u);
  const v1::AuditEntry& entry = (*log)[0];
  EXPECT_EQ(entry.sequence(), 1);
  EXPECT_EQ(entry.at_unix_seconds(), 1700000000);
  EXPECT_EQ(entry.actor(), DrugStore::kUnattributedActor);
  EXPECT_EQ(entry.action(), "import");
  EXPECT_EQ(entry.target(), "1.0+1");
  EXPECT_EQ(entry.version_before(), "");
  EXPECT_EQ(entry.version_after(), "1.0+1");
  EXPECT_EQ(entry.reason(), "import knowledge");
}

// A read-modify-write based on a version that is no longer active must not
// silently undo the write that replaced it.
TEST_F(DrugStoreAuditTest, CommitOnStaleActiveVersionIsAborted) {
  ASSERT_THAT(store_->Import(MinimalBundle(), "one"), IsOk());
  ASSERT_THAT(store_->Import(MinimalBundle("2.0"), "two"), IsOk());

  auto stale = store_->CommitVersion(MinimalBundle("3.0"), "edit",
                                     v1::AuditEntry(), /*expected_active=*/1);

  EXPECT_THAT(stale, StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(store_->ListVersions()->size(), 2u);
  EXPECT_EQ(store_->ReadAuditLog(0, 0, 10)->size(), 2u);
  auto current =
      store_->CommitVersion(MinimalBundle("3.0"), "edit", v1::AuditEntry(), 2);
  ASSERT_THAT(current, IsOk());
  EXPECT_EQ(current->version.version(), "3.0+3");
  EXPECT_EQ(current->audit.version_before(), "2.0+2");
}

TEST_F(DrugStoreAuditTest, ActivateVersionMovesOnlyThePointer) {
  ASSERT_THAT(store_->Import(MinimalBundle(), "one"), IsOk());
  ASSERT_THAT(store_->Import(MinimalBundle("2.0"), "two"), IsOk());

  auto written = store_->ActivateVersion(1, v1::AuditEntry());

  ASSERT_THAT(written, IsOk());
  EXPECT_EQ(written->version.version(), "1.0+1");
  EXPECT_EQ(store_->ActiveVersion()->version(), "1.0+1");
  EXPECT_EQ(store_->ListVersions()->size(), 2u);
  EXPECT_EQ(written->audit.sequence(), 3);
  // New versions still get fresh sequences after a rollback.
  auto next = store_->Import(MinimalBundle("4.0"), "four");
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(next->sequence(), 3);
}

TEST_F(DrugStoreAuditTest, ActivateMissingVersionIsNotFound) {
  ASSERT_THAT(store_->Import(MinimalBundle(), "one"), IsOk());

  EXPECT_THAT(store_->ActivateVersion(2, v1::AuditEntry()),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(store_->ReadAuditLog(0, 0, 10)->size(), 1u);
}

TEST_F(DrugStoreAuditTest, ReadAuditLogRejectsNonPositiveLimit) {
  EXPECT_THAT(store_->ReadAuditLog(0, 0, 0),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace dystonia
