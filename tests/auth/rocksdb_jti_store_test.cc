#include "service/auth/rocksdb_jti_store.h"

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/knowledge_fixture.h"
#include "tests/testing/status_matchers.h"

namespace dystonia::auth {
namespace {

using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;

const absl::Time kNow = absl::FromUnixSeconds(1700000000);
const absl::Time kExpiry = kNow + absl::Minutes(6);

std::unique_ptr<RocksDbJtiStore> OpenStore(
    const std::string& path, RocksDbJtiStoreOptions options = {}) {
  auto store = RocksDbJtiStore::Open(path, options);
  EXPECT_THAT(store, IsOk());
  return store.ok() ? *std::move(store) : nullptr;
}

TEST(RocksDbJtiStoreTest, NewIdIsRecorded) {
  auto store = OpenStore(testing::NewTempDir("jti-new"));

  EXPECT_THAT(store->Record("iss\nj1", kExpiry, kNow), IsOk());
  EXPECT_EQ(store->Size(), 1u);
}

TEST(RocksDbJtiStoreTest, RecordedIdIsAlreadyExists) {
  auto store = OpenStore(testing::NewTempDir("jti-replay"));
  ASSERT_THAT(store->Record("iss\nj1", kExpiry, kNow), IsOk());

  EXPECT_THAT(store->Record("iss\nj1", kExpiry, kNow + absl::Seconds(1)),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST(RocksDbJtiStoreTest, ReplayAfterReopenIsAlreadyExists) {
  const std::string path = testing::NewTempDir("jti-reopen");
  ASSERT_THAT(OpenStore(path)->Record("iss\nj1", kExpiry, kNow), IsOk());

  auto reopened = OpenStore(path);

  EXPECT_EQ(reopened->Size(), 1u);
  EXPECT_THAT(reopened->Record("iss\nj1", kExpiry, kNow + absl::Minutes(1)),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST(RocksDbJtiStoreTest, ExpiredIdsArePurgedAndStayPurgedAfterReopen) {
  const std::string path = testing::NewTempDir("jti-purge");
  {
    auto store = OpenStore(path);
    for (int i = 0; i < 10; ++i) {
      ASSERT_THAT(store->Record(absl::StrCat("iss\nj", i), kExpiry, kNow),
                  IsOk());
    }
    const absl::Time later = kExpiry + absl::Seconds(1);
    ASSERT_THAT(store->Record("iss\nfresh", later + absl::Minutes(6), later),
                IsOk());
    EXPECT_EQ(store->Size(), 1u);
  }

  auto reopened = OpenStore(path);

  EXPECT_EQ(reopened->Size(), 1u);
}

TEST(RocksDbJtiStoreTest, IdIsAcceptedAgainAfterItExpires) {
  auto store = OpenStore(testing::NewTempDir("jti-again"));
  ASSERT_THAT(store->Record("iss\nj1", kExpiry, kNow), IsOk());
  const absl::Time later = kExpiry + absl::Seconds(1);

  EXPECT_THAT(store->Record("iss\nj1", later + absl::Minutes(6), later),
              IsOk());
}

TEST(RocksDbJtiStoreTest, FullStoreIsResourceExhaustedUntilIdsExpire) {
  RocksDbJtiStoreOptions options;
  options.max_entries = 2;
  auto store = OpenStore(testing::NewTempDir("jti-full"), options);
  ASSERT_THAT(store->Record("iss\nj1", kExpiry, kNow), IsOk());
  ASSERT_THAT(store->Record("iss\nj2", kExpiry, kNow), IsOk());

  EXPECT_THAT(store->Record("iss\nj3", kExpiry, kNow),
              StatusIs(absl::StatusCode::kResourceExhausted));
  const absl::Time later = kExpiry + absl::Seconds(1);
  EXPECT_THAT(store->Record("iss\nj3", later + absl::Minutes(6), later),
              IsOk());
}

TEST(RocksDbJtiStoreTest, DirectoryInUseIsAnError) {
  const std::string path = testing::NewTempDir("jti-locked");
  auto first = OpenStore(path);

  EXPECT_FALSE(RocksDbJtiStore::Open(path).ok());
}

TEST(InMemoryJtiStoreTest, FullStoreIsResourceExhausted) {
  InMemoryJtiStore store(/*max_entries=*/1);
  ASSERT_THAT(store.Record("iss\nj1", kExpiry, kNow), IsOk());

  EXPECT_THAT(store.Record("iss\nj2", kExpiry, kNow),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

}  // namespace
}  // namespace dystonia::auth
