// Loopback decided on the parsed address, and the TLS and token rules for
// listeners beyond it.
#include "service/server/listen_address.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace dystonia {
namespace {

using ::dystonia::testing::IsOk;
using ::dystonia::testing::StatusIs;
using ::testing::HasSubstr;

TEST(ListenAddressTest, LoopbackAddressesAreLoopback) {
  for (const char* listen :
       {"127.0.0.1:50051", "127.1.2.3:1", "localhost:0", "LOCALHOST:8080",
        "[::1]:8080", "[::ffff:127.0.0.1]:1"}) {
    EXPECT_TRUE(IsLoopbackAddress(listen)) << listen;
  }
}

TEST(ListenAddressTest, NamesThatLookLikeLoopbackAreNot) {
  for (const char* listen :
       {"127.0.0.1.nip.io:443", "localhost.example.org:80", "127.evil:1",
        "[::ffff:10.0.0.1]:1", "localhost:"}) {
    EXPECT_FALSE(IsLoopbackAddress(listen)) << listen;
  }
}

TEST(ListenAddressTest, AllInterfacesAndOtherHostsAreNotLoopback) {
  for (const char* listen : {"0.0.0.0:50051", "[::]:50051", ":50051",
                             "10.1.2.3:50051", "cds.example.org:443"}) {
    EXPECT_FALSE(IsLoopbackAddress(listen)) << listen;
  }
}

TEST(ListenAddressTest, ParsesHostAndPort) {
  absl::StatusOr<ListenAddress> v6 = ParseListenAddress("[::1]:8080");
  absl::StatusOr<ListenAddress> all = ParseListenAddress(":50051");

  ASSERT_THAT(v6.status(), IsOk());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8080);
  ASSERT_THAT(all.status(), IsOk());
  EXPECT_EQ(all->host, "");
  EXPECT_EQ(all->port, 50051);
}

TEST(ListenAddressTest, MalformedAddressIsInvalidArgument) {
  for (const char* listen : {"127.0.0.1", "[::1:80", "[::1]80", "::1:80",
                             "host:http", "host:70000", "host:-1"}) {
    EXPECT_THAT(ParseListenAddress(listen).status(),
                StatusIs(absl::StatusCode::kInvalidArgument))
        << listen;
  }
}

TEST(ListenAddressTest, PlaintextBeyondLoopbackIsRefusedNamingTheFlag) {
  const std::vector<NamedListener> listeners = {
      {"--listen", "127.0.0.1:50051"}, {"--http_listen", "0.0.0.0:8080"}};

  absl::Status status = RequireTlsOffLoopback(listeners, /*tls=*/false,
                                              /*allow_plaintext=*/false);

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("--http_listen"));
}

TEST(ListenAddressTest, TlsOrAllowPlaintextLetsAListenerBeyondLoopback) {
  const std::vector<NamedListener> listeners = {{"--listen", "0.0.0.0:50051"},
                                                {"--admin_listen", ""}};

  EXPECT_THAT(RequireTlsOffLoopback(listeners, /*tls=*/true, false), IsOk());
  EXPECT_THAT(RequireTlsOffLoopback(listeners, false, /*allow_plaintext=*/true),
              IsOk());
}

TEST(ListenAddressTest, OnlyLoopbackListenersNeedNoTlsNorTokens) {
  const std::vector<NamedListener> listeners = {
      {"--listen", "127.0.0.1:50051"},
      {"--admin_listen", "[::1]:50052"},
      {"--http_listen", ""}};

  EXPECT_THAT(RequireTlsOffLoopback(listeners, false, false), IsOk());
  EXPECT_THAT(RequireTokensOffLoopback(listeners, /*tokens=*/false), IsOk());
}

TEST(ListenAddressTest, NoTokensBeyondLoopbackIsRefusedNamingTheFlag) {
  const std::vector<NamedListener> listeners = {
      {"--listen", "127.0.0.1:50051"},
      {"--admin_listen", "127.0.0.1.nip.io:1"}};

  absl::Status status = RequireTokensOffLoopback(listeners, /*tokens=*/false);

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("--admin_listen"));
}

}  // namespace
}  // namespace dystonia
