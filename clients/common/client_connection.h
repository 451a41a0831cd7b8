#ifndef DYSTONIA_CLIENTS_COMMON_CLIENT_CONNECTION_H_
#define DYSTONIA_CLIENTS_COMMON_CLIENT_CONNECTION_H_

// How the command-line clients (dystonia-check, dystonia-audit) reach a
// secured server: TLS with the server's CA, a client certificate for mutual
// TLS, and a bearer token sent as "authorization: Bearer TOKEN" metadata.
// The flags are the same in both clients and parsed here, once.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"

namespace dystonia {

struct ClientSecurityOptions {
  // PEM CA bundle of the server's certificate: TLS. Default: "" (plaintext).
  std::string tls_ca;
  // PEM client certificate chain and key, for a server that requires
  // mutual TLS; need tls_ca. Default: "" (no client certificate).
  std::string tls_cert;
  std::string tls_key;
  // A file holding the bearer token (surrounding whitespace ignored).
  // Default: "" (the DYSTONIA_TOKEN environment variable, else no token).
  std::string token_file;
};

// True when `flag` (without "--") is tls_ca, tls_cert, tls_key or
// token_file.
bool IsClientSecurityFlag(absl::string_view flag);

// If IsClientSecurityFlag(flag), stores `value` in `options` and returns
// true; otherwise false.
bool ConsumeClientSecurityFlag(absl::string_view flag, const std::string& value,
                               ClientSecurityOptions* options);

// Usage lines for those flags.
const char* ClientSecurityUsage();

// A channel to the server and the token each call carries.
class ClientConnection {
 public:
  // Reads the files `options` names and opens a channel to `server`.
  // `environment_token` is DYSTONIA_TOKEN's value (nullptr when unset), used
  // when there is no token_file. Returns kInvalidArgument naming the flag for
  // tls_cert without tls_key (or the reverse), either without tls_ca, or an
  // empty token; kNotFound naming the flag for a file that cannot be read.
  static absl::StatusOr<ClientConnection> Open(
      const std::string& server, const ClientSecurityOptions& options,
      const char* environment_token);

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  bool has_token() const { return !token_.empty(); }

  // Adds the bearer token to a call's metadata (nothing without a token).
  void Authorize(grpc::ClientContext* context) const;

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::string token_;
};

}  // namespace dystonia

#endif  // DYSTONIA_CLIENTS_COMMON_CLIENT_CONNECTION_H_
