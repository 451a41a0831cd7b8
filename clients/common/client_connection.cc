#include "clients/common/client_connection.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "drug_db/file_text.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace dystonia {
namespace {

absl::StatusOr<std::string> ReadFlagFile(absl::string_view flag,
                                         const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileText(path);
  if (!text.ok()) {
    return absl::NotFoundError(
        absl::StrCat("--", flag, ": ", text.status().message()));
  }
  return text;
}

}  // namespace

bool IsClientSecurityFlag(absl::string_view flag) {
  return flag == "tls_ca" || flag == "tls_cert" || flag == "tls_key" ||
         flag == "token_file";
}

bool ConsumeClientSecurityFlag(absl::string_view flag, const std::string& value,
                               ClientSecurityOptions* options) {
  if (flag == "tls_ca") {
    options->tls_ca = value;
  } else if (flag == "tls_cert") {
    options->tls_cert = value;
  } else if (flag == "tls_key") {
    options->tls_key = value;
  } else if (flag == "token_file") {
    options->token_file = value;
  } else {
    return false;
  }
  return true;
}

const char* ClientSecurityUsage() {
  return "         [--tls_ca PEM] [--tls_cert PEM --tls_key PEM] "
         "[--token_file FILE]\n"
         "--tls_ca: TLS, trusting that CA; --tls_cert/--tls_key: a client "
         "certificate\n(mutual TLS); --token_file: the bearer token "
         "(default: $DYSTONIA_TOKEN).\n";
}

absl::StatusOr<ClientConnection> ClientConnection::Open(
    const std::string& server, const ClientSecurityOptions& options,
    const char* environment_token) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(options.tls_cert.empty() ? "--tls_key" : "--tls_cert",
                     ": --tls_cert and --tls_key go together"));
  }
  if (!options.tls_cert.empty() && options.tls_ca.empty()) {
    return absl::InvalidArgumentError(
        "--tls_cert: a client certificate needs TLS (--tls_ca)");
  }
  ClientConnection connection;
  if (!options.token_file.empty()) {
    auto token = ReadFlagFile("token_file", options.token_file);
    if (!token.ok()) return token.status();
    connection.token_ = std::string(absl::StripAsciiWhitespace(*token));
    if (connection.token_.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--token_file: ", options.token_file, " is empty"));
    }
  } else if (environment_token != nullptr) {
    connection.token_ =
        std::string(absl::StripAsciiWhitespace(environment_token));
    if (connection.token_.empty()) {
      return absl::InvalidArgumentError("DYSTONIA_TOKEN is set but empty");
    }
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (!options.tls_ca.empty()) {
    grpc::SslCredentialsOptions ssl;
    auto ca = ReadFlagFile("tls_ca", options.tls_ca);
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *std::move(ca);
    if (!options.tls_cert.empty()) {
      auto cert = ReadFlagFile("tls_cert", options.tls_cert);
      if (!cert.ok()) return cert.status();
      auto key = ReadFlagFile("tls_key", options.tls_key);
      if (!key.ok()) return key.status();
      ssl.pem_cert_chain = *std::move(cert);
      ssl.pem_private_key = *std::move(key);
    }
    credentials = grpc::SslCredentials(ssl);
  }
  connection.channel_ = grpc::CreateChannel(server, credentials);
  return connection;
}

void ClientConnection::Authorize(grpc::ClientContext* context) const {
  if (!token_.empty()) {
    context->AddMetadata("authorization", absl::StrCat("Bearer ", token_));
  }
}

}  // namespace dystonia
