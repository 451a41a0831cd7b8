// The audit trail's hash chain, against a real RocksDB: entries removed,
// altered or forged with no store open (as with the server stopped) are
// found and named.
#include "drug_db/audit_chain.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "drug_db/drug_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "tests/drug_db/minimal_knowledge.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::drug_db_testing::MinimalBundle;
using ::dystonia::drug_db_testing::NewTempDir;
using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::testing::HasSubstr;

std::string AuditKey(int64_t sequence) {
  return absl::StrFormat("audit/%020d", sequence);
}

class AuditChainTest : public ::testing::Test {
 protected:
  // A store with three audit entries: two imports and an activation.
  void SetUp() override {
    path_ = NewTempDir("audit-chain");
    OpenStore();
    ASSERT_THAT(store_->Import(MinimalBundle(), "one"), IsOk());
    ASSERT_THAT(store_->Import(MinimalBundle("2.0"), "two"), IsOk());
    v1::AuditEntry activation;
    activation.set_actor("pharmacist");
    activation.set_reason("rollback");
    ASSERT_THAT(store_->ActivateVersion(1, activation), IsOk());
  }

  void OpenStore() {
    auto store = DrugStore::Open(path_);
    ASSERT_THAT(store, IsOk());
    store_ = *std::move(store);
  }

  // Closes the store, lets `tamper` change the database directly, reopens.
  void Tamper(const std::function<void(rocksdb::DB*)>& tamper) {
    store_.reset();
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), path_, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    tamper(db.get());
    db.reset();
    OpenStore();
  }

  static v1::AuditEntry Read(rocksdb::DB* db, int64_t sequence) {
    std::string value;
    EXPECT_TRUE(
        db->Get(rocksdb::ReadOptions(), AuditKey(sequence), &value).ok());
    v1::AuditEntry entry;
    EXPECT_TRUE(entry.ParseFromString(value));
    return entry;
  }

  static void Write(rocksdb::DB* db, const v1::AuditEntry& entry) {
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), AuditKey(entry.sequence()),
                        entry.SerializeAsString())
                    .ok());
  }

  // Asserts that verification fails with kDataLoss and `expected` in the
  // message.
  void ExpectBroken(const std::string& expected) {
    auto chain = store_->VerifyAuditChain();
    EXPECT_THAT(chain, StatusIs(absl::StatusCode::kDataLoss));
    EXPECT_THAT(std::string(chain.status().message()), HasSubstr(expected));
  }

  std::string path_;
  std::unique_ptr<DrugStore> store_;
};

TEST_F(AuditChainTest, IntactTrailVerifiesAndCountsEveryEntry) {
  auto chain = store_->VerifyAuditChain();

  ASSERT_THAT(chain, IsOk());
  EXPECT_EQ(chain->entries, 3);
  EXPECT_EQ(chain->unchained, 0);
  auto log = store_->ReadAuditLog(0, 0, 10);
  ASSERT_THAT(log, IsOk());
  EXPECT_EQ(chain->head_sha256, log->back().chain_sha256());
}

TEST_F(AuditChainTest, EachEntryChainsToThePreviousOne) {
  auto log = store_->ReadAuditLog(0, 0, 10);

  ASSERT_THAT(log, IsOk());
  ASSERT_EQ(log->size(), 3u);
  EXPECT_EQ((*log)[0].chain_sha256(), AuditChainSha256("", (*log)[0]));
  EXPECT_EQ((*log)[1].chain_sha256(),
            AuditChainSha256((*log)[0].chain_sha256(), (*log)[1]));
  EXPECT_EQ((*log)[2].chain_sha256(),
            AuditChainSha256((*log)[1].chain_sha256(), (*log)[2]));
  EXPECT_EQ((*log)[2].chain_sha256().size(), 64u);
}

TEST_F(AuditChainTest, DeletedEntryIsDataLossNamingIt) {
  Tamper([](rocksdb::DB* db) {
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), AuditKey(2)).ok());
  });

  ExpectBroken("audit entry 2 is missing");
}

TEST_F(AuditChainTest, DeletedNewestEntryIsDataLossNamingIt) {
  Tamper([](rocksdb::DB* db) {
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), AuditKey(3)).ok());
  });

  ExpectBroken("audit entry 3 is missing");
}

TEST_F(AuditChainTest, AlteredEntryIsDataLossNamingIt) {
  Tamper([](rocksdb::DB* db) {
    v1::AuditEntry entry = Read(db, 2);
    entry.set_actor("someone else");
    Write(db, entry);
  });

  ExpectBroken(absl::StrCat("audit entry 2 (", AuditKey(2), ")"));
}

TEST_F(AuditChainTest, ForgedEntryAppendedIsDataLossNamingIt) {
  Tamper([](rocksdb::DB* db) {
    v1::AuditEntry forged = Read(db, 3);
    forged.set_sequence(4);
    forged.set_reason("covering tracks");
    forged.set_chain_sha256(AuditChainSha256("", forged));
    Write(db, forged);
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), "meta/audit_sequence", "4").ok());
  });

  ExpectBroken(absl::StrCat("audit entry 4 (", AuditKey(4), ")"));
}

TEST_F(AuditChainTest, ForgedEntryBeyondTheCounterIsDataLossNamingIt) {
  Tamper([](rocksdb::DB* db) {
    v1::AuditEntry forged = Read(db, 3);
    forged.set_sequence(4);
    forged.set_chain_sha256(AuditChainSha256(forged.chain_sha256(), forged));
    Write(db, forged);
  });

  ExpectBroken("audit entry 4 is beyond");
}

TEST_F(AuditChainTest, EntryStoredUnderAnotherKeyIsDataLossNamingTheKey) {
  Tamper([](rocksdb::DB* db) {
    v1::AuditEntry moved = Read(db, 1);
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), AuditKey(2), moved.SerializeAsString())
            .ok());
  });

  ExpectBroken(absl::StrCat("audit entry at ", AuditKey(2)));
}

TEST_F(AuditChainTest, ChainHashRemovedAfterChainedEntriesIsDataLoss) {
  Tamper([](rocksdb::DB* db) {
    v1::AuditEntry entry = Read(db, 3);
    entry.clear_chain_sha256();
    Write(db, entry);
  });

  ExpectBroken("audit entry 3");
}

// Entries written before the chain existed carry no hash: the chain starts
// at the first entry that has one, and verification says how many are
// protected only by their sequence.
TEST_F(AuditChainTest, EntriesFromBeforeTheChainAreCountedAsUnchained) {
  Tamper([](rocksdb::DB* db) {
    for (int64_t sequence = 1; sequence <= 3; ++sequence) {
      v1::AuditEntry legacy = Read(db, sequence);
      legacy.clear_chain_sha256();
      Write(db, legacy);
    }
  });
  auto legacy_only = store_->VerifyAuditChain();
  v1::AuditEntry activation;
  activation.set_reason("roll forward");

  ASSERT_THAT(store_->ActivateVersion(2, activation), IsOk());
  auto chain = store_->VerifyAuditChain();

  ASSERT_THAT(legacy_only, IsOk());
  EXPECT_EQ(legacy_only->unchained, 3);
  EXPECT_EQ(legacy_only->head_sha256, "");
  ASSERT_THAT(chain, IsOk());
  EXPECT_EQ(chain->entries, 4);
  EXPECT_EQ(chain->unchained, 3);
  EXPECT_NE(chain->head_sha256, "");
}

TEST_F(AuditChainTest, EmptyTrailVerifies) {
  auto empty = DrugStore::Open(NewTempDir("audit-chain-empty"));
  ASSERT_THAT(empty, IsOk());

  auto chain = (*empty)->VerifyAuditChain();

  ASSERT_THAT(chain, IsOk());
  EXPECT_EQ(chain->entries, 0);
}

}  // namespace
}  // namespace dystonia
