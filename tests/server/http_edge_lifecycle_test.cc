// The HTTP port stops whenever it is asked to, even the instant after it
// started: cpp-httplib ignores stop() until its loop runs, and a test server
// torn down in the same millisecond once hung CI for 300 s.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>

#include "gtest/gtest.h"
#include "service/server/access_control.h"
#include "service/server/http_edge.h"

namespace dystonia {
namespace {

TEST(HttpEdgeLifecycleTest, AnEdgeStoppedAsSoonAsItStartsStops) {
  const AccessControl open_access;
  HttpEdgeOptions options;
  options.listen = "127.0.0.1:0";
  // Started and destroyed back to back, many times, so the destructor often
  // runs before the serving thread has been scheduled at all.
  auto start_and_stop = std::async(std::launch::async, [&] {
    for (int i = 0; i < 200; ++i) {
      auto edge = HttpEdge::Start(options, /*service=*/nullptr, &open_access);
      if (!edge.ok()) return edge.status();
    }
    return absl::OkStatus();
  });

  const bool finished = start_and_stop.wait_for(std::chrono::seconds(60)) ==
                        std::future_status::ready;

  if (!finished) {
    // The stuck destructor cannot be joined; end the process with the
    // failure rather than wait for the test runner's timeout.
    ADD_FAILURE() << "an HTTP edge destroyed right after Start never stopped";
    std::fflush(stdout);
    std::_Exit(1);
  }
  EXPECT_TRUE(start_and_stop.get().ok());
}

}  // namespace
}  // namespace dystonia
