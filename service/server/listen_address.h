#ifndef DYSTONIA_SERVICE_SERVER_LISTEN_ADDRESS_H_
#define DYSTONIA_SERVICE_SERVER_LISTEN_ADDRESS_H_

// Who can reach a listener, decided on the parsed address rather than on
// how its text begins: "127.0.0.1.nip.io:443" names a DNS host anyone may
// point anywhere, so it is not loopback.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dystonia {

// A gRPC-style listen address split into its parts.
struct ListenAddress {
  std::string host;  // without IPv6 brackets; "" for ":PORT" (all interfaces)
  int port = 0;
};

// Parses "HOST:PORT", "[IPV6]:PORT" or ":PORT". Returns kInvalidArgument
// for a missing or non-numeric port, a port over 65535, or unbalanced
// brackets.
absl::StatusOr<ListenAddress> ParseListenAddress(absl::string_view listen);

// True for "localhost" (any case), an IPv4 address in 127.0.0.0/8, "::1"
// and the IPv4-mapped form of 127.0.0.0/8. Host names other than
// "localhost" are never loopback: their resolution is not ours to trust.
bool IsLoopbackHost(absl::string_view host);

// True when `listen` parses and its host is loopback: a listener only this
// machine can reach.
bool IsLoopbackAddress(absl::string_view listen);

// A listener as the operator named it: the flag and its value.
struct NamedListener {
  std::string flag;     // e.g. "--http_listen"
  std::string address;  // "" when that listener is off (ignored)
};

// Returns kInvalidArgument naming the flag of the first listener that is
// not loopback, unless `tls` is on or `allow_plaintext` is set: bearer
// tokens and patient data must not cross a network in the clear by default.
absl::Status RequireTlsOffLoopback(const std::vector<NamedListener>& listeners,
                                   bool tls, bool allow_plaintext);

// Returns kInvalidArgument naming the flag of the first listener that is not
// loopback when there are no tokens: authentication can be off only when no
// other machine can connect.
absl::Status RequireTokensOffLoopback(
    const std::vector<NamedListener>& listeners, bool tokens);

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_LISTEN_ADDRESS_H_
