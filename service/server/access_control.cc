#include "service/server/access_control.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "drug_db/file_text.h"

namespace dystonia {

std::string Sha256Hex(absl::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i)
    absl::StrAppendFormat(&hex, "%02x", digest[i]);
  return hex;
}

absl::string_view AuthorizationMetadata(
    const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  return it == metadata.end()
             ? absl::string_view()
             : absl::string_view(it->second.data(), it->second.size());
}

absl::StatusOr<AccessControl> AccessControl::FromTokensFile(
    const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileText(path);
  if (!text.ok()) {
    return absl::NotFoundError(
        absl::StrCat("the token file ", text.status().message()));
  }
  absl::StatusOr<AccessControl> control = FromTokensText(*text);
  if (!control.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ":", control.status().message()));
  }
  return control;
}

absl::StatusOr<AccessControl> AccessControl::FromTokensText(
    absl::string_view text) {
  AccessControl control;
  control.enabled_ = true;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || absl::StartsWith(line, "#")) continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    auto bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat(line_number, ": ", why));
    };
    if (fields.size() != 3)
      return bad("expected NAME ROLE SHA256_HEX_OF_TOKEN");
    Token token;
    token.name = std::string(fields[0]);
    if (fields[1] == "reader") {
      token.role = Role::kReader;
    } else if (fields[1] == "replica") {
      token.role = Role::kReplica;
    } else if (fields[1] == "admin") {
      token.role = Role::kAdmin;
    } else if (fields[1] == "metrics") {
      token.role = Role::kMetrics;
    } else {
      return bad(absl::StrCat("role '", fields[1],
                              "' is not reader, replica, admin or metrics"));
    }
    token.sha256_hex = absl::AsciiStrToLower(fields[2]);
    if (token.sha256_hex.size() != 64 ||
        token.sha256_hex.find_first_not_of("0123456789abcdef") !=
            std::string::npos) {
      return bad(
          "the hash is not 64 hex digits (the SHA-256 of the token, never the "
          "token)");
    }
    for (const Token& other : control.tokens_) {
      if (other.name == token.name)
        return bad(absl::StrCat("name '", token.name, "' twice"));
    }
    control.tokens_.push_back(std::move(token));
  }
  if (control.tokens_.empty()) {
    return absl::InvalidArgumentError("0: the token file holds no token");
  }
  return control;
}

absl::string_view RoleName(Role role) {
  switch (role) {
    case Role::kReader:
      return "reader";
    case Role::kReplica:
      return "replica";
    case Role::kAdmin:
      return "admin";
    case Role::kMetrics:
      return "metrics";
  }
  return "reader";
}

bool RoleAllows(Role held, Role needed) {
  // A metrics token is for a scraper: it reads /metrics and nothing else.
  if (held == Role::kMetrics) return needed == Role::kMetrics;
  if (needed == Role::kMetrics) return held == Role::kAdmin;
  return static_cast<int>(held) >= static_cast<int>(needed);
}

absl::StatusOr<std::string> AccessControl::Authorize(
    absl::string_view authorization, Role needed) const {
  if (!enabled_) return std::string("anonymous");
  absl::string_view value = absl::StripAsciiWhitespace(authorization);
  if (!absl::ConsumePrefix(&value, "Bearer ") &&
      !absl::ConsumePrefix(&value, "bearer ")) {
    return absl::UnauthenticatedError(
        "authorization: send 'authorization: Bearer TOKEN' (metadata or "
        "header)");
  }
  const std::string hash = Sha256Hex(absl::StripAsciiWhitespace(value));
  for (const Token& token : tokens_) {
    // Constant time, so a caller learns nothing from how long a wrong guess
    // took.
    if (CRYPTO_memcmp(hash.data(), token.sha256_hex.data(), hash.size()) != 0)
      continue;
    if (!RoleAllows(token.role, needed)) {
      return absl::PermissionDeniedError(
          absl::StrCat("token '", token.name, "' is a ", RoleName(token.role),
                       " token; this needs a ", RoleName(needed),
                       needed == Role::kMetrics ? " or admin" : "", " token"));
    }
    return token.name;
  }
  return absl::UnauthenticatedError("authorization: the token is not known");
}

}  // namespace dystonia
