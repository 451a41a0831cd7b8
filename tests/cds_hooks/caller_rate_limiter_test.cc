// The per-caller token bucket, driven by explicit times (no sleeping).
#include "service/cds_hooks/caller_rate_limiter.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace dystonia::cds_hooks {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

TEST(CallerRateLimiterTest, BurstUpToTheRateIsGranted) {
  CallerRateLimiter limiter(60);

  EXPECT_TRUE(limiter.TryTake("ehr", 60, kStart));
  EXPECT_FALSE(limiter.TryTake("ehr", 1, kStart));
}

TEST(CallerRateLimiterTest, BucketRefillsWithTime) {
  CallerRateLimiter limiter(60);
  ASSERT_TRUE(limiter.TryTake("ehr", 60, kStart));

  EXPECT_FALSE(limiter.TryTake("ehr", 2, kStart + absl::Seconds(1)));
  EXPECT_TRUE(limiter.TryTake("ehr", 2, kStart + absl::Seconds(2)));
  EXPECT_TRUE(limiter.TryTake("ehr", 60, kStart + absl::Minutes(5)));
}

TEST(CallerRateLimiterTest, RefusedTakeLeavesTheBucketAsItWas) {
  CallerRateLimiter limiter(10);
  ASSERT_TRUE(limiter.TryTake("ehr", 6, kStart));

  EXPECT_FALSE(limiter.TryTake("ehr", 5, kStart));
  EXPECT_TRUE(limiter.TryTake("ehr", 4, kStart));
}

TEST(CallerRateLimiterTest, CallersHaveTheirOwnBuckets) {
  CallerRateLimiter limiter(10);
  ASSERT_TRUE(limiter.TryTake("flooder", 10, kStart));
  ASSERT_FALSE(limiter.TryTake("flooder", 1, kStart));

  EXPECT_TRUE(limiter.TryTake("pharmacy-app", 10, kStart));
}

TEST(CallerRateLimiterTest, CostAboveTheRateIsNeverGranted) {
  CallerRateLimiter limiter(10);

  EXPECT_FALSE(limiter.TryTake("ehr", 11, kStart + absl::Hours(1)));
}

TEST(CallerRateLimiterTest, ZeroRateMeansNoLimit) {
  CallerRateLimiter limiter(0);

  EXPECT_TRUE(limiter.TryTake("ehr", 1'000'000, kStart));
  EXPECT_TRUE(limiter.TryTake("ehr", 1'000'000, kStart));
}

// A clock that steps back (another thread's earlier `now`) refills nothing.
TEST(CallerRateLimiterTest, EarlierTimeRefillsNothing) {
  CallerRateLimiter limiter(60);
  ASSERT_TRUE(limiter.TryTake("ehr", 60, kStart + absl::Minutes(1)));

  EXPECT_FALSE(limiter.TryTake("ehr", 1, kStart));
}

// Many callers, each active once: the limiter keeps working and each still
// gets its own full bucket (full buckets are forgotten, never wrongly
// emptied).
TEST(CallerRateLimiterTest, ManyCallersEachGetAFullBucket) {
  CallerRateLimiter limiter(5);
  for (int i = 0; i < 20'000; ++i) {
    ASSERT_TRUE(limiter.TryTake(absl::StrCat("caller-", i), 5,
                                kStart + absl::Seconds(i)))
        << i;
  }

  EXPECT_FALSE(limiter.TryTake("caller-19999", 1, kStart + absl::Seconds(19999)));
}

}  // namespace
}  // namespace dystonia::cds_hooks
