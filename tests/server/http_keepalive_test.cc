// The HTTP port answers a request on a kept-alive connection as fast as one
// on a fresh connection (no Nagle / delayed-ACK stall between an answer's
// writes). A real server on 127.0.0.1; compared in ratio, not against a
// clock budget, so a slow machine does not fail it.
#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "service/server/dystonia_server.h"
#include "tests/testing/server_fixture.h"

namespace dystonia {
namespace {

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

TEST(HttpKeepAliveTest, AKeptAliveRequestIsNoSlowerThanAFreshOne) {
  ServerOptions options = testing::LoopbackServerOptions("keepalive-db");
  options.http_listen = "127.0.0.1:0";
  auto server = DystoniaServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  const int port = (*server)->http_port();
  using Clock = std::chrono::steady_clock;
  auto millis = [](Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
  };

  std::vector<double> fresh;
  for (int i = 0; i < 15; ++i) {
    httplib::Client client("127.0.0.1", port);
    const auto start = Clock::now();
    auto answer = client.Get("/cds-services");
    fresh.push_back(millis(Clock::now() - start));
    ASSERT_TRUE(answer && answer->status == 200);
  }
  httplib::Client kept("127.0.0.1", port);
  kept.set_keep_alive(true);
  ASSERT_TRUE(kept.Get("/cds-services"));
  std::vector<double> reused;
  for (int i = 0; i < 15; ++i) {
    const auto start = Clock::now();
    auto answer = kept.Get("/cds-services");
    reused.push_back(millis(Clock::now() - start));
    ASSERT_TRUE(answer && answer->status == 200);
  }

  // The stall made a kept-alive request ~40 ms against ~1 ms fresh.
  EXPECT_LE(Median(reused), 10 * Median(fresh) + 1.0)
      << "kept-alive median " << Median(reused) << " ms, fresh median "
      << Median(fresh) << " ms";
}

// An EHR keeps its connection open for many calls: the server must not close
// it after a handful (the HTTP library's default was 5 requests).
TEST(HttpKeepAliveTest, AConnectionServesManyRequestsBeforeItIsClosed) {
  ServerOptions options = testing::LoopbackServerOptions("keepalive-many-db");
  options.http_listen = "127.0.0.1:0";
  auto server = DystoniaServer::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  httplib::Client kept("127.0.0.1", (*server)->http_port());
  kept.set_keep_alive(true);
  for (int i = 0; i < 50; ++i) {
    auto answer = kept.Get("/cds-services");
    ASSERT_TRUE(answer && answer->status == 200) << "request " << i;
    EXPECT_NE(answer->get_header_value("Connection"), "close")
        << "the server closed the connection after request " << i + 1;
  }
}

}  // namespace
}  // namespace dystonia
