#include "service/server/listen_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace dystonia {

absl::StatusOr<ListenAddress> ParseListenAddress(absl::string_view listen) {
  ListenAddress parsed;
  absl::string_view port_text;
  if (absl::StartsWith(listen, "[")) {
    const size_t close = listen.find(']');
    if (close == absl::string_view::npos || close + 1 >= listen.size() ||
        listen[close + 1] != ':') {
      return absl::InvalidArgumentError(
          absl::StrCat("'", listen, "': expected [IPV6]:PORT"));
    }
    parsed.host = std::string(listen.substr(1, close - 1));
    port_text = listen.substr(close + 2);
  } else {
    const size_t colon = listen.rfind(':');
    if (colon == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", listen, "': expected HOST:PORT"));
    }
    parsed.host = std::string(listen.substr(0, colon));
    if (absl::StrContains(parsed.host, ':') ||
        absl::StrContains(parsed.host, '[') ||
        absl::StrContains(parsed.host, ']')) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", listen, "': an IPv6 host goes in brackets, [IPV6]:PORT"));
    }
    port_text = listen.substr(colon + 1);
  }
  if (!absl::SimpleAtoi(port_text, &parsed.port) || parsed.port < 0 ||
      parsed.port > 65535 || !absl::ascii_isdigit(port_text.front())) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", listen, "': the port is not a number 0-65535"));
  }
  return parsed;
}

bool IsLoopbackHost(absl::string_view host) {
  if (absl::EqualsIgnoreCase(host, "localhost")) return true;
  const std::string text(host);
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
    return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
  }
  return false;
}

bool IsLoopbackAddress(absl::string_view listen) {
  absl::StatusOr<ListenAddress> parsed = ParseListenAddress(listen);
  return parsed.ok() && IsLoopbackHost(parsed->host);
}

namespace {

// The first listener that is on and not loopback, or nullptr.
const NamedListener* FirstOffLoopback(
    const std::vector<NamedListener>& listeners) {
  for (const NamedListener& listener : listeners) {
    if (!listener.address.empty() && !IsLoopbackAddress(listener.address)) {
      return &listener;
    }
  }
  return nullptr;
}

}  // namespace

absl::Status RequireTlsOffLoopback(const std::vector<NamedListener>& listeners,
                                   bool tls, bool allow_plaintext) {
  if (tls || allow_plaintext) return absl::OkStatus();
  const NamedListener* open = FirstOffLoopback(listeners);
  if (open == nullptr) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      open->flag, "=", open->address,
      " is not loopback: give --tls_cert and --tls_key, or --allow_plaintext "
      "when something else encrypts the hop (a service mesh)"));
}

absl::Status RequireTokensOffLoopback(
    const std::vector<NamedListener>& listeners, bool tokens) {
  if (tokens) return absl::OkStatus();
  const NamedListener* open = FirstOffLoopback(listeners);
  if (open == nullptr) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "no --tokens_file: authentication can be off only when every listener "
      "is loopback (127.0.0.0/8, localhost, [::1]), and ",
      open->flag, "=", open->address, " is not"));
}

}  // namespace dystonia
