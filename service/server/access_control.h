#ifndef DYSTONIA_SERVICE_SERVER_ACCESS_CONTROL_H_
#define DYSTONIA_SERVICE_SERVER_ACCESS_CONTROL_H_

// Bearer tokens with roles, from a token file: one line per token,
//   NAME ROLE SHA256_HEX_OF_TOKEN
// with '#' comments and blank lines allowed. Tokens are kept only as their
// SHA-256, never in the clear. Roles: `reader` may call RiskService and the
// CDS Hooks endpoints; `admin` may also change the knowledge base; `metrics`
// (for Prometheus) may read /metrics and nothing else.
// Thread-safe after construction.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/server_context.h"

namespace dystonia {

// Each of reader, replica and admin may do what the ones before it may: a
// reader checks medications; a replica also follows the knowledge versions
// (and forwards feedback); an admin also changes the knowledge base. Apart
// from them, metrics reads /metrics only; /metrics takes a metrics or an
// admin token (never a reader's, nor an EHR's JWT).
enum class Role { kReader, kReplica, kAdmin, kMetrics };

// "reader", "replica", "admin", "metrics": as in the tokens file.
absl::string_view RoleName(Role role);

// Whether a token of role `held` may do what needs `needed`.
bool RoleAllows(Role held, Role needed);

class AccessControl {
 public:
  // No tokens: every caller is allowed (for loopback-only listeners).
  AccessControl() = default;

  // Reads a token file. kNotFound when missing; kInvalidArgument naming the
  // line for a malformed one (wrong field count, unknown role, a hash that
  // is not 64 hex digits, a name used twice).
  static absl::StatusOr<AccessControl> FromTokensFile(const std::string& path);
  static absl::StatusOr<AccessControl> FromTokensText(absl::string_view text);

  bool enabled() const { return enabled_; }

  // Checks an "authorization" value ("Bearer TOKEN"). Returns the token's
  // name; kUnauthenticated when missing or wrong, kPermissionDenied when
  // the token's role does not allow `needed` (RoleAllows). With no tokens
  // configured, returns "anonymous".
  absl::StatusOr<std::string> Authorize(absl::string_view authorization,
                                        Role needed) const;

 private:
  struct Token {
    std::string name;
    Role role;
    std::string sha256_hex;  // lower case
  };
  bool enabled_ = false;
  std::vector<Token> tokens_;
};

// The "authorization" metadata of a gRPC call ("" when absent).
absl::string_view AuthorizationMetadata(const grpc::ServerContextBase& context);

// The lower-case hex SHA-256 of `text`.
std::string Sha256Hex(absl::string_view text);

}  // namespace dystonia

#endif  // DYSTONIA_SERVICE_SERVER_ACCESS_CONTROL_H_
