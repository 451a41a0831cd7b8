#include "drug_db/knowledge_holder.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "drug_db/knowledge_snapshot.h"
#include "gtest/gtest.h"
#include "tests/drug_db/minimal_knowledge.h"

namespace dystonia {
namespace {

using ::dystonia::drug_db_testing::MinimalBundle;

TEST(KnowledgeHolderTest, CurrentIsNullBeforeSet) {
  KnowledgeHolder holder;

  std::shared_ptr<const KnowledgeSnapshot> current = holder.Current();

  EXPECT_EQ(current, nullptr);
}

TEST(KnowledgeHolderTest, CurrentReturnsTheSnapshotSet) {
  KnowledgeHolder holder;
  std::shared_ptr<const KnowledgeSnapshot> snapshot =
      KnowledgeSnapshot::FromBundle(MinimalBundle("1.0"));

  holder.Set(snapshot);

  EXPECT_EQ(holder.Current(), snapshot);
}

TEST(KnowledgeHolderTest, ReaderKeepsTheOldSnapshotAfterSet) {
  KnowledgeHolder holder;
  holder.Set(KnowledgeSnapshot::FromBundle(MinimalBundle("1.0")));
  std::shared_ptr<const KnowledgeSnapshot> reading = holder.Current();

  holder.Set(KnowledgeSnapshot::FromBundle(MinimalBundle("2.0")));

  EXPECT_EQ(reading->version(), "1.0+0");
  EXPECT_EQ(reading->FindDrug("alphazine"), 0);
  EXPECT_EQ(holder.Current()->version(), "2.0+0");
}

TEST(KnowledgeHolderTest, OldSnapshotIsReleasedWhenItsLastReaderLetsGo) {
  KnowledgeHolder holder;
  holder.Set(KnowledgeSnapshot::FromBundle(MinimalBundle("1.0")));
  std::weak_ptr<const KnowledgeSnapshot> old = holder.Current();

  holder.Set(KnowledgeSnapshot::FromBundle(MinimalBundle("2.0")));

  EXPECT_TRUE(old.expired());
}

TEST(KnowledgeHolderTest, ReadersSeeWholeSnapshotsWhileSetRuns) {
  KnowledgeHolder holder;
  std::vector<std::shared_ptr<const KnowledgeSnapshot>> versions;
  for (const char* version : {"1.0", "2.0", "3.0"}) {
    versions.push_back(KnowledgeSnapshot::FromBundle(MinimalBundle(version)));
  }
  holder.Set(versions[0]);
  std::atomic<bool> done{false};
  std::atomic<int> bad_reads{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      while (!done.load()) {
        std::shared_ptr<const KnowledgeSnapshot> current = holder.Current();
        if (current == nullptr || current->drugs().size() != 2) ++bad_reads;
      }
    });
  }

  for (int i = 0; i < 1000; ++i) holder.Set(versions[i % versions.size()]);
  done = true;
  for (std::thread& reader : readers) reader.join();

  EXPECT_EQ(bad_reads.load(), 0);
}

}  // namespace
}  // namespace dystonia
