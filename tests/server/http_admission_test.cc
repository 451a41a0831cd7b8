// The HTTP port's admission limits and handler pool on their own: what one
// client or all of them may hold, and that a full queue refuses rather than
// grows.
#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "service/server/handler_pool.h"
#include "service/server/http_admission.h"

namespace dystonia {
namespace {

TEST(ConnectionLimitsTest, OneClientIsHeldToItsShare) {
  ConnectionLimits limits(/*max_total=*/10, /*max_per_client=*/2);

  EXPECT_TRUE(limits.Acquire("10.0.0.1"));
  EXPECT_TRUE(limits.Acquire("10.0.0.1"));
  EXPECT_FALSE(limits.Acquire("10.0.0.1"));
  EXPECT_TRUE(limits.Acquire("10.0.0.2"));
  limits.Release("10.0.0.1");
  EXPECT_TRUE(limits.Acquire("10.0.0.1"));
  EXPECT_EQ(limits.open(), 3);
}

TEST(ConnectionLimitsTest, TheTotalHoldsAcrossClients) {
  ConnectionLimits limits(/*max_total=*/3, /*max_per_client=*/2);
  ASSERT_TRUE(limits.Acquire("a"));
  ASSERT_TRUE(limits.Acquire("b"));
  ASSERT_TRUE(limits.Acquire("c"));

  EXPECT_FALSE(limits.Acquire("d"));
  limits.Release("b");
  EXPECT_TRUE(limits.Acquire("d"));
}

TEST(BodyBudgetTest, ReservationsAreGivenBackWhenTheyGo) {
  BodyBudget budget(100);
  {
    ASSERT_TRUE(budget.Reserve(60));
    BodyReservation first(&budget, 60);
    ASSERT_TRUE(budget.Reserve(40));
    budget.Release(40);
    EXPECT_FALSE(budget.Reserve(41));
    BodyReservation moved = std::move(first);
    EXPECT_FALSE(budget.Reserve(41));
  }
  EXPECT_TRUE(budget.Reserve(100));
}

TEST(HandlerPoolTest, AFullQueueRefusesAndEveryQueuedJobRuns) {
  absl::Notification started;
  absl::Notification release;
  std::atomic<int> ran{0};
  {
    HandlerPool pool(/*threads=*/1, /*max_queued=*/2);
    ASSERT_TRUE(pool.TrySubmit([&] {
      started.Notify();
      release.WaitForNotification();
      ++ran;
    }));
    started.WaitForNotification();  // the one thread is busy, the queue empty

    EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));
    EXPECT_TRUE(pool.TrySubmit([&] { ++ran; }));
    EXPECT_FALSE(pool.TrySubmit([&] { ++ran; }));
    release.Notify();
    while (ran < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(ran, 3);
}

TEST(HandlerPoolTest, StoppingDropsJobsNotStarted) {
  absl::Notification started;
  absl::Notification release;
  std::atomic<int> ran{0};
  {
    HandlerPool pool(/*threads=*/1, /*max_queued=*/10);
    ASSERT_TRUE(pool.TrySubmit([&] {
      started.Notify();
      release.WaitForNotification();
    }));
    started.WaitForNotification();
    // The running job is released only when the queued ones are destroyed
    // unrun, which only stopping the pool does.
    std::shared_ptr<void> on_dropped(nullptr,
                                     [&release](void*) { release.Notify(); });
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(pool.TrySubmit([&ran, on_dropped] { ++ran; }));
    }
    on_dropped.reset();
  }
  EXPECT_EQ(ran, 0);
}

}  // namespace
}  // namespace dystonia
